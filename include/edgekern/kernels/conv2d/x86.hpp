// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/conv2d/x86.hpp: the s8 conv2d fast path for AVX-512 VNNI (im2col blocks x packed weights with
// vpdpbusd, vectorised bit-exact requantization), plus the portable scratch formula it shares with the selection.
//
// Sign-flip trick: vpdpbusd multiplies u8 x s8. With u = x ^ 0x80 = x + 128 (as u8),
//   sum w * (x - zp) = sum w * u + (-zp - 128) * sum w,
// so the per-channel term bias + (-zp - 128) * sum(w) initialises the accumulators. Padding taps hold x = zp
// (u = zp + 128), which contributes w * (zp + 128) - (zp + 128) * w = 0, exactly like a skipped tap. All of it
// is int32 wrap-around arithmetic whose final value is exact because the true sum fits (headroom check).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/kernels/conv2d/common.hpp"
#include "edgekern/kernels/conv2d/scalar.hpp"

#if defined(EDGEKERN_HAS_AVX512VNNI)
// GCC 12's AVX-512 intrinsics build results from _mm512_undefined_*() (a self-initialised variable), which
// -Wmaybe-uninitialized reports once they are inlined (GCC PR 105593, fixed in later releases). Silenced for
// this header only; every lane of every result below is defined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

/// GEMM blocking of the im2col fast paths (rows = output pixels, columns = output channels).
constexpr std::size_t gemm_s8_block_rows = 32; ///< im2col rows built per block
constexpr std::size_t gemm_s8_lanes = 16;      ///< output channels per packed weight panel

constexpr std::size_t round_up(std::size_t v, std::size_t m) noexcept {
    return (v + m - 1) / m * m;
}

/// Scratch layout of the im2col GEMM path (bytes, each part 64-byte aligned inside a buffer of any alignment):
///   init, mult, left/right shift  4 * OCp int32   (OCp = out_c rounded up to 16)
///   im2col block    32 * Kp                       (Kp = reduction rounded up to 4)
///   packed weights  OCp * Kp                      (only when the weights were not pre-packed)
/// plus 64 bytes of alignment slack.
constexpr std::size_t gemm_s8_scratch_size(const conv_geom& g, bool prepacked = false) noexcept {
    const std::size_t ocp = round_up(uz(g.oc), gemm_s8_lanes);
    const std::size_t kp = round_up(uz(g.kh) * uz(g.kw) * uz(g.icg), 4);
    return 64 + round_up(4 * 4 * ocp, 64) + round_up(gemm_s8_block_rows * kp, 64) +
           (prepacked ? 0 : round_up(ocp * kp, 64));
}

/// Bytes of the pre-packed VNNI weights (after the 64-byte header): panels OCp * Kp, then OCp int32 sums of w.
constexpr std::size_t gemm_s8_packed_bytes(const conv_geom& g) noexcept {
    const std::size_t ocp = round_up(uz(g.oc), gemm_s8_lanes);
    const std::size_t kp = round_up(uz(g.kh) * uz(g.kw) * uz(g.icg), 4);
    return ocp * kp + 4 * ocp;
}

/// Portable fallback of the fast-path runner (tags without an overload never select a fast algorithm).
template <class Epi>
inline void conv2d_run_fast(conv2d_algo, const conv_geom& g, const std::int8_t* input, const std::int8_t* filter,
                            std::int32_t input_zero_point, const Epi& epi, std::byte*, const std::byte*,
                            arch::scalar) noexcept {
    conv_direct(g, input, filter, -input_zero_point, epi);
}

/// Portable depthwise runner (every tag without its own overload).
template <class Epi>
inline void depthwise_run(const conv_geom& g, const std::int8_t* input, const std::int8_t* filter,
                          std::int32_t input_zero_point, const Epi& epi, arch::scalar) noexcept {
    depthwise_direct(g, input, filter, -input_zero_point, epi);
}

#if defined(EDGEKERN_HAS_AVX512VNNI)

/// The VNNI path handles every ungrouped s8 conv (direct geometry through im2col, pointwise without copying
/// geometry work); grouped convolutions stay on the portable loops.
constexpr conv2d_algo conv2d_select(const conv_geom& g, arch::avx512vnni) noexcept {
    return g.groups == 1 ? conv2d_algo::gemm_vnni : conv2d_select(g, arch::scalar{});
}

inline std::byte* align64(std::byte* p) noexcept {
    const auto u = reinterpret_cast<std::uintptr_t>(p);
    return p + ((64 - (u & 63u)) & 63u);
}

/// Packs OHWI weights [oc][K] into panels [oc/16][Kp/4][16][4] (zero padded) and, when sums is not null, writes
/// the per-channel sum(w) there (memcpy: the destination may be unaligned).
inline void vnni_pack(const std::int8_t* filter, std::size_t oc, std::size_t k, std::size_t kp, std::int8_t* packed,
                      std::byte* sums) noexcept {
    const std::size_t ocp = round_up(oc, gemm_s8_lanes);
    std::memset(packed, 0, ocp * kp);
    for (std::size_t o = 0; o < ocp; ++o) {
        std::int32_t s = 0;
        if (o < oc) {
            const std::int8_t* w = filter + o * k;
            std::int8_t* panel = packed + (o / 16) * kp * 16 + (o % 16) * 4;
            for (std::size_t c = 0; c < k; ++c) {
                panel[(c / 4) * 64 + (c % 4)] = w[c];
                s += w[c];
            }
        }
        if (sums != nullptr) std::memcpy(sums + 4 * o, &s, 4);
    }
}

/// Bit-exact vector form of conv_requantize (double or single rounding) + zero point + clamp, 16 lanes -> int8.
/// m: multiplier, left/right: max(shift,0) / max(-shift,0) (double) or total = 31 - shift (single, in `right`).
EDGEKERN_FORCE_INLINE __m128i vnni_requant(__m512i acc, __m512i m, __m512i left, __m512i right, bool single, __m512i zp,
                                           __m512i lo, __m512i hi) noexcept {
    __m512i t;
    const __m512i m_lo = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(m));
    const __m512i m_hi = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(m, 1));
    if (!single) {
        // sat32(acc * 2^left): where shifting back does not restore acc, the product overflowed -> saturate.
        const __m512i shl = _mm512_sllv_epi32(acc, left);
        const __mmask16 ovf = _mm512_cmpneq_epi32_mask(_mm512_srav_epi32(shl, left), acc);
        const __mmask16 acc_neg = _mm512_cmplt_epi32_mask(acc, _mm512_setzero_si512());
        const __m512i sat =
            _mm512_mask_blend_epi32(acc_neg, _mm512_set1_epi32(INT32_MAX), _mm512_set1_epi32(INT32_MIN));
        const __m512i a = _mm512_mask_blend_epi32(ovf, shl, sat);
        const __m512i a_lo = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(a));
        const __m512i a_hi = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(a, 1));
        // srdhm: (ab + nudge) / 2^31 truncating; multiplier > 0 so sign(ab) = sign(a) and no saturation case.
        const __m512i pos_nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
        const __m512i neg_nudge = _mm512_set1_epi64(1 - (std::int64_t{1} << 30));
        const __m512i trunc_fix = _mm512_set1_epi64((std::int64_t{1} << 31) - 1);
        __m512i p_lo = _mm512_mul_epi32(a_lo, m_lo);
        __m512i p_hi = _mm512_mul_epi32(a_hi, m_hi);
        const __mmask8 n_lo = _mm512_cmplt_epi64_mask(p_lo, _mm512_setzero_si512());
        const __mmask8 n_hi = _mm512_cmplt_epi64_mask(p_hi, _mm512_setzero_si512());
        p_lo = _mm512_add_epi64(p_lo, _mm512_mask_blend_epi64(n_lo, pos_nudge, neg_nudge));
        p_hi = _mm512_add_epi64(p_hi, _mm512_mask_blend_epi64(n_hi, pos_nudge, neg_nudge));
        // truncating division by 2^31: add 2^31 - 1 to negative values before the arithmetic shift.
        const __mmask8 s_lo = _mm512_cmplt_epi64_mask(p_lo, _mm512_setzero_si512());
        const __mmask8 s_hi = _mm512_cmplt_epi64_mask(p_hi, _mm512_setzero_si512());
        p_lo = _mm512_srai_epi64(_mm512_mask_add_epi64(p_lo, s_lo, p_lo, trunc_fix), 31);
        p_hi = _mm512_srai_epi64(_mm512_mask_add_epi64(p_hi, s_hi, p_hi, trunc_fix), 31);
        const __m512i h =
            _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtepi64_epi32(p_lo)), _mm512_cvtepi64_epi32(p_hi), 1);
        // rounding divide by 2^right, half away from zero.
        const __m512i one = _mm512_set1_epi32(1);
        const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, right), one);
        const __m512i rem = _mm512_and_si512(h, mask);
        const __mmask16 neg = _mm512_cmplt_epi32_mask(h, _mm512_setzero_si512());
        const __m512i threshold =
            _mm512_mask_add_epi32(_mm512_srli_epi32(mask, 1), neg, _mm512_srli_epi32(mask, 1), one);
        t = _mm512_srav_epi32(h, right);
        t = _mm512_mask_add_epi32(t, _mm512_cmpgt_epi32_mask(rem, threshold), t, one);
    } else {
        const __m512i a_lo = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc));
        const __m512i a_hi = _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc, 1));
        const __m512i tot_lo = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(right));
        const __m512i tot_hi = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(right, 1));
        const __m512i one = _mm512_set1_epi64(1);
        const __m512i r_lo = _mm512_sllv_epi64(one, _mm512_sub_epi64(tot_lo, one));
        const __m512i r_hi = _mm512_sllv_epi64(one, _mm512_sub_epi64(tot_hi, one));
        const __m512i q_lo = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(a_lo, m_lo), r_lo), tot_lo);
        const __m512i q_hi = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(a_hi, m_hi), r_hi), tot_hi);
        // sat32 of the int64 result (vpmovsqd saturates exactly like saturate_cast<int32_t>).
        t = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvtsepi64_epi32(q_lo)), _mm512_cvtsepi64_epi32(q_hi), 1);
    }
    t = _mm512_add_epi32(t, zp);
    t = _mm512_min_epi32(_mm512_max_epi32(t, lo), hi);
    return _mm512_cvtepi32_epi8(t);
}

/// Per-call channel tables (padded to OCp): accumulator init, multiplier, left and right shift.
struct vnni_tables {
    std::int32_t* init;
    std::int32_t* mult;
    std::int32_t* left;
    std::int32_t* right;
};

/// MR rows x NV panels of 16 channels: C = init + A(u8, rows of Kp) * B(panels), requantised into out.
template <int MR, int NV>
EDGEKERN_FORCE_INLINE void vnni_tile(const std::uint8_t* a, std::size_t kp, const std::int8_t* b_panels,
                                     const vnni_tables& t, std::size_t oc0, std::size_t oc, bool single,
                                     const epilogue_s32<std::int8_t>& epi, std::int8_t* out_rows) noexcept {
    __m512i acc[static_cast<std::size_t>(MR)][static_cast<std::size_t>(NV)];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
        const __m512i init = _mm512_load_si512(t.init + oc0 + 16 * static_cast<std::size_t>(v));
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) acc[r][v] = init;
    }
    const std::size_t k4n = kp / 4;
    const std::size_t panel_stride = kp * 16;
    for (std::size_t k4 = 0; k4 < k4n; ++k4) {
        __m512i bv[static_cast<std::size_t>(NV)];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v)
            bv[v] = _mm512_loadu_si512(b_panels + static_cast<std::size_t>(v) * panel_stride + k4 * 64);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            std::int32_t word;
            std::memcpy(&word, a + static_cast<std::size_t>(r) * kp + k4 * 4, 4);
            const __m512i av = _mm512_set1_epi32(word);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
        }
    }
    const __m512i zp = _mm512_set1_epi32(epi.output_zero_point);
    const __m512i lo = _mm512_set1_epi32(epi.lo);
    const __m512i hi = _mm512_set1_epi32(epi.hi);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
        const std::size_t c0 = oc0 + 16 * static_cast<std::size_t>(v);
        if (c0 >= oc) break;
        const __m512i m = _mm512_load_si512(t.mult + c0);
        const __m512i l = _mm512_load_si512(t.left + c0);
        const __m512i rr = _mm512_load_si512(t.right + c0);
        const std::size_t n = oc - c0 < 16 ? oc - c0 : 16;
        const __mmask16 store_mask = static_cast<__mmask16>((1u << n) - 1u);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const __m128i q = vnni_requant(acc[r][v], m, l, rr, single, zp, lo, hi);
            _mm_mask_storeu_epi8(out_rows + static_cast<std::size_t>(r) * oc + c0, store_mask, q);
        }
    }
}

template <int MR>
EDGEKERN_FORCE_INLINE void vnni_row_block(const std::uint8_t* a, std::size_t kp, const std::int8_t* packed,
                                          const vnni_tables& t, std::size_t oc, bool single,
                                          const epilogue_s32<std::int8_t>& epi, std::int8_t* out_rows) noexcept {
    const std::size_t ocp = round_up(oc, 16);
    std::size_t oc0 = 0;
    for (; oc0 + 32 <= ocp; oc0 += 32)
        vnni_tile<MR, 2>(a, kp, packed + (oc0 / 16) * kp * 16, t, oc0, oc, single, epi, out_rows);
    if (oc0 < ocp) vnni_tile<MR, 1>(a, kp, packed + (oc0 / 16) * kp * 16, t, oc0, oc, single, epi, out_rows);
}

/// im2col of output pixels [row0, row0 + rows) into u8 rows of Kp (x ^ 0x80; padding taps zp ^ 0x80; K..Kp 0).
inline void vnni_im2col(const conv_geom& g, const std::int8_t* input, std::int32_t input_zero_point, std::size_t row0,
                        std::size_t rows, std::size_t kp, std::uint8_t* a) noexcept {
    const std::size_t icg = uz(g.icg);
    const std::size_t k = uz(g.kh) * uz(g.kw) * icg;
    const std::uint8_t pad = static_cast<std::uint8_t>(static_cast<std::uint8_t>(input_zero_point) ^ 0x80u);
    const std::size_t plane = uz(g.oh) * uz(g.ow);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t row = row0 + r;
        const std::size_t b = row / plane;
        const std::size_t rem = row % plane;
        const std::int32_t oy = static_cast<std::int32_t>(rem / uz(g.ow));
        const std::int32_t ox = static_cast<std::int32_t>(rem % uz(g.ow));
        std::uint8_t* dst = a + r * kp;
        const std::int8_t* in_b = input + b * uz(g.ih) * uz(g.iw) * uz(g.ic);
        for (std::int32_t ky = 0; ky < g.kh; ++ky) {
            const std::int32_t iy = oy * g.sh - g.pt + ky * g.dh;
            for (std::int32_t kx = 0; kx < g.kw; ++kx) {
                const std::int32_t ix = ox * g.sw - g.pl + kx * g.dw;
                std::uint8_t* d = dst + (uz(ky) * uz(g.kw) + uz(kx)) * icg;
                if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) {
                    std::memset(d, pad, icg);
                    continue;
                }
                const std::int8_t* s = in_b + (uz(iy) * uz(g.iw) + uz(ix)) * uz(g.ic);
                std::size_t c = 0;
                const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
                for (; c + 64 <= icg; c += 64)
                    _mm512_storeu_si512(d + c, _mm512_xor_si512(_mm512_loadu_si512(s + c), flip));
                if (c < icg) {
                    const __mmask64 mk = _bzhi_u64(~0ull, static_cast<unsigned>(icg - c));
                    _mm512_mask_storeu_epi8(d + c, mk, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mk, s + c), flip));
                }
            }
        }
        for (std::size_t c = k; c < kp; ++c) dst[c] = 0;
    }
}

/// The VNNI runner: packs the weights into scratch (unless `prepacked` points at panels + sums made by
/// conv2d_pack_weights), fills the channel tables, then runs im2col blocks x panels.
inline void conv2d_run_fast(conv2d_algo, const conv_geom& g, const std::int8_t* input, const std::int8_t* filter,
                            std::int32_t input_zero_point, const epilogue_s32<std::int8_t>& epi, std::byte* scratch,
                            const std::byte* prepacked, arch::avx512vnni) noexcept {
    const std::size_t oc = uz(g.oc);
    const std::size_t ocp = round_up(oc, gemm_s8_lanes);
    const std::size_t k = uz(g.kh) * uz(g.kw) * uz(g.icg);
    const std::size_t kp = round_up(k, 4);
    std::byte* base = align64(scratch);
    auto* tables = reinterpret_cast<std::int32_t*>(base);
    base += round_up(4 * 4 * ocp, 64);
    auto* a = reinterpret_cast<std::uint8_t*>(base);
    base += round_up(gemm_s8_block_rows * kp, 64);
    const vnni_tables t{tables, tables + ocp, tables + 2 * ocp, tables + 3 * ocp};
    const std::int8_t* packed = reinterpret_cast<const std::int8_t*>(prepacked);
    if (prepacked == nullptr) {
        auto* own = reinterpret_cast<std::int8_t*>(base);
        vnni_pack(filter, oc, k, kp, own, reinterpret_cast<std::byte*>(t.init));
        packed = own;
    } else {
        std::memcpy(t.init, prepacked + ocp * kp, 4 * ocp);
    }
    const bool single = epi.mode == rounding_mode::single_rounding;
    const std::int32_t corr = -input_zero_point - 128;
    for (std::size_t o = 0; o < ocp; ++o) {
        const std::size_t q = o < oc ? (epi.per_channel ? o : 0) : 0;
        const std::int32_t bias = (o < oc && epi.bias != nullptr) ? epi.bias[o] : 0;
        // init = bias + corr * sum(w), in wrapping int32 (the final accumulator is exact, see file comment).
        const std::uint32_t prod = static_cast<std::uint32_t>(corr) * static_cast<std::uint32_t>(t.init[o]);
        t.init[o] = wrap_add_s32(bias, wrap_s32(prod));
        const std::int32_t m = epi.multiplier[q];
        const std::int32_t s = epi.shift[q];
        t.mult[o] = m;
        t.left[o] = single ? 0 : (s > 0 ? s : 0);
        t.right[o] = single ? 31 - s : (s > 0 ? 0 : -s);
    }
    const std::size_t rows = uz(g.n) * uz(g.oh) * uz(g.ow);
    for (std::size_t row0 = 0; row0 < rows; row0 += gemm_s8_block_rows) {
        const std::size_t mb = rows - row0 < gemm_s8_block_rows ? rows - row0 : gemm_s8_block_rows;
        vnni_im2col(g, input, input_zero_point, row0, mb, kp, a);
        std::size_t r = 0;
        std::int8_t* out = epi.out + row0 * oc;
        for (; r + 8 <= mb; r += 8) vnni_row_block<8>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
        switch (mb - r) {
        case 7:
            vnni_row_block<7>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        case 6:
            vnni_row_block<6>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        case 5:
            vnni_row_block<5>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        case 4:
            vnni_row_block<4>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        case 3:
            vnni_row_block<3>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        case 2:
            vnni_row_block<2>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        case 1:
            vnni_row_block<1>(a + r * kp, kp, packed, t, oc, single, epi, out + r * oc);
            break;
        default:
            break;
        }
    }
}

/// Depthwise s8 (depth multiplier 1) with AVX-512: 16 channels per vector, int32 lanes, exact products
/// (|w * (x - zp)| <= 32640), bias and requantization in the vector unit (vnni_requant). Other depth multipliers
/// take the portable loops.
inline void depthwise_run(const conv_geom& g, const std::int8_t* input, const std::int8_t* filter,
                          std::int32_t input_zero_point, const epilogue_s32<std::int8_t>& epi,
                          arch::avx512vnni) noexcept {
    if (g.ocg != 1) {
        depthwise_direct(g, input, filter, -input_zero_point, epi);
        return;
    }
    const bool single = epi.mode == rounding_mode::single_rounding;
    const __m512i off = _mm512_set1_epi32(-input_zero_point);
    const __m512i zp = _mm512_set1_epi32(epi.output_zero_point);
    const __m512i lo = _mm512_set1_epi32(epi.lo), hi = _mm512_set1_epi32(epi.hi);
    const __m512i zero = _mm512_setzero_si512();
    const std::size_t c = uz(g.ic);
    for (std::int32_t b = 0; b < g.n; ++b) {
        const std::int8_t* in_b = input + uz(b) * uz(g.ih) * uz(g.iw) * c;
        for (std::int32_t oy = 0; oy < g.oh; ++oy) {
            const std::int32_t iy0 = oy * g.sh - g.pt;
            for (std::int32_t ox = 0; ox < g.ow; ++ox) {
                const std::int32_t ix0 = ox * g.sw - g.pl;
                std::int8_t* out = epi.out + ((uz(b) * uz(g.oh) + uz(oy)) * uz(g.ow) + uz(ox)) * c;
                for (std::size_t c0 = 0; c0 < c; c0 += 16) {
                    const std::size_t n = c - c0 < 16 ? c - c0 : 16;
                    const __mmask16 mk = static_cast<__mmask16>((1u << n) - 1u);
                    __m512i acc = epi.bias != nullptr ? _mm512_maskz_loadu_epi32(mk, epi.bias + c0) : zero;
                    for (std::int32_t ky = 0; ky < g.kh; ++ky) {
                        const std::int32_t iy = iy0 + ky * g.dh;
                        if (iy < 0 || iy >= g.ih) continue;
                        for (std::int32_t kx = 0; kx < g.kw; ++kx) {
                            const std::int32_t ix = ix0 + kx * g.dw;
                            if (ix < 0 || ix >= g.iw) continue;
                            const std::int8_t* px = in_b + (uz(iy) * uz(g.iw) + uz(ix)) * c + c0;
                            const std::int8_t* pw = filter + (uz(ky) * uz(g.kw) + uz(kx)) * c + c0;
                            const __m512i x = _mm512_add_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mk, px)), off);
                            const __m512i w = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mk, pw));
                            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(x, w));
                        }
                    }
                    __m512i m, s;
                    if (epi.per_channel) {
                        m = _mm512_maskz_loadu_epi32(mk, epi.multiplier + c0);
                        s = _mm512_maskz_loadu_epi32(mk, epi.shift + c0);
                    } else {
                        m = _mm512_set1_epi32(epi.multiplier[0]);
                        s = _mm512_set1_epi32(epi.shift[0]);
                    }
                    const __m512i left = single ? zero : _mm512_max_epi32(s, zero);
                    const __m512i right = single ? _mm512_sub_epi32(_mm512_set1_epi32(31), s)
                                                 : _mm512_max_epi32(_mm512_sub_epi32(zero, s), zero);
                    _mm_mask_storeu_epi8(out + c0, mk, vnni_requant(acc, m, left, right, single, zp, lo, hi));
                }
            }
        }
    }
}

#endif // EDGEKERN_HAS_AVX512VNNI

} // namespace detail
EDGEKERN_NAMESPACE_END

#if defined(EDGEKERN_HAS_AVX512VNNI) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
