// SPDX-License-Identifier: Apache-2.0
// edgekern/simd/simd.hpp: the primitive integer ops of quantized kernels for every backend this build enables.
//
// Namespace edgekern::simd. Each op is an overload set whose last argument is an arch tag; simd/scalar.hpp holds
// the definitions and every other backend returns bit-identical results (tests/simd checks it exhaustively):
//   dot_s8, dot_s16_s64, dot_s16_s8, dot_s16_s8_s32      widening dot products
//   mac_s8                                               widening multiply-accumulate by a scalar
//   saturate_narrow (int32 -> int8 / int16)              saturating narrow
//   sat_rounding_doubling_high_mul (vector x scalar)     SRDHM (VQRDMULH), int32 and int16
//   requantize_s32_unchecked / requantize_s32            per-channel requantization to int8 / int16
// Backends: scalar (all ops); sse2 (dots, mac, narrow); sse41 (SRDHM: int32 with pmuldq, int16 with pmulhrsw + fix);
// avx2 (all); avx512 (all, with masked tails);
// avx512vnni (dot_s8 with vpdpbusd); neon (all); neon_dotprod (dot_s8 with sdot); cortex_m_dsp (dots with smlad/smlald,
// narrow with ssat). Each backend header compiles to nothing unless its EDGEKERN_HAS_* switch is set (arch/detect.hpp).
#pragma once

#include <cstdint>
#include <limits>

#include "edgekern/core/status.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "edgekern/simd/scalar.hpp"
#include "edgekern/simd/cortex_m_dsp.hpp"
#include "edgekern/simd/x86.hpp"
#include "edgekern/simd/neon.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace simd {

namespace detail {
template <class Out>
constexpr status check_requantize_args(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                       const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                       std::int32_t act_max, const Out* out, rounding_mode mode) noexcept {
    constexpr std::int32_t lo = std::numeric_limits<Out>::min(), hi = std::numeric_limits<Out>::max();
    if (n > 0 && (acc == nullptr || multiplier == nullptr || shift == nullptr || out == nullptr))
        return status::null_buffer;
    if (mode != rounding_mode::double_rounding && mode != rounding_mode::single_rounding)
        return status::invalid_argument;
    if (out_zero_point < lo || out_zero_point > hi) return status::invalid_quantization;
    if (act_min > act_max || act_min < lo || act_max > hi) return status::invalid_range;
    for (std::size_t i = 0; i < n; ++i)
        if (check_quantized_multiplier(multiplier[i], shift[i]) != status::ok) return status::invalid_quantization;
    return status::ok;
}

/// True when [p, p + bytes_p) and [q, q + bytes_q) overlap (compared as addresses).
inline bool ranges_overlap(const void* p, std::size_t bytes_p, const void* q, std::size_t bytes_q) noexcept {
    const auto a = reinterpret_cast<std::uintptr_t>(p), b = reinterpret_cast<std::uintptr_t>(q);
    return a < b + bytes_q && b < a + bytes_p;
}
} // namespace detail

/// Per-channel requantization of n int32 accumulators to int8 (the output stage of TFLite int8 kernels):
///   out[i] = clamp(requantize(acc[i], multiplier[i], shift[i], mode) + out_zero_point, act_min, act_max)
/// with requantize() of fixed/quantize.hpp (double rounding = TFLite/CMSIS-NN default, or single rounding).
/// @param acc         n int32 accumulators (bias already added).
/// @param multiplier  n Q0.31 multipliers, each 0 or in [2^30, 2^31); @param shift  n shifts in [-31, 30]
///                    (one per element: pass the per-channel arrays of the output row).
/// @param out_zero_point, act_min, act_max  in [-128, 127], act_min <= act_max.
/// @param out         n int8, must not overlap acc, multiplier or shift.
/// @return status::ok; null_buffer (a null pointer with n > 0), invalid_argument (unknown mode),
///         invalid_quantization (zero point out of range or a bad multiplier/shift), invalid_range (activation
///         bounds), aliasing (out overlaps an input). On error `out` is untouched.
/// Numerics: bit-identical to the scalar fixed/quantize.hpp requantize on every backend; the sum with the zero
/// point never overflows (the clamp is applied to the requantized value first). Kernels that validate their
/// parameters once call requantize_s32_unchecked per row instead.
template <class Arch = arch::default_arch>
status requantize_s32(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier, const std::int32_t* shift,
                      std::int32_t out_zero_point, std::int32_t act_min, std::int32_t act_max, std::int8_t* out,
                      rounding_mode mode, Arch = {}) noexcept {
    const status st =
        detail::check_requantize_args(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out, mode);
    if (st != status::ok) return st;
    if (n > 0 && (detail::ranges_overlap(out, n, acc, n * 4) || detail::ranges_overlap(out, n, multiplier, n * 4) ||
                  detail::ranges_overlap(out, n, shift, n * 4)))
        return status::aliasing;
    requantize_s32_unchecked(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out, mode, Arch{});
    return status::ok;
}

/// int16 output variant of requantize_s32 (TFLite 16x8 with int32 accumulation): same contract with
/// out_zero_point, act_min, act_max in [-32768, 32767].
template <class Arch = arch::default_arch>
status requantize_s32(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier, const std::int32_t* shift,
                      std::int32_t out_zero_point, std::int32_t act_min, std::int32_t act_max, std::int16_t* out,
                      rounding_mode mode, Arch = {}) noexcept {
    const status st =
        detail::check_requantize_args(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out, mode);
    if (st != status::ok) return st;
    if (n > 0 &&
        (detail::ranges_overlap(out, n * 2, acc, n * 4) || detail::ranges_overlap(out, n * 2, multiplier, n * 4) ||
         detail::ranges_overlap(out, n * 2, shift, n * 4)))
        return status::aliasing;
    requantize_s32_unchecked(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out, mode, Arch{});
    return status::ok;
}

} // namespace simd
EDGEKERN_NAMESPACE_END
