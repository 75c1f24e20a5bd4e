#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test.sh: THE test command. Installs missing Debian packages (scripts/install-deps.sh), then for every target of
# the matrix (CMakePresets.json): configure + build + ctest, carrying on after a failure. Prints one line per
# target and, last, the overall line "N passed, N failed" (test counts summed; a failed configure/build counts
# as one failure, a build-only target's successful build as one pass). Exit status 0 only if everything passed.
#
# Usage: scripts/test.sh [preset ...]        (default: the whole matrix)
# Env:   EDGEKERN_BUILD_ROOT=<dir>           build trees <dir>/<preset> and logs <dir>/logs (default: build)
#        EDGEKERN_JOBS=<n>                   build and ctest parallelism (default: 2)
# Logs:  <root>/logs/<preset>.log holds each target's full output; its tail is shown when the target fails.
set -uo pipefail
cd "$(dirname "$0")/.."

all_presets=(host host-clang x86-sse2 x86-avx2 x86-avx512 aarch64-qemu cortex-m4-qemu cortex-m7-qemu cortex-m0plus
  cortex-m55 fuzz)
build_only=(cortex-m0plus) # no emulated board: built; the host-side no-heap symbol check still runs
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=("${all_presets[@]}")
for p in "${presets[@]}"; do
  if [[ ! " ${all_presets[*]} " =~ " ${p} " ]]; then
    echo "test.sh: unknown target '${p}' (known: ${all_presets[*]})" >&2
    exit 2
  fi
done

if ! bash scripts/install-deps.sh; then
  echo "test.sh: installing dependencies failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

root="${EDGEKERN_BUILD_ROOT:-build}"
jobs="${EDGEKERN_JOBS:-2}"
mkdir -p "${root}/logs"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

# x86-64-v4 = AVX-512 F, BW, CD, DQ, VL.
cpu_has_avx512() {
  local f
  for f in avx512f avx512bw avx512cd avx512dq avx512vl; do
    grep -qw "$f" /proc/cpuinfo || return 1
  done
}

# CPU seconds (user + sys) used so far by finished child processes: with other work on the machine, wall time
# says little; CPU time / jobs is what the matrix costs on an otherwise idle machine.
# (`times` must run in this shell, not in a $(...) subshell, to see this shell's children.)
cpu_now=0
update_cpu() {
  times >"${root}/logs/.times"
  cpu_now=$(tail -n 1 "${root}/logs/.times" |
    awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } printf "%d", s }')
}
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

total_pass=0
total_fail=0
summary=()
matrix_start=$(date +%s)
for p in "${presets[@]}"; do
  log="${root}/logs/${p}.log"
  dir="${root}/${p}"
  : >"${log}"
  start=$(date +%s)
  update_cpu
  cpu_start=${cpu_now}
  pass=0
  fail=0
  note=""
  echo "== ${p}: configure + build (log: ${log})"
  if ! cmake --preset "${p}" -B "${dir}" "${launcher[@]}" >>"${log}" 2>&1; then
    fail=1
    note="CONFIGURE FAILED"
  else
    # Keep going past a broken target (-k 0) so that one bad file does not hide every other result; its tests
    # then fail as "not run", and the failed build counts as one more failure.
    if ! cmake --build "${dir}" -j "${jobs}" -- -k 0 >>"${log}" 2>&1; then
      fail=1
      note="BUILD FAILED"
    fi
    run_tests=1
    if [[ " ${build_only[*]} " =~ " ${p} " ]]; then
      [ ${fail} -eq 0 ] && pass=1
      note="${note:-build-only target}"
    elif [ "${p}" = x86-avx512 ] && ! cpu_has_avx512; then
      [ ${fail} -eq 0 ] && pass=1
      run_tests=0
      note="${note:-built}; tests skipped: this CPU lacks AVX-512"
    fi
    if [ ${run_tests} -eq 1 ]; then
      echo "== ${p}: ctest"
      ctest --test-dir "${dir}" -j "${jobs}" --output-on-failure --no-tests=error >>"${log}" 2>&1
      line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "${log}" | tail -1)
      if [ -z "${line}" ]; then
        fail=$((fail + 1))
        note="${note:+${note}; }ctest did not run"
      else
        n_fail=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"${line}")
        n_all=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"${line}")
        pass=$((pass + n_all - n_fail))
        fail=$((fail + n_fail))
      fi
    fi
  fi
  secs=$(($(date +%s) - start))
  update_cpu
  cpu=$((cpu_now - cpu_start))
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  line="target ${p}: ${pass} passed, ${fail} failed ($(fmt_secs ${secs}), cpu $(fmt_secs ${cpu})${note:+; ${note}})"
  summary+=("${line}")
  if [ ${fail} -ne 0 ]; then
    echo "---- ${p} FAILED: first errors in ${log} ----"
    grep -m 15 -E "FAILED:|error:|Error|\*\*\*(Failed|Timeout|Exception)|Not Run" "${log}"
    echo "---- ${p}: last lines of ${log} ----"
    tail -n 30 "${log}"
    echo "----"
  fi
  echo "${line}"
done

secs=$(($(date +%s) - matrix_start))
echo
echo "== summary: ${#presets[@]} targets in $(fmt_secs ${secs}) (cpu $(fmt_secs ${cpu_now}), ${jobs} jobs)"
printf '%s\n' "${summary[@]}"
echo "${total_pass} passed, ${total_fail} failed"
[ ${total_fail} -eq 0 ]
