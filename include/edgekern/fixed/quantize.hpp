// SPDX-License-Identifier: Apache-2.0
// edgekern/fixed/quantize.hpp: affine quantization: real scale -> (multiplier, shift), requantization, quantize.
//
// Matches TFLite / TFLite-Micro / CMSIS-NN bit for bit wherever those are defined (see docs/numerics.md and
// NUMERICS.md section 1); where they have undefined behaviour (int32 overflow of acc * 2^shift) this file
// saturates instead, and says so.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "edgekern/config.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/fixed/primitives.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Which TFLite requantization to reproduce.
enum class rounding_mode : std::uint8_t {
    double_rounding, ///< TFLite / TFLM / CMSIS-NN default: SRDHM (ties up) then rounding shift (ties away).
    single_rounding, ///< TFLITE_SINGLE_ROUNDING / CMSIS_NN_USE_SINGLE_ROUNDING: one int64 rounding (ties up).
};

/// A real scale s represented as s ~= multiplier * 2^(shift - 31), multiplier a Q0.31 value in [0.5, 1).
struct quantized_multiplier {
    std::int32_t multiplier; ///< in [2^30, 2^31), or 0 (scale too small to represent: every output is 0)
    std::int32_t shift;      ///< in [-31, 30]; positive = left shift
};

/// Smallest and largest valid `shift` of a quantized multiplier.
constexpr std::int32_t min_quantized_shift = -31;
constexpr std::int32_t max_quantized_shift = 30;

/// Checks a (multiplier, shift) pair against the requantizers' precondition.
/// @return status::ok when shift is in [-31, 30] and multiplier is 0 or in [2^30, 2^31);
///         status::invalid_quantization otherwise.
constexpr status check_quantized_multiplier(std::int32_t multiplier, std::int32_t shift) noexcept {
    if (shift < min_quantized_shift || shift > max_quantized_shift) return status::invalid_quantization;
    if (multiplier != 0 && multiplier < (std::int32_t{1} << 30)) return status::invalid_quantization;
    return status::ok;
}

/// Converts a positive real scale into a Q0.31 multiplier and a power-of-two shift (TFLite QuantizeMultiplier).
/// Recipe: frexp(scale) = q * 2^e with q in [0.5, 1); m = round_half_away(q * 2^31); if m == 2^31 then
/// m = 2^30 and e += 1; if e < -31 then m = 0, e = 0 (TFLite's behaviour: the scale is below 2^-32 and every
/// requantized value is 0); shift = e.
/// @param real_scale  finite and > 0 (e.g. s_in * s_w / s_out).
/// @param out         receives the result; untouched unless status::ok is returned.
/// @return status::ok; status::invalid_quantization when real_scale <= 0, NaN or infinite, or when the scale
///         needs shift > 30 (scale >= 2^30, beyond any int32 requantization).
/// Numerics: q * 2^31 is exact in double (q has 53 bits), so m is the correctly rounded Q0.31 mantissa; the
/// relative error of m * 2^(shift-31) vs real_scale is <= 2^-31. Subnormal scales give (0, 0), as in TFLite.
/// Uses double arithmetic (soft-float on Cortex-M): call it at setup time, not per element.
inline status quantize_multiplier(double real_scale, quantized_multiplier& out) noexcept {
    if (!(real_scale > 0.0) || !std::isfinite(real_scale)) return status::invalid_quantization;
    int e = 0;
    const double q = std::frexp(real_scale, &e); // q in [0.5, 1)
    // q * 2^31 in [2^30, 2^31) has at most 22 fraction bits, so adding 0.5 is exact: truncation = round-half-up,
    // which equals round-half-away-from-zero (std::round, TFLite's TfLiteRound) for positive values.
    std::int64_t m = static_cast<std::int64_t>(std::ldexp(q, 31) + 0.5);
    if (m == (std::int64_t{1} << 31)) {
        m /= 2;
        ++e;
    }
    if (e < min_quantized_shift) {
        m = 0;
        e = 0;
    }
    if (e > max_quantized_shift) return status::invalid_quantization;
    out.multiplier = static_cast<std::int32_t>(m);
    out.shift = static_cast<std::int32_t>(e);
    return status::ok;
}

namespace detail {
constexpr std::int32_t clamp_shift(std::int32_t shift) noexcept {
    return shift < min_quantized_shift ? min_quantized_shift
                                       : (shift > max_quantized_shift ? max_quantized_shift : shift);
}
} // namespace detail

/// TFLite's default requantization (MultiplyByQuantizedMultiplier, double rounding):
///   left = max(shift, 0), right = max(-shift, 0),
///   result = rounding_divide_by_pot(sat_rounding_doubling_high_mul(sat32(acc * 2^left), multiplier), right).
/// @pre check_quantized_multiplier(multiplier, shift) == status::ok (kernels validate once up front). Outside it
///      the result is unspecified but never undefined (shift is clamped to [-31, 30]).
/// @return acc * multiplier * 2^(shift - 31), rounded twice (ties toward +inf in the high multiply, then ties away
///         from zero in the shift).
/// Numerics: TFLite computes acc * (1 << left) in int32, which is undefined behaviour when it overflows; here the
/// product is formed in int64 and saturated to int32 first. Identical to TFLite whenever TFLite is defined.
constexpr std::int32_t requantize_double_rounding(std::int32_t acc, std::int32_t multiplier,
                                                  std::int32_t shift) noexcept {
    shift = detail::clamp_shift(shift);
    if (shift > 0) { // left shift (saturated), then the high multiply; no right shift
        const std::int32_t scaled = saturate_cast<std::int32_t>(std::int64_t{acc} * (std::int64_t{1} << shift));
        return sat_rounding_doubling_high_mul(scaled, multiplier);
    }
    return detail::rounding_shift_right_unchecked(sat_rounding_doubling_high_mul(acc, multiplier),
                                                  static_cast<int>(-shift));
}

/// TFLite's single-rounding requantization (TFLITE_SINGLE_ROUNDING, CMSIS_NN_USE_SINGLE_ROUNDING):
///   total = 31 - shift; result = sat32((acc * multiplier + 2^(total - 1)) >> total)  (int64 arithmetic).
/// @pre check_quantized_multiplier(multiplier, shift) == status::ok. Outside it: unspecified, never UB.
/// @return acc * multiplier * 2^(shift - 31) rounded once to nearest, ties toward +infinity, saturated to int32.
/// Numerics: |acc * multiplier| < 2^62 and the rounding term <= 2^61, so the int64 sum cannot overflow.
/// Differs from double rounding by 1 on a small fraction of inputs (docs/numerics.md).
constexpr std::int32_t requantize_single_rounding(std::int32_t acc, std::int32_t multiplier,
                                                  std::int32_t shift) noexcept {
    shift = detail::clamp_shift(shift);
    const int total = 31 - static_cast<int>(shift); // in [1, 62]
    const std::int64_t round = std::int64_t{1} << (total - 1);
    return saturate_cast<std::int32_t>((std::int64_t{acc} * std::int64_t{multiplier} + round) >> total);
}

/// Requantizes with the given mode (see requantize_double_rounding / requantize_single_rounding).
/// @pre check_quantized_multiplier(multiplier, shift) == status::ok.
constexpr std::int32_t requantize(std::int32_t acc, std::int32_t multiplier, std::int32_t shift,
                                  rounding_mode mode) noexcept {
    return mode == rounding_mode::single_rounding ? requantize_single_rounding(acc, multiplier, shift)
                                                  : requantize_double_rounding(acc, multiplier, shift);
}

/// The reduced 16-bit multiplier of TFLite's int64 16x8 path:
/// (multiplier < 0x7FFF0000) ? (multiplier + 2^15) >> 16 : 0x7FFF.  In [2^14, 2^15 - 1] for a valid multiplier.
constexpr std::int32_t reduced_multiplier_16(std::int32_t multiplier) noexcept {
    return multiplier < 0x7FFF0000 ? static_cast<std::int32_t>((std::int64_t{multiplier} + (1 << 15)) >> 16)
                                   : std::int32_t{0x7FFF};
}

/// TFLite's int64 requantization of the 16x8 (int16 activations x int8 weights, int64 bias) kernels
/// (MultiplyByQuantizedMultiplier(int64_t, ...)):
///   m16 = reduced_multiplier_16(multiplier); total = 15 - shift;
///   result = sat32(floor((acc * m16 + 2^(total - 1)) / 2^total))   (the rounding term is 0 when total <= 0,
///   and a non-positive total multiplies by 2^-total).
/// @pre check_quantized_multiplier(multiplier, shift) == status::ok. TFLite additionally requires
///      -2^47 <= acc < 2^47 and shift <= 7 and asserts the result fits int32; here every int64 acc and every shift
///      in [-31, 30] gives the exact value of the formula, saturated to int32 (no overflow, no UB).
/// @return the requantized value (ties toward +infinity), saturated to int32.
/// Numerics: m16 keeps 15 bits of the multiplier (relative error up to 2^-15), so this path is coarser than
/// the 32-bit one; it is what TFLite does for int64 accumulators. For |acc| < 2^48 the int64 evaluation of the
/// formula is exact; beyond that the value is computed as floor(acc / 2^total) * m16 + (a remainder term), also
/// exactly.
constexpr std::int32_t requantize_16x8_int64(std::int64_t acc, std::int32_t multiplier, std::int32_t shift) noexcept {
    shift = detail::clamp_shift(shift);
    const std::int64_t m16 = reduced_multiplier_16(multiplier); // |m16| <= 2^15
    if (m16 == 0 || acc == 0) return 0;
    const int total = 15 - static_cast<int>(shift); // in [-15, 46]
    const bool negative = (acc < 0) != (m16 < 0);
    const std::int32_t sat = negative ? INT32_MIN : INT32_MAX;
    if (total <= 0) {
        // acc * m16 * 2^-total with -total <= 15: exact in int64 while |acc| <= 2^32, saturated beyond.
        if (acc > (std::int64_t{1} << 32) || acc < -(std::int64_t{1} << 32)) return sat;
        return saturate_cast<std::int32_t>(acc * m16 * (std::int64_t{1} << -total));
    }
    // acc = q * 2^total + r with 0 <= r < 2^total (floor division), so
    // floor((acc * m16 + 2^(total-1)) / 2^total) = q * m16 + floor((r * m16 + 2^(total-1)) / 2^total).
    // |r * m16| < 2^61 and the second term is in [-2^15, 2^15]; when |q| > 2^32 the first term alone exceeds
    // 2^32 in magnitude, so the result saturates.
    if (acc >= -(std::int64_t{1} << 47) && acc < (std::int64_t{1} << 47)) {
        // TFLite's domain: |acc * m16| < 2^62, so the formula is exact in int64 as written.
        return saturate_cast<std::int32_t>((acc * m16 + (std::int64_t{1} << (total - 1))) >> total);
    }
    const std::int64_t q = acc >> total;
    const std::int64_t r = acc & ((std::int64_t{1} << total) - 1);
    if (q > (std::int64_t{1} << 32) || q < -(std::int64_t{1} << 32)) return sat;
    const std::int64_t frac = (r * m16 + (std::int64_t{1} << (total - 1))) >> total;
    return saturate_cast<std::int32_t>(q * m16 + frac);
}

// ---- float <-> quantized ----------------------------------------------------------------------------------------

namespace detail {
template <class T>
constexpr bool is_quantized_type_v = std::is_same<T, std::int8_t>::value || std::is_same<T, std::uint8_t>::value ||
                                     std::is_same<T, std::int16_t>::value || std::is_same<T, std::int32_t>::value;

template <class T>
constexpr status check_affine(float scale, std::int32_t zero_point) noexcept {
    if (!(scale > 0.0f) || !(scale <= std::numeric_limits<float>::max())) return status::invalid_quantization;
    if (detail::int_less(zero_point, std::numeric_limits<T>::min()) ||
        detail::int_less(std::numeric_limits<T>::max(), zero_point))
        return status::invalid_quantization;
    return status::ok;
}

constexpr bool is_finite_f(float x) noexcept {
    return x == x && x <= std::numeric_limits<float>::max() && x >= -std::numeric_limits<float>::max();
}

/// round_half_away(x / scale) + zero_point saturated to T; x finite, scale finite > 0.
template <class T>
inline T quantize_one(float x, float scale, std::int32_t zero_point) noexcept {
    const float v = std::round(x / scale); // may be +-inf when scale is tiny
    // Clamp in float before converting: a float -> int conversion out of range is undefined behaviour.
    constexpr float lim = 4294967296.0f; // 2^32: beyond any T's range even after adding a zero point
    const float c = v > lim ? lim : (v < -lim ? -lim : v);
    return saturate_cast<T>(static_cast<std::int64_t>(c) + zero_point);
}
} // namespace detail

/// Affine quantization of one value: out = saturate<T>(round_half_away(x / scale) + zero_point).
/// @tparam T  int8_t, uint8_t, int16_t or int32_t.
/// @param scale       finite, > 0.  @param zero_point  representable in T.
/// @return status::ok; status::invalid_quantization for a bad scale or zero point; status::non_finite when x is
///         NaN or infinite. `out` is untouched on error.
/// Numerics: x / scale is a float division (as TFLite's reference Quantize), rounded with std::round (ties away
/// from zero), then saturated to T's full range.
template <class T>
inline status quantize(float x, float scale, std::int32_t zero_point, T& out) noexcept {
    static_assert(detail::is_quantized_type_v<T>, "quantize: T must be int8_t, uint8_t, int16_t or int32_t");
    EDGEKERN_TRY(detail::check_affine<T>(scale, zero_point));
    if (!detail::is_finite_f(x)) return status::non_finite;
    out = detail::quantize_one<T>(x, scale, zero_point);
    return status::ok;
}

/// Affine dequantization of one value: out = scale * (float)(q - zero_point).
/// @return status::ok; status::invalid_quantization for a bad scale or zero point (out untouched).
/// Numerics: q - zero_point is exact in int64; converting it to float rounds for |q - zp| > 2^24 (int32 only);
/// one float multiply (correctly rounded).
template <class T>
inline status dequantize(T q, float scale, std::int32_t zero_point, float& out) noexcept {
    static_assert(detail::is_quantized_type_v<T>, "dequantize: T must be int8_t, uint8_t, int16_t or int32_t");
    EDGEKERN_TRY(detail::check_affine<T>(scale, zero_point));
    out = scale * static_cast<float>(std::int64_t{q} - zero_point);
    return status::ok;
}

/// Quantizes a float vector element by element (see the scalar quantize()).
/// @param in, out  the same length; may be empty (nothing to do). They must not overlap.
/// @return status::ok; invalid_quantization (bad scale or zero point), shape_mismatch (lengths differ),
///         null_buffer (a non-empty span with a null pointer), aliasing (in and out overlap), non_finite (any
///         element NaN or infinite: checked for the whole input before anything is written).
template <class T>
inline status quantize(span<const float> in, float scale, std::int32_t zero_point, span<T> out) noexcept {
    static_assert(detail::is_quantized_type_v<T>, "quantize: T must be int8_t, uint8_t, int16_t or int32_t");
    EDGEKERN_TRY(detail::check_affine<T>(scale, zero_point));
    if (in.size() != out.size()) return status::shape_mismatch;
    if (in.empty()) return status::ok;
    if (in.data() == nullptr || out.data() == nullptr) return status::null_buffer;
    if (overlaps(in, out)) return status::aliasing;
    for (float x : in)
        if (!detail::is_finite_f(x)) return status::non_finite;
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = detail::quantize_one<T>(in[i], scale, zero_point);
    return status::ok;
}

/// Dequantizes a vector element by element (see the scalar dequantize()).
/// @return status::ok; invalid_quantization, shape_mismatch, null_buffer or aliasing as for quantize().
template <class T>
inline status dequantize(span<const T> in, float scale, std::int32_t zero_point, span<float> out) noexcept {
    static_assert(detail::is_quantized_type_v<T>, "dequantize: T must be int8_t, uint8_t, int16_t or int32_t");
    EDGEKERN_TRY(detail::check_affine<T>(scale, zero_point));
    if (in.size() != out.size()) return status::shape_mismatch;
    if (in.empty()) return status::ok;
    if (in.data() == nullptr || out.data() == nullptr) return status::null_buffer;
    if (overlaps(in, out)) return status::aliasing;
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = scale * static_cast<float>(std::int64_t{in[i]} - zero_point);
    return status::ok;
}

/// dequantize() for a span of mutable elements (forwards to the span<const T> form).
template <class T, std::enable_if_t<!std::is_const<T>::value, int> = 0>
inline status dequantize(span<T> in, float scale, std::int32_t zero_point, span<float> out) noexcept {
    return dequantize(span<const T>(in), scale, zero_point, out);
}

EDGEKERN_NAMESPACE_END
