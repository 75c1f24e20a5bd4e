#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# sklearn_omp.py: times scikit-learn's sparse_encode(algorithm="omp") on exactly the patches bench/omp.cpp codes
# (same deterministic image and dictionary, 8x8 patches, stride 8 and 4, mean removed, 64 atoms, sparsity 3), then
# runs the edgekern benchmark binary in the same run and prints the time ratio. One thread on both sides.
#
# Usage: /usr/bin/python3 bench/sklearn_omp.py [path/to/edgekern_bench] [--repeat N]
import json
import os
import subprocess
import sys
import time

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.decomposition import sparse_encode  # noqa: E402

W, H, P, K, S = 1280, 960, 8, 64, 3
GOLD = np.uint64(0x9E3779B97F4A7C15)


def splitmix_at(seed, i):
    """i-th output (0-based) of splitmix64 started at seed, vectorized (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + (i.astype(np.uint64) + np.uint64(1)) * GOLD
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def make_image(seed):
    y, x = np.mgrid[0:H, 0:W]
    base = np.where(((x // 32 + y // 24) & 1) == 1, 160, 90)
    noise = (splitmix_at(seed, np.arange(H * W)).reshape(H, W) >> np.uint64(58)).astype(np.int64) - 32
    return (base + noise).astype(np.uint8)


def make_dictionary(seed):
    d = (splitmix_at(seed, np.arange(K * P * P)) >> np.uint64(40)).astype(np.float64) / 16777216.0 - 0.5
    d = d.reshape(K, P * P)
    return (d / np.linalg.norm(d, axis=1, keepdims=True)).astype(np.float32)


def patches(img, stride):
    v = np.lib.stride_tricks.sliding_window_view(img, (P, P))[::stride, ::stride]
    x = v.reshape(-1, P * P).astype(np.float32) * np.float32(1.0 / 255.0)
    return x - x.mean(axis=1, keepdims=True)


def time_sklearn(x, d, repeat):
    """Best (CPU ms, wall ms) of `repeat` runs. CPU time (process_time) is what the ratio uses: on a shared machine
    wall time also counts time spent waiting for a core, on both sides."""
    best_cpu, best_wall = float("inf"), float("inf")
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        sparse_encode(x, d, algorithm="omp", n_nonzero_coefs=S)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - t0)
    return best_cpu * 1e3, best_wall * 1e3


def run_edgekern(binary):
    out = subprocess.run([binary, "--benchmark_filter=^omp/f32_f32_f32/", "--benchmark_format=json",
                          "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true"],
                         check=True, capture_output=True, text=True).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"]  # omp/f32_f32_f32/<arch>/<shape>
        unit = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        res[name] = (b["cpu_time"] * unit, b["real_time"] * unit)
    return res


def main():
    args = sys.argv[1:]
    repeat = 1
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    binary = args[0] if args else "build/host/bench/edgekern_bench"
    img, d = make_image(1), make_dictionary(2)
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, one thread")
    sk = {}
    for stride in (8, 4):
        x = patches(img, stride)
        sk[stride] = time_sklearn(x, d, repeat)
        print(f"sklearn sparse_encode omp stride {stride}: {x.shape[0]} patches, cpu {sk[stride][0]:.1f} ms/image "
              f"(wall {sk[stride][1]:.1f}), {sk[stride][0] * 1e3 / x.shape[0]:.2f} us/patch")
    ours = run_edgekern(binary)
    print(f"\n{'benchmark':50s} {'cpu ms':>8s} {'wall ms':>8s} {'sk cpu ms':>10s} {'cpu ratio':>9s} {'wall ratio':>10s}")
    for name, (cpu, wall) in sorted(ours.items()):
        stride = 8 if "_s8_" in name else 4
        print(f"{name:50s} {cpu:8.2f} {wall:8.2f} {sk[stride][0]:10.1f} {sk[stride][0] / cpu:8.0f}x "
              f"{sk[stride][1] / wall:9.0f}x")


if __name__ == "__main__":
    main()
