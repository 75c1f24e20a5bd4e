// SPDX-License-Identifier: Apache-2.0
// requantize_reference.hpp: test oracles for fixed/: primitives, requantization and quantization, from the spec.
//
// Written straight from the definitions in NUMERICS.md section 1 and docs/numerics.md, deliberately in a
// different form from include/edgekern/fixed (sign-magnitude rounding, explicit floor division, a hand-made
// 128-bit two's-complement value for the 16x8 path, no __int128), and sharing no code with include/.
// Slow and obvious on purpose. Names: ref_*.
#pragma once

#include <cmath>
#include <cstdint>

namespace edgekern_ref {

// ---- integer helpers --------------------------------------------------------------------------------------------

/// Clamp an int64 to [lo, hi].
inline std::int64_t ref_clamp(std::int64_t v, std::int64_t lo, std::int64_t hi) {
    if (v < lo) return lo;
    if (v > hi) return hi;
    return v;
}
inline std::int32_t ref_sat32(std::int64_t v) {
    return static_cast<std::int32_t>(ref_clamp(v, -2147483647LL - 1, 2147483647LL));
}
inline std::int16_t ref_sat16(std::int64_t v) {
    return static_cast<std::int16_t>(ref_clamp(v, -32768, 32767));
}
inline std::int8_t ref_sat8(std::int64_t v) {
    return static_cast<std::int8_t>(ref_clamp(v, -128, 127));
}

/// floor(n / 2^e) for 0 <= e <= 62, written as truncating division plus a correction (not a shift).
inline std::int64_t ref_floor_div_pow2(std::int64_t n, int e) {
    const std::int64_t d = std::int64_t{1} << e;
    std::int64_t q = n / d;
    if (n % d != 0 && n < 0) q -= 1;
    return q;
}

/// x / 2^e rounded to nearest, ties away from zero, by sign and magnitude. 0 <= e <= 63.
inline std::int64_t ref_round_half_away_pow2(std::int64_t x, int e) {
    if (e == 0) return x;
    const bool neg = x < 0;
    const std::uint64_t mag = neg ? (std::uint64_t{0} - static_cast<std::uint64_t>(x)) : static_cast<std::uint64_t>(x);
    std::uint64_t q = mag >> e;
    const std::uint64_t rem = mag - (q << e);
    const std::uint64_t half = std::uint64_t{1} << (e - 1);
    if (rem >= half) q += 1; // a tie (rem == half) goes up in magnitude: away from zero
    // q <= 2^63 / 2 here, so it fits int64.
    return neg ? -static_cast<std::int64_t>(q) : static_cast<std::int64_t>(q);
}

/// SRDHM (32-bit): round(a * b / 2^31) with ties toward +infinity = floor((a*b + 2^30) / 2^31), saturated.
inline std::int32_t ref_srdhm32(std::int32_t a, std::int32_t b) {
    const std::int64_t p = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
    if (p == (std::int64_t{1} << 62)) return 2147483647; // a == b == INT32_MIN: +1.0 does not fit
    return ref_sat32(ref_floor_div_pow2(p + (std::int64_t{1} << 30), 31));
}

/// SRDHM (16-bit), VQRDMULH.S16: floor((a*b + 2^14) / 2^15), saturated to int16.
inline std::int16_t ref_srdhm16(std::int16_t a, std::int16_t b) {
    const std::int64_t p = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
    return ref_sat16(ref_floor_div_pow2(p + (1 << 14), 15));
}

/// The x86 PMULHRSW lane: ((a*b >> 14) + 1) >> 1, truncated to 16 bits (wraps at (-32768, -32768)).
inline std::int16_t ref_pmulhrsw(std::int16_t a, std::int16_t b) {
    const std::int64_t p = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
    const std::int64_t f = ref_floor_div_pow2(ref_floor_div_pow2(p, 14) + 1, 1);
    const std::int64_t wrapped = ((f + 32768) % 65536 + 65536) % 65536 - 32768;
    return static_cast<std::int16_t>(wrapped);
}

/// Schoolbook product of two int32 from 16-bit halves (an independent way to get the exact int64 product).
inline std::int64_t ref_mul32(std::int32_t a, std::int32_t b) {
    const std::int64_t ah = ref_floor_div_pow2(a, 16), al = a - ah * 65536; // al in [0, 65536)
    const std::int64_t bh = ref_floor_div_pow2(b, 16), bl = b - bh * 65536;
    return ah * bh * 65536 * 65536 + (ah * bl + al * bh) * 65536 + al * bl;
}

// ---- requantization ---------------------------------------------------------------------------------------------

/// TFLite double rounding, with acc * 2^left saturated to int32 (TFLite would overflow there).
inline std::int32_t ref_requantize_double(std::int32_t acc, std::int32_t m, int shift) {
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    const std::int32_t a = ref_sat32(static_cast<std::int64_t>(acc) * (std::int64_t{1} << left));
    const std::int32_t t = ref_srdhm32(a, m);
    return static_cast<std::int32_t>(ref_round_half_away_pow2(t, right));
}

/// TFLite single rounding: floor((acc*m + 2^(30 - shift)) / 2^(31 - shift)), saturated to int32.
inline std::int32_t ref_requantize_single(std::int32_t acc, std::int32_t m, int shift) {
    const int total = 31 - shift;
    const std::int64_t p = static_cast<std::int64_t>(acc) * static_cast<std::int64_t>(m);
    return ref_sat32(ref_floor_div_pow2(p + (std::int64_t{1} << (total - 1)), total));
}

/// A 128-bit two's-complement integer as two 64-bit words, just enough for the 16x8 oracle.
struct ref_i128 {
    std::uint64_t hi, lo;
};
inline ref_i128 ref_i128_from(std::int64_t v) {
    return ref_i128{v < 0 ? ~std::uint64_t{0} : 0, static_cast<std::uint64_t>(v)};
}
inline ref_i128 ref_i128_neg(ref_i128 v) {
    const std::uint64_t lo = ~v.lo + 1;
    const std::uint64_t hi = ~v.hi + (lo == 0 ? 1 : 0);
    return ref_i128{hi, lo};
}
inline ref_i128 ref_i128_add(ref_i128 a, ref_i128 b) {
    const std::uint64_t lo = a.lo + b.lo;
    return ref_i128{a.hi + b.hi + (lo < a.lo ? 1 : 0), lo};
}
/// Signed product of an int64 and an int32 (|b| <= 2^31), exactly.
inline ref_i128 ref_i128_mul(std::int64_t a, std::int32_t b) {
    const bool neg = (a < 0) != (b < 0);
    const std::uint64_t ma = a < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(a) : static_cast<std::uint64_t>(a);
    const std::uint64_t mb = b < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(static_cast<std::int64_t>(b))
                                   : static_cast<std::uint64_t>(b);
    const std::uint64_t a_lo = ma & 0xFFFFFFFFu, a_hi = ma >> 32;
    const std::uint64_t p_lo = a_lo * mb; // < 2^64
    const std::uint64_t p_hi = a_hi * mb; // < 2^64 (a_hi <= 2^31, mb <= 2^31)
    // value = p_hi * 2^32 + p_lo
    ref_i128 r{p_hi >> 32, p_hi << 32};
    r = ref_i128_add(r, ref_i128{0, p_lo});
    return neg ? ref_i128_neg(r) : r;
}
/// floor(v / 2^s) for 1 <= s <= 63 (arithmetic shift right of the 128-bit value).
inline ref_i128 ref_i128_shr(ref_i128 v, int s) {
    const bool neg = (v.hi >> 63) != 0;
    const std::uint64_t lo = (v.lo >> s) | (v.hi << (64 - s));
    std::uint64_t hi = v.hi >> s;
    if (neg) hi |= ~(~std::uint64_t{0} >> s);
    return ref_i128{hi, lo};
}
/// v * 2^s for 1 <= s <= 63 (may wrap; callers stay far below 2^127).
inline ref_i128 ref_i128_shl(ref_i128 v, int s) {
    return ref_i128{(v.hi << s) | (v.lo >> (64 - s)), v.lo << s};
}
inline std::int32_t ref_i128_sat32(ref_i128 v) {
    const bool neg = (v.hi >> 63) != 0;
    if (!neg && v.hi == 0 && v.lo <= 0x7FFFFFFFu) return static_cast<std::int32_t>(v.lo);
    if (neg && v.hi == ~std::uint64_t{0} && v.lo >= 0xFFFFFFFF80000000u)
        return static_cast<std::int32_t>(static_cast<std::int64_t>(v.lo - 0xFFFFFFFF80000000u) - 2147483648LL);
    return neg ? (-2147483647 - 1) : 2147483647;
}

/// Saturates a 128-bit value to int64.
inline std::int64_t ref_i128_sat64(ref_i128 v) {
    const bool neg = (v.hi >> 63) != 0;
    if (!neg && v.hi == 0 && v.lo <= 0x7FFFFFFFFFFFFFFFu) return static_cast<std::int64_t>(v.lo);
    if (neg && v.hi == ~std::uint64_t{0} && v.lo >= 0x8000000000000000u)
        return static_cast<std::int64_t>(v.lo - 0x8000000000000000u) + (-0x7FFFFFFFFFFFFFFF - 1);
    return neg ? (-0x7FFFFFFFFFFFFFFF - 1) : 0x7FFFFFFFFFFFFFFF;
}
/// Saturating int64 add / sub through 128-bit arithmetic.
inline std::int64_t ref_sat_add64(std::int64_t a, std::int64_t b) {
    return ref_i128_sat64(ref_i128_add(ref_i128_from(a), ref_i128_from(b)));
}
inline std::int64_t ref_sat_sub64(std::int64_t a, std::int64_t b) {
    return ref_i128_sat64(ref_i128_add(ref_i128_from(a), ref_i128_neg(ref_i128_from(b))));
}

/// TFLite 16x8 int64 requantization, defined for every int64 acc and shift in [-31, 30]:
/// m16 = m < 0x7FFF0000 ? (m + 2^15) >> 16 : 0x7FFF; total = 15 - shift;
/// total >= 1: floor((acc*m16 + 2^(total-1)) / 2^total); total <= 0: acc * m16 * 2^-total; saturated to int32.
inline std::int32_t ref_reduced_multiplier(std::int32_t m) {
    if (m >= 0x7FFF0000) return 0x7FFF;
    return static_cast<std::int32_t>(ref_floor_div_pow2(static_cast<std::int64_t>(m) + 32768, 16));
}
inline std::int32_t ref_requantize_16x8(std::int64_t acc, std::int32_t m, int shift) {
    const std::int32_t m16 = ref_reduced_multiplier(m);
    const int total = 15 - shift;
    ref_i128 p = ref_i128_mul(acc, m16);
    if (total >= 1) {
        p = ref_i128_add(p, ref_i128_from(std::int64_t{1} << (total - 1)));
        p = ref_i128_shr(p, total);
    } else if (total < 0) {
        p = ref_i128_shl(p, -total);
    }
    return ref_i128_sat32(p);
}

// ---- quantization -----------------------------------------------------------------------------------------------

/// round_half_away(x / scale) + zp clamped to [lo, hi]; the quotient is a float division as in TFLite, the
/// rounding is done in double (exact for every float).
inline std::int64_t ref_quantize(float x, float scale, std::int32_t zp, std::int64_t lo, std::int64_t hi) {
    const double r = static_cast<double>(x / scale);
    if (r >= 1e19) return hi;
    if (r <= -1e19) return lo;
    const double mag = std::floor(std::fabs(r) + 0.5);
    const double rounded = r < 0 ? -mag : mag;
    if (rounded + zp >= static_cast<double>(hi)) return hi;
    if (rounded + zp <= static_cast<double>(lo)) return lo;
    return static_cast<std::int64_t>(rounded) + zp;
}

/// TFLite QuantizeMultiplier by repeated doubling/halving instead of frexp (scale finite and > 0).
/// Returns false where edgekern reports invalid_quantization (shift would exceed 30).
inline bool ref_quantize_multiplier(double scale, std::int32_t& m, std::int32_t& shift) {
    int e = 0;
    double q = scale;
    while (q >= 1.0) {
        q /= 2.0;
        ++e;
    }
    while (q < 0.5) {
        q *= 2.0;
        --e;
    }
    // q in [0.5, 1): q * 2^31 is exact; round half away from zero.
    const double t = q * 2147483648.0;
    double r = std::floor(t);
    if (t - r >= 0.5) r += 1.0;
    std::int64_t mm = static_cast<std::int64_t>(r);
    if (mm == (std::int64_t{1} << 31)) {
        mm = std::int64_t{1} << 30;
        ++e;
    }
    if (e < -31) {
        mm = 0;
        e = 0;
    }
    if (e > 30) return false;
    m = static_cast<std::int32_t>(mm);
    shift = e;
    return true;
}

} // namespace edgekern_ref
