// SPDX-License-Identifier: Apache-2.0
// edgekern/fixed/primitives.hpp: scalar fixed-point primitives (saturation, rounding shifts, high multiplies).
//
// These are the definitions of record for every integer kernel: a SIMD backend that computes one of these
// operations must return the same bits for every input. All functions are constexpr, noexcept and free of
// undefined behaviour for EVERY argument value (documented preconditions only say where the result is meaningful).
// The rounding and saturation rules, with the Arm/x86 instructions they match, are derived in docs/numerics.md.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN

namespace detail {

/// a < b for any two integers, compared by value (no usual-arithmetic-conversion surprises).
template <class A, class B>
constexpr bool int_less(A a, B b) noexcept {
    if constexpr (std::is_signed<A>::value == std::is_signed<B>::value) {
        return a < b;
    } else if constexpr (std::is_signed<A>::value) {
        return a < 0 || static_cast<std::make_unsigned_t<A>>(a) < b;
    } else {
        return b >= 0 && a < static_cast<std::make_unsigned_t<B>>(b);
    }
}

} // namespace detail

// ---- saturation -------------------------------------------------------------------------------------------------

/// Converts the integer `v` to the integer type `To`, clamping to [numeric_limits<To>::min(), max()].
/// Works for every signed/unsigned combination (comparisons are done by value, never by conversion).
/// @return v when it is representable in To, else the nearest bound.
/// Numerics: exact; equals Arm SSAT/USAT (and VQMOVN) when narrowing.
template <class To, class From>
constexpr To saturate_cast(From v) noexcept {
    static_assert(std::is_integral<To>::value && std::is_integral<From>::value,
                  "saturate_cast: integer types only (use quantize() for float -> integer)");
    if (detail::int_less(v, std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (detail::int_less(std::numeric_limits<To>::max(), v)) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
}

// ---- rounding shifts --------------------------------------------------------------------------------------------

/// Divides x by 2^exponent and rounds to nearest, ties AWAY FROM ZERO (gemmlowp RoundingDivideByPOT).
/// @param x         any int32.
/// @param exponent  @pre 0 <= exponent <= 31. Outside that range the result is still defined and exact:
///                  a negative exponent acts as 0; an exponent > 31 gives the correctly rounded quotient
///                  (0, or -1 for INT32_MIN at exponent 32).
/// @return round_half_away(x / 2^exponent); always representable (|result| <= |x|).
/// Numerics: mask/threshold form: rem = x & (2^e - 1), threshold = (mask >> 1) + (x < 0),
/// result = (x >> e) + (rem > threshold). The mask is formed without a 32-bit `1 << 31`, so e == 31 is fine.
/// Arm: SRSHL/VRSHL with a negative shift rounds ties toward +infinity instead (see docs/numerics.md).
namespace detail {
/// rounding_shift_right for 0 <= exponent <= 31, branch-free (the mask is ~(~0 << e), never a 32-bit 1 << 31).
constexpr std::int32_t rounding_shift_right_unchecked(std::int32_t x, int exponent) noexcept {
    const std::uint32_t mask = ~(~std::uint32_t{0} << exponent);
    const std::uint32_t rem = static_cast<std::uint32_t>(x) & mask;
    const std::uint32_t threshold = (mask >> 1) + (x < 0 ? 1u : 0u);
    // Arithmetic right shift of a negative value: implementation-defined before C++20, arithmetic on every
    // compiler this library supports (GCC, Clang); C++20 makes it the standard.
    return (x >> exponent) + (rem > threshold ? 1 : 0);
}
} // namespace detail

constexpr std::int32_t rounding_shift_right(std::int32_t x, int exponent) noexcept {
    if (exponent <= 0) return x;
    if (exponent > 31) return (exponent == 32 && x == INT32_MIN) ? -1 : 0;
    return detail::rounding_shift_right_unchecked(x, exponent);
}

/// 64-bit rounding_shift_right: x / 2^exponent rounded to nearest, ties away from zero.
/// @pre 0 <= exponent <= 63 (outside: negative acts as 0, > 63 gives the correctly rounded quotient).
/// Numerics: same mask/threshold form as the int32 overload, with a 64-bit mask.
constexpr std::int64_t rounding_shift_right(std::int64_t x, int exponent) noexcept {
    if (exponent <= 0) return x;
    if (exponent > 63) return (exponent == 64 && x == INT64_MIN) ? -1 : 0;
    const std::uint64_t mask = ~std::uint64_t{0} >> (64 - exponent);
    const std::uint64_t rem = static_cast<std::uint64_t>(x) & mask;
    const std::uint64_t threshold = (mask >> 1) + (x < 0 ? 1u : 0u);
    return (x >> exponent) + (rem > threshold ? 1 : 0);
}

/// gemmlowp's name for rounding_shift_right (int32): x / 2^exponent, ties away from zero. @pre 0 <= exponent <= 31.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
    return rounding_shift_right(x, exponent);
}

/// gemmlowp's name for the int64 rounding_shift_right. @pre 0 <= exponent <= 63.
constexpr std::int64_t rounding_divide_by_pot(std::int64_t x, int exponent) noexcept {
    return rounding_shift_right(x, exponent);
}

// ---- high multiplies --------------------------------------------------------------------------------------------

/// Saturating rounding doubling high multiply, 32-bit (gemmlowp SaturatingRoundingDoublingHighMul).
/// Reading a and b as Q0.31 values, returns their product in Q0.31, rounded to nearest with ties toward +infinity.
/// @return round((a * b) / 2^31), i.e. floor((a * b + 2^30) / 2^31); the single overflowing case
///         a == b == INT32_MIN (product +1.0) saturates to INT32_MAX.
/// Numerics: bit-identical to Arm VQRDMULH.S32 / SQRDMULH (Sd = sat((2ab + 2^31) >> 32)). gemmlowp's nudge +
/// truncating-division form gives the same value for every input.
constexpr std::int32_t sat_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) noexcept {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    const std::int64_t ab = std::int64_t{a} * std::int64_t{b}; // |ab| < 2^62
    // floor((ab + 2^30) / 2^31) as an arithmetic shift: equal to gemmlowp's sign-dependent nudge followed by a
    // truncating division for every input, and branch-free (SMULL + ADDS/ADC + shifts on Cortex-M).
    return static_cast<std::int32_t>((ab + (std::int64_t{1} << 30)) >> 31);
}

/// Saturating rounding doubling high multiply, 16-bit: Q0.15 x Q0.15 -> Q0.15, ties toward +infinity.
/// @return floor((a * b + 2^14) / 2^15); (-32768, -32768) saturates to 32767.
/// Numerics: bit-identical to Arm VQRDMULH.S16 / SQRDMULH. x86 PMULHRSW computes the same for every pair except
/// (-32768, -32768), where it wraps to -32768 (see docs/numerics.md).
constexpr std::int16_t sat_rounding_doubling_high_mul(std::int16_t a, std::int16_t b) noexcept {
    const std::int32_t ab = std::int32_t{a} * std::int32_t{b};   // in [-2^30 + 2^15, 2^30]
    const std::int32_t r = (ab + (std::int32_t{1} << 14)) >> 15; // floor division (arithmetic shift)
    return r > INT16_MAX ? std::int16_t{INT16_MAX} : static_cast<std::int16_t>(r);
}

/// Exact product of two int32 as int64 (|result| <= 2^62). Arm SMULL; x86 PMULDQ.
constexpr std::int64_t widening_mul(std::int32_t a, std::int32_t b) noexcept {
    return std::int64_t{a} * std::int64_t{b};
}

/// Exact product of two int16 as int32 (|result| <= 2^30). Arm SMULBB / VMULL.S16; x86 PMADDWD lane.
constexpr std::int32_t widening_mul(std::int16_t a, std::int16_t b) noexcept {
    return std::int32_t{a} * std::int32_t{b};
}

// ---- saturating add / sub ---------------------------------------------------------------------------------------

/// a + b clamped to int8. Arm QADD8 lane / VQADD.S8; x86 PADDSB.
constexpr std::int8_t saturating_add(std::int8_t a, std::int8_t b) noexcept {
    return saturate_cast<std::int8_t>(std::int32_t{a} + std::int32_t{b});
}
/// a - b clamped to int8. Arm QSUB8 lane / VQSUB.S8; x86 PSUBSB.
constexpr std::int8_t saturating_sub(std::int8_t a, std::int8_t b) noexcept {
    return saturate_cast<std::int8_t>(std::int32_t{a} - std::int32_t{b});
}
/// a + b clamped to int16. Arm QADD16 lane / VQADD.S16; x86 PADDSW.
constexpr std::int16_t saturating_add(std::int16_t a, std::int16_t b) noexcept {
    return saturate_cast<std::int16_t>(std::int32_t{a} + std::int32_t{b});
}
/// a - b clamped to int16. Arm QSUB16 lane / VQSUB.S16; x86 PSUBSW.
constexpr std::int16_t saturating_sub(std::int16_t a, std::int16_t b) noexcept {
    return saturate_cast<std::int16_t>(std::int32_t{a} - std::int32_t{b});
}
/// a + b clamped to int32. Arm QADD / VQADD.S32.
constexpr std::int32_t saturating_add(std::int32_t a, std::int32_t b) noexcept {
    return saturate_cast<std::int32_t>(std::int64_t{a} + std::int64_t{b});
}
/// a - b clamped to int32. Arm QSUB / VQSUB.S32.
constexpr std::int32_t saturating_sub(std::int32_t a, std::int32_t b) noexcept {
    return saturate_cast<std::int32_t>(std::int64_t{a} - std::int64_t{b});
}
/// a + b clamped to int64. The bound is tested before adding, so no signed overflow ever happens.
constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
    return a + b;
}
/// a - b clamped to int64. The bound is tested before subtracting, so no signed overflow ever happens.
constexpr std::int64_t saturating_sub(std::int64_t a, std::int64_t b) noexcept {
    if (b < 0 && a > INT64_MAX + b) return INT64_MAX;
    if (b > 0 && a < INT64_MIN + b) return INT64_MIN;
    return a - b;
}

// ---- plain `int` arguments where int32_t is not int ----------------------------------------------------------
// On arm-none-eabi int32_t is `long`, so a call with `int` arguments would be ambiguous between the int32_t and
// int64_t overloads. These forward `int` to the int32_t overloads there (they do not exist where int == int32_t).
namespace detail {
template <class T>
using if_distinct_int_t = std::enable_if_t<std::is_same<T, int>::value && !std::is_same<int, std::int32_t>::value, int>;
} // namespace detail

template <class T, detail::if_distinct_int_t<T> = 0>
constexpr std::int32_t rounding_shift_right(T x, int exponent) noexcept {
    return rounding_shift_right(static_cast<std::int32_t>(x), exponent);
}
template <class T, detail::if_distinct_int_t<T> = 0>
constexpr std::int32_t rounding_divide_by_pot(T x, int exponent) noexcept {
    return rounding_shift_right(static_cast<std::int32_t>(x), exponent);
}
template <class T, detail::if_distinct_int_t<T> = 0>
constexpr std::int32_t sat_rounding_doubling_high_mul(T a, T b) noexcept {
    return sat_rounding_doubling_high_mul(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b));
}
template <class T, detail::if_distinct_int_t<T> = 0>
constexpr std::int64_t widening_mul(T a, T b) noexcept {
    return widening_mul(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b));
}
template <class T, detail::if_distinct_int_t<T> = 0>
constexpr std::int32_t saturating_add(T a, T b) noexcept {
    return saturating_add(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b));
}
template <class T, detail::if_distinct_int_t<T> = 0>
constexpr std::int32_t saturating_sub(T a, T b) noexcept {
    return saturating_sub(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b));
}

EDGEKERN_NAMESPACE_END
