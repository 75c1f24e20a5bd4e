# SPDX-License-Identifier: Apache-2.0
# run_fuzzer.cmake: one bounded libFuzzer run: copy the seed corpus to a work directory, fuzz for SECONDS,
# print the number of executions; any crash or sanitizer finding fails the test.
# cmake -DFUZZER=<bin> -DSEEDS=<dir> -DWORK=<dir> -DSECONDS=<n> -P run_fuzzer.cmake
file(MAKE_DIRECTORY "${WORK}")
if(EXISTS "${SEEDS}")
  file(GLOB seeds "${SEEDS}/*")
  if(seeds)
    file(COPY ${seeds} DESTINATION "${WORK}")
  endif()
endif()
execute_process(COMMAND "${FUZZER}" -max_total_time=${SECONDS} -print_final_stats=1 -rss_limit_mb=2048
  -timeout=10 "${WORK}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *([0-9]+)" _m "${err}")
get_filename_component(name "${FUZZER}" NAME)
message(STATUS "${name}: ${CMAKE_MATCH_1} executions in ${SECONDS} s")
if(NOT rc EQUAL 0)
  string(LENGTH "${err}" len)
  if(len GREATER 6000)
    math(EXPR start "${len} - 6000")
    string(SUBSTRING "${err}" ${start} 6000 err)
  endif()
  message(FATAL_ERROR "${name} failed (exit ${rc}):\n${err}")
endif()
