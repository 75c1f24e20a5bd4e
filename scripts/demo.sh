#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh: the README's main command. Builds edgekern-inspect, generates the synthetic inspection demo set
# (perforated metal and woven fabric, with scratches, stains, foreign objects and missing holes/threads), trains one
# model per texture on 13 good images, detects defects in the test images (overlay PNGs + scores.csv) and prints
# the evaluation (accuracy, precision, recall, F1, image and pixel AUROC, confusion matrix, time per image).
#
# Usage: scripts/demo.sh [--size WxH] [--seed N] [--out DIR]
#   --size  demo image size (default 640x480; 1280x960 for the datasheet figures)
#   --seed  demo data seed (default 1)
#   --out   output folder (default build/demo-output)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size=640x480
seed=1
out="$root/build/demo-output"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# 1. Packages: only what the tool needs; scripts/install-deps.sh installs the project's full set when available.
needed=(cmake ninja-build g++ libstb-dev libxsimd-dev)
missing=()
for p in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: missing packages: ${missing[*]}"
  if [ -x "$root/scripts/install-deps.sh" ]; then
    "$root/scripts/install-deps.sh"
  else
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

# 2. Build only the tool and the generator (tests and benchmarks off: nothing else is needed).
build="$root/build/demo"
mkdir -p "$root/build"
echo "demo: building edgekern-inspect in $build"
cmake --preset host -B "$build" -DEDGEKERN_BUILD_TESTS=OFF -DEDGEKERN_BUILD_BENCH=OFF >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target edgekern-inspect edgekern_demo_data -j2 >"$build.build.log" 2>&1 ||
  { tail -50 "$build.build.log"; exit 1; }
tool="$build/examples/edgekern-inspect/edgekern-inspect"
gen="$build/examples/edgekern-inspect/edgekern_demo_data"

# 3. Demo data (deterministic: same seed and size, same files).
data="$out/data"
echo "demo: generating the $size demo set (seed $seed) in $data"
"$gen" --out "$data" --size "$size" --seed "$seed"

# 4. Train, detect, evaluate per texture.
summary=()
for kind in perforated woven; do
  res="$out/results/$kind"
  mkdir -p "$res"
  echo
  echo "=== $kind: train on $(ls "$data/$kind/train" | wc -l) good images"
  "$tool" train --images "$data/$kind/train" --model "$res/model.eksi"
  "$tool" detect --model "$res/model.eksi" --images "$data/$kind/good" --out "$res/good"
  "$tool" detect --model "$res/model.eksi" --images "$data/$kind/bad" --out "$res/bad"
  echo "--- $kind: evaluation on $data/$kind/{good,bad} with masks"
  "$tool" evaluate --model "$res/model.eksi" --good "$data/$kind/good" --bad "$data/$kind/bad" \
    --masks "$data/$kind/masks" 2>/dev/null | tee "$res/metrics.txt"
  "$tool" evaluate --model "$res/model.eksi" --good "$data/$kind/good" --bad "$data/$kind/bad" \
    --masks "$data/$kind/masks" --json 2>/dev/null >"$res/metrics.json"
  summary+=("$kind: $(cat "$res/metrics.json")")
done

echo
echo "=== summary (metrics.json per texture)"
for s in "${summary[@]}"; do echo "$s"; done
echo
echo "Pictures: heat-map overlays with red boxes around defects are in"
echo "  $out/results/perforated/bad/*.png   (and .../good/, .../woven/...)"
echo "Scores:   $out/results/<texture>/{good,bad}/scores.csv"
echo "Input:    $data/<texture>/{train,good,bad,masks}/"
