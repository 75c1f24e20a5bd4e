// SPDX-License-Identifier: Apache-2.0
// edgekern/simd/neon.hpp: AArch64 NEON overloads of the primitive ops (sdot with the dotprod extension).
//
// Bit-identical to simd/scalar.hpp: integer vector adds wrap modulo 2^32 like the scalar definitions; tails go
// to the scalar overloads.
#pragma once

#include "edgekern/simd/scalar.hpp"

#if defined(EDGEKERN_HAS_NEON)
#include <arm_neon.h>

EDGEKERN_NAMESPACE_BEGIN
namespace simd {
namespace detail {
EDGEKERN_FORCE_INLINE std::uint32_t hsum_u32(int32x4_t v) noexcept {
    return vaddvq_u32(vreinterpretq_u32_s32(v)); // modular add across lanes
}
} // namespace detail

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::neon) noexcept {
    // smull gives exact int16 products (|p| <= 2^14); sadalp adds adjacent pairs into int32 lanes. (smlal would
    // add two products in int16 and overflow at 2 * 2^14.)
    int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0);
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const int8x16_t va = vld1q_s8(a + i), vb = vld1q_s8(b + i);
        acc0 = vpadalq_s16(acc0, vmull_s8(vget_low_s8(va), vget_low_s8(vb)));
        acc1 = vpadalq_s16(acc1, vmull_high_s8(va, vb));
    }
    const std::uint32_t tail = detail::as_u32(dot_s8(a + i, b + i, n - i, arch::scalar{}));
    return detail::wrap_s32(detail::hsum_u32(vaddq_s32(acc0, acc1)) + tail);
}

inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n, arch::neon) noexcept {
    // smull: exact int32 products (|p| <= 2^30); sadalp: pairs into int64 lanes (|p0 + p1| <= 2^31, exact).
    int64x2_t acc0 = vdupq_n_s64(0), acc1 = vdupq_n_s64(0);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const int16x8_t va = vld1q_s16(a + i), vb = vld1q_s16(b + i);
        acc0 = vpadalq_s32(acc0, vmull_s16(vget_low_s16(va), vget_low_s16(vb)));
        acc1 = vpadalq_s32(acc1, vmull_high_s16(va, vb));
    }
    return vaddvq_s64(vaddq_s64(acc0, acc1)) + dot_s16_s64(a + i, b + i, n - i, arch::scalar{});
}

inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::neon) noexcept {
    // smull of int16 x int16 (b widened) gives exact int32 products (|p| <= 2^22); sadalp into int64.
    int64x2_t acc0 = vdupq_n_s64(0), acc1 = vdupq_n_s64(0);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const int16x8_t va = vld1q_s16(a + i), vb = vmovl_s8(vld1_s8(b + i));
        acc0 = vpadalq_s32(acc0, vmull_s16(vget_low_s16(va), vget_low_s16(vb)));
        acc1 = vpadalq_s32(acc1, vmull_high_s16(va, vb));
    }
    return vaddvq_s64(vaddq_s64(acc0, acc1)) + dot_s16_s8(a + i, b + i, n - i, arch::scalar{});
}

inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::neon) noexcept {
    int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const int16x8_t va = vld1q_s16(a + i), vb = vmovl_s8(vld1_s8(b + i));
        acc0 = vmlal_s16(acc0, vget_low_s16(va), vget_low_s16(vb)); // wraps modulo 2^32 per lane
        acc1 = vmlal_high_s16(acc1, va, vb);
    }
    const std::uint32_t tail = detail::as_u32(dot_s16_s8_s32(a + i, b + i, n - i, arch::scalar{}));
    return detail::wrap_s32(detail::hsum_u32(vaddq_s32(acc0, acc1)) + tail);
}

inline void mac_s8(std::int32_t* acc, const std::int8_t* a, std::int8_t b, std::size_t n, arch::neon) noexcept {
    const int16x4_t vb = vdup_n_s16(std::int16_t{b});
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const int16x8_t va = vmovl_s8(vld1_s8(a + i));
        vst1q_s32(acc + i, vmlal_s16(vld1q_s32(acc + i), vget_low_s16(va), vb));
        vst1q_s32(acc + i + 4, vmlal_s16(vld1q_s32(acc + i + 4), vget_high_s16(va), vb));
    }
    mac_s8(acc + i, a + i, b, n - i, arch::scalar{});
}

inline void saturate_narrow(const std::int32_t* in, std::int8_t* out, std::size_t n, arch::neon) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const int16x8_t w = vcombine_s16(vqmovn_s32(vld1q_s32(in + i)), vqmovn_s32(vld1q_s32(in + i + 4)));
        vst1_s8(out + i, vqmovn_s16(w)); // sqxtn twice == one clamp to int8
    }
    saturate_narrow(in + i, out + i, n - i, arch::scalar{});
}

inline void saturate_narrow(const std::int32_t* in, std::int16_t* out, std::size_t n, arch::neon) noexcept {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1_s16(out + i, vqmovn_s32(vld1q_s32(in + i)));
    saturate_narrow(in + i, out + i, n - i, arch::scalar{});
}

// ---- rounding high multiply and requantization ---------------------------------------------------------------

inline void sat_rounding_doubling_high_mul(const std::int32_t* a, std::int32_t b, std::int32_t* out, std::size_t n,
                                           arch::neon) noexcept {
    // sqrdmulh is the definition: sat((2ab + 2^31) >> 32) == floor((ab + 2^30) / 2^31), saturating only at
    // (INT32_MIN, INT32_MIN).
    const int32x4_t vb = vdupq_n_s32(b);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_s32(out + i, vqrdmulhq_s32(vld1q_s32(a + i), vb));
    sat_rounding_doubling_high_mul(a + i, b, out + i, n - i, arch::scalar{});
}

inline void sat_rounding_doubling_high_mul(const std::int16_t* a, std::int16_t b, std::int16_t* out, std::size_t n,
                                           arch::neon) noexcept {
    const int16x8_t vb = vdupq_n_s16(b);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) vst1q_s16(out + i, vqrdmulhq_s16(vld1q_s16(a + i), vb)); // sqrdmulh.8h
    sat_rounding_doubling_high_mul(a + i, b, out + i, n - i, arch::scalar{});
}

namespace detail {

/// requantize_double_rounding for 4 lanes (per-lane multiplier and shift, shift already clamped to [-31, 30]).
EDGEKERN_FORCE_INLINE int32x4_t requantize_double_s32x4(int32x4_t acc, int32x4_t mult, int32x4_t shift) noexcept {
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t left = vmaxq_s32(shift, zero);
    const int32x4_t neg_right = vminq_s32(shift, zero); // -right
    // sqshl by a per-lane count saturates exactly like sat32(acc * 2^left); sqrdmulh is the SRDHM.
    const int32x4_t t = vqrdmulhq_s32(vqshlq_s32(acc, left), mult);
    // srshl by -right rounds ties toward +infinity; subtracting 1 from negative t first (when right > 0) turns
    // that into ties away from zero (gemmlowp's fixup): floor((t - 1 + 2^(r-1)) / 2^r) for t < 0. The saturating
    // add keeps INT32_MIN, whose quotient is exact anyway.
    const int32x4_t fixup = vshrq_n_s32(vandq_s32(t, neg_right), 31);
    return vrshlq_s32(vqaddq_s32(t, fixup), neg_right);
}

/// requantize_single_rounding for 2 lanes: srshl on int64 is (x + 2^(total-1)) >> total; sqxtn saturates.
EDGEKERN_FORCE_INLINE int32x2_t requantize_single_s32x2(int32x2_t acc, int32x2_t mult, int32x2_t shift) noexcept {
    const int64x2_t prod = vmull_s32(acc, mult);
    const int64x2_t neg_total = vmovl_s32(vsub_s32(shift, vdup_n_s32(31))); // -(31 - shift)
    return vqmovn_s64(vrshlq_s64(prod, neg_total));
}

template <class Out>
inline void requantize_neon(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                            const std::int32_t* shift, std::int32_t zp, std::int32_t act_min, std::int32_t act_max,
                            Out* out, rounding_mode mode) noexcept {
    const int32x4_t lo = vdupq_n_s32(act_min - zp), hi = vdupq_n_s32(act_max - zp), vzp = vdupq_n_s32(zp);
    const int32x4_t smin = vdupq_n_s32(-31), smax = vdupq_n_s32(30);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int32x4_t q[2];
        for (int h = 0; h < 2; ++h) {
            const std::size_t j = i + 4 * static_cast<std::size_t>(h);
            const int32x4_t a = vld1q_s32(acc + j), m = vld1q_s32(multiplier + j);
            const int32x4_t s = vminq_s32(vmaxq_s32(vld1q_s32(shift + j), smin), smax);
            const int32x4_t r =
                mode == rounding_mode::single_rounding
                    ? vcombine_s32(requantize_single_s32x2(vget_low_s32(a), vget_low_s32(m), vget_low_s32(s)),
                                   requantize_single_s32x2(vget_high_s32(a), vget_high_s32(m), vget_high_s32(s)))
                    : requantize_double_s32x4(a, m, s);
            q[h] = vaddq_s32(vminq_s32(vmaxq_s32(r, lo), hi), vzp);
        }
        const int16x8_t w = vcombine_s16(vmovn_s32(q[0]), vmovn_s32(q[1])); // in range: plain narrowing
        if constexpr (sizeof(Out) == 1)
            vst1_s8(reinterpret_cast<std::int8_t*>(out + i), vmovn_s16(w));
        else
            vst1q_s16(reinterpret_cast<std::int16_t*>(out + i), w);
    }
    requantize_s32_unchecked(acc + i, n - i, multiplier + i, shift + i, zp, act_min, act_max, out + i, mode,
                             arch::scalar{});
}

} // namespace detail

inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int8_t* out, rounding_mode mode, arch::neon) noexcept {
    detail::requantize_neon(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out, mode);
}

inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int16_t* out, rounding_mode mode, arch::neon) noexcept {
    detail::requantize_neon(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out, mode);
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_NEON

#if defined(EDGEKERN_HAS_NEON_DOTPROD)
EDGEKERN_NAMESPACE_BEGIN
namespace simd {

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::neon_dotprod) noexcept {
    // sdot: each int32 lane += four exact s8 x s8 products (wrapping add, like the scalar definition).
    int32x4_t acc0 = vdupq_n_s32(0), acc1 = vdupq_n_s32(0);
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = vdotq_s32(acc0, vld1q_s8(a + i), vld1q_s8(b + i));
        acc1 = vdotq_s32(acc1, vld1q_s8(a + i + 16), vld1q_s8(b + i + 16));
    }
    const std::uint32_t tail = detail::as_u32(dot_s8(a + i, b + i, n - i, arch::neon{}));
    return detail::wrap_s32(detail::hsum_u32(vaddq_s32(acc0, acc1)) + tail);
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_NEON_DOTPROD
