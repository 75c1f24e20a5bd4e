#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# export_gmm.py: export a fitted scikit-learn GaussianMixture to a C++ header of constexpr arrays and a constexpr
# edgekern::gmm_model_view (the model can then live in flash), plus a few self-check samples with scikit-learn's
# score_samples for them.
#
# Usage:
#   /usr/bin/python3 tools/export_gmm.py MODEL.joblib OUT.hpp [--namespace NAME] [--check N] [--check-data X.npy]
#       MODEL.joblib: a fitted GaussianMixture saved with joblib.dump (any covariance_type)
#   /usr/bin/python3 tools/export_gmm.py --demo OUT.hpp [--namespace NAME]
#       fits a small full-covariance demo model (seeded, deterministic) and exports it
#   --fixed-int16 SCALE:ZERO_POINT (or --fixed-int8 SCALE:ZERO_POINT) also emits the fixed-point model for inputs
#       real = SCALE * (q - ZERO_POINT), computed exactly as edgekern::gmm_fixed_from_float does (same double
#       operations and rounding), so an FPU-less core never runs the preparation. --demo picks an int16 scale that
#       covers its self-check samples.
#
# Parameters are rounded to float32; the self-check scores are scikit-learn's float64 score_samples of the
# float32-rounded model on float32 samples, so the C++ side can compare within float tolerance (rtol 1e-5).
import argparse
import sys

import numpy as np
import sklearn

TYPE_ENUM = {"full": "full", "tied": "tied", "diag": "diag", "spherical": "spherical"}


def c_float(x):
    t = "%.9g" % x
    if "." not in t and "e" not in t and "n" not in t:
        t += ".0"
    return t + "f"


def arr_f(v, per_line=8):
    v = np.ravel(np.asarray(v, dtype=np.float32))
    items = [c_float(x) for x in v]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "{\n    " + ",\n    ".join(lines) + "}"


def arr_d(v, per_line=4):
    v = np.ravel(np.asarray(v, dtype=np.float64))
    items = ["%.17g" % x for x in v]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "{\n    " + ",\n    ".join(lines) + "}"


def rounded_parameters(gm):
    """float32-rounded (log weights, means, upper precision factors, log-determinants) in our layout."""
    ctype = gm.covariance_type
    k, d = gm.means_.shape
    log_w = np.log(gm.weights_).astype(np.float32)
    means = gm.means_.astype(np.float32)
    prec = np.asarray(gm.precisions_cholesky_, dtype=np.float64)
    if ctype == "full":
        prec = np.stack([np.triu(p) for p in prec])
    elif ctype == "tied":
        prec = np.triu(prec)
    prec = prec.astype(np.float32)
    p64 = prec.astype(np.float64)
    if ctype == "full":
        log_det = np.array([np.sum(np.log(np.diag(p))) for p in p64])
    elif ctype == "tied":
        log_det = np.full(k, np.sum(np.log(np.diag(p64))))
    elif ctype == "diag":
        log_det = np.sum(np.log(p64), axis=1)
    else:
        log_det = d * np.log(p64)
    return log_w, means, prec, log_det.astype(np.float32)


FACTOR_MAX = (1 << 23) - 1
MEAN_LIMIT = 1 << 23
LN_2PI = 1.83787706640934548


def fixed_parameters(ctype, k, d, log_w, means, prec, log_det, scale, zero_point, bits):
    """Mirror of edgekern::gmm_fixed_from_float (include/edgekern/kernels/gmm/fixed.hpp), operation for operation."""
    scale = float(np.float32(scale))  # the C++ side holds the scale as float
    frac = 23 - bits
    p = np.ravel(prec).astype(np.float64)
    n_blocks = 1 if ctype == "tied" else k
    block = p.size // n_blocks
    factors = np.zeros(p.size, dtype=np.int64)
    shifts = np.zeros(k, dtype=np.int64)
    for b in range(n_blocks):
        u = p[b * block : (b + 1) * block]
        max_abs = float(np.max(np.abs(u) * scale))
        if max_abs > FACTOR_MAX:
            raise SystemExit("scale %g cannot resolve this model (a factor block exceeds 2^23)" % scale)
        s, v = 0, max_abs
        while s < 62 and v * 2.0 <= FACTOR_MAX:
            v *= 2.0
            s += 1
        mul = scale * 2.0**s
        factors[b * block : (b + 1) * block] = np.clip(np.rint(u * mul), -FACTOR_MAX, FACTOR_MAX)
        if ctype == "tied":
            shifts[:] = s
        else:
            shifts[b] = s
    mq = np.rint((np.ravel(means).astype(np.float64) / scale + float(zero_point)) * 2.0**frac)
    means_q = np.clip(mq, -MEAN_LIMIT, MEAN_LIMIT).astype(np.int64)
    c = np.rint((log_w.astype(np.float64) + log_det.astype(np.float64) - 0.5 * d * LN_2PI) * 65536.0)
    consts = np.clip(c, -2147483648.0, 2147483647.0).astype(np.int64)
    return scale, means_q, factors, shifts, consts


def arr_i(v, per_line=10):
    items = ["%d" % x for x in np.ravel(v)]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "{\n    " + ",\n    ".join(lines) + "}"


def export(gm, out_path, namespace, check_x, source, fixed=None):
    from copy import deepcopy

    ctype = gm.covariance_type
    k, d = gm.means_.shape
    log_w, means, prec, log_det = rounded_parameters(gm)
    # scikit-learn's scores of exactly the exported (rounded) model
    ref = deepcopy(gm)
    ref.weights_ = np.exp(log_w.astype(np.float64))
    ref.means_ = means.astype(np.float64)
    ref.precisions_cholesky_ = prec.astype(np.float64)
    check_x = np.asarray(check_x, dtype=np.float32)
    score = ref.score_samples(check_x.astype(np.float64))
    s = []
    s.append("// SPDX-License-Identifier: Apache-2.0")
    s.append("// GENERATED by tools/export_gmm.py from %s (scikit-learn %s, numpy %s). Do not edit." % (
        source, sklearn.__version__, np.__version__))
    s.append("// GaussianMixture(covariance_type=%r, n_components=%d) over %d features, float32 parameters." % (
        ctype, k, d))
    s.append("#pragma once\n")
    s.append("#include <cstddef>\n#include <cstdint>\n")
    s.append('#include "edgekern/kernels/gmm/model.hpp"')
    if fixed:
        s.append('#include "edgekern/kernels/gmm/fixed.hpp"')
    s.append("")
    s.append("namespace %s {\n" % namespace)
    s.append("constexpr std::size_t n_components = %d;" % k)
    s.append("constexpr std::size_t n_features = %d;" % d)
    s.append("inline constexpr float log_weights[] = %s;" % arr_f(log_w))
    s.append("inline constexpr float means[] = %s;" % arr_f(means))
    s.append("inline constexpr float precisions_chol[] = %s;" % arr_f(prec))
    s.append("inline constexpr float log_det_chol[] = %s;" % arr_f(log_det))
    s.append("/// The model, ready for edgekern::gmm_validate (all arrays are constexpr: they can live in flash).")
    s.append("inline constexpr edgekern::gmm_model_view model{edgekern::gmm_covariance::%s, n_components, n_features,"
             % TYPE_ENUM[ctype])
    s.append("                                               log_weights, means, precisions_chol, log_det_chol};\n")
    s.append("/// Self-check: %d samples and scikit-learn's score_samples (float64) for them." % len(check_x))
    s.append("constexpr std::size_t n_check = %d;" % len(check_x))
    s.append("inline constexpr float check_x[] = %s;" % arr_f(check_x))
    s.append("inline constexpr double check_score[] = %s;\n" % arr_d(score))
    if fixed:
        bits, scale, zp = fixed
        scale, means_q, factors, shifts, consts = fixed_parameters(ctype, k, d, log_w, means, prec, log_det, scale, zp,
                                                                   bits)
        s.append("/// Fixed-point model for int%d inputs real = fixed_scale * (q - fixed_zero_point), identical to what" % bits)
        s.append("/// edgekern::gmm_fixed_from_float computes (validate with edgekern::gmm_validate_fixed).")
        s.append("constexpr float fixed_scale = %s;" % c_float(scale))
        s.append("constexpr std::int32_t fixed_zero_point = %d;" % zp)
        s.append("inline constexpr std::int32_t fixed_means[] = %s;" % arr_i(means_q))
        s.append("inline constexpr std::int32_t fixed_factors[] = %s;" % arr_i(factors))
        s.append("inline constexpr std::int8_t fixed_factor_shifts[] = %s;" % arr_i(shifts))
        s.append("inline constexpr std::int32_t fixed_log_consts[] = %s;" % arr_i(consts))
        s.append("inline constexpr edgekern::gmm_fixed_model_view fixed_model{")
        s.append("    edgekern::gmm_covariance::%s, n_components, n_features, edgekern::gmm_fixed_input::s%d," % (
            TYPE_ENUM[ctype], bits))
        s.append("    fixed_means, fixed_factors, fixed_factor_shifts, fixed_log_consts};\n")
    s.append("} // namespace %s" % namespace)
    with open(out_path, "w") as f:
        f.write("\n".join(s) + "\n")


def demo_model():
    from sklearn.mixture import GaussianMixture

    rng = np.random.default_rng(2026)
    d, k = 6, 3
    centres = rng.normal(0, 5, size=(k, d))
    x = np.concatenate([c + rng.normal(size=(300, d)) @ (np.eye(d) + 0.3 * rng.normal(size=(d, d))) for c in centres])
    gm = GaussianMixture(n_components=k, covariance_type="full", random_state=0).fit(x)
    check = np.concatenate([x[rng.choice(len(x), 6, replace=False)], rng.normal(0, 8, size=(2, d))])
    return gm, check


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("model", nargs="?", help="GaussianMixture saved with joblib.dump")
    ap.add_argument("out", help="output header")
    ap.add_argument("--namespace", default="gmm_model")
    ap.add_argument("--demo", action="store_true", help="fit and export the deterministic demo model")
    ap.add_argument("--check", type=int, default=8, help="number of self-check samples (drawn from the model)")
    ap.add_argument("--check-data", help=".npy file of samples to use as self-check inputs")
    ap.add_argument("--fixed-int16", metavar="SCALE:ZP", help="also export the int16 fixed-point model")
    ap.add_argument("--fixed-int8", metavar="SCALE:ZP", help="also export the int8 fixed-point model")
    a = ap.parse_args()
    fixed = None
    for bits, spec in ((16, a.fixed_int16), (8, a.fixed_int8)):
        if spec:
            sc, zp = spec.split(":") if ":" in spec else (spec, "0")
            fixed = (bits, float(sc), int(zp))
    if a.demo:
        gm, check = demo_model()
        if fixed is None:  # an int16 scale covering the self-check samples
            fixed = (16, float(np.float32(np.float32(np.max(np.abs(check))) * np.float32(1.01) / np.float32(32767))), 0)
        export(gm, a.out, a.namespace, check, "the --demo model (seeded fit)", fixed)
        return 0
    if not a.model:
        ap.error("MODEL.joblib is required unless --demo")
    import joblib

    gm = joblib.load(a.model)
    if a.check_data:
        check = np.load(a.check_data)
    else:
        check, _ = gm.sample(a.check)
    export(gm, a.out, a.namespace, check, a.model, fixed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
