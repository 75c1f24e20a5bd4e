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
