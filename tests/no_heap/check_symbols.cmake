# SPDX-License-Identifier: Apache-2.0
# check_symbols.cmake: fails when the firmware image links any allocator, exception or unwinder symbol.
# Usage: cmake -DNM=<nm> -DELF=<image> [-DEXPECT_FORBIDDEN=ON] -P check_symbols.cmake
# EXPECT_FORBIDDEN=ON inverts the verdict (self-test on an image that does allocate: the check must see it).
execute_process(COMMAND ${NM} ${ELF} OUTPUT_VARIABLE syms RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${ELF}")
endif()
string(REGEX MATCHALL "[^\n]* (malloc|_malloc_r|calloc|_calloc_r|realloc|_realloc_r|free|_free_r|_sbrk|_sbrk_r|__cxa_throw|__cxa_allocate_exception|_Unwind_[A-Za-z_]*|__gxx_personality_v0|_Znwj|_Znaj|_Znwm|_Znam)\n" bad "${syms}\n")
if(EXPECT_FORBIDDEN)
  if(NOT bad)
    message(FATAL_ERROR "no_heap self-test: ${ELF} allocates, but no forbidden symbol was found in it")
  endif()
  message(STATUS "no_heap self-test: the check finds the allocator in ${ELF}:\n${bad}")
  return()
endif()
if(bad)
  message(FATAL_ERROR "no_heap: forbidden symbols linked into ${ELF}:\n${bad}")
endif()
string(REGEX MATCHALL "no_heap_case_" cases "${syms}")
list(LENGTH cases n)
message(STATUS "no_heap: ${ELF} links no allocator, exception or unwinder symbol (${n} case symbols)")
