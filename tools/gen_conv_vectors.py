#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Golden vectors for the convolution family (tests/vectors/conv_*.hpp).

An independent numpy implementation of the TFLite / TFLite-Micro reference arithmetic (NUMERICS.md section 1):
int8 conv2d (grouped), depthwise_conv2d (depth multiplier), fully_connected (weights zero point),
average / max pooling and the int8 Add, with TFLite's double rounding (default) and TFLITE_SINGLE_ROUNDING.
Quantized multipliers come from real scales through TFLite's QuantizeMultiplier recipe (frexp, round, fix-up).
The geometry (SAME / VALID / explicit padding) is computed here with TFLite's formulas. Nothing here reads the
C++ library.

Usage: /usr/bin/python3 tools/gen_conv_vectors.py   (writes tests/vectors/conv_{conv2d,depthwise,fc,pool,add}.hpp)
"""
import math
import os
import sys

import numpy as np

SEED = 20261122
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "vectors")

# ---- TFLite reference arithmetic, elementwise over int64 numpy arrays -----------------------------------------------


def quantize_multiplier(real):
    """TFLite QuantizeMultiplier: real = m * 2^(shift - 31), m in [2^30, 2^31)."""
    if real == 0.0:
        return 0, 0
    q, e = math.frexp(real)
    m = int(round(q * (1 << 31)))  # q * 2^31 has < 53 bits: exact; ties cannot occur in practice
    if m == (1 << 31):
        m //= 2
        e += 1
    if e < -31:
        m, e = 0, 0
    return m, e


def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul on int64 arrays holding int32 values (b > 0 here)."""
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    q = np.where(s >= 0, s // (1 << 31), -((-s) // (1 << 31)))  # truncating division
    return np.where((a == -(1 << 31)) & (b == -(1 << 31)), (1 << 31) - 1, q)


def rounding_divide_by_pot(x, e):
    mask = (np.int64(1) << e) - 1
    rem = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + (rem > threshold)


def sat32(v):
    return np.clip(v, -(1 << 31), (1 << 31) - 1)


def mbqm(acc, m, shift, single):
    """MultiplyByQuantizedMultiplier (int32 accumulator), per-element m and shift arrays."""
    acc = np.asarray(acc, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    if single:
        total = 31 - shift
        return sat32((acc * m + (np.int64(1) << (total - 1))) >> total)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    return rounding_divide_by_pot(srdhm(sat32(acc * (np.int64(1) << left)), m), right)


def out_size_pad(in_size, k, stride, dil, kind, pb=0, pa=0):
    eff = (k - 1) * dil + 1
    if kind == 0:  # valid
        return (in_size - eff) // stride + 1 if in_size >= eff else 0, 0
    if kind == 1:  # same
        out = (in_size + stride - 1) // stride
        total = max((out - 1) * stride + eff - in_size, 0)
        return out, total // 2
    span = in_size + pb + pa
    return ((span - eff) // stride + 1 if span >= eff else 0), pb


def conv_acc(x, w, bias, g, in_off, depthwise=False, dm=1):
    """x: [n,h,w,c] int64; w: OHWI (or [1,kh,kw,oc] depthwise). Returns int64 accumulators incl. bias."""
    n, ih, iw, ic = x.shape
    oh, ow, oc = g["oh"], g["ow"], g["oc"]
    out = np.zeros((n, oh, ow, oc), dtype=np.int64)
    # pad with the zero point (x + in_off == 0 there)
    pt, pl = g["pt"], g["pl"]
    kh, kw, sh, sw, dh, dw = g["kh"], g["kw"], g["sh"], g["sw"], g["dh"], g["dw"]
    hp = max(ih + pt, (oh - 1) * sh + (kh - 1) * dh + 1) + 1
    wp = max(iw + pl, (ow - 1) * sw + (kw - 1) * dw + 1) + 1
    xp = np.full((n, hp, wp, ic), -in_off, dtype=np.int64)
    xp[:, pt:pt + ih, pl:pl + iw, :] = x
    xo = xp + in_off
    groups = g.get("groups", 1)
    for ky in range(kh):
        for kx in range(kw):
            patch = xo[:, ky * dh: ky * dh + (oh - 1) * sh + 1: sh, kx * dw: kx * dw + (ow - 1) * sw + 1: sw, :]
            if depthwise:
                src = np.repeat(patch, dm, axis=3)  # out channel o reads input channel o // dm
                out += src * w[0, ky, kx, :][None, None, None, :]
            else:
                icg, ocg = ic // groups, oc // groups
                for gi in range(groups):
                    xs = patch[..., gi * icg:(gi + 1) * icg]
                    ws = w[gi * ocg:(gi + 1) * ocg, ky, kx, :]  # [ocg, icg]
                    out[..., gi * ocg:(gi + 1) * ocg] += np.einsum("nhwc,oc->nhwo", xs, ws)
    if bias is not None:
        out += bias[None, None, None, :]
    return out


def finish(acc, mult, shift, out_zp, lo, hi, single):
    oc = acc.shape[-1]
    m = np.broadcast_to(np.asarray(mult, dtype=np.int64), (oc,))
    s = np.broadcast_to(np.asarray(shift, dtype=np.int64), (oc,))
    q = mbqm(acc, m, s, single) + out_zp
    return np.clip(q, lo, hi).astype(np.int8)


# ---- C++ emission ------------------------------------------------------------------------------------------------


def carr(ctype, name, values):
    flat = [str(int(v)) for v in np.asarray(values).reshape(-1)]
    rows = [", ".join(flat[i:i + 20]) for i in range(0, len(flat), 20)]
    return f"inline constexpr {ctype} {name}[] = {{\n    " + ",\n    ".join(rows) + "};\n"


def header(fname, title, body):
    return (
        "// SPDX-License-Identifier: Apache-2.0\n"
        f"// {fname}: {title}\n"
        "// GENERATED by tools/gen_conv_vectors.py -- do not edit. An independent numpy implementation of the TFLite\n"
        "// reference arithmetic (NUMERICS.md section 1).\n"
        f"// seed {SEED}; python {sys.version.split()[0]}; numpy {np.__version__}\n"
        "#pragma once\n\n#include <cstdint>\n\nnamespace conv_vectors {\n\n" + body + "} // namespace conv_vectors\n"
    )


def rand_scales(rng, oc, per_channel, k):
    s_in = float(rng.uniform(0.01, 0.05))
    s_out = float(rng.uniform(0.05, 0.3)) * math.sqrt(k) / 4
    s_w = rng.uniform(0.002, 0.02, size=oc if per_channel else 1)
    ms = [quantize_multiplier(s_in * float(sw) / s_out) for sw in s_w]
    return [m for m, _ in ms], [e for _, e in ms]


CONV_FIELDS = ("batch in_h in_w in_c out_h out_w out_c kh kw sh sw dh dw pad_kind pad_top pad_bottom pad_left "
               "pad_right groups in_zp out_zp act_min act_max single nq").split()


def gen_conv(rng):
    specs = [
        # name, n, ih, iw, ic, oc, kh, kw, sh, sw, dh, dw, pad(kind, t, b, l, r), groups, options
        ("k1x5_same", 1, 4, 9, 3, 5, 1, 5, 1, 1, 1, 1, (1, 0, 0, 0, 0), 1, {}),
        ("k5x1_valid_single", 1, 9, 4, 5, 7, 5, 1, 1, 1, 1, 1, (0, 0, 0, 0, 0), 1, {"single": 1}),
        ("dil2_3x3_same", 1, 7, 7, 4, 3, 3, 3, 1, 1, 2, 2, (1, 0, 0, 0, 0), 1, {}),
        ("s2_explicit_pad", 1, 8, 7, 7, 11, 3, 3, 2, 2, 1, 1, (2, 1, 1, 1, 0), 1, {}),
        ("s2_same_lane15", 1, 5, 5, 15, 16, 2, 2, 2, 2, 1, 1, (1, 0, 0, 0, 0), 1, {"single": 1}),
        ("lane17_33_pointwise", 2, 3, 3, 17, 33, 1, 1, 1, 1, 1, 1, (0, 0, 0, 0, 0), 1, {}),
        ("lane31_pointwise_pt", 1, 4, 3, 31, 13, 1, 1, 1, 1, 1, 1, (0, 0, 0, 0, 0), 1, {"per_tensor": 1}),
        ("zp_min_clamp", 1, 4, 4, 13, 17, 2, 2, 1, 1, 1, 1, (1, 0, 0, 0, 0), 1, {"in_zp": -128, "out_zp": 127, "act": (-20, 60)}),
        ("zp_max", 1, 5, 4, 2, 65, 2, 2, 1, 1, 1, 1, (0, 0, 0, 0, 0), 1, {"in_zp": 127, "out_zp": -128, "single": 1}),
        ("grouped3", 2, 5, 5, 6, 9, 3, 3, 1, 2, 1, 1, (1, 0, 0, 0, 0), 3, {}),
        ("batch3_s2_dil", 3, 7, 6, 3, 4, 2, 3, 2, 1, 2, 1, (2, 0, 2, 1, 1), 1, {"single": 1}),
        ("lane63_k1x3", 1, 2, 4, 63, 5, 1, 3, 1, 1, 1, 1, (0, 0, 0, 0, 0), 1, {}),
    ]
    body = ""
    names = []
    for (name, n, ih, iw, ic, oc, kh, kw, sh, sw, dh, dw, pad, groups, opt) in specs:
        kind, t, b, l, r = pad
        oh, pt = out_size_pad(ih, kh, sh, dh, kind, t, b)
        ow, pl = out_size_pad(iw, kw, sw, dw, kind, l, r)
        assert oh > 0 and ow > 0, name
        in_zp = opt.get("in_zp", int(rng.integers(-128, 128)))
        out_zp = opt.get("out_zp", int(rng.integers(-128, 128)))
        lo, hi = opt.get("act", (-128, 127))
        single = opt.get("single", 0)
        per_channel = not opt.get("per_tensor", 0)
        icg = ic // groups
        x = rng.integers(-128, 128, size=(n, ih, iw, ic)).astype(np.int64)
        w = rng.integers(-127, 128, size=(oc, kh, kw, icg)).astype(np.int64)
        bias = rng.integers(-3000, 3000, size=oc).astype(np.int64)
        mult, shift = rand_scales(rng, oc, per_channel, kh * kw * icg)
        g = dict(oh=oh, ow=ow, oc=oc, pt=pt, pl=pl, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh, dw=dw, groups=groups)
        acc = conv_acc(x, w, bias, g, -in_zp)
        y = finish(acc, mult, shift, out_zp, lo, hi, single)
        vals = dict(batch=n, in_h=ih, in_w=iw, in_c=ic, out_h=oh, out_w=ow, out_c=oc, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh,
                    dw=dw, pad_kind=kind, pad_top=t, pad_bottom=b, pad_left=l, pad_right=r, groups=groups, in_zp=in_zp,
                    out_zp=out_zp, act_min=lo, act_max=hi, single=single, nq=len(mult))
        body += carr("std::int8_t", f"conv_{name}_in", x) + carr("std::int8_t", f"conv_{name}_w", w)
        body += carr("std::int32_t", f"conv_{name}_bias", bias) + carr("std::int32_t", f"conv_{name}_mult", mult)
        body += carr("std::int32_t", f"conv_{name}_shift", shift) + carr("std::int8_t", f"conv_{name}_out", y)
        body += (f"inline constexpr conv_vector conv_{name}{{\"{name}\", " + ", ".join(str(vals[f]) for f in CONV_FIELDS)
                 + f", conv_{name}_in, conv_{name}_w, conv_{name}_bias, conv_{name}_mult, conv_{name}_shift, conv_{name}_out}};\n\n")
        names.append(f"conv_{name}")
    return body, names


def conv_struct():
    return ("struct conv_vector {\n    const char* name;\n    int " + ", ".join(CONV_FIELDS) + ";\n"
            "    const std::int8_t* input;\n    const std::int8_t* filter;\n    const std::int32_t* bias;\n"
            "    const std::int32_t* mult;\n    const std::int32_t* shift;\n    const std::int8_t* output;\n};\n\n")


def gen_depthwise(rng):
    specs = [
        ("dw3x3_same_c17", 1, 6, 6, 17, 1, 3, 3, 1, 1, 1, 1, (1, 0, 0, 0, 0), {}),
        ("dw3x3_s2_c16_single", 1, 7, 7, 16, 1, 3, 3, 2, 2, 1, 1, (1, 0, 0, 0, 0), {"single": 1}),
        ("dw_dm2_c5_dil", 2, 6, 5, 5, 2, 3, 2, 1, 1, 2, 1, (0, 0, 0, 0, 0), {}),
        ("dw_dm3_explicit", 1, 5, 5, 3, 3, 3, 3, 2, 1, 1, 1, (2, 1, 0, 2, 1), {"in_zp": -128, "out_zp": 127}),
        ("dw1x5_c33_clamp", 1, 3, 8, 33, 1, 1, 5, 1, 1, 1, 1, (1, 0, 0, 0, 0), {"act": (-10, 50), "single": 1}),
    ]
    body = ""
    names = []
    for (name, n, ih, iw, ic, dm, kh, kw, sh, sw, dh, dw, pad, opt) in specs:
        kind, t, b, l, r = pad
        oh, pt = out_size_pad(ih, kh, sh, dh, kind, t, b)
        ow, pl = out_size_pad(iw, kw, sw, dw, kind, l, r)
        oc = ic * dm
        in_zp = opt.get("in_zp", int(rng.integers(-128, 128)))
        out_zp = opt.get("out_zp", int(rng.integers(-128, 128)))
        lo, hi = opt.get("act", (-128, 127))
        single = opt.get("single", 0)
        x = rng.integers(-128, 128, size=(n, ih, iw, ic)).astype(np.int64)
        w = rng.integers(-127, 128, size=(1, kh, kw, oc)).astype(np.int64)
        bias = rng.integers(-3000, 3000, size=oc).astype(np.int64)
        mult, shift = rand_scales(rng, oc, True, kh * kw)
        g = dict(oh=oh, ow=ow, oc=oc, pt=pt, pl=pl, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh, dw=dw)
        acc = conv_acc(x, w, bias, g, -in_zp, depthwise=True, dm=dm)
        y = finish(acc, mult, shift, out_zp, lo, hi, single)
        vals = dict(batch=n, in_h=ih, in_w=iw, in_c=ic, out_h=oh, out_w=ow, out_c=oc, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh,
                    dw=dw, pad_kind=kind, pad_top=t, pad_bottom=b, pad_left=l, pad_right=r, groups=dm, in_zp=in_zp,
                    out_zp=out_zp, act_min=lo, act_max=hi, single=single, nq=len(mult))
        body += carr("std::int8_t", f"{name}_in", x) + carr("std::int8_t", f"{name}_w", w)
        body += carr("std::int32_t", f"{name}_bias", bias) + carr("std::int32_t", f"{name}_mult", mult)
        body += carr("std::int32_t", f"{name}_shift", shift) + carr("std::int8_t", f"{name}_out", y)
        body += (f"/// groups holds the depth multiplier.\ninline constexpr conv_vector {name}{{\"{name}\", "
                 + ", ".join(str(vals[f]) for f in CONV_FIELDS)
                 + f", {name}_in, {name}_w, {name}_bias, {name}_mult, {name}_shift, {name}_out}};\n\n")
        names.append(name)
    return body, names


def gen_fc(rng):
    specs = [  # name, batch, in, out, wzp, per_channel, single
        ("fc_64x16_pc", 1, 64, 16, 0, True, 0),
        ("fc_wzp_b3", 3, 37, 17, 5, False, 0),
        ("fc_wzp_neg_single", 2, 20, 9, -3, True, 1),
        ("fc_65x15_pt", 2, 65, 15, 0, False, 1),
    ]
    body = ("struct fc_vector {\n    const char* name;\n    int batch, in_features, out_features, in_zp, w_zp, out_zp, "
            "act_min, act_max, single, nq;\n    const std::int8_t* input;\n    const std::int8_t* weights;\n"
            "    const std::int32_t* bias;\n    const std::int32_t* mult;\n    const std::int32_t* shift;\n"
            "    const std::int8_t* output;\n};\n\n")
    names = []
    for (name, n, fin, fout, wzp, pc, single) in specs:
        in_zp = int(rng.integers(-20, 20))
        out_zp = int(rng.integers(-128, 128))
        x = rng.integers(-128, 128, size=(n, fin)).astype(np.int64)
        w = rng.integers(-127, 128, size=(fout, fin)).astype(np.int64)
        bias = rng.integers(-3000, 3000, size=fout).astype(np.int64)
        mult, shift = rand_scales(rng, fout, pc, fin)
        acc = (x - in_zp) @ (w - wzp).T + bias[None, :]
        y = finish(acc, mult, shift, out_zp, -128, 127, single)
        body += carr("std::int8_t", f"{name}_in", x) + carr("std::int8_t", f"{name}_w", w)
        body += carr("std::int32_t", f"{name}_bias", bias) + carr("std::int32_t", f"{name}_mult", mult)
        body += carr("std::int32_t", f"{name}_shift", shift) + carr("std::int8_t", f"{name}_out", y)
        body += (f"inline constexpr fc_vector {name}{{\"{name}\", {n}, {fin}, {fout}, {in_zp}, {wzp}, {out_zp}, -128, 127, "
                 f"{single}, {len(mult)}, {name}_in, {name}_w, {name}_bias, {name}_mult, {name}_shift, {name}_out}};\n\n")
        names.append(name)
    return body, names


def gen_pool(rng):
    specs = [  # name, n, ih, iw, c, fh, fw, sh, sw, kind, act
        ("pool3x3_s2_same_c17", 1, 7, 7, 17, 3, 3, 2, 2, 1, (-128, 127)),
        ("pool2x2_valid_b2", 2, 6, 5, 5, 2, 2, 2, 2, 0, (-100, 90)),
        ("pool1x3_same_c16", 1, 4, 6, 16, 1, 3, 1, 1, 1, (-128, 127)),
    ]
    body = ("struct pool_vector {\n    const char* name;\n    int batch, in_h, in_w, channels, out_h, out_w, fh, fw, sh, sw, "
            "pad_kind, act_min, act_max;\n    const std::int8_t* input;\n    const std::int8_t* avg;\n"
            "    const std::int8_t* max;\n};\n\n")
    names = []
    for (name, n, ih, iw, c, fh, fw, sh, sw, kind, act) in specs:
        oh, pt = out_size_pad(ih, fh, sh, 1, kind)
        ow, pl = out_size_pad(iw, fw, sw, 1, kind)
        x = rng.integers(-128, 128, size=(n, ih, iw, c)).astype(np.int64)
        avg = np.zeros((n, oh, ow, c), dtype=np.int64)
        mx = np.zeros((n, oh, ow, c), dtype=np.int64)
        for y in range(oh):
            for xo in range(ow):
                y0, x0 = y * sh - pt, xo * sw - pl
                ys, ye = max(y0, 0), min(y0 + fh, ih)
                xs, xe = max(x0, 0), min(x0 + fw, iw)
                win = x[:, ys:ye, xs:xe, :]
                cnt = (ye - ys) * (xe - xs)
                s = win.sum(axis=(1, 2))
                # TFLite: (sum > 0 ? sum + cnt/2 : sum - cnt/2) / cnt, C division truncating toward zero
                num = np.where(s > 0, s + cnt // 2, s - cnt // 2)
                avg[:, y, xo, :] = np.where(num >= 0, num // cnt, -((-num) // cnt))
                mx[:, y, xo, :] = win.max(axis=(1, 2))
        avg = np.clip(avg, act[0], act[1])
        mx = np.clip(mx, act[0], act[1])
        body += carr("std::int8_t", f"{name}_in", x) + carr("std::int8_t", f"{name}_avg", avg)
        body += carr("std::int8_t", f"{name}_max", mx)
        body += (f"inline constexpr pool_vector {name}{{\"{name}\", {n}, {ih}, {iw}, {c}, {oh}, {ow}, {fh}, {fw}, {sh}, {sw}, "
                 f"{kind}, {act[0]}, {act[1]}, {name}_in, {name}_avg, {name}_max}};\n\n")
        names.append(name)
    return body, names


def gen_add(rng):
    body = ("struct add_vector {\n    const char* name;\n    int count, zp1, zp2, out_zp, left_shift, m1, s1, m2, s2, mo, so, "
            "act_min, act_max, single;\n    const std::int8_t* a;\n    const std::int8_t* b;\n    const std::int8_t* out;\n};\n\n")
    names = []
    for i, (single, act) in enumerate([(0, (-128, 127)), (1, (-128, 127)), (0, (-30, 100))]):
        s1, s2, so = (float(v) for v in rng.uniform(0.01, 0.1, size=3))
        zp1, zp2, zpo = (int(v) for v in rng.integers(-128, 128, size=3))
        if i == 2:
            zp1, zp2 = -128, 127
        twice = 2 * max(s1, s2)
        m1, e1 = quantize_multiplier(s1 / twice)
        m2, e2 = quantize_multiplier(s2 / twice)
        mo, eo = quantize_multiplier(twice / ((1 << 20) * so))
        cnt = 160
        a = rng.integers(-128, 128, size=cnt).astype(np.int64)
        b = rng.integers(-128, 128, size=cnt).astype(np.int64)
        sa = mbqm((a - zp1) * (1 << 20), m1, e1, single)
        sb = mbqm((b - zp2) * (1 << 20), m2, e2, single)
        y = np.clip(mbqm(sa + sb, mo, eo, single) + zpo, act[0], act[1])
        name = f"add_{i}"
        body += carr("std::int8_t", f"{name}_a", a) + carr("std::int8_t", f"{name}_b", b) + carr("std::int8_t", f"{name}_out", y)
        body += (f"inline constexpr add_vector {name}{{\"{name}\", {cnt}, {zp1}, {zp2}, {zpo}, 20, {m1}, {e1}, {m2}, {e2}, "
                 f"{mo}, {eo}, {act[0]}, {act[1]}, {single}, {name}_a, {name}_b, {name}_out}};\n\n")
        names.append(name)
    return body, names


def write(fname, title, body, names, type_name):
    body += f"inline constexpr const {type_name}* {fname.split('.')[0]}_all[] = {{" + ", ".join("&" + n for n in names) + "};\n\n"
    with open(os.path.join(OUT_DIR, fname), "w") as f:
        f.write(header(fname, title, body))


def main():
    rng = np.random.default_rng(SEED)
    body, names = gen_conv(rng)
    write("conv_conv2d.hpp", "golden int8 conv2d vectors (TFLite reference arithmetic).",
          "#ifndef CONV_VECTOR_STRUCT\n#define CONV_VECTOR_STRUCT\n" + conv_struct() + "#endif\n\n" + body, names, "conv_vector")
    body, names = gen_depthwise(rng)
    write("conv_depthwise.hpp", "golden int8 depthwise_conv2d vectors (TFLite reference arithmetic).",
          "#ifndef CONV_VECTOR_STRUCT\n#define CONV_VECTOR_STRUCT\n" + conv_struct() + "#endif\n\n" + body, names, "conv_vector")
    body, names = gen_fc(rng)
    write("conv_fc.hpp", "golden int8 fully_connected vectors (TFLite reference arithmetic).", body, names, "fc_vector")
    body, names = gen_pool(rng)
    write("conv_pool.hpp", "golden int8 average / max pooling vectors (TFLite reference arithmetic).", body, names, "pool_vector")
    body, names = gen_add(rng)
    write("conv_add.hpp", "golden int8 Add vectors (TFLite reference arithmetic).", body, names, "add_vector")


if __name__ == "__main__":
    main()
