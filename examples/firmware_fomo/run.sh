#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# examples/firmware_fomo/run.sh: builds the FOMO-AD firmware for the emulated Cortex-M7 with the flags of
# bench/cortex_m/run.sh (-O2, libc-free startup of tests/support/baremetal), prints .text/.data/.bss
# (arm-none-eabi-size) and runs it under qemu-system-arm -M mps2-an500 -icount shift=0 (deterministic instruction
# counts, docs/cortex_m_cost.md). Output: build/firmware_fomo/ (or $FOMO_OUT).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${FOMO_OUT:-$root/build/firmware_fomo}"
mkdir -p "$out"
cpu_flags="-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard"
cxxflags="-std=c++17 -O2 -DNDEBUG -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections -Wall -Wextra"
support="$root/tests/support/baremetal"
elf="$out/firmware_fomo.elf"
arm-none-eabi-g++ $cpu_flags $cxxflags -DEDGEKERN_BAREMETAL_NEWLIB=0 -DEDGEKERN_CM_CORE_NAME="\"cortex_m7\"" \
  -I"$root/include" -I"$root/bench/cortex_m" -I"$support" "$root/examples/firmware_fomo/firmware_fomo.cpp" \
  "$support/startup.cpp" -nostartfiles -T "$support/mps2.ld" -Wl,--gc-sections -Wl,-Map="$elf.map" -o "$elf"
echo "# arm-none-eabi-g++ $(arm-none-eabi-g++ -dumpversion) $cpu_flags -O2"
arm-none-eabi-size -A "$elf" | grep -E '^\.(text|rodata|data|bss) ' || true
arm-none-eabi-size "$elf"
timeout 600 qemu-system-arm -M mps2-an500 -cpu cortex-m7 -nographic -monitor none -serial none \
  -icount shift=0,align=off,sleep=off -semihosting-config enable=on,target=native -kernel "$elf"
