// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/random_projection/cortex_m_dsp.hpp: Cortex-M4/M7 DSP-extension tile kernel for int8 projection
// (sxtb16 + smlad: two 16-bit MACs per instruction), bit-identical to the scalar backend.
#pragma once

#include <arm_acle.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/arch/tags.hpp"
#include "edgekern/kernels/random_projection/scalar.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

// Weights of a group of G rows are re-laid once per tile (then reused for every vector of the batch) as int16
// pairs matching what sxtb16 makes of 4 input bytes x0..x3: for each block of 4 channels and each row r,
//   word 2r = (w[r][4b], w[r][4b + 2]),  word 2r + 1 = (w[r][4b + 1], w[r][4b + 3])   (low half first).
// The inner loop per block: 1 ldr + 2 sxtb16 for x, then per row 1 ldrd + 2 smlad = 4 G MACs in 3 + 3 G
// instructions (G = 4: 0.94 instructions / MAC before loop overhead).
constexpr std::size_t rp_dsp_group = 8;
constexpr std::size_t rp_dsp_max_blocks = 48; ///< d <= 192 uses this path (3 KB of stack); longer rows fall back

inline std::uint32_t rp_load_u32(const std::int8_t* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

/// sxtb16 of (v ror 8): bytes 1 and 3 sign-extended to halves (one instruction; GCC does not fold the rotate).
inline std::int32_t rp_sxtb16_ror8(std::uint32_t v) noexcept {
    std::int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/// One 4-channel block of G rows: a[r] += <x block, row r block>.
template <std::size_t G>
EDGEKERN_FORCE_INLINE void rp_dsp_block(const std::uint32_t* wl, std::uint32_t xw, std::int32_t* a) noexcept {
    const std::int32_t xa = __sxtb16(static_cast<std::int32_t>(xw));
    const std::int32_t xb = rp_sxtb16_ror8(xw);
#pragma GCC unroll 4
    for (std::size_t r = 0; r < G; ++r) {
        a[r] = __smlad(xa, static_cast<std::int32_t>(wl[2 * r]), a[r]);
        a[r] = __smlad(xb, static_cast<std::int32_t>(wl[2 * r + 1]), a[r]);
    }
}

template <std::size_t G>
inline void rp_dsp_dot_group(const std::uint32_t* wl, std::size_t blocks, const std::int8_t* x,
                             std::int32_t* acc) noexcept {
    std::int32_t a[G];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < G; ++r) a[r] = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        rp_dsp_block<G>(wl, rp_load_u32(x), a);
        wl += 2 * G;
        x += 4;
    }
#pragma GCC unroll 8
    for (std::size_t r = 0; r < G; ++r) acc[r] = a[r];
}

#if !defined(EDGEKERN_RP_NO_ASM)
// One row of one block: 2 int16 pairs of weights (ldrd, post-increment), 2 dual MACs.
#define EDGEKERN_RP_DSP_ROW(n)                                                                                         \
    "ldrd %[w0], %[w1], [%[wl]], #8\n\t"                                                                               \
    "smlad %[a" #n "], %[xa], %[w0], %[a" #n "]\n\t"                                                                   \
    "smlad %[a" #n "], %[xb], %[w1], %[a" #n "]\n\t"
// One block of 4 channels for 8 rows: x bytes sign-extended into the pairs (x0, x2) and (x1, x3), then 8 rows.
#define EDGEKERN_RP_DSP_BLOCK                                                                                          \
    "ldr %[xb], [%[x]], #4\n\t"                                                                                        \
    "sxtb16 %[xa], %[xb]\n\t"                                                                                          \
    "sxtb16 %[xb], %[xb], ror #8\n\t" EDGEKERN_RP_DSP_ROW(0) EDGEKERN_RP_DSP_ROW(1) EDGEKERN_RP_DSP_ROW(2)             \
        EDGEKERN_RP_DSP_ROW(3) EDGEKERN_RP_DSP_ROW(4) EDGEKERN_RP_DSP_ROW(5) EDGEKERN_RP_DSP_ROW(6)                    \
            EDGEKERN_RP_DSP_ROW(7)

/// The 8-row kernel, register-allocated by hand (14 live values: 8 sums, the two sign-extended input pairs, one
/// ldrd pair of weights, 2 pointers; the loop bound is reloaded from the stack into the free weight register).
/// Per four blocks (128 MACs): 4 ldr + 8 sxtb16 + 32 ldrd + 64 smlad + 3 loop = 111 instructions (0.87 / MAC).
template <>
inline void rp_dsp_dot_group<8>(const std::uint32_t* wl, std::size_t blocks, const std::int8_t* x,
                                std::int32_t* acc) noexcept {
    std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    const std::size_t quads = blocks / 4;
    if (quads != 0) {
        const std::int8_t* x_end = x + 16 * quads;
        std::int32_t xa, xb, w0, w1;
        __asm__ volatile(
            "1:\n\t" EDGEKERN_RP_DSP_BLOCK EDGEKERN_RP_DSP_BLOCK EDGEKERN_RP_DSP_BLOCK EDGEKERN_RP_DSP_BLOCK
            "ldr %[w0], %[end]\n\t"
            "cmp %[x], %[w0]\n\t"
            "bne 1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [a4] "+r"(a4), [a5] "+r"(a5), [a6] "+r"(a6),
              [a7] "+r"(a7), [x] "+r"(x), [wl] "+r"(wl), [xa] "=&r"(xa), [xb] "=&r"(xb), [w0] "=&r"(w0), [w1] "=&r"(w1)
            : [end] "m"(x_end)
            : "cc", "memory");
    }
    if (blocks % 4 != 0) {
        std::int32_t a[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
        for (std::size_t b = 0; b < blocks % 4; ++b) {
            rp_dsp_block<8>(wl, rp_load_u32(x), a);
            wl += 16;
            x += 4;
        }
        for (std::size_t r = 0; r < 8; ++r) acc[r] = a[r];
        return;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    acc[4] = a4;
    acc[5] = a5;
    acc[6] = a6;
    acc[7] = a7;
}
#undef EDGEKERN_RP_DSP_BLOCK
#undef EDGEKERN_RP_DSP_ROW
#endif

inline void rp_dsp_relayout(const std::int8_t* w, std::size_t d, std::size_t g, std::size_t blocks,
                            std::uint32_t* out) noexcept {
    for (std::size_t b = 0; b < blocks; ++b)
        for (std::size_t r = 0; r < g; ++r) {
            const std::uint32_t word = rp_load_u32(w + r * d + 4 * b);
            out[(b * g + r) * 2] = static_cast<std::uint32_t>(__sxtb16(static_cast<std::int32_t>(word)));
            out[(b * g + r) * 2 + 1] = static_cast<std::uint32_t>(rp_sxtb16_ror8(word));
        }
}

/// int16 inputs: the same re-laid weights; x is loaded as pairs (x0, x1), (x2, x3) and repacked with pkhbt/pkhtb
/// into (x0, x2), (x1, x3) to meet them; smlald accumulates the dual products in 64 bits, so sums are exact.
template <std::size_t G>
inline void rp_dsp_dot_group_s16(const std::uint32_t* wl, std::size_t blocks, const std::int16_t* x,
                                 std::int64_t* acc) noexcept {
    std::int64_t a[G];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < G; ++r) a[r] = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        std::uint32_t x01, x23;
        std::memcpy(&x01, x + 4 * b, 4);
        std::memcpy(&x23, x + 4 * b + 2, 4);
        const std::int32_t xa = static_cast<std::int32_t>((x01 & 0xFFFFu) | (x23 << 16));     // pkhbt: (x0, x2)
        const std::int32_t xb = static_cast<std::int32_t>((x01 >> 16) | (x23 & 0xFFFF0000u)); // pkhtb: (x1, x3)
#pragma GCC unroll 8
        for (std::size_t r = 0; r < G; ++r) {
            a[r] = __smlald(xa, static_cast<std::int32_t>(wl[2 * r]), a[r]);
            a[r] = __smlald(xb, static_cast<std::int32_t>(wl[2 * r + 1]), a[r]);
        }
        wl += 2 * G;
    }
#pragma GCC unroll 8
    for (std::size_t r = 0; r < G; ++r) acc[r] = a[r];
}

template <class Acc, class Sink, class Arch>
void rp_apply_tile(const std::int8_t* w, std::size_t r0, std::size_t rows, std::size_t n_vectors, const std::int16_t* x,
                   std::size_t d, Sink& sink, Arch, arch::cortex_m_dsp) noexcept {
    const std::size_t blocks = d / 4;
    if (blocks == 0 || blocks > rp_dsp_max_blocks) {
        rp_apply_tile<Acc>(w, r0, rows, n_vectors, x, d, sink, arch::scalar{}, arch::scalar{});
        return;
    }
    std::uint32_t wl[rp_dsp_max_blocks * 4 * 2];
    std::int64_t acc_local[4];
    for (std::size_t g0 = 0; g0 < rows;) {
        const std::size_t g = (rows - g0 >= 4) ? 4 : 1;
        const std::int8_t* wg = w + g0 * d;
        rp_dsp_relayout(wg, d, g, blocks, wl);
        for (std::size_t v = 0; v < n_vectors; ++v) {
            const std::int16_t* xv = x + v * d;
            std::int64_t* acc = acc_local;
            if constexpr (rp_has_direct<Sink>::value) acc = sink.direct(v, r0 + g0);
            if (g == 4)
                rp_dsp_dot_group_s16<4>(wl, blocks, xv, acc);
            else
                rp_dsp_dot_group_s16<1>(wl, blocks, xv, acc);
            if (blocks * 4 != d)
                for (std::size_t r = 0; r < g; ++r)
                    for (std::size_t j = blocks * 4; j < d; ++j)
                        acc[r] += static_cast<std::int32_t>(wg[r * d + j]) * static_cast<std::int32_t>(xv[j]);
            if constexpr (!rp_has_direct<Sink>::value) sink(v, r0 + g0, g, acc);
        }
        g0 += g;
    }
}

template <class Acc, class Sink, class Arch>
void rp_apply_tile(const std::int8_t* w, std::size_t r0, std::size_t rows, std::size_t n_vectors, const std::int8_t* x,
                   std::size_t d, Sink& sink, Arch, arch::cortex_m_dsp) noexcept {
    const std::size_t blocks = d / 4;
    if (blocks == 0 || blocks > rp_dsp_max_blocks) {
        rp_apply_tile<Acc>(w, r0, rows, n_vectors, x, d, sink, arch::scalar{}, arch::scalar{});
        return;
    }
    std::uint32_t wl[rp_dsp_max_blocks * rp_dsp_group * 2];
    std::int32_t acc_local[rp_dsp_group];
    for (std::size_t g0 = 0; g0 < rows;) {
        const std::size_t g = (rows - g0 >= 8) ? 8 : (rows - g0 >= 4 ? 4 : 1); // groups of 8, 4, then single rows
        const std::int8_t* wg = w + g0 * d;
        rp_dsp_relayout(wg, d, g, blocks, wl);
        for (std::size_t v = 0; v < n_vectors; ++v) {
            const std::int8_t* xv = x + v * d;
            std::int32_t* acc = acc_local;
            if constexpr (rp_has_direct<Sink>::value) acc = sink.direct(v, r0 + g0); // sums straight to the output
            if (g == 8)
                rp_dsp_dot_group<8>(wl, blocks, xv, acc);
            else if (g == 4)
                rp_dsp_dot_group<4>(wl, blocks, xv, acc);
            else
                rp_dsp_dot_group<1>(wl, blocks, xv, acc);
            if (blocks * 4 != d) // channels beyond the last full block of 4
                for (std::size_t r = 0; r < g; ++r)
                    for (std::size_t j = blocks * 4; j < d; ++j)
                        acc[r] += static_cast<std::int32_t>(wg[r * d + j]) * static_cast<std::int32_t>(xv[j]);
            if constexpr (!rp_has_direct<Sink>::value) sink(v, r0 + g0, g, acc);
        }
        g0 += g;
    }
}

} // namespace detail
EDGEKERN_NAMESPACE_END
