# SPDX-License-Identifier: Apache-2.0
# edgekern_targets.cmake: per-target settings that differ between hosted and bare-metal (Cortex-M) builds.
#
# edgekern_target_setup(<tgt>)            compile settings (bare metal: -fno-exceptions -fno-rtti, ...)
# edgekern_target_link_executable(<tgt>)  make <tgt> a runnable program on this target: on bare metal, add the
#                                         vector table + reset handler, the linker script and semihosting libc.
set(EDGEKERN_BAREMETAL_SUPPORT_DIR "${CMAKE_CURRENT_LIST_DIR}/../tests/support/baremetal")

function(edgekern_target_setup tgt)
  if(EDGEKERN_BAREMETAL)
    target_compile_options(${tgt} PRIVATE -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections)
  endif()
endfunction()

function(edgekern_target_link_executable tgt)
  if(NOT EDGEKERN_BAREMETAL)
    return()
  endif()
  target_sources(${tgt} PRIVATE "${EDGEKERN_BAREMETAL_SUPPORT_DIR}/startup.cpp")
  target_link_options(${tgt} PRIVATE --specs=rdimon.specs -T "${EDGEKERN_BAREMETAL_SUPPORT_DIR}/mps2.ld"
    -Wl,--gc-sections -Wl,-Map=$<TARGET_FILE:${tgt}>.map)
  set_target_properties(${tgt} PROPERTIES SUFFIX ".elf"
    LINK_DEPENDS "${EDGEKERN_BAREMETAL_SUPPORT_DIR}/mps2.ld")
endfunction()
