# SPDX-License-Identifier: Apache-2.0
# Cross toolchain: bare-metal Cortex-M (Debian gcc-arm-none-eabi + newlib). Select the core with
# -DEDGEKERN_CORTEX_M=m0plus|m4|m7|m33|m55; tests run under qemu-system-arm with semihosting where a board exists.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(EDGEKERN_BAREMETAL ON CACHE BOOL "" FORCE)
set(EDGEKERN_CORTEX_M "m7" CACHE STRING "Cortex-M core: m0plus m4 m7 m33 m55")

if(EDGEKERN_CORTEX_M STREQUAL "m0plus")
  set(_flags "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft")
  set(_qemu "")
elseif(EDGEKERN_CORTEX_M STREQUAL "m4")
  set(_flags "-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard")
  set(_qemu qemu-system-arm;-M;mps2-an386;-cpu;cortex-m4)
elseif(EDGEKERN_CORTEX_M STREQUAL "m7")
  set(_flags "-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard")
  set(_qemu qemu-system-arm;-M;mps2-an500;-cpu;cortex-m7)
elseif(EDGEKERN_CORTEX_M STREQUAL "m33")
  set(_flags "-mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard")
  set(_qemu "")
elseif(EDGEKERN_CORTEX_M STREQUAL "m55")
  # GCC 12.2 (Debian) emits conditional VFP conversions (`vcvtne.f32.u32`) in IT blocks that gas rejects for
  # cortex-m55; no if-conversion avoids them.
  set(_flags "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard -fno-if-conversion -fno-if-conversion2")
  # mps3-an547: code RAM at 0 is a 512 KB ITCM, data TCM 512 KB: images go to its larger SRAMs (own script).
  set(_qemu qemu-system-arm;-M;mps3-an547;-cpu;cortex-m55)
  set(EDGEKERN_BAREMETAL_LINKER_SCRIPT "mps3_an547.ld")
else()
  message(FATAL_ERROR "EDGEKERN_CORTEX_M must be m0plus, m4, m7, m33 or m55")
endif()
if(NOT EDGEKERN_BAREMETAL_LINKER_SCRIPT)
  set(EDGEKERN_BAREMETAL_LINKER_SCRIPT "mps2.ld")
endif()
set(CMAKE_C_FLAGS_INIT "${_flags}")
# Every C++ translation unit of a Cortex-M build (library users, tests, checks) is exception- and RTTI-free.
set(CMAKE_CXX_FLAGS_INIT "${_flags} -fno-exceptions -fno-rtti")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_flags}")
if(_qemu)
  # -icount makes runs deterministic (one virtual ns per instruction); semihosting returns main's exit code.
  set(CMAKE_CROSSCOMPILING_EMULATOR ${_qemu};-nographic;-monitor;none;-serial;none;-icount;shift=0,align=off,sleep=off;-semihosting-config;enable=on,target=native;-kernel)
endif()
