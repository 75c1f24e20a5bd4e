#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli_test.sh: end-to-end and bad-input tests of edgekern-inspect (host only; registered by
# tools/edgekern-inspect/CMakeLists.txt). Usage: cli_test.sh <edgekern-inspect> <edgekern_demo_data> <work dir>
set -uo pipefail
tool="$1"
gen="$2"
work="$3"
# Without the programs every expect_fail below would "pass" on exit 127: refuse to run instead.
for prog in "$tool" "$gen"; do
  [ -x "$prog" ] || { echo "FAIL: $prog is not an executable"; exit 1; }
done
rm -rf "$work"
mkdir -p "$work"
fails=0
pass() { echo "PASS $1"; }
failt() { echo "FAIL $1"; fails=$((fails + 1)); }
# expect_fail NAME CMD...: non-zero exit and a message on stderr, no crash (exit code < 126: 126/127 mean the
# program could not run, >= 128 a signal).
expect_fail() {
  local name="$1"; shift
  "$@" >"$work/out.txt" 2>"$work/err.txt"
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -lt 126 ] && [ -s "$work/err.txt" ]; then pass "$name (exit $rc: $(head -c 120 "$work/err.txt" | tr '\n' ' '))"
  else failt "$name (exit $rc)"; cat "$work/err.txt"; fi
}

# A small demo set: 320x240, 6 train, 4 good, 4 bad (one of each defect kind), woven texture.
"$gen" --out "$work/data" --kind woven --size 320x240 --train 6 --good 4 --bad 4 --seed 5 2>/dev/null ||
  failt "generator"
d="$work/data/woven"
[ "$(ls "$d/train" | wc -l)" -eq 6 ] && [ "$(ls "$d/masks" | wc -l)" -eq 4 ] && pass "generator layout" || failt "generator layout"
# Deterministic: the same command writes the same bytes.
"$gen" --out "$work/data2" --kind woven --size 320x240 --train 1 --good 0 --bad 1 --seed 5 2>/dev/null
cmp -s "$d/train/train_000.png" "$work/data2/woven/train/train_000.png" && cmp -s "$d/bad/bad_000.png" \
  "$work/data2/woven/bad/bad_000.png" && pass "generator deterministic" || failt "generator deterministic"

# Happy path.
if "$tool" train --images "$d/train" --model "$work/m.eksi" --samples 256 >/dev/null 2>&1; then pass "train"; else failt "train"; fi
if "$tool" detect --model "$work/m.eksi" --images "$d/bad" --out "$work/det" >/dev/null 2>&1; then pass "detect"; else failt "detect"; fi
[ "$(ls "$work/det"/*.png 2>/dev/null | wc -l)" -eq 4 ] && pass "detect wrote 4 overlays" || failt "detect overlays"
head -1 "$work/det/scores.csv" | grep -q '^file,score,anomalous,boxes$' && [ "$(wc -l <"$work/det/scores.csv")" -eq 5 ] &&
  pass "scores.csv" || failt "scores.csv"
ls "$work/det" | grep -q '\.tmp\.' && failt "temporary files left" || pass "no temporary files left"
json="$("$tool" evaluate --model "$work/m.eksi" --good "$d/good" --bad "$d/bad" --masks "$d/masks" --json 2>/dev/null)"
echo "$json" | grep -q '"accuracy": ' && echo "$json" | grep -q '"pixel_auroc": 0\.' && echo "$json" | grep -q '"confusion"' &&
  pass "evaluate --json ($json)" || failt "evaluate --json ($json)"
"$tool" evaluate --model "$work/m.eksi" --good "$d/good" --bad "$d/bad" 2>/dev/null | grep -q "image AUROC" &&
  pass "evaluate text" || failt "evaluate text"
"$tool" export --model "$work/m.eksi" --header "$work/model.hpp" --name demo_model >/dev/null 2>&1 &&
  grep -q "const std::uint8_t demo_model\[" "$work/model.hpp" && pass "export header" || failt "export header"

# Bad input: a clear message, a non-zero exit, no crash, no partial output.
mkdir -p "$work/empty" "$work/corrupt" "$work/trunc" "$work/zero" "$work/tiny" "$work/mixed" "$work/black"
expect_fail "empty folder" "$tool" train --images "$work/empty" --model "$work/x.eksi"
expect_fail "missing folder" "$tool" detect --model "$work/m.eksi" --images "$work/nope" --out "$work/o1"
printf 'this is not a png' >"$work/corrupt/a.png"
expect_fail "corrupt image" "$tool" train --images "$work/corrupt" --model "$work/x.eksi"
head -c 2000 "$d/good/good_000.png" >"$work/trunc/a.png"
expect_fail "truncated image" "$tool" train --images "$work/trunc" --model "$work/x.eksi"
: >"$work/zero/a.png"
expect_fail "zero-size file" "$tool" train --images "$work/zero" --model "$work/x.eksi"
printf 'P5\n4 4\n255\n0123456789abcdef' >"$work/tiny/a.pgm"
expect_fail "image smaller than a patch (train)" "$tool" train --images "$work/tiny" --model "$work/x.eksi"
cp "$d/good/good_000.png" "$work/tiny/b.png"
expect_fail "image smaller than a patch (detect)" "$tool" detect --model "$work/m.eksi" --images "$work/tiny" --out "$work/o2"
[ -e "$work/o2/scores.csv" ] || [ -e "$work/o2/b.png" ] && failt "detect wrote partial output" || pass "detect wrote nothing"
cp "$d/train/train_000.png" "$work/mixed/a.png"
"$gen" --out "$work/other" --kind woven --size 200x150 --train 1 --good 0 --bad 0 2>/dev/null
cp "$work/other/woven/train/train_000.png" "$work/mixed/b.png"
expect_fail "mismatched training sizes" "$tool" train --images "$work/mixed" --model "$work/x.eksi"
printf 'P5\n64 64\n255\n' >"$work/black/a.pgm"
head -c 4096 /dev/zero >>"$work/black/a.pgm"
cp "$work/black/a.pgm" "$work/black/b.pgm"
expect_fail "all-black training set" "$tool" train --images "$work/black" --model "$work/x.eksi"
[ -e "$work/x.eksi" ] && failt "a failed train wrote a model" || pass "failed trains wrote no model"
head -c 1000 "$work/m.eksi" >"$work/truncated.eksi"
expect_fail "truncated model" "$tool" evaluate --model "$work/truncated.eksi" --good "$d/good" --bad "$d/bad"
cp "$work/m.eksi" "$work/v2.eksi"
printf '\x02' | dd of="$work/v2.eksi" bs=1 seek=4 conv=notrunc 2>/dev/null
expect_fail "model of another version" "$tool" detect --model "$work/v2.eksi" --images "$d/good" --out "$work/o3"
cp "$work/m.eksi" "$work/flip.eksi"
printf '\x55' | dd of="$work/flip.eksi" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect_fail "corrupt model (checksum)" "$tool" detect --model "$work/flip.eksi" --images "$d/good" --out "$work/o4"
[ -d "$work/o3" ] || [ -d "$work/o4" ] && failt "bad model created output" || pass "bad models wrote nothing"
mkdir -p "$work/masks_small"
for f in "$d/masks"/*.png; do cp "$work/other/woven/train/train_000.png" "$work/masks_small/$(basename "$f")"; done
expect_fail "mask size mismatch" "$tool" evaluate --model "$work/m.eksi" --good "$d/good" --bad "$d/bad" --masks "$work/masks_small"
grep -q "mask size differs" "$work/err.txt" && pass "mask mismatch message" || failt "mask mismatch message"
expect_fail "unknown verb" "$tool" frobnicate
expect_fail "bad option value" "$tool" train --images "$d/train" --model "$work/x.eksi" --atoms 65

echo "cli_test: $fails failure(s)"
[ $fails -eq 0 ]
