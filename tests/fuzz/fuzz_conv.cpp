// SPDX-License-Identifier: Apache-2.0
// fuzz_conv.cpp: the convolution family under arbitrary shapes and parameters: conv2d (s8, s8 pre-packed, s16 with
// int64 and int32 bias, f32), depthwise_conv2d (s8, s16, f32), fully_connected (s8 with weights zero point, f32),
// avg/max pooling (s8, f32) and elementwise_add (s8, f32). Integer results are compared with the dumb oracles of
// tests/reference/conv_reference.hpp (differential fuzzing); float results of finite inputs must be finite and
// within the clamp; every error must leave the output untouched and the canaries around it intact.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/elementwise_add.hpp"
#include "edgekern/kernels/fully_connected.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "fuzz_support.hpp"
#include "reference/conv_reference.hpp"

namespace {

using namespace edgekern;
using edgekern_fuzz::guarded;
using edgekern_fuzz::reader;

constexpr std::size_t max_elems = 512; // every input / output buffer of one execution
constexpr std::size_t max_scratch = 8192;

int i32(reader& in, int lo, int hi) {
    return static_cast<int>(in.range(lo, hi));
}

/// Padding before an axis, computed here from the TFLite rules (independent of the library's helper).
int pad_before(int in_e, int k, int s, int d, padding_kind kind, int explicit_pad) {
    if (kind == padding_kind::explicit_pad) return explicit_pad;
    if (kind == padding_kind::valid) return 0;
    const int eff = (k - 1) * d + 1;
    const int out = (in_e + s - 1) / s;
    const int total = (out - 1) * s + eff - in_e;
    return total > 0 ? total / 2 : 0;
}

/// A multiplier that is valid most of the time, arbitrary otherwise.
std::int32_t multiplier(reader& in) {
    std::int32_t m = in.take<std::int32_t>();
    const unsigned sel = in.take<std::uint8_t>() % 8u;
    if (sel == 0) return m; // arbitrary (often invalid)
    if (sel == 1) return 0;
    if (m < 0) m = static_cast<std::int32_t>(static_cast<std::uint32_t>(m) & 0x7FFFFFFFu);
    return m | (1 << 30);
}

struct quant {
    std::int32_t mult[8];
    std::int32_t shift[8];
    std::size_t n;
};
quant quant_params(reader& in, int oc) {
    quant q{};
    const unsigned sel = in.take<std::uint8_t>() % 5u;
    q.n = sel == 0 ? 1u : (sel == 1 ? 0u : static_cast<std::size_t>(oc));
    if (sel == 4) q.n = static_cast<std::size_t>(i32(in, 0, 8));
    if (q.n > 8) q.n = 8;
    for (std::size_t i = 0; i < q.n; ++i) {
        q.mult[i] = multiplier(in);
        q.shift[i] = i32(in, -33, 32);
    }
    return q;
}

template <class T>
void fill(reader& in, T* p, std::size_t n) {
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    for (std::size_t i = 0; i < n; ++i) {
        if (mode == 0)
            p[i] = in.take<T>();
        else if (mode == 1)
            p[i] = std::numeric_limits<T>::min(); // extremes everywhere
        else if (mode == 2)
            p[i] = std::numeric_limits<T>::max();
        else
            p[i] = static_cast<T>(static_cast<long long>(i * 37u % 255u) - 128);
    }
}
void fill_f(reader& in, float* p, std::size_t n, bool& finite) {
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    for (std::size_t i = 0; i < n; ++i) {
        if (mode == 0) {
            p[i] = in.take<float>();
            if (!std::isfinite(p[i]) || std::fabs(p[i]) > 1e6f) p[i] = 1e6f; // bounded finite
        } else if (mode == 1) {
            p[i] = 1e-40f * static_cast<float>(i % 5u); // denormals
        } else if (mode == 2) {
            p[i] = in.take<float>(); // arbitrary, may be non-finite or huge
        } else {
            p[i] = static_cast<float>(static_cast<int>(i % 9u) - 4) * 0.25f;
        }
        if (!std::isfinite(p[i]) || std::fabs(p[i]) > 1e6f) finite = false;
    }
}

/// Geometry shared by conv, depthwise and pooling: small dims, output extent computed (sometimes perturbed).
struct fuzz_geom {
    int n, ih, iw, ic, oh, ow, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr;
    padding_kind kind;
};
fuzz_geom geometry(reader& in, bool dilation) {
    fuzz_geom g{};
    g.n = i32(in, 0, 2);
    g.ih = i32(in, 0, 7);
    g.iw = i32(in, 0, 7);
    g.ic = i32(in, 0, 6);
    g.kh = i32(in, 0, 4);
    g.kw = i32(in, 0, 4);
    g.sh = i32(in, 0, 3);
    g.sw = i32(in, 0, 3);
    g.dh = dilation ? i32(in, 0, 2) : 1;
    g.dw = dilation ? i32(in, 0, 2) : 1;
    g.kind = static_cast<padding_kind>(in.range(0, 2));
    g.pt = i32(in, -1, 3);
    g.pb = i32(in, -1, 3);
    g.pl = i32(in, -1, 3);
    g.pr = i32(in, -1, 3);
    g.oh = conv2d_output_extent(g.ih, g.kh, g.sh, g.dh, g.kind, g.pt, g.pb);
    g.ow = conv2d_output_extent(g.iw, g.kw, g.sw, g.dw, g.kind, g.pl, g.pr);
    const unsigned perturb = in.take<std::uint8_t>() % 16u;
    if (perturb == 1) g.oh += 1;
    if (perturb == 2) g.ow -= 1;
    return g;
}
conv2d_params conv_params(const fuzz_geom& f) {
    conv2d_params p;
    p.batch = f.n;
    p.in_h = f.ih;
    p.in_w = f.iw;
    p.in_c = f.ic;
    p.out_h = f.oh;
    p.out_w = f.ow;
    p.kernel_h = f.kh;
    p.kernel_w = f.kw;
    p.stride_h = f.sh;
    p.stride_w = f.sw;
    p.dilation_h = f.dh;
    p.dilation_w = f.dw;
    p.padding = f.kind;
    p.pad_top = f.pt;
    p.pad_bottom = f.pb;
    p.pad_left = f.pl;
    p.pad_right = f.pr;
    return p;
}
conv_ref::geom ref_geom(const fuzz_geom& f, int oc, int groups) {
    return conv_ref::geom{f.n,
                          f.ih,
                          f.iw,
                          f.ic,
                          f.oh,
                          f.ow,
                          oc,
                          f.kh,
                          f.kw,
                          f.sh,
                          f.sw,
                          f.dh,
                          f.dw,
                          pad_before(f.ih, f.kh, f.sh, f.dh, f.kind, f.pt),
                          pad_before(f.iw, f.kw, f.sw, f.dw, f.kind, f.pl),
                          groups};
}
std::size_t clamp_size(long long v) {
    return v < 0 ? 0 : (v > static_cast<long long>(max_elems) ? max_elems : static_cast<std::size_t>(v));
}
/// A buffer length near `need`: exact most of the time, short or empty sometimes.
std::size_t near(reader& in, long long need) {
    const unsigned sel = in.take<std::uint8_t>() % 8u;
    if (sel == 0) return 0;
    if (sel == 1) return clamp_size(need - 1);
    if (sel == 2) return clamp_size(need + 3);
    return clamp_size(need);
}
long long prod(long long a, long long b, long long c, long long d) {
    return a * b * c * d;
}
int clamp_lo(int act_min, int type_min) {
    return act_min < type_min ? type_min : act_min;
}
int clamp_hi(int act_max, int type_max) {
    return act_max > type_max ? type_max : act_max;
}
void activation(reader& in, std::int32_t& lo, std::int32_t& hi) {
    const unsigned sel = in.take<std::uint8_t>() % 4u;
    if (sel == 0) return; // defaults: no clamp
    lo = i32(in, -40000, 40000);
    hi = i32(in, -40000, 40000);
    if (sel == 1 && lo > hi) std::swap(lo, hi);
}

template <class T, std::size_t N>
void expect_untouched(const guarded<T, N>& out, status st) {
    EDGEKERN_FUZZ_CHECK(out.guards_intact());
    if (st != status::ok) EDGEKERN_FUZZ_CHECK(out.untouched());
}

// ---- conv2d s8 (plain and pre-packed) and depthwise s8, against the oracle -------------------------------------
void conv_s8(reader& in, bool depthwise, bool packed_path) {
    const fuzz_geom f = geometry(in, true);
    const int groups_sel = i32(in, 0, 3);
    const int dm = i32(in, 0, 3);
    int oc = depthwise ? f.ic * dm : i32(in, 0, 8);
    int groups = depthwise ? f.ic : (groups_sel == 0 ? 1 : groups_sel);
    conv2d_params p = conv_params(f);
    p.out_c = oc;
    p.groups = groups;
    p.input_zero_point = i32(in, -130, 130);
    p.output_zero_point = i32(in, -130, 130);
    activation(in, p.act_min, p.act_max);
    p.rounding = in.take<std::uint8_t>() & 1u ? rounding_mode::single_rounding : rounding_mode::double_rounding;
    const quant q = quant_params(in, oc);
    const int icg = groups > 0 && f.ic % groups == 0 ? f.ic / groups : f.ic;
    std::int8_t x[max_elems], w[max_elems];
    std::int32_t bias[8];
    const std::size_t nx = near(in, prod(f.n, f.ih, f.iw, f.ic));
    const std::size_t nw = near(in, depthwise ? prod(1, f.kh, f.kw, oc) : prod(oc, f.kh, f.kw, icg));
    const std::size_t nb =
        in.take<std::uint8_t>() % 4u == 0 ? 0u : (oc > 0 && oc <= 8 ? static_cast<std::size_t>(oc) : 1u);
    fill(in, x, nx);
    fill(in, w, nw);
    for (std::size_t i = 0; i < nb; ++i) bias[i] = in.take<std::int32_t>();
    const std::size_t no = near(in, prod(f.n, f.oh, f.ow, oc));
    guarded<std::int8_t, max_elems> out(no);
    status st;
    if (depthwise) {
        depthwise_conv2d_params d;
        d.batch = f.n;
        d.in_h = f.ih;
        d.in_w = f.iw;
        d.in_c = f.ic;
        d.out_h = f.oh;
        d.out_w = f.ow;
        d.depth_multiplier = dm;
        d.kernel_h = f.kh;
        d.kernel_w = f.kw;
        d.stride_h = f.sh;
        d.stride_w = f.sw;
        d.dilation_h = f.dh;
        d.dilation_w = f.dw;
        d.padding = f.kind;
        d.pad_top = f.pt;
        d.pad_bottom = f.pb;
        d.pad_left = f.pl;
        d.pad_right = f.pr;
        d.input_zero_point = p.input_zero_point;
        d.output_zero_point = p.output_zero_point;
        d.act_min = p.act_min;
        d.act_max = p.act_max;
        d.rounding = p.rounding;
        st = depthwise_conv2d(d, span<const std::int8_t>(x, nx), span<const std::int8_t>(w, nw),
                              span<const std::int32_t>(bias, nb), span<const std::int32_t>(q.mult, q.n),
                              span<const std::int32_t>(q.shift, q.n), span<std::int8_t>(out.data(), no));
    } else if (packed_path) {
        const std::size_t need = conv2d_packed_size(p);
        alignas(8) static std::byte packed[max_scratch * 4];
        alignas(8) static std::byte scratch[max_scratch];
        if (need > sizeof packed) return;
        const std::size_t np = need == 0 ? 0 : near(in, static_cast<long long>(need)) == 0 ? 0 : need;
        const status ps = conv2d_pack_weights(p, span<const std::int8_t>(w, nw), span<std::byte>(packed, np));
        if (ps != status::ok) return;
        const std::size_t ns = conv2d_packed_scratch_size(p);
        if (ns > max_scratch) return;
        st = conv2d_packed(p, span<const std::int8_t>(x, nx), span<const std::byte>(packed, np),
                           span<const std::int32_t>(bias, nb), span<const std::int32_t>(q.mult, q.n),
                           span<const std::int32_t>(q.shift, q.n), span<std::int8_t>(out.data(), no),
                           span<std::byte>(scratch, ns));
    } else {
        const std::size_t need = conv2d_scratch_size(p);
        if (need > max_scratch) return;
        static std::byte scratch[max_scratch];
        const std::size_t ns = in.take<std::uint8_t>() % 8u == 0 && need > 0 ? need - 1 : need;
        st = conv2d(p, span<const std::int8_t>(x, nx), span<const std::int8_t>(w, nw),
                    span<const std::int32_t>(bias, nb), span<const std::int32_t>(q.mult, q.n),
                    span<const std::int32_t>(q.shift, q.n), span<std::int8_t>(out.data(), no),
                    span<std::byte>(scratch, ns));
    }
    expect_untouched(out, st);
    if (st != status::ok) return;
    // ok: the call must have been valid; check against the oracle.
    EDGEKERN_FUZZ_CHECK(f.n >= 1 && f.ih >= 1 && f.iw >= 1 && f.ic >= 1 && oc >= 1);
    EDGEKERN_FUZZ_CHECK(p.input_zero_point >= -128 && p.input_zero_point <= 127);
    EDGEKERN_FUZZ_CHECK(p.output_zero_point >= -128 && p.output_zero_point <= 127);
    EDGEKERN_FUZZ_CHECK(p.act_min <= p.act_max);
    const conv_ref::geom g = ref_geom(f, oc, groups);
    const std::size_t count = static_cast<std::size_t>(prod(f.n, f.oh, f.ow, oc));
    EDGEKERN_FUZZ_CHECK(count <= no && count <= max_elems);
    static long long acc[max_elems];
    long long b64[8];
    for (std::size_t i = 0; i < nb; ++i) b64[i] = bias[i];
    // the library adds the bias with int32 wrap-around: reproduce that on the oracle's exact sum
    if (depthwise)
        conv_ref::depthwise_acc(g, dm, x, w, nb ? b64 : nullptr, -p.input_zero_point, acc);
    else
        conv_ref::conv_acc(g, x, w, nb ? b64 : nullptr, -p.input_zero_point, acc);
    for (std::size_t i = 0; i < count; ++i)
        acc[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<unsigned long long>(acc[i])));
    const int lo = clamp_lo(p.act_min, -128), hi = clamp_hi(p.act_max, 127);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t c = q.n == 1 ? 0 : i % static_cast<std::size_t>(oc);
        const std::int32_t r = conv_ref::mbqm(static_cast<std::int32_t>(acc[i]), q.mult[c], q.shift[c],
                                              p.rounding == rounding_mode::single_rounding);
        // Known divergence (docs/robustness.md): where the requantization saturates at INT32_MIN/INT32_MAX (a
        // positive shift with a huge accumulator, never produced by a real model) the library adds the output
        // zero point with int32 wrap-around, the spec (and this oracle) in exact arithmetic: skipped when r + zp leaves
        // int32 (the only case where the two differ).
        const long long rz = static_cast<long long>(r) + p.output_zero_point;
        if (rz < INT32_MIN || rz > INT32_MAX) continue;
        EDGEKERN_FUZZ_CHECK(out.data()[i] == conv_ref::clampi(r + p.output_zero_point, lo, hi));
    }
}

// ---- conv2d / depthwise s16 (int64 bias) -------------------------------------------------------------------------
void conv_s16(reader& in, bool depthwise, bool bias64) {
    const fuzz_geom f = geometry(in, true);
    const int dm = i32(in, 0, 2);
    const int oc = depthwise ? f.ic * dm : i32(in, 0, 6);
    conv2d_params p = conv_params(f);
    p.out_c = oc;
    p.input_zero_point = in.take<std::uint8_t>() % 8u == 0 ? 1 : 0;
    activation(in, p.act_min, p.act_max);
    const quant q = quant_params(in, oc);
    static std::int16_t x[max_elems];
    std::int8_t w[max_elems];
    std::int64_t b64[8];
    std::int32_t b32[8];
    const std::size_t nx = near(in, prod(f.n, f.ih, f.iw, f.ic));
    const std::size_t nw = near(in, depthwise ? prod(1, f.kh, f.kw, oc) : prod(oc, f.kh, f.kw, f.ic));
    const std::size_t nb =
        in.take<std::uint8_t>() % 4u == 0 ? 0u : (oc > 0 && oc <= 6 ? static_cast<std::size_t>(oc) : 1u);
    fill(in, x, nx);
    fill(in, w, nw);
    for (std::size_t i = 0; i < nb; ++i) {
        b64[i] = in.take<std::int32_t>() * std::int64_t{in.range(1, 4096)}; // |bias| < 2^44
        b32[i] = in.take<std::int32_t>() / 4;
    }
    const std::size_t no = near(in, prod(f.n, f.oh, f.ow, oc));
    guarded<std::int16_t, max_elems> out(no);
    status st;
    const span<const std::int32_t> m(q.mult, q.n), s(q.shift, q.n);
    if (depthwise) {
        depthwise_conv2d_params d;
        d.batch = f.n;
        d.in_h = f.ih;
        d.in_w = f.iw;
        d.in_c = f.ic;
        d.out_h = f.oh;
        d.out_w = f.ow;
        d.depth_multiplier = dm;
        d.kernel_h = f.kh;
        d.kernel_w = f.kw;
        d.stride_h = f.sh;
        d.stride_w = f.sw;
        d.dilation_h = f.dh;
        d.dilation_w = f.dw;
        d.padding = f.kind;
        d.pad_top = f.pt;
        d.pad_bottom = f.pb;
        d.pad_left = f.pl;
        d.pad_right = f.pr;
        d.input_zero_point = p.input_zero_point;
        d.act_min = p.act_min;
        d.act_max = p.act_max;
        st = bias64 ? depthwise_conv2d(d, span<const std::int16_t>(x, nx), span<const std::int8_t>(w, nw),
                                       span<const std::int64_t>(b64, nb), m, s, span<std::int16_t>(out.data(), no))
                    : depthwise_conv2d(d, span<const std::int16_t>(x, nx), span<const std::int8_t>(w, nw),
                                       span<const std::int32_t>(b32, nb), m, s, span<std::int16_t>(out.data(), no));
    } else {
        st = bias64 ? conv2d(p, span<const std::int16_t>(x, nx), span<const std::int8_t>(w, nw),
                             span<const std::int64_t>(b64, nb), m, s, span<std::int16_t>(out.data(), no))
                    : conv2d(p, span<const std::int16_t>(x, nx), span<const std::int8_t>(w, nw),
                             span<const std::int32_t>(b32, nb), m, s, span<std::int16_t>(out.data(), no));
    }
    expect_untouched(out, st);
    if (st != status::ok) return;
    EDGEKERN_FUZZ_CHECK(p.input_zero_point == 0);
    const conv_ref::geom g = ref_geom(f, oc, depthwise ? f.ic : 1);
    const std::size_t count = static_cast<std::size_t>(prod(f.n, f.oh, f.ow, oc));
    static long long acc[max_elems];
    long long bl[8];
    for (std::size_t i = 0; i < nb; ++i) bl[i] = bias64 ? b64[i] : b32[i];
    if (depthwise)
        conv_ref::depthwise_acc(g, dm, x, w, nb ? bl : nullptr, 0, acc);
    else
        conv_ref::conv_acc(g, x, w, nb ? bl : nullptr, 0, acc);
    const int lo = clamp_lo(p.act_min, -32768), hi = clamp_hi(p.act_max, 32767);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t c = q.n == 1 ? 0 : i % static_cast<std::size_t>(oc);
        std::int32_t v;
        if (bias64) {
            if (q.shift[c] > 14) continue; // the oracle's 16x8 formula is only defined for shift <= 14
            v = conv_ref::mbqm64(acc[i], q.mult[c], q.shift[c]);
        } else {
            const auto a =
                static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<unsigned long long>(acc[i])));
            v = conv_ref::mbqm(a, q.mult[c], q.shift[c], false);
        }
        EDGEKERN_FUZZ_CHECK(out.data()[i] == static_cast<std::int16_t>(conv_ref::clampi(v, lo, hi)));
    }
}

// ---- float conv2d / depthwise / fully connected -------------------------------------------------------------------
void conv_f32(reader& in, int which) {
    const fuzz_geom f = geometry(in, true);
    const int dm = i32(in, 0, 2);
    const int oc = which == 1 ? f.ic * dm : i32(in, 0, 6);
    conv2d_params p = conv_params(f);
    p.out_c = oc;
    const unsigned clamp_sel = in.take<std::uint8_t>() % 6u;
    if (clamp_sel == 1) p.float_min = 0.0f, p.float_max = 6.0f;
    if (clamp_sel == 2) p.float_min = 1.0f, p.float_max = -1.0f;
    if (clamp_sel == 3) p.float_min = std::nanf("");
    static float x[max_elems], w[max_elems];
    float bias[8];
    bool finite = true;
    const std::size_t nx = near(in, prod(f.n, f.ih, f.iw, f.ic));
    const std::size_t nw = near(in, which == 1 ? prod(1, f.kh, f.kw, oc) : prod(oc, f.kh, f.kw, f.ic));
    const std::size_t nb =
        in.take<std::uint8_t>() % 4u == 0 ? 0u : (oc > 0 && oc <= 6 ? static_cast<std::size_t>(oc) : 1u);
    fill_f(in, x, nx, finite);
    fill_f(in, w, nw, finite);
    fill_f(in, bias, nb, finite);
    const std::size_t no = near(in, prod(f.n, f.oh, f.ow, oc));
    guarded<float, max_elems> out(no);
    status st;
    if (which == 1) {
        depthwise_conv2d_params d;
        d.batch = f.n;
        d.in_h = f.ih;
        d.in_w = f.iw;
        d.in_c = f.ic;
        d.out_h = f.oh;
        d.out_w = f.ow;
        d.depth_multiplier = dm;
        d.kernel_h = f.kh;
        d.kernel_w = f.kw;
        d.stride_h = f.sh;
        d.stride_w = f.sw;
        d.dilation_h = f.dh;
        d.dilation_w = f.dw;
        d.padding = f.kind;
        d.pad_top = f.pt;
        d.pad_bottom = f.pb;
        d.pad_left = f.pl;
        d.pad_right = f.pr;
        d.float_min = p.float_min;
        d.float_max = p.float_max;
        st = depthwise_conv2d(d, span<const float>(x, nx), span<const float>(w, nw), span<const float>(bias, nb),
                              span<float>(out.data(), no));
    } else if (which == 2) {
        fully_connected_params fc;
        fc.batch = f.n;
        fc.in_features = f.ih * f.ic;
        fc.out_features = oc;
        fc.float_min = p.float_min;
        fc.float_max = p.float_max;
        st = fully_connected(fc, span<const float>(x, nx), span<const float>(w, nw), span<const float>(bias, nb),
                             span<float>(out.data(), no));
    } else {
        st = conv2d(p, span<const float>(x, nx), span<const float>(w, nw), span<const float>(bias, nb),
                    span<float>(out.data(), no));
    }
    expect_untouched(out, st);
    if (st != status::ok) return;
    EDGEKERN_FUZZ_CHECK(p.float_min <= p.float_max);
    // finite bounded inputs (|x|, |w| <= 1e6, at most 4*4*6 taps): the sums stay far below FLT_MAX.
    if (finite) {
        const std::size_t count = which == 2 ? static_cast<std::size_t>(f.n) * static_cast<std::size_t>(oc)
                                             : static_cast<std::size_t>(prod(f.n, f.oh, f.ow, oc));
        EDGEKERN_FUZZ_CHECK(count <= out.n);
        for (std::size_t i = 0; i < count; ++i) {
            const float v = out.data()[i];
            EDGEKERN_FUZZ_CHECK(std::isfinite(v) && v >= p.float_min && v <= p.float_max);
        }
    }
}

// ---- fully connected s8 with a weights zero point, against the oracle ---------------------------------------------
void fc_s8(reader& in) {
    fully_connected_params f;
    f.batch = i32(in, 0, 3);
    f.in_features = i32(in, 0, 40);
    f.out_features = i32(in, 0, 8);
    f.input_zero_point = i32(in, -130, 130);
    f.weights_zero_point = i32(in, -130, 130);
    f.output_zero_point = i32(in, -130, 130);
    activation(in, f.act_min, f.act_max);
    const quant q = quant_params(in, f.out_features);
    std::int8_t x[max_elems], w[max_elems];
    std::int32_t bias[8];
    const std::size_t nx = near(in, static_cast<long long>(f.batch) * f.in_features);
    const std::size_t nw = near(in, static_cast<long long>(f.out_features) * f.in_features);
    const std::size_t nb = in.take<std::uint8_t>() % 4u == 0 ? 0u : static_cast<std::size_t>(f.out_features);
    fill(in, x, nx);
    fill(in, w, nw);
    for (std::size_t i = 0; i < nb; ++i) bias[i] = in.take<std::int32_t>() / 2;
    const std::size_t no = near(in, static_cast<long long>(f.batch) * f.out_features);
    guarded<std::int8_t, max_elems> out(no);
    static std::byte scratch[max_scratch];
    const std::size_t ns = fully_connected_scratch_size(f);
    if (ns > max_scratch) return;
    const status st = fully_connected(f, span<const std::int8_t>(x, nx), span<const std::int8_t>(w, nw),
                                      span<const std::int32_t>(bias, nb), span<const std::int32_t>(q.mult, q.n),
                                      span<const std::int32_t>(q.shift, q.n), span<std::int8_t>(out.data(), no),
                                      span<std::byte>(scratch, ns));
    expect_untouched(out, st);
    if (st != status::ok) return;
    EDGEKERN_FUZZ_CHECK(f.weights_zero_point >= -128 && f.weights_zero_point <= 127);
    const int lo = clamp_lo(f.act_min, -128), hi = clamp_hi(f.act_max, 127);
    for (int b = 0; b < f.batch; ++b)
        for (int o = 0; o < f.out_features; ++o) {
            long long acc = nb ? bias[o] : 0;
            for (int c = 0; c < f.in_features; ++c)
                acc += (static_cast<long long>(w[o * f.in_features + c]) - f.weights_zero_point) *
                       (static_cast<long long>(x[b * f.in_features + c]) - f.input_zero_point);
            const std::size_t qi = q.n == 1 ? 0 : static_cast<std::size_t>(o);
            const auto a = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<unsigned long long>(acc)));
            const std::int32_t r =
                conv_ref::mbqm(a, q.mult[qi], q.shift[qi], f.rounding == rounding_mode::single_rounding);
            if (static_cast<long long>(r) + f.output_zero_point < INT32_MIN ||
                static_cast<long long>(r) + f.output_zero_point > INT32_MAX)
                continue; // known divergence, see conv_s8
            const long long v = static_cast<long long>(r) + f.output_zero_point;
            const int e = static_cast<int>(v < lo ? lo : (v > hi ? hi : v));
            EDGEKERN_FUZZ_CHECK(out.data()[b * f.out_features + o] == e);
        }
}

// ---- pooling s8 against the oracle, float pooling sanity -----------------------------------------------------------
void pool(reader& in, bool is_float) {
    const fuzz_geom f = geometry(in, false);
    pool2d_params p;
    p.batch = f.n;
    p.in_h = f.ih;
    p.in_w = f.iw;
    p.channels = f.ic;
    p.out_h = f.oh;
    p.out_w = f.ow;
    p.filter_h = f.kh;
    p.filter_w = f.kw;
    p.stride_h = f.sh;
    p.stride_w = f.sw;
    p.padding = f.kind;
    p.pad_top = f.pt;
    p.pad_bottom = f.pb;
    p.pad_left = f.pl;
    p.pad_right = f.pr;
    activation(in, p.act_min, p.act_max);
    const bool avg = in.take<std::uint8_t>() & 1u;
    const std::size_t nx = near(in, prod(f.n, f.ih, f.iw, f.ic));
    const std::size_t no = near(in, prod(f.n, f.oh, f.ow, f.ic));
    if (is_float) {
        static float x[max_elems];
        bool finite = true;
        fill_f(in, x, nx, finite);
        guarded<float, max_elems> out(no);
        const status st = avg ? avg_pool2d(p, span<const float>(x, nx), span<float>(out.data(), no))
                              : max_pool2d(p, span<const float>(x, nx), span<float>(out.data(), no));
        expect_untouched(out, st);
        if (st == status::ok && finite) {
            const std::size_t count = static_cast<std::size_t>(prod(f.n, f.oh, f.ow, f.ic));
            for (std::size_t i = 0; i < count; ++i) EDGEKERN_FUZZ_CHECK(std::isfinite(out.data()[i]));
        }
        return;
    }
    std::int8_t x[max_elems];
    fill(in, x, nx);
    guarded<std::int8_t, max_elems> out(no);
    const status st = avg ? avg_pool2d(p, span<const std::int8_t>(x, nx), span<std::int8_t>(out.data(), no))
                          : max_pool2d(p, span<const std::int8_t>(x, nx), span<std::int8_t>(out.data(), no));
    expect_untouched(out, st);
    if (st != status::ok) return;
    const conv_ref::geom g = ref_geom(f, f.ic, 1);
    const std::size_t count = static_cast<std::size_t>(prod(f.n, f.oh, f.ow, f.ic));
    static std::int8_t expect[max_elems];
    if (avg)
        conv_ref::avg_pool_s8(g, x, clamp_lo(p.act_min, -128), clamp_hi(p.act_max, 127), expect);
    else
        conv_ref::max_pool_s8(g, x, clamp_lo(p.act_min, -128), clamp_hi(p.act_max, 127), expect);
    EDGEKERN_FUZZ_CHECK(std::memcmp(expect, out.data(), count) == 0);
}

// ---- elementwise add s8 against the oracle (incl. in place), float sanity ----------------------------------------
void add(reader& in, bool is_float) {
    elementwise_add_params p;
    p.input1_zero_point = i32(in, -130, 130);
    p.input2_zero_point = i32(in, -130, 130);
    p.output_zero_point = i32(in, -130, 130);
    p.left_shift = i32(in, -1, 21);
    p.input1_multiplier = multiplier(in);
    p.input1_shift = i32(in, -32, 1);
    p.input2_multiplier = multiplier(in);
    p.input2_shift = i32(in, -32, 1);
    p.output_multiplier = multiplier(in);
    p.output_shift = i32(in, -32, 31);
    activation(in, p.act_min, p.act_max);
    p.rounding = in.take<std::uint8_t>() & 1u ? rounding_mode::single_rounding : rounding_mode::double_rounding;
    const std::size_t n1 = static_cast<std::size_t>(in.range(0, 64));
    const std::size_t n2 = in.take<std::uint8_t>() % 8u == 0 ? n1 + 1 : n1;
    const unsigned place = in.take<std::uint8_t>() % 4u; // 0, 3: separate, 1: out == in1, 2: partial overlap
    if (is_float) {
        static float buf[3 * 64 + 8];
        bool finite = true;
        fill_f(in, buf, n1, finite);
        fill_f(in, buf + 64, n2, finite);
        guarded<float, 72> out(place == 1 || place == 2 ? 0 : n1);
        float* o = place == 1 ? buf : (place == 2 ? buf + 1 : out.data());
        float before[72];
        std::memcpy(before, buf, sizeof before);
        const status st = elementwise_add(p, span<const float>(buf, n1), span<const float>(buf + 64, n2),
                                          span<float>(o, place == 1 || place == 2 ? n1 : out.n));
        expect_untouched(out, st);
        if (st != status::ok) EDGEKERN_FUZZ_CHECK(std::memcmp(before, buf, sizeof before) == 0);
        if (st == status::ok) EDGEKERN_FUZZ_CHECK(place != 2 || n1 <= 1);
        return;
    }
    std::int8_t buf[3 * 64];
    fill(in, buf, n1);
    fill(in, buf + 64, n2);
    std::int8_t x1[64], x2[64];
    std::memcpy(x1, buf, 64);
    std::memcpy(x2, buf + 64, 64);
    const std::size_t no = place == 0 ? near(in, static_cast<long long>(n1)) : n1;
    guarded<std::int8_t, 64> out(no);
    std::int8_t* o = place == 1 ? buf : (place == 2 ? buf + 1 : out.data());
    std::int8_t before[3 * 64];
    std::memcpy(before, buf, sizeof before);
    const status st = elementwise_add(p, span<const std::int8_t>(buf, n1), span<const std::int8_t>(buf + 64, n2),
                                      span<std::int8_t>(o, no));
    expect_untouched(out, st);
    if (st != status::ok) {
        EDGEKERN_FUZZ_CHECK(std::memcmp(before, buf, sizeof before) == 0);
        return;
    }
    EDGEKERN_FUZZ_CHECK(place != 2 || n1 <= 1);
    for (std::size_t i = 0; i < n1; ++i)
        EDGEKERN_FUZZ_CHECK(
            o[i] == conv_ref::add_s8(x1[i], x2[i], p.input1_zero_point, p.input2_zero_point, p.output_zero_point,
                                     p.left_shift, p.input1_multiplier, p.input1_shift, p.input2_multiplier,
                                     p.input2_shift, p.output_multiplier, p.output_shift, clamp_lo(p.act_min, -128),
                                     clamp_hi(p.act_max, 127), p.rounding == rounding_mode::single_rounding));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    reader in(data, size);
    switch (in.take<std::uint8_t>() % 14u) {
    case 0:
        conv_s8(in, false, false);
        break;
    case 1:
        conv_s8(in, false, true);
        break;
    case 2:
        conv_s8(in, true, false);
        break;
    case 3:
        conv_s16(in, false, true);
        break;
    case 4:
        conv_s16(in, false, false);
        break;
    case 5:
        conv_s16(in, true, true);
        break;
    case 6:
        conv_s16(in, true, false);
        break;
    case 7:
        conv_f32(in, 0);
        break;
    case 8:
        conv_f32(in, 1);
        break;
    case 9:
        conv_f32(in, 2);
        break;
    case 10:
        fc_s8(in);
        break;
    case 11:
        pool(in, in.take<std::uint8_t>() & 1u);
        break;
    case 12:
        add(in, false);
        break;
    default:
        add(in, true);
        break;
    }
    return 0;
}
