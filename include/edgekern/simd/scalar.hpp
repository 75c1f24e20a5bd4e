// SPDX-License-Identifier: Apache-2.0
// edgekern/simd/scalar.hpp: the primitive integer ops of quantized kernels: the scalar definitions of record.
//
// Every op is an overload set on the arch tag (namespace edgekern::simd). The overloads in this file, taking
// arch::scalar, ARE the specification: every other backend (simd/x86.hpp, simd/neon.hpp, simd/cortex_m_dsp.hpp)
// returns bit-identical results for every input, including the documented wrap-around beyond the headroom
// bounds. A tag without its own overload falls back to its base tag and, eventually, to these.
//
// These are low-level building blocks for kernels: raw pointers, no validation, no status (except
// requantize_s32, see simd/simd.hpp). Pointers may be unaligned; n == 0 is allowed and reads nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/fixed/primitives.hpp"
#include "edgekern/fixed/quantize.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace simd {

// ---- headroom bounds ----------------------------------------------------------------------------------------
// |int8 * int8| <= 2^14 (only (-128)*(-128) reaches it), so an int32 sum of n products is exact while
// n * 2^14 <= 2^31 - 1, i.e. n <= 2^17 - 1.
/// Longest dot_s8 whose int32 result is exact (131071).
constexpr std::size_t dot_s8_max_length = (std::size_t{1} << 17) - 1;
/// Longest mac_s8 chain (calls on the same accumulator from 0) whose int32 accumulators stay exact (131071).
constexpr std::size_t mac_s8_max_length = dot_s8_max_length;
// |int16 * int8| <= 2^22 ((-32768)*(-128)), so int32 holds n <= 2^9 - 1 = 511 such products exactly.
/// Longest dot_s16_s8_s32 whose int32 result is exact (511, TFLite's 16x8 path with int32 accumulation).
constexpr std::size_t dot_s16_s8_s32_max_length = (std::size_t{1} << 9) - 1;
// |int16 * int16| <= 2^30 and |int16 * int8| <= 2^22: int64 is exact for n < 2^33 (resp. 2^41): more elements
// than any address space here holds, so the int64 dot products have no practical bound.

namespace detail {
/// Two's-complement wrap of a uint32 to int32 without implementation-defined conversion.
constexpr std::int32_t wrap_s32(std::uint32_t u) noexcept {
    return u <= 0x7FFFFFFFu ? static_cast<std::int32_t>(u) : static_cast<std::int32_t>(u - 0x80000000u) + INT32_MIN;
}
constexpr std::uint32_t as_u32(std::int32_t v) noexcept {
    return static_cast<std::uint32_t>(v);
}
} // namespace detail

// ---- dot products ---------------------------------------------------------------------------------------------

/// Dot product of two int8 vectors: sum over i < n of a[i] * b[i].
/// @param a, b  n elements each, any alignment (may be null when n == 0).
/// @pre n <= dot_s8_max_length for an exact result.
/// @return the sum as int32.
/// Numerics: products are exact (|p| <= 2^14); the sum is exact for n <= dot_s8_max_length. Beyond that the
/// result is the exact sum reduced modulo 2^32 (two's-complement wrap) on every backend, never UB.
inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::scalar) noexcept {
    std::uint32_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc += detail::as_u32(std::int32_t{a[i]} * std::int32_t{b[i]});
    return detail::wrap_s32(acc);
}

/// Dot product of two int16 vectors with an int64 result: sum over i < n of a[i] * b[i].
/// @param a, b  n elements each, any alignment.
/// @return the exact sum (exact for n < 2^33).
/// Numerics: products are exact in int32 except (-32768)^2 = 2^30, which also fits; accumulation is int64.
/// (There is deliberately no int32 variant: two products of -32768 * -32768 already overflow int32.)
inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n, arch::scalar) noexcept {
    std::int64_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc += std::int64_t{std::int32_t{a[i]} * std::int32_t{b[i]}};
    return acc;
}

/// Dot product of an int16 vector with an int8 vector, int64 result (TFLite 16x8 with int64 bias).
/// @param a  n int16 activations; @param b  n int8 weights; any alignment.
/// @return the exact sum (exact for n < 2^41).
/// Numerics: |a[i] * b[i]| <= 2^22; int64 accumulation.
inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::scalar) noexcept {
    std::int64_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc += std::int64_t{std::int32_t{a[i]} * std::int32_t{b[i]}};
    return acc;
}

/// Dot product of an int16 vector with an int8 vector, int32 result (TFLite 16x8 with int32 bias).
/// @pre n <= dot_s16_s8_s32_max_length (511) for an exact result.
/// @return the sum as int32.
/// Numerics: |a[i] * b[i]| <= 2^22, so the sum is exact while n <= 511; beyond, the exact sum modulo 2^32 on
/// every backend.
inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::scalar) noexcept {
    std::uint32_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc += detail::as_u32(std::int32_t{a[i]} * std::int32_t{b[i]});
    return detail::wrap_s32(acc);
}

// ---- multiply-accumulate ------------------------------------------------------------------------------------

/// Widening multiply-accumulate of an int8 vector by an int8 scalar: acc[i] += a[i] * b for i < n.
/// @param acc  n int32 accumulators (read and written); @param a  n int8 values; any alignment; no overlap.
/// Numerics: products exact (|p| <= 2^14); each accumulator wraps modulo 2^32 on overflow (identically on every
/// backend); starting from 0 it stays exact for mac_s8_max_length calls.
inline void mac_s8(std::int32_t* acc, const std::int8_t* a, std::int8_t b, std::size_t n, arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        acc[i] = detail::wrap_s32(detail::as_u32(acc[i]) + detail::as_u32(std::int32_t{a[i]} * std::int32_t{b}));
}

// ---- saturating narrow ------------------------------------------------------------------------------------------

/// Saturating narrow: out[i] = clamp(in[i], -128, 127).
/// Numerics: exact clamp (x86 packssdw + packsswb / vpmovsdb, NEON sqxtn, Arm ssat #8).
inline void saturate_narrow(const std::int32_t* in, std::int8_t* out, std::size_t n, arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t v = in[i] < -128 ? -128 : (in[i] > 127 ? 127 : in[i]);
        out[i] = static_cast<std::int8_t>(v);
    }
}

/// Saturating narrow: out[i] = clamp(in[i], -32768, 32767).
/// Numerics: exact clamp (x86 packssdw / vpmovsdw, NEON sqxtn, Arm ssat #16).
inline void saturate_narrow(const std::int32_t* in, std::int16_t* out, std::size_t n, arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t v = in[i] < -32768 ? -32768 : (in[i] > 32767 ? 32767 : in[i]);
        out[i] = static_cast<std::int16_t>(v);
    }
}

// ---- rounding high multiply and requantization --------------------------------------------------------------

/// Vector saturating rounding doubling high multiply: out[i] = sat_rounding_doubling_high_mul(a[i], b)
/// (fixed/primitives.hpp): floor((a[i] * b + 2^30) / 2^31), with (INT32_MIN, INT32_MIN) -> INT32_MAX.
/// @param a  n int32; @param out  n int32 (may equal a: in place is allowed); any alignment.
/// Numerics: Arm VQRDMULH / SQRDMULH exactly; x86 via pmuldq (64-bit products) + 2^30, >> 31, one saturating fix.
inline void sat_rounding_doubling_high_mul(const std::int32_t* a, std::int32_t b, std::int32_t* out, std::size_t n,
                                           arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = ::edgekern::sat_rounding_doubling_high_mul(a[i], b);
}

/// Vector 16-bit SRDHM: out[i] = sat_rounding_doubling_high_mul(a[i], b) (fixed/primitives.hpp, int16):
/// floor((a[i] * b + 2^14) / 2^15), with (-32768, -32768) -> 32767.
/// Numerics: Arm VQRDMULH.S16 / SQRDMULH exactly; x86 PMULHRSW plus a fix of its one wrapping case.
inline void sat_rounding_doubling_high_mul(const std::int16_t* a, std::int16_t b, std::int16_t* out, std::size_t n,
                                           arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = ::edgekern::sat_rounding_doubling_high_mul(a[i], b);
}

namespace detail {
/// One element of requantize_s32: clamp(requantize(acc, m, s, mode) + zp, act_min, act_max), the sum taken
/// without overflow. Written as the vector backends compute it: clamp to [act_min - zp, act_max - zp] (both in
/// int32 because act_*, zp are int16-range values), then add zp.
constexpr std::int32_t requantize_one(std::int32_t acc, std::int32_t multiplier, std::int32_t shift, std::int32_t zp,
                                      std::int32_t act_min, std::int32_t act_max, rounding_mode mode) noexcept {
    const std::int32_t q = ::edgekern::requantize(acc, multiplier, shift, mode);
    const std::int32_t lo = act_min - zp, hi = act_max - zp;
    return (q < lo ? lo : (q > hi ? hi : q)) + zp;
}
} // namespace detail

/// Per-channel requantization of int32 accumulators to int8, without argument checks (kernels validate once):
///   out[i] = clamp(requantize(acc[i], multiplier[i], shift[i], mode) + out_zero_point, act_min, act_max)
/// with requantize from fixed/quantize.hpp (TFLite double or single rounding).
/// @pre every (multiplier[i], shift[i]) passes check_quantized_multiplier; -128 <= act_min <= act_max <= 127;
///      -128 <= out_zero_point <= 127. requantize_s32 (simd/simd.hpp) checks all of this and returns a status.
/// Numerics: bit-identical to the scalar fixed/quantize.hpp functions on every backend.
inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int8_t* out, rounding_mode mode,
                                     arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::int8_t>(
            detail::requantize_one(acc[i], multiplier[i], shift[i], out_zero_point, act_min, act_max, mode));
}

/// int16 output variant of requantize_s32_unchecked (TFLite 16x8 with int32 accumulation).
/// @pre as for int8, with the int16 range for act_min, act_max and out_zero_point.
inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int16_t* out, rounding_mode mode,
                                     arch::scalar) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::int16_t>(
            detail::requantize_one(acc[i], multiplier[i], shift[i], out_zero_point, act_min, act_max, mode));
}

} // namespace simd
EDGEKERN_NAMESPACE_END
