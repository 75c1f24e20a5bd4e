#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# plot_inspection_bench.py: datasheet plot of the sparse inspection pipeline from Google Benchmark JSON
# (bench/sparse_inspection.cpp): inspection time per image and training time on 13 images against image size.
# Usage: build/host/bench/edgekern_bench --benchmark_filter=sparse_insp --benchmark_out=b.json \
#          --benchmark_out_format=json && tools/plot_inspection_bench.py b.json docs/img/sparse_inspection_bench.png
# Plots CPU time (one core; unaffected by other load) and, dashed, wall time.
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, dst):
    data = json.load(open(src))
    series = {"sparse_inspect": {}, "sparse_inspection_train": {}}
    arch = "?"
    for b in data["benchmarks"]:
        kernel, _types, arch, shape = b["name"].split("/")[:4]
        if kernel not in series:
            continue
        size = shape.split("_")[0]
        w, h = (int(v) for v in size.split("x"))
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b.get("time_unit", "ms")]
        series[kernel][w * h] = (size, b["cpu_time"] * scale, b["real_time"] * scale)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    titles = {"sparse_inspect": "inspection of one image", "sparse_inspection_train": "training on 13 images"}
    goals = {"sparse_inspect": 20.0, "sparse_inspection_train": 1000.0}
    for ax, (kernel, pts) in zip(axes, series.items()):
        keys = sorted(pts)
        if not keys:
            continue
        x = [k / 1e6 for k in keys]
        ax.plot(x, [pts[k][1] for k in keys], "o-", label="CPU time (one core)")
        ax.plot(x, [pts[k][2] for k in keys], "s--", alpha=0.5, label="wall time (shared machine)")
        ax.axhline(goals[kernel], color="r", lw=0.8, label=f"goal {goals[kernel]:g} ms")
        for k in keys:
            ax.annotate(pts[k][0], (k / 1e6, pts[k][1]), textcoords="offset points", xytext=(0, 6), fontsize=7)
        ax.set_xlabel("megapixels")
        ax.set_ylabel("ms")
        ax.set_ylim(bottom=0)
        ax.set_title(titles[kernel])
        ax.legend(fontsize=7)
    fig.suptitle(f"edgekern sparse inspection (8x8 patches, 128 atoms, sparsity 6), {arch}", fontsize=10)
    fig.tight_layout()
    fig.savefig(dst, dpi=70)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plot_inspection_bench.py BENCH.json OUT.png")
    main(sys.argv[1], sys.argv[2])
