# SPDX-License-Identifier: Apache-2.0
# edgekern_xsimd.cmake: the one place that deals with Debian's xsimd 8.1 packaging quirks.
#
# Debian's xsimdConfig exports a target `xsimd` that (a) links a library `xtl` that is not installed and
# (b) puts /usr/include on the include path, which lets host glibc headers leak into cross builds. We therefore do
# not use that target: we locate xsimd/xsimd.hpp and expose a directory that contains ONLY a link to xsimd/,
# through an INTERFACE target `edgekern_xsimd`.
function(edgekern_find_xsimd out_target)
  if(TARGET edgekern_xsimd)
    set(${out_target} edgekern_xsimd PARENT_SCOPE)
    return()
  endif()
  find_path(EDGEKERN_XSIMD_INCLUDE_DIR xsimd/xsimd.hpp
    HINTS ${EDGEKERN_XSIMD_ROOT} PATHS /usr/include /usr/local/include NO_CMAKE_FIND_ROOT_PATH)
  if(NOT EDGEKERN_XSIMD_INCLUDE_DIR)
    message(STATUS "edgekern: xsimd not found; float SIMD kernels use their scalar path")
    set(${out_target} "" PARENT_SCOPE)
    return()
  endif()
  set(shim_dir "${CMAKE_BINARY_DIR}/edgekern_xsimd_only")
  if(NOT EXISTS "${shim_dir}/xsimd")
    file(MAKE_DIRECTORY "${shim_dir}")
    file(CREATE_LINK "${EDGEKERN_XSIMD_INCLUDE_DIR}/xsimd" "${shim_dir}/xsimd" SYMBOLIC)
  endif()
  add_library(edgekern_xsimd INTERFACE IMPORTED GLOBAL)
  set_target_properties(edgekern_xsimd PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${shim_dir}")
  set(${out_target} edgekern_xsimd PARENT_SCOPE)
endfunction()
