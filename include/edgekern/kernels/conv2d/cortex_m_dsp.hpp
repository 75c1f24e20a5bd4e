// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/conv2d/cortex_m_dsp.hpp: the s8 conv2d path for Cortex-M4/M7 DSP: im2col of two output pixels
// into int16 (x - zp, padding taps 0), weights widened to int16 in the scratch, and a 2 pixel x 2 channel
// register block whose inner step is two ldrd + four smlad (8 MACs).
//
// Layouts in the scratch (int16, so that one 32-bit word feeds one smlad and one ldrd loads four taps):
//   weights  [oc/2][K/4][2 channels][4 taps]   (oc rounded up to even, K to a multiple of 4, zero padded)
//   im2col   [2 pixels][K]                     (each pixel contiguous, x - zp, padding taps 0)
// smlad adds two 16x16 products to a 32-bit accumulator with wrap-around (the Q flag is ignored): within the
// reduction headroom (K <= 2^16) every partial sum is the exact int32 value, identical to the scalar loops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/kernels/conv2d/common.hpp"
#include "edgekern/kernels/conv2d/scalar.hpp"

#if defined(EDGEKERN_HAS_CORTEX_M_DSP)
#include <arm_acle.h>
#endif

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

/// Scratch of the DSP path: per-channel epilogue table (16 bytes per channel), a two-pixel int16 im2col block,
/// the int16 weights (unless pre-packed), 8 bytes alignment slack.
constexpr std::size_t dsp_s8_scratch_size(const conv_geom& g, bool prepacked = false) noexcept {
    const std::size_t oc2 = (uz(g.oc) + 1) / 2 * 2;
    const std::size_t k4 = (uz(g.kh) * uz(g.kw) * uz(g.icg) + 3) / 4 * 4;
    return 8 + 16 * oc2 + 2 * 2 * k4 + (prepacked ? 0 : 2 * oc2 * k4);
}

/// Bytes of the pre-packed int16 weights of the DSP path (after the 16-byte header).
constexpr std::size_t dsp_s8_packed_bytes(const conv_geom& g) noexcept {
    return 2 * ((uz(g.oc) + 1) / 2 * 2) * ((uz(g.kh) * uz(g.kw) * uz(g.icg) + 3) / 4 * 4);
}

/// Widens OHWI weights to int16 in the layout [oc/2][K/4][2][4] (memcpy per element: any destination alignment).
inline void dsp_pack(const std::int8_t* filter, std::size_t oc, std::size_t k, std::byte* dst) noexcept {
    const std::size_t oc2 = (oc + 1) / 2 * 2, k4 = (k + 3) / 4 * 4;
    for (std::size_t o = 0; o < oc2; ++o)
        for (std::size_t j = 0; j < k4; ++j) {
            const std::int16_t v = (o < oc && j < k) ? static_cast<std::int16_t>(filter[o * k + j]) : std::int16_t{0};
            std::memcpy(dst + 2 * ((o / 2) * k4 * 2 + (j / 4) * 8 + (o % 2) * 4 + (j % 4)), &v, 2);
        }
}

#if defined(EDGEKERN_HAS_CORTEX_M_DSP)

/// Ungrouped s8 convolutions with at least 4 output pixels take the smlad path on Cortex-M DSP cores (it widens
/// the weights to int16 on every call, which pays only with weight reuse; a batch-1 fully connected layer stays
/// on the portable loops).
constexpr conv2d_algo conv2d_select(const conv_geom& g, arch::cortex_m_dsp) noexcept {
    return g.groups == 1 && std::int64_t{g.n} * g.oh * g.ow >= 4 ? conv2d_algo::gemm_dsp
                                                                 : conv2d_select(g, arch::scalar{});
}

/// One im2col pixel as contiguous int16 (x - zp); padding taps and the tail up to k4 are 0.
inline void dsp_im2col_pixel(const conv_geom& g, const std::int8_t* input, std::int32_t input_zero_point,
                             std::size_t row, std::size_t k4, std::int16_t* dst) noexcept {
    const std::size_t plane = uz(g.oh) * uz(g.ow);
    const std::size_t b = row / plane, rem = row % plane;
    const std::int32_t oy = static_cast<std::int32_t>(rem / uz(g.ow));
    const std::int32_t ox = static_cast<std::int32_t>(rem % uz(g.ow));
    const std::int8_t* in_b = input + b * uz(g.ih) * uz(g.iw) * uz(g.ic);
    const std::size_t icg = uz(g.icg);
    std::int16_t* d = dst;
    for (std::int32_t ky = 0; ky < g.kh; ++ky) {
        const std::int32_t iy = oy * g.sh - g.pt + ky * g.dh;
        for (std::int32_t kx = 0; kx < g.kw; ++kx) {
            const std::int32_t ix = ox * g.sw - g.pl + kx * g.dw;
            if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) {
                for (std::size_t c = 0; c < icg; ++c) *d++ = 0;
                continue;
            }
            const std::int8_t* s = in_b + (uz(iy) * uz(g.iw) + uz(ix)) * uz(g.ic);
            for (std::size_t c = 0; c < icg; ++c)
                *d++ = static_cast<std::int16_t>(std::int32_t{s[c]} - input_zero_point);
        }
    }
    while (d != dst + k4) *d++ = 0;
}

EDGEKERN_FORCE_INLINE std::uint64_t dsp_load2(const std::int16_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v); // one ldrd (8-byte aligned scratch)
    return v;
}
EDGEKERN_FORCE_INLINE std::int32_t lo32(std::uint64_t v) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
}
EDGEKERN_FORCE_INLINE std::int32_t hi32(std::uint64_t v) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(v >> 32));
}

/// Per-channel epilogue constants of the short double-rounding path (shift <= 0).
struct dsp_channel {
    std::int32_t bias, multiplier, right, mask;
};

/// Bias, requantization (double rounding, shift <= 0: conv_requantize_fast's arithmetic), zero point, clamp.
EDGEKERN_FORCE_INLINE std::int8_t dsp_finish(std::int32_t acc, const dsp_channel& c, std::int32_t zp, std::int32_t lo,
                                             std::int32_t hi) noexcept {
    acc = wrap_add_s32(acc, c.bias);
    const std::int32_t t =
        static_cast<std::int32_t>((std::int64_t{acc} * c.multiplier + (std::int64_t{1} << 30)) >> 31);
    const std::int32_t rem = t & c.mask;
    const std::int32_t threshold = (c.mask >> 1) + (t < 0 ? 1 : 0);
    std::int32_t v = (t >> c.right) + (rem > threshold ? 1 : 0) + zp;
    v = v < lo ? lo : (v > hi ? hi : v);
    return static_cast<std::int8_t>(v);
}

template <class Epi>
inline void conv2d_run_fast(conv2d_algo, const conv_geom& g, const std::int8_t* input, const std::int8_t* filter,
                            std::int32_t input_zero_point, const Epi& epi, std::byte* scratch,
                            const std::byte* prepacked, arch::cortex_m_dsp) noexcept {
    const std::size_t oc = uz(g.oc), oc2 = (oc + 1) / 2 * 2;
    const std::size_t k = uz(g.kh) * uz(g.kw) * uz(g.icg), k4 = (k + 3) / 4 * 4;
    const auto addr = reinterpret_cast<std::uintptr_t>(scratch);
    auto* chan = reinterpret_cast<dsp_channel*>(scratch + ((8 - (addr & 7u)) & 7u));
    // The short epilogue covers double rounding with every shift <= 0 (the usual case); otherwise epi is called.
    bool fast = epi.mode == rounding_mode::double_rounding;
    for (std::size_t o = 0; o < oc2; ++o) {
        const std::size_t q = o < oc ? (epi.per_channel ? o : 0) : 0;
        const std::int32_t sh = epi.shift[q];
        fast = fast && sh <= 0 && epi.multiplier[q] >= 0;
        const std::int32_t right = sh <= 0 ? -sh : 0;
        chan[o] = dsp_channel{(o < oc && epi.bias != nullptr) ? epi.bias[o] : 0, epi.multiplier[q], right,
                              static_cast<std::int32_t>((std::uint32_t{1} << right) - 1u)};
    }
    const std::int32_t zp = epi.output_zero_point, lo = epi.lo, hi = epi.hi;
    std::int8_t* const out = epi.out;
    std::int16_t* a0 = reinterpret_cast<std::int16_t*>(chan + oc2);
    std::int16_t* a1 = a0 + k4;
    const std::int16_t* w16 = reinterpret_cast<const std::int16_t*>(prepacked); // 8-byte aligned (checked)
    if (prepacked == nullptr) {
        dsp_pack(filter, oc, k, reinterpret_cast<std::byte*>(a1 + k4));
        w16 = a1 + k4;
    }
    const std::size_t rows = uz(g.n) * uz(g.oh) * uz(g.ow);
    const std::size_t quads = k4 / 4;
    for (std::size_t row = 0; row < rows; row += 2) {
        const bool two = row + 1 < rows;
        dsp_im2col_pixel(g, input, input_zero_point, row, k4, a0);
        if (two) dsp_im2col_pixel(g, input, input_zero_point, row + 1, k4, a1);
        for (std::size_t o = 0; o < oc2; o += 2) {
            const std::int16_t* wp = w16 + (o / 2) * k4 * 2;
            const std::int16_t* p0 = a0;
            const std::int16_t* p1 = a1;
            std::int32_t c00 = 0, c01 = 0, c10 = 0, c11 = 0;
            for (std::size_t q = 0; q < quads; ++q, p0 += 4, p1 += 4, wp += 8) {
                const std::uint64_t x0 = dsp_load2(p0), x1 = dsp_load2(p1);
                const std::uint64_t w0 = dsp_load2(wp), w1 = dsp_load2(wp + 4);
                c00 = __smlad(lo32(x0), lo32(w0), c00);
                c00 = __smlad(hi32(x0), hi32(w0), c00);
                c01 = __smlad(lo32(x0), lo32(w1), c01);
                c01 = __smlad(hi32(x0), hi32(w1), c01);
                c10 = __smlad(lo32(x1), lo32(w0), c10);
                c10 = __smlad(hi32(x1), hi32(w0), c10);
                c11 = __smlad(lo32(x1), lo32(w1), c11);
                c11 = __smlad(hi32(x1), hi32(w1), c11);
            }
            if (fast) {
                const dsp_channel& ch0 = chan[o];
                const dsp_channel& ch1 = chan[o + 1];
                std::int8_t* r0 = out + row * oc + o;
                r0[0] = dsp_finish(c00, ch0, zp, lo, hi);
                if (o + 1 < oc) r0[1] = dsp_finish(c01, ch1, zp, lo, hi);
                if (two) {
                    r0[oc] = dsp_finish(c10, ch0, zp, lo, hi);
                    if (o + 1 < oc) r0[oc + 1] = dsp_finish(c11, ch1, zp, lo, hi);
                }
                continue;
            }
            const std::int32_t o0 = static_cast<std::int32_t>(o);
            epi(c00, o0, row * oc + o);
            if (o + 1 < oc) epi(c01, o0 + 1, row * oc + o + 1);
            if (two) {
                epi(c10, o0, (row + 1) * oc + o);
                if (o + 1 < oc) epi(c11, o0 + 1, (row + 1) * oc + o + 1);
            }
        }
    }
}

#endif // EDGEKERN_HAS_CORTEX_M_DSP

} // namespace detail
EDGEKERN_NAMESPACE_END
