# SPDX-License-Identifier: Apache-2.0
# expect_exit.cmake: run a program (through the target's emulator, if any) and require a given outcome.
# Usage: cmake -DPROG=<file> [-DEMU=<emulator args joined with |>] -DEXPECT=<code>|nonzero [-DOUTPUT=<regex>]
#        -P expect_exit.cmake
set(cmd "")
if(EMU)
  string(REPLACE "|" ";" cmd "${EMU}")
endif()
list(APPEND cmd "${PROG}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message(STATUS "ran: ${cmd}\nexit: ${rc}\n--- output ---\n${out}${err}--------------")
if(EXPECT STREQUAL "nonzero")
  if(NOT rc MATCHES "^[0-9]+$" OR rc EQUAL 0)
    message(FATAL_ERROR "expected a failing exit code, got '${rc}'")
  endif()
elseif(NOT rc STREQUAL "${EXPECT}")
  message(FATAL_ERROR "expected exit code ${EXPECT}, got '${rc}'")
endif()
if(OUTPUT AND NOT "${out}${err}" MATCHES "${OUTPUT}")
  message(FATAL_ERROR "output does not match '${OUTPUT}'")
endif()
message(STATUS "ok: outcome as expected")
