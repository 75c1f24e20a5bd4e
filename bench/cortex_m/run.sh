#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/cortex_m/run.sh: instruction counts on the emulated Cortex-M7 (docs/cortex_m_cost.md).
# Builds every bench/cortex_m/<kernel>.cpp (or the ones named: bench/cortex_m/run.sh random_projection) as a
# libc-free firmware with the cortex-m7-qemu flags at -O2, runs it under qemu-system-arm -M mps2-an500 with
# -icount shift=0,align=off,sleep=off and prints its "EDGEKERN_CM <name> instructions=N work=W per_work=N/W" lines.
# Deterministic: two runs print identical lines. Extra compiler flags: CM_CXXFLAGS="-O3" bench/cortex_m/run.sh
# Other core: CM_CORE=m4 (mps2-an386, -mfpu=fpv4-sp-d16; image <kernel>-m4.elf); default m7. The firmware gets
# -DEDGEKERN_CM_CORE_NAME=\"cortex_m7\" (or cortex_m4) for its report names.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${CM_OUT:-$root/build/cortex_m_bench}"
mkdir -p "$out"
core="${CM_CORE:-m7}"
case "$core" in
  m7) cpu_flags="-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard"; board=mps2-an500; cpu=cortex-m7 ;;
  m4) cpu_flags="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"; board=mps2-an386; cpu=cortex-m4 ;;
  *) echo "CM_CORE must be m7 or m4" >&2; exit 2 ;;
esac
cxxflags="-std=c++17 -O2 -DNDEBUG -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections -Wall -Wextra ${CM_CXXFLAGS:-}"
support="$root/tests/support/baremetal"
if [ $# -gt 0 ]; then kernels=("$@"); else
  kernels=(); for f in "$root"/bench/cortex_m/*.cpp; do kernels+=("$(basename "$f" .cpp)"); done
fi
status=0
for k in "${kernels[@]}"; do
  src="$root/bench/cortex_m/$k.cpp"
  elf="$out/$k.elf"; [ "$core" = m7 ] || elf="$out/$k-$core.elf"
  arm-none-eabi-g++ $cpu_flags $cxxflags -DEDGEKERN_BAREMETAL_NEWLIB=0 -DEDGEKERN_CM_CORE_NAME="\"cortex_$core\"" -I"$root/include" -I"$root/bench/cortex_m" \
    -I"$support" "$src" "$support/startup.cpp" -nostartfiles -T "$support/mps2.ld" -Wl,--gc-sections \
    -Wl,-Map="$elf.map" -o "$elf"
  arm-none-eabi-objdump -d "$elf" > "$elf.lst"
  echo "# $k: arm-none-eabi-g++ $(arm-none-eabi-g++ -dumpversion) $cpu_flags -O2 ${CM_CXXFLAGS:-}"
  if ! timeout 600 qemu-system-arm -M "$board" -cpu "$cpu" -nographic -monitor none -serial none \
      -icount shift=0,align=off,sleep=off -semihosting-config enable=on,target=native -kernel "$elf"; then
    echo "# $k: firmware failed (exit code != 0)"; status=1
  fi
done
exit $status
