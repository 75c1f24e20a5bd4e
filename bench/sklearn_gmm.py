#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# sklearn_gmm.py: times scikit-learn's GaussianMixture.score_samples (single thread) on the shapes of
# bench/gmm.cpp, and its EM fit of 10,000 x 16 (K = 8, full); runs the C++ benchmark runner on the same shapes in
# the same script and prints samples/s side by side with the ratios (edgekern / scikit-learn, edgekern / Armadillo).
#
# Times are CPU times (process_time here, Google Benchmark cpu_time there) so a busy machine skews neither side.
# Usage: /usr/bin/python3 bench/sklearn_gmm.py [path/to/edgekern_bench] [--quick]
#   (default runner: build/host/bench/edgekern_bench; build it with the host preset)
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy/scipy load their BLAS
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import json
import subprocess
import sys
import time

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

TYPES = ["full", "tied", "diag", "spherical"]
DIMS = [8, 16, 64]
COMPS = [1, 4, 16]
N_SCORE = 4096


def random_gmm(ctype, k, d, rng):
    """A fitted-looking GaussianMixture with random parameters (scoring speed does not depend on the values)."""
    gm = GaussianMixture(n_components=k, covariance_type=ctype)
    gm.weights_ = np.full(k, 1.0 / k)
    gm.means_ = rng.uniform(-4, 4, size=(k, d))
    blocks = 1 if ctype == "tied" else k
    covs = []
    for _ in range(blocks):
        if ctype in ("full", "tied"):
            a = rng.uniform(-1, 1, size=(d, d))
            covs.append(np.eye(d) + a @ a.T / d)
        elif ctype == "diag":
            covs.append(rng.uniform(0.5, 1.5, size=d))
        else:
            covs.append(rng.uniform(0.5, 1.5))
    gm.covariances_ = covs[0] if ctype == "tied" else np.array(covs)
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

    gm.precisions_cholesky_ = _compute_precision_cholesky(gm.covariances_, ctype)
    return gm


def best_time(fn, repeat=5, min_time=0.05):
    best = float("inf")
    for _ in range(repeat):
        n = 0
        t0 = time.process_time()
        while True:
            fn()
            n += 1
            t = time.process_time() - t0
            if t >= min_time:
                break
        best = min(best, t / n)
    return best


def em_data():
    """Same recipe as em_data() in bench/gmm.cpp (splitmix64 seed 7, Irwin-Hall noise)."""
    mask = (1 << 64) - 1
    state = 7

    def nxt():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    def uni():
        return (nxt() >> 11) * (1.0 / 9007199254740992.0)

    n, d, k = 10000, 16, 8
    centres = np.array([uni() * 20.0 - 10.0 for _ in range(k * d)], dtype=np.float32).reshape(k, d)
    x = np.empty((n, d), dtype=np.float32)
    for s in range(n):
        for i in range(d):
            g = -6.0
            for _ in range(12):
                g += uni()
            x[s, i] = centres[s % k, i] + np.float32(g)
    return x


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    runner = args[0] if args else "build/host/bench/edgekern_bench"
    rng = np.random.default_rng(0)
    sk = {}
    for ctype in TYPES:
        for d in DIMS:
            for k in COMPS:
                gm = random_gmm(ctype, k, d, rng)
                x = rng.uniform(-4, 4, size=(N_SCORE, d)).astype(np.float32)
                t = best_time(lambda: gm.score_samples(x), repeat=3 if quick else 5)
                sk["%s_d%d_k%d" % (ctype, d, k)] = N_SCORE / t
    x_em = em_data()
    t0 = time.process_time()
    gm = GaussianMixture(n_components=8, covariance_type="full", random_state=0).fit(x_em)
    sk_em = time.process_time() - t0
    sk_em_iter = gm.n_iter_

    cmd = [runner, "--benchmark_filter=gmm_", "--benchmark_format=json",
           "--benchmark_min_time=%s" % ("0.02" if quick else "0.1")]
    res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    ours = {}
    for b in res["benchmarks"]:
        ours[b["name"]] = b
    print("scikit-learn %s, numpy %s, single thread; runner %s (%s)" % (
        sklearn.__version__, np.__version__, runner, res["context"].get("edgekern_arch", "")))
    arch = None
    for name in ours:
        if name.startswith("gmm_log_likelihood/f32_f32_f32/") and "/scalar/" not in name and "/armadillo/" not in name:
            arch = name.split("/")[2]
            break
    hdr = "%-18s %12s %12s %12s %12s %12s %12s %9s %9s" % (
        "shape", "sklearn/s", "f32/s", "s16/s", "s8/s", "fx16/s", "armadillo/s", "f32/skl", "f32/arma")
    print(hdr)
    print("-" * len(hdr))
    worst = None
    for ctype in TYPES:
        for d in DIMS:
            for k in COMPS:
                shape = "%s_d%d_k%d" % (ctype, d, k)

                def rate(kernel, types, a):
                    b = ours.get("%s/%s/%s/%s" % (kernel, types, a, shape))
                    return b["items_per_second"] if b else float("nan")

                f32 = rate("gmm_log_likelihood", "f32_f32_f32", arch)
                s16 = rate("gmm_log_likelihood", "s16_f32_f32", arch)
                s8 = rate("gmm_log_likelihood", "s8_f32_f32", arch)
                fx = rate("gmm_log_likelihood_fixed", "s16_s32_s32", arch)
                arma = rate("gmm_log_likelihood", "f32_f32_f32", "armadillo")
                ratio = f32 / sk[shape]
                worst = ratio if worst is None else min(worst, ratio)
                print("%-18s %12.3g %12.3g %12.3g %12.3g %12.3g %12.3g %9.1f %9s" % (
                    shape, sk[shape], f32, s16, s8, fx, arma, ratio,
                    "%.1f" % (f32 / arma) if arma == arma else "-"))
    print("worst f32 / scikit-learn ratio: %.1fx" % worst)
    print()
    print("EM fit, 10,000 x 16, K = 8, full (k-means init, tol 1e-3):")
    print("  scikit-learn   %8.1f ms  (%d iterations)" % (sk_em * 1e3, sk_em_iter))
    for name, b in ours.items():
        if name.startswith("gmm_em_fit/"):
            t_ms = b["cpu_time"] if b.get("time_unit") == "ms" else b["cpu_time"] / 1e6
            extra = "(%d iterations)" % b["em_iters"] if "em_iters" in b else ""
            print("  %-60s %8.1f ms  %s" % (name, t_ms, extra))


if __name__ == "__main__":
    main()
