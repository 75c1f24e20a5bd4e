# SPDX-License-Identifier: Apache-2.0
# run.cmake: packaging tests. MODE=install: `cmake --install` the build tree BUILD into a fresh prefix, check the
# installed package files, then configure + build + run consumer/ against that prefix with find_package.
# MODE=subdir: configure + build + run subdir_consumer/, which add_subdirectory()s the source tree SRC.
# Usage: cmake -DMODE=install|subdir -DSRC=<source> -DBUILD=<build tree> -DWORK=<scratch dir>
#              -DCXX=<compiler> -DGEN=<generator> -P run.cmake
cmake_minimum_required(VERSION 3.20) # policies as in a project (the version file relies on CMP0012)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(here "${CMAKE_CURRENT_LIST_DIR}")
if(MODE STREQUAL "install")
  set(prefix "${WORK}/prefix")
  run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${prefix}")
  foreach(f include/edgekern/edgekern.hpp share/edgekern/cmake/edgekern-config.cmake
      share/edgekern/cmake/edgekern-config-version.cmake share/edgekern/cmake/edgekern-targets.cmake)
    if(NOT EXISTS "${prefix}/${f}")
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endforeach()
  # A header-only package must be usable by 32- and 64-bit consumers alike: ask the installed version file as
  # find_package(edgekern 0.1) from a 32-bit project would.
  set(CMAKE_SIZEOF_VOID_P 4)
  set(PACKAGE_FIND_NAME edgekern)
  set(PACKAGE_FIND_VERSION 0.1)
  set(PACKAGE_FIND_VERSION_MAJOR 0)
  set(PACKAGE_FIND_VERSION_MINOR 1)
  set(PACKAGE_FIND_VERSION_COUNT 2)
  include("${prefix}/share/edgekern/cmake/edgekern-config-version.cmake")
  if(PACKAGE_VERSION_UNSUITABLE OR NOT PACKAGE_VERSION_COMPATIBLE)
    message(FATAL_ERROR "installed edgekern ${PACKAGE_VERSION} rejected by a 32-bit find_package(edgekern 0.1)")
  endif()
  unset(CMAKE_SIZEOF_VOID_P)
  # Nothing of the build or source tree may leak into the installed package files.
  file(GLOB cmake_files "${prefix}/share/edgekern/cmake/*.cmake")
  foreach(f IN LISTS cmake_files)
    file(READ "${f}" text)
    string(FIND "${text}" "${BUILD}" at_build)
    string(FIND "${text}" "${SRC}" at_src)
    if(NOT at_build EQUAL -1 OR NOT at_src EQUAL -1)
      message(FATAL_ERROR "${f} refers to the build or source tree")
    endif()
  endforeach()
  set(project_dir "${here}/consumer")
  set(extra "-DCMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "subdir")
  set(project_dir "${here}/subdir_consumer")
  set(extra "-DEDGEKERN_SOURCE_DIR=${SRC}")
else()
  message(FATAL_ERROR "MODE must be install or subdir")
endif()
run(${CMAKE_COMMAND} -S "${project_dir}" -B "${WORK}/build" -G "${GEN}" "-DCMAKE_CXX_COMPILER=${CXX}"
  -DCMAKE_BUILD_TYPE=Release ${extra})
run(${CMAKE_COMMAND} --build "${WORK}/build")
run("${WORK}/build/consumer")
message(STATUS "${MODE} consumer: ${last_output}")
