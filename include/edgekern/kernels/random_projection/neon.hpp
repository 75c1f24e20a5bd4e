// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/random_projection/neon.hpp: AArch64 NEON inner loops of random projection: int8 row dot
// products (smull/sadalp; sdot with the dot-product extension) and NEON generation of matrix-free entries.
// Bit-identical to scalar.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "edgekern/arch/tags.hpp"
#include "edgekern/kernels/random_projection/scalar.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

/// int8 rows x int8 vector: 16 products per step as int16 (|w x| <= 2^14 fits), pairwise-accumulated into int32.
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const std::int8_t* x, std::size_t n,
                        std::int32_t* acc, arch::neon) noexcept {
    const std::size_t n16 = n & ~std::size_t{15};
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int8_t* wr = w + r * stride;
        int32x4_t s = vdupq_n_s32(0);
        for (std::size_t j = 0; j < n16; j += 16) {
            const int8x16_t xv = vld1q_s8(x + j);
            const int8x16_t wv = vld1q_s8(wr + j);
            s = vpadalq_s16(s, vmull_s8(vget_low_s8(xv), vget_low_s8(wv)));
            s = vpadalq_s16(s, vmull_high_s8(xv, wv));
        }
        std::int32_t t = vaddvq_s32(s);
        for (std::size_t j = n16; j < n; ++j) t += static_cast<std::int32_t>(wr[j]) * static_cast<std::int32_t>(x[j]);
        acc[r] += t;
    }
}

#if defined(EDGEKERN_HAS_NEON_DOTPROD)
/// sdot: four int8 products summed into each int32 lane per instruction; 4 rows share the input load.
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const std::int8_t* x, std::size_t n,
                        std::int32_t* acc, arch::neon_dotprod) noexcept {
    const std::size_t n16 = n & ~std::size_t{15};
    for (std::size_t r = 0; r < rows; r += 4) {
        const std::size_t nr = (rows - r < 4) ? rows - r : 4;
        int32x4_t s[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
        for (std::size_t j = 0; j < n16; j += 16) {
            const int8x16_t xv = vld1q_s8(x + j);
            for (std::size_t q = 0; q < nr; ++q) s[q] = vdotq_s32(s[q], xv, vld1q_s8(w + (r + q) * stride + j));
        }
        for (std::size_t q = 0; q < nr; ++q) {
            const std::int8_t* wr = w + (r + q) * stride;
            std::int32_t t = vaddvq_s32(s[q]);
            for (std::size_t j = n16; j < n; ++j)
                t += static_cast<std::int32_t>(wr[j]) * static_cast<std::int32_t>(x[j]);
            acc[r + q] += t;
        }
    }
}
#endif

/// float rows x float vector (fused multiply-add), 4 lanes; float results agree with scalar to the documented
/// tolerance, not bit for bit.
inline void rp_dot_rows(const float* w, std::size_t stride, std::size_t rows, const float* x, std::size_t n, float* acc,
                        arch::neon) noexcept {
    const std::size_t n4 = n & ~std::size_t{3};
    for (std::size_t r = 0; r < rows; ++r) {
        const float* wr = w + r * stride;
        float32x4_t s = vdupq_n_f32(0.0f);
        for (std::size_t j = 0; j < n4; j += 4) s = vfmaq_f32(s, vld1q_f32(wr + j), vld1q_f32(x + j));
        float t = vaddvq_f32(s);
        for (std::size_t j = n4; j < n; ++j) t += wr[j] * x[j];
        acc[r] += t;
    }
}

/// int8 entries x float vector: entries widened to float (exact), then as above.
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const float* x, std::size_t n,
                        float* acc, arch::neon) noexcept {
    const std::size_t n8 = n & ~std::size_t{7};
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int8_t* wr = w + r * stride;
        float32x4_t s0 = vdupq_n_f32(0.0f), s1 = vdupq_n_f32(0.0f);
        for (std::size_t j = 0; j < n8; j += 8) {
            const int16x8_t w16 = vmovl_s8(vld1_s8(wr + j));
            s0 = vfmaq_f32(s0, vcvtq_f32_s32(vmovl_s16(vget_low_s16(w16))), vld1q_f32(x + j));
            s1 = vfmaq_f32(s1, vcvtq_f32_s32(vmovl_high_s16(w16)), vld1q_f32(x + j + 4));
        }
        float t = vaddvq_f32(vaddq_f32(s0, s1));
        for (std::size_t j = n8; j < n; ++j) t += static_cast<float>(wr[j]) * x[j];
        acc[r] += t;
    }
}

inline uint32x4_t rp_hash32_neon(uint32x4_t x) noexcept {
    x = veorq_u32(x, vshrq_n_u32(x, 16));
    x = vmulq_n_u32(x, 0x7FEB352Du);
    x = veorq_u32(x, vshrq_n_u32(x, 15));
    x = vmulq_n_u32(x, 0x846CA68Bu);
    x = veorq_u32(x, vshrq_n_u32(x, 16));
    return x;
}

/// 4 columns per vector; narrowing with vmovn (values within [-126, 126]).
inline void rp_generate_row(rp_kind kind, std::uint32_t seed, std::uint32_t threshold, std::uint32_t row,
                            std::uint32_t col0, std::size_t n, std::int8_t* out, arch::neon) noexcept {
    const std::uint32_t key = counter_rng_row_key(seed, row);
    const uint32x4_t vkey = vdupq_n_u32(key);
    const uint32x4_t step = vdupq_n_u32(counter_rng_column_step * 4u);
    const std::uint32_t lanes[4] = {0, 1, 2, 3};
    uint32x4_t cs = vmulq_n_u32(vaddq_u32(vdupq_n_u32(col0), vld1q_u32(lanes)), counter_rng_column_step);
    std::size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        int32x4_t e[2];
        for (int q = 0; q < 2; ++q) {
            const uint32x4_t h = rp_hash32_neon(veorq_u32(vkey, cs));
            cs = vaddq_u32(cs, step);
            if (kind == rp_kind::gaussian) {
                const uint32x4_t b = vandq_u32(h, vdupq_n_u32(0x3F3F3F3Fu));
                // per lane: (b0 + b1) - (b2 + b3): pairwise-add bytes to halves, then subtract the high half
                const uint16x8_t pairs = vpaddlq_u8(vreinterpretq_u8_u32(b));
                const int32x4_t p = vreinterpretq_s32_u16(pairs);
                e[q] = vsubq_s32(vandq_s32(p, vdupq_n_s32(0xFFFF)), vshrq_n_s32(p, 16));
            } else {
                const uint32x4_t nz = vcltq_u32(vshrq_n_u32(h, 8), vdupq_n_u32(threshold));
                const int32x4_t sign = vreinterpretq_s32_u32(vandq_u32(h, vdupq_n_u32(1)));
                const int32x4_t val = vsubq_s32(vdupq_n_s32(1), vaddq_s32(sign, sign));
                e[q] = vandq_s32(val, vreinterpretq_s32_u32(nz));
            }
        }
        const int16x8_t e16 = vcombine_s16(vmovn_s32(e[0]), vmovn_s32(e[1]));
        vst1_s8(out + j, vmovn_s16(e16));
    }
    for (; j < n; ++j)
        out[j] = rp_entry_from_bits(kind, counter_rng_bits_keyed(key, col0 + static_cast<std::uint32_t>(j)), threshold);
}

} // namespace detail
EDGEKERN_NAMESPACE_END
