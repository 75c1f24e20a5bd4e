# SPDX-License-Identifier: Apache-2.0
# edgekern_dispatch.cmake: run-time ISA dispatch for x86-64 server builds (see include/edgekern/arch/dispatch.hpp
# and docs/design.md, "Runtime dispatch").
#
# edgekern_add_dispatched_sources(<target> <sources...> [LINK_LIBRARIES <libs...>])
#   Compiles <sources> once per level of EDGEKERN_DISPATCH_LEVELS into object libraries <target>_dispatch_l<n>
#   and adds their objects to <target>. Each copy gets -DEDGEKERN_DISPATCH_LEVEL=<n> and that level's -march
#   (appended after CMAKE_CXX_FLAGS, so it overrides e.g. -march=native):
#     1 sse2        -march=x86-64
#     2 sse41       -march=x86-64-v2
#     3 avx2        -march=x86-64-v3
#     4 avx512      -march=x86-64-v4
#     5 avx512vnni  -march=x86-64-v4 -mavx512vnni
#   Off x86 (aarch64, Cortex-M) the sources are compiled once, as level 0, with the target's own flags, so the
#   same application code builds everywhere. The objects link edgekern::edgekern plus LINK_LIBRARIES (e.g. a
#   warnings interface target).
include_guard(GLOBAL)

set(EDGEKERN_DISPATCH_LEVELS "1;2;3;4;5" CACHE STRING
    "x86 levels compiled by edgekern_add_dispatched_sources (1 sse2, 2 sse41, 3 avx2, 4 avx512, 5 avx512vnni)")

set(_edgekern_dispatch_flags_1 -march=x86-64)
set(_edgekern_dispatch_flags_2 -march=x86-64-v2)
set(_edgekern_dispatch_flags_3 -march=x86-64-v3)
set(_edgekern_dispatch_flags_4 -march=x86-64-v4)
set(_edgekern_dispatch_flags_5 -march=x86-64-v4 -mavx512vnni)

function(edgekern_add_dispatched_sources target)
  cmake_parse_arguments(PARSE_ARGV 1 _ekd "" "" "LINK_LIBRARIES")
  set(_sources ${_ekd_UNPARSED_ARGUMENTS})
  if(NOT _sources)
    message(FATAL_ERROR "edgekern_add_dispatched_sources(${target}): no sources")
  endif()
  set(_levels 0)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND NOT EDGEKERN_BAREMETAL)
    set(_levels ${EDGEKERN_DISPATCH_LEVELS})
  endif()
  foreach(_level IN LISTS _levels)
    set(_obj ${target}_dispatch_l${_level})
    add_library(${_obj} OBJECT ${_sources})
    target_link_libraries(${_obj} PRIVATE edgekern::edgekern ${_ekd_LINK_LIBRARIES})
    target_compile_definitions(${_obj} PRIVATE EDGEKERN_DISPATCH_LEVEL=${_level})
    if(NOT _level EQUAL 0)
      target_compile_options(${_obj} PRIVATE ${_edgekern_dispatch_flags_${_level}})
    endif()
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:${_obj}>)
  endforeach()
endfunction()
