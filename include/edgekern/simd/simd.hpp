// SPDX-License-Identifier: Apache-2.0
// edgekern/simd/simd.hpp: the primitive integer ops of quantized kernels for every backend this build enables.
//
// Namespace edgekern::simd. Ops (each an overload set whose last argument is an arch tag; scalar.hpp holds the
// definitions, every other backend is bit-identical to them):
//   dot_s8, dot_s16_s64, dot_s16_s8, dot_s16_s8_s32      widening dot products
//   mac_s8                                               widening multiply-accumulate by a scalar
//   saturate_narrow (int32 -> int8 / int16)              saturating narrow
// Each backend header compiles to nothing unless its EDGEKERN_HAS_* switch is set (arch/detect.hpp).
#pragma once

#include "edgekern/simd/scalar.hpp"
#include "edgekern/simd/cortex_m_dsp.hpp"
#include "edgekern/simd/x86.hpp"
#include "edgekern/simd/neon.hpp"
