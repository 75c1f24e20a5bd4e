# SPDX-License-Identifier: Apache-2.0
# edgekern_targets.cmake: per-target settings that differ between hosted and bare-metal (Cortex-M) builds.
#
# edgekern_target_setup(<tgt>)            compile settings (bare metal: -fno-exceptions -fno-rtti, ...)
# edgekern_target_link_executable(<tgt>)  make <tgt> a runnable program on this target: on bare metal, add the
#                                         vector table + reset handler, the board's linker script and newlib with
#                                         semihosting (rdimon: stdio and exit code reach the host). For test suites.
# edgekern_target_link_firmware(<tgt>)    bare metal only: link <tgt> with its own startup and NO C runtime
#                                         (-nostartfiles, no rdimon/stdio/exit), so the image holds only what the
#                                         code itself uses. For the no-heap firmware and harness checks.
# edgekern_add_program_test(<name> <tgt>) register <tgt> as test <name> when this build can run it (hosted, or a
#                                         bare-metal core with a QEMU board); build-only targets skip it.
set(EDGEKERN_BAREMETAL_SUPPORT_DIR "${CMAKE_CURRENT_LIST_DIR}/../tests/support/baremetal")
if(NOT EDGEKERN_BAREMETAL_LINKER_SCRIPT)
  set(EDGEKERN_BAREMETAL_LINKER_SCRIPT "mps2.ld")
endif()

function(edgekern_target_setup tgt)
  if(EDGEKERN_BAREMETAL)
    target_compile_options(${tgt} PRIVATE -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections)
  endif()
endfunction()

# Startup (tests/support/baremetal/startup.cpp, compiled per target in the given flavour: 1 = with newlib),
# board linker script, no crt0 (-nostartfiles), unused sections dropped, a link map next to the image.
function(_edgekern_baremetal_image tgt with_newlib)
  set(ld "${EDGEKERN_BAREMETAL_SUPPORT_DIR}/${EDGEKERN_BAREMETAL_LINKER_SCRIPT}")
  target_sources(${tgt} PRIVATE "${EDGEKERN_BAREMETAL_SUPPORT_DIR}/startup.cpp")
  target_compile_definitions(${tgt} PRIVATE EDGEKERN_BAREMETAL_NEWLIB=${with_newlib})
  target_include_directories(${tgt} PRIVATE "${EDGEKERN_BAREMETAL_SUPPORT_DIR}")
  target_link_options(${tgt} PRIVATE -nostartfiles -T "${ld}" -Wl,--gc-sections -Wl,-Map=$<TARGET_FILE:${tgt}>.map)
  set_target_properties(${tgt} PROPERTIES SUFFIX ".elf" LINK_DEPENDS "${ld}")
endfunction()

function(edgekern_target_link_executable tgt)
  if(NOT EDGEKERN_BAREMETAL)
    return()
  endif()
  # newlib + librdimon (stdio and exit code over semihosting); our own startup instead of newlib's crt0.
  _edgekern_baremetal_image(${tgt} 1)
  target_link_options(${tgt} PRIVATE --specs=rdimon.specs)
endfunction()

function(edgekern_target_link_firmware tgt)
  if(NOT EDGEKERN_BAREMETAL)
    message(FATAL_ERROR "edgekern_target_link_firmware(${tgt}): bare-metal builds only")
  endif()
  # No function-local static guards (their libstdc++ implementation can reach the exception runtime).
  target_compile_options(${tgt} PRIVATE -fno-threadsafe-statics)
  _edgekern_baremetal_image(${tgt} 0)
endfunction()

# True when programs built here can be run (natively, under qemu-user, or on a QEMU Cortex-M board).
set(EDGEKERN_CAN_RUN_PROGRAMS ON)
if(EDGEKERN_BAREMETAL AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
  set(EDGEKERN_CAN_RUN_PROGRAMS OFF)
endif()

function(edgekern_add_program_test name tgt)
  if(EDGEKERN_CAN_RUN_PROGRAMS)
    add_test(NAME ${name} COMMAND ${tgt})
    set_tests_properties(${name} PROPERTIES TIMEOUT 900)
  endif()
endfunction()
