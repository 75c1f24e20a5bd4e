// SPDX-License-Identifier: Apache-2.0
// edgekern/fixed/fixed.hpp: fixed<Storage, FracBits>, a saturating Q-format number, and the q7/q15/q31 aliases.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "edgekern/config.hpp"
#include "edgekern/fixed/primitives.hpp"

EDGEKERN_NAMESPACE_BEGIN

namespace detail {
template <class Storage>
struct fixed_wide; // the type that holds a product of two Storage values exactly
template <>
struct fixed_wide<std::int8_t> {
    using type = std::int32_t;
};
template <>
struct fixed_wide<std::int16_t> {
    using type = std::int32_t;
};
template <>
struct fixed_wide<std::int32_t> {
    using type = std::int64_t;
};
} // namespace detail

/// A signed fixed-point number: value = raw * 2^-FracBits (Q(I).(FracBits) with I = bits - 1 - FracBits integer
/// bits; q15 = Q0.15). Plain aggregate of one Storage: arrays of fixed<> have the layout of arrays of Storage.
/// @tparam Storage   int8_t, int16_t or int32_t.
/// @tparam FracBits  in [0, bits(Storage) - 1].
/// Numerics: every operation saturates to [min, max] of Storage; there is no wrap-around.
///  - from_float: x * 2^FracBits rounded to nearest, ties away from zero, saturated; NaN gives 0.
///  - to_float: raw * 2^-FracBits in float (exact for 8/16-bit storage, rounded to 24 bits for int32).
///  - + and -: saturating_add / saturating_sub of the raw values (exact unless saturated).
///  - *: the exact product raw_a * raw_b (in int32, int64 for int32 storage) shifted right by FracBits with
///    rounding_shift_right (ties AWAY from zero), then saturated. Note this differs from VQRDMULH/SRDHM (ties
///    toward +infinity) on negative ties only; q15(-1) * q15(-1) saturates to the largest q15 value.
///  - unary -: saturating (negating the minimum gives the maximum).
template <class Storage, int FracBits>
struct fixed {
    static_assert(std::is_same<Storage, std::int8_t>::value || std::is_same<Storage, std::int16_t>::value ||
                      std::is_same<Storage, std::int32_t>::value,
                  "fixed<>: Storage must be int8_t, int16_t or int32_t");
    static_assert(FracBits >= 0 && FracBits < std::numeric_limits<Storage>::digits + 1,
                  "fixed<>: FracBits must be in [0, bits - 1]");

    using storage_type = Storage;
    static constexpr int frac_bits = FracBits;

    Storage raw; ///< the stored integer

    /// Wraps a raw integer (no conversion).
    static constexpr fixed from_raw(Storage r) noexcept { return fixed{r}; }
    /// Largest and smallest representable values.
    static constexpr fixed max() noexcept { return fixed{std::numeric_limits<Storage>::max()}; }
    static constexpr fixed min() noexcept { return fixed{std::numeric_limits<Storage>::min()}; }

    /// Nearest representable value to x (ties away from zero), saturated to [min(), max()]; NaN gives 0.
    static constexpr fixed from_float(float x) noexcept {
        if (!(x == x)) return fixed{0};
        const float v = x * scale_f(); // exact unless it overflows to +-inf, which saturates below
        // float(max()) rounds up to a power of two for int32 storage; compare against that bound exactly.
        constexpr float hi = static_cast<float>(std::int64_t{std::numeric_limits<Storage>::max()} + 1);
        if (v >= hi) return max();
        if (v <= -hi) return min();
        std::int64_t t = static_cast<std::int64_t>(v); // truncates toward zero; |v| < 2^31 here
        const float f = v - static_cast<float>(t);     // exact: |v| < 2^31 and t shares v's high bits
        if (f >= 0.5f) ++t;
        if (f <= -0.5f) --t;
        return fixed{saturate_cast<Storage>(t)};
    }

    /// raw * 2^-FracBits as float.
    constexpr float to_float() const noexcept { return static_cast<float>(raw) / scale_f(); }

    friend constexpr fixed operator+(fixed a, fixed b) noexcept { return fixed{saturating_add(a.raw, b.raw)}; }
    friend constexpr fixed operator-(fixed a, fixed b) noexcept { return fixed{saturating_sub(a.raw, b.raw)}; }
    friend constexpr fixed operator-(fixed a) noexcept { return fixed{saturating_sub(Storage{0}, a.raw)}; }
    friend constexpr fixed operator*(fixed a, fixed b) noexcept {
        using wide = typename detail::fixed_wide<Storage>::type;
        const wide p = static_cast<wide>(static_cast<wide>(a.raw) * static_cast<wide>(b.raw));
        return fixed{saturate_cast<Storage>(rounding_shift_right(p, FracBits))};
    }
    fixed& operator+=(fixed b) noexcept { return *this = *this + b; }
    fixed& operator-=(fixed b) noexcept { return *this = *this - b; }
    fixed& operator*=(fixed b) noexcept { return *this = *this * b; }

    friend constexpr bool operator==(fixed a, fixed b) noexcept { return a.raw == b.raw; }
    friend constexpr bool operator!=(fixed a, fixed b) noexcept { return a.raw != b.raw; }
    friend constexpr bool operator<(fixed a, fixed b) noexcept { return a.raw < b.raw; }
    friend constexpr bool operator<=(fixed a, fixed b) noexcept { return a.raw <= b.raw; }
    friend constexpr bool operator>(fixed a, fixed b) noexcept { return a.raw > b.raw; }
    friend constexpr bool operator>=(fixed a, fixed b) noexcept { return a.raw >= b.raw; }

private:
    static constexpr float scale_f() noexcept { return static_cast<float>(std::int64_t{1} << FracBits); }
};

/// Q0.7 in int8: [-1, 1 - 2^-7].
using q7 = fixed<std::int8_t, 7>;
/// Q0.15 in int16: [-1, 1 - 2^-15].
using q15 = fixed<std::int16_t, 15>;
/// Q0.31 in int32: [-1, 1 - 2^-31].
using q31 = fixed<std::int32_t, 31>;

EDGEKERN_NAMESPACE_END
