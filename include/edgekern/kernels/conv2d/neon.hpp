// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/conv2d/neon.hpp: the s8 conv2d path for AArch64 with the dot-product extension (sdot):
// im2col rows (x as is, padding taps = zp) x weight panels [oc/4][Kp/4][4 channels][4 taps], 4 pixels x 16
// channels per register tile, accumulators initialised with bias - zp * sum(w).
//
// sum w * (x - zp) = sum w * x - zp * sum w; a padding tap holds x = zp and contributes w * zp - zp * w = 0,
// exactly like a skipped tap. sdot wraps in int32 like every other backend; the true sum fits (headroom check),
// so the result is exact. Requantization is the shared scalar epilogue (bit-identical by construction).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/kernels/conv2d/common.hpp"
#include "edgekern/kernels/conv2d/scalar.hpp"

#if defined(EDGEKERN_HAS_NEON_DOTPROD)
#include <arm_neon.h>
#endif

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

/// Scratch of the sdot path: channel init table, a 4-row im2col block, packed weights unless pre-packed.
constexpr std::size_t sdot_s8_scratch_size(const conv_geom& g, bool prepacked = false) noexcept {
    const std::size_t ocp = (uz(g.oc) + 15) / 16 * 16;
    const std::size_t kp = (uz(g.kh) * uz(g.kw) * uz(g.icg) + 3) / 4 * 4;
    return 16 + 4 * ocp + 4 * kp + (prepacked ? 0 : ocp * kp + 4 * ocp);
}

/// Bytes of the pre-packed sdot weights: panels OCp * Kp, then OCp int32 sums of w.
constexpr std::size_t sdot_s8_packed_bytes(const conv_geom& g) noexcept {
    const std::size_t ocp = (uz(g.oc) + 15) / 16 * 16;
    const std::size_t kp = (uz(g.kh) * uz(g.kw) * uz(g.icg) + 3) / 4 * 4;
    return ocp * kp + 4 * ocp;
}

/// Packs OHWI [oc][K] into [oc/4][Kp/4][4][4] (zero padded to OCp = oc rounded up to 16) and the sums (memcpy).
inline void sdot_pack(const std::int8_t* filter, std::size_t oc, std::size_t k, std::byte* dst) noexcept {
    const std::size_t ocp = (oc + 15) / 16 * 16, kp = (k + 3) / 4 * 4;
    auto* panels = reinterpret_cast<std::int8_t*>(dst);
    std::memset(panels, 0, ocp * kp);
    for (std::size_t o = 0; o < ocp; ++o) {
        std::int32_t s = 0;
        if (o < oc)
            for (std::size_t c = 0; c < k; ++c) {
                panels[(o / 4) * kp * 4 + (c / 4) * 16 + (o % 4) * 4 + (c % 4)] = filter[o * k + c];
                s += filter[o * k + c];
            }
        std::memcpy(dst + ocp * kp + 4 * o, &s, 4);
    }
}

#if defined(EDGEKERN_HAS_NEON_DOTPROD)

/// Ungrouped s8 convolutions take the sdot path.
constexpr conv2d_algo conv2d_select(const conv_geom& g, arch::neon_dotprod) noexcept {
    return g.groups == 1 ? conv2d_algo::gemm_sdot : conv2d_select(g, arch::scalar{});
}

template <class Epi>
inline void conv2d_run_fast(conv2d_algo, const conv_geom& g, const std::int8_t* input, const std::int8_t* filter,
                            std::int32_t input_zero_point, const Epi& epi, std::byte* scratch,
                            const std::byte* prepacked, arch::neon_dotprod) noexcept {
    const std::size_t oc = uz(g.oc), ocp = (oc + 15) / 16 * 16;
    const std::size_t k = uz(g.kh) * uz(g.kw) * uz(g.icg), kp = (k + 3) / 4 * 4;
    const auto addr = reinterpret_cast<std::uintptr_t>(scratch);
    auto* init = reinterpret_cast<std::int32_t*>(scratch + ((16 - (addr & 15u)) & 15u));
    auto* a = reinterpret_cast<std::int8_t*>(init + ocp);
    const std::byte* packed = prepacked;
    if (packed == nullptr) {
        sdot_pack(filter, oc, k, reinterpret_cast<std::byte*>(a + 4 * kp));
        packed = reinterpret_cast<const std::byte*>(a + 4 * kp);
    }
    const auto* panels = reinterpret_cast<const std::int8_t*>(packed);
    for (std::size_t o = 0; o < ocp; ++o) {
        std::int32_t s = 0;
        std::memcpy(&s, packed + ocp * kp + 4 * o, 4);
        // init = -zp * sum(w) in wrapping int32 (bias is added by the epilogue)
        init[o] = wrap_s32(static_cast<std::uint32_t>(-input_zero_point) * static_cast<std::uint32_t>(s));
    }
    const std::size_t rows = uz(g.n) * uz(g.oh) * uz(g.ow);
    const std::size_t plane = uz(g.oh) * uz(g.ow);
    const std::int8_t pad = static_cast<std::int8_t>(input_zero_point);
    for (std::size_t row0 = 0; row0 < rows; row0 += 4) {
        const std::size_t mr = rows - row0 < 4 ? rows - row0 : 4;
        // im2col of up to 4 rows (missing rows zero)
        for (std::size_t r = 0; r < 4; ++r) {
            std::int8_t* dst = a + r * kp;
            if (r >= mr) {
                std::memset(dst, 0, kp);
                continue;
            }
            const std::size_t row = row0 + r, b = row / plane, rem = row % plane;
            const std::int32_t oy = static_cast<std::int32_t>(rem / uz(g.ow));
            const std::int32_t ox = static_cast<std::int32_t>(rem % uz(g.ow));
            const std::int8_t* in_b = input + b * uz(g.ih) * uz(g.iw) * uz(g.ic);
            std::size_t j = 0;
            for (std::int32_t ky = 0; ky < g.kh; ++ky) {
                const std::int32_t iy = oy * g.sh - g.pt + ky * g.dh;
                for (std::int32_t kx = 0; kx < g.kw; ++kx, j += uz(g.icg)) {
                    const std::int32_t ix = ox * g.sw - g.pl + kx * g.dw;
                    if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw)
                        std::memset(dst + j, static_cast<unsigned char>(pad), uz(g.icg));
                    else
                        std::memcpy(dst + j, in_b + (uz(iy) * uz(g.iw) + uz(ix)) * uz(g.ic), uz(g.icg));
                }
            }
            for (; j < kp; ++j) dst[j] = 0;
        }
        for (std::size_t o0 = 0; o0 < ocp; o0 += 16) {
            int32x4_t acc[4][4];
            for (int q = 0; q < 4; ++q) {
                const int32x4_t i = vld1q_s32(init + o0 + 4 * static_cast<std::size_t>(q));
                for (int r = 0; r < 4; ++r) acc[r][q] = i;
            }
            const std::int8_t* wp = panels + (o0 / 4) * kp * 4;
            for (std::size_t k4 = 0; k4 < kp; k4 += 4) {
                int8x16_t w[4];
                for (int q = 0; q < 4; ++q) w[q] = vld1q_s8(wp + static_cast<std::size_t>(q) * kp * 4 + k4 * 4);
                for (int r = 0; r < 4; ++r) {
                    std::int32_t word;
                    std::memcpy(&word, a + static_cast<std::size_t>(r) * kp + k4, 4);
                    const int8x16_t x = vreinterpretq_s8_s32(vdupq_n_s32(word));
                    for (int q = 0; q < 4; ++q) acc[r][q] = vdotq_s32(acc[r][q], w[q], x);
                }
            }
            for (std::size_t r = 0; r < mr; ++r) {
                std::int32_t tile[16];
                for (int q = 0; q < 4; ++q) vst1q_s32(tile + 4 * q, acc[r][q]);
                for (std::size_t c = 0; c < 16 && o0 + c < oc; ++c)
                    epi(tile[c], static_cast<std::int32_t>(o0 + c), (row0 + r) * oc + o0 + c);
            }
        }
    }
}

#endif // EDGEKERN_HAS_NEON_DOTPROD

} // namespace detail
EDGEKERN_NAMESPACE_END
