#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/run.sh: build the benchmark runner (host preset) and write a JSON run to out/bench/<cpu>-<arch>.json.
# Extra arguments go to the runner, e.g. bench/run.sh --benchmark_filter=conv2d --benchmark_min_time=0.2
# Merge runs from several machines with tools/bench_compare.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset host >/dev/null
cmake --build --preset host --target edgekern_bench
mkdir -p out/bench
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | tr -cs 'A-Za-z0-9' '-' | sed 's/^-//;s/-$//')
out="out/bench/${cpu:-cpu}-$(uname -m).json"
taskset -c 0 build/host/bench/edgekern_bench --benchmark_out="$out" --benchmark_out_format=json "$@"
echo "wrote $out"
