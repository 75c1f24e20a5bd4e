// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/random_projection/x86.hpp: AVX2 / AVX-512 / AVX-512 VNNI inner loops of random projection:
// int8 row dot products, the VNNI tile kernel, and SIMD generation of matrix-free entries. Bit-identical to scalar.
#pragma once

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_*() and -Wmaybe-uninitialized reports them once inlined
// (GCC PR 105593); every lane of every result here is defined. Silenced for this header's functions only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "edgekern/arch/tags.hpp"
#include "edgekern/kernels/random_projection/scalar.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

#if defined(EDGEKERN_HAS_AVX2)

inline std::int32_t rp_hsum256(__m256i v) noexcept {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// hash32 on 8 lanes (pmulld = the scalar 32-bit multiply modulo 2^32).
inline __m256i rp_hash32_avx2(__m256i x) noexcept {
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
    x = _mm256_mullo_epi32(x, _mm256_set1_epi32(0x7FEB352D));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
    x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int>(0x846CA68Bu)));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
    return x;
}

/// Entries of 8 consecutive columns as int32 lanes (rp_entry_from_bits on each lane).
inline __m256i rp_entries_avx2(rp_kind kind, __m256i h, std::uint32_t threshold) noexcept {
    if (kind == rp_kind::gaussian) {
        // bytes b0..b3 masked to 6 bits; maddubs with (+1, +1, -1, -1) gives int16 (b0 + b1, -(b2 + b3)),
        // madd with ones adds the pair: b0 + b1 - b2 - b3.
        const __m256i b = _mm256_and_si256(h, _mm256_set1_epi32(0x3F3F3F3F));
        const __m256i pm = _mm256_maddubs_epi16(b, _mm256_set1_epi32(static_cast<int>(0xFFFF0101u)));
        return _mm256_madd_epi16(pm, _mm256_set1_epi16(1));
    }
    const __m256i u = _mm256_srli_epi32(h, 8);
    const __m256i nz = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(threshold)), u); // u < T (both < 2^25)
    const __m256i sign = _mm256_and_si256(h, _mm256_set1_epi32(1));
    const __m256i val = _mm256_sub_epi32(_mm256_set1_epi32(1), _mm256_add_epi32(sign, sign)); // 1 - 2 (h & 1)
    return _mm256_and_si256(val, nz);
}

inline void rp_generate_row(rp_kind kind, std::uint32_t seed, std::uint32_t threshold, std::uint32_t row,
                            std::uint32_t col0, std::size_t n, std::int8_t* out, arch::avx2) noexcept {
    const std::uint32_t key = counter_rng_row_key(seed, row);
    const __m256i vkey = _mm256_set1_epi32(static_cast<int>(key));
    const __m256i step = _mm256_set1_epi32(static_cast<int>(counter_rng_column_step * 8u));
    // col * step for col = col0 .. col0 + 7 (modulo 2^32), advanced by 8 * step per vector
    __m256i cs = _mm256_mullo_epi32(
        _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(col0)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
        _mm256_set1_epi32(static_cast<int>(counter_rng_column_step)));
    std::size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        __m256i e[4];
        for (int q = 0; q < 4; ++q) {
            e[q] = rp_entries_avx2(kind, rp_hash32_avx2(_mm256_xor_si256(vkey, cs)), threshold);
            cs = _mm256_add_epi32(cs, step);
        }
        // int32 -> int8 (values within [-126, 126]: no saturation); packs interleave 128-bit lanes, fix the order
        const __m256i p16a = _mm256_packs_epi32(e[0], e[1]);
        const __m256i p16b = _mm256_packs_epi32(e[2], e[3]);
        const __m256i p8 = _mm256_packs_epi16(p16a, p16b);
        const __m256i fixed = _mm256_permutevar8x32_epi32(p8, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j), fixed);
    }
    for (; j < n; ++j)
        out[j] = rp_entry_from_bits(kind, counter_rng_bits_keyed(key, col0 + static_cast<std::uint32_t>(j)), threshold);
}

/// int8 rows x int8 vector, 4 rows at a time sharing the widened input: vpmovsxbw + vpmaddwd (exact: each int32
/// lane sums pairs of |w x| <= 2^14 products, and the total fits int32 by the caller's headroom check).
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const std::int8_t* x, std::size_t n,
                        std::int32_t* acc, arch::avx2) noexcept {
    std::size_t r = 0;
    const std::size_t n16 = n & ~std::size_t{15};
    for (; r < rows; r += 4) {
        const std::size_t nr = (rows - r < 4) ? rows - r : 4;
        __m256i s[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
        for (std::size_t j = 0; j < n16; j += 16) {
            const __m256i xv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + j)));
            for (std::size_t q = 0; q < nr; ++q) {
                const __m256i wv =
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + (r + q) * stride + j)));
                s[q] = _mm256_add_epi32(s[q], _mm256_madd_epi16(xv, wv));
            }
        }
        for (std::size_t q = 0; q < nr; ++q) {
            std::int32_t t = rp_hsum256(s[q]);
            const std::int8_t* wr = w + (r + q) * stride;
            for (std::size_t j = n16; j < n; ++j)
                t += static_cast<std::int32_t>(wr[j]) * static_cast<std::int32_t>(x[j]);
            acc[r + q] += t;
        }
    }
}

/// int8 rows x int16 vector -> exact int64: vpmaddwd lanes hold at most 2 * 2^22 = 2^23, so int32 lanes are summed
/// over blocks of 128 steps (2048 channels, < 2^30 per lane) and then added into int64.
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const std::int16_t* x,
                        std::size_t n, std::int64_t* acc, arch::avx2) noexcept {
    const std::size_t n16 = n & ~std::size_t{15};
    constexpr std::size_t block = 2048;
    for (std::size_t r = 0; r < rows; r += 4) {
        const std::size_t nr = (rows - r < 4) ? rows - r : 4;
        std::int64_t t[4] = {0, 0, 0, 0};
        for (std::size_t j0 = 0; j0 < n16; j0 += block) {
            const std::size_t j1 = (n16 - j0 < block) ? n16 : j0 + block;
            __m256i s[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                            _mm256_setzero_si256()};
            for (std::size_t j = j0; j < j1; j += 16) {
                const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + j));
                for (std::size_t q = 0; q < nr; ++q) {
                    const __m256i wv = _mm256_cvtepi8_epi16(
                        _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + (r + q) * stride + j)));
                    s[q] = _mm256_add_epi32(s[q], _mm256_madd_epi16(xv, wv));
                }
            }
            for (std::size_t q = 0; q < nr; ++q) t[q] += rp_hsum256(s[q]);
        }
        for (std::size_t q = 0; q < nr; ++q) {
            const std::int8_t* wr = w + (r + q) * stride;
            for (std::size_t j = n16; j < n; ++j)
                t[q] += static_cast<std::int32_t>(wr[j]) * static_cast<std::int32_t>(x[j]);
            acc[r + q] += t[q];
        }
    }
}

/// float rows x float vector (FMA), 4 rows at a time.
inline void rp_dot_rows(const float* w, std::size_t stride, std::size_t rows, const float* x, std::size_t n, float* acc,
                        arch::avx2) noexcept {
    const std::size_t n8 = n & ~std::size_t{7};
    for (std::size_t r = 0; r < rows; r += 4) {
        const std::size_t nr = (rows - r < 4) ? rows - r : 4;
        __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (std::size_t j = 0; j < n8; j += 8) {
            const __m256 xv = _mm256_loadu_ps(x + j);
            for (std::size_t q = 0; q < nr; ++q)
                s[q] = _mm256_fmadd_ps(_mm256_loadu_ps(w + (r + q) * stride + j), xv, s[q]);
        }
        for (std::size_t q = 0; q < nr; ++q) {
            __m128 h = _mm_add_ps(_mm256_castps256_ps128(s[q]), _mm256_extractf128_ps(s[q], 1));
            h = _mm_add_ps(h, _mm_movehl_ps(h, h));
            h = _mm_add_ss(h, _mm_movehdup_ps(h));
            float t = _mm_cvtss_f32(h);
            for (std::size_t j = n8; j < n; ++j) t += w[(r + q) * stride + j] * x[j];
            acc[r + q] += t;
        }
    }
}

/// int8 entries x float vector: entries widened to float (exact), then as above.
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const float* x, std::size_t n,
                        float* acc, arch::avx2) noexcept {
    const std::size_t n8 = n & ~std::size_t{7};
    for (std::size_t r = 0; r < rows; r += 4) {
        const std::size_t nr = (rows - r < 4) ? rows - r : 4;
        __m256 s[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (std::size_t j = 0; j < n8; j += 8) {
            const __m256 xv = _mm256_loadu_ps(x + j);
            for (std::size_t q = 0; q < nr; ++q) {
                const __m128i w8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + (r + q) * stride + j));
                s[q] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(w8)), xv, s[q]);
            }
        }
        for (std::size_t q = 0; q < nr; ++q) {
            __m128 h = _mm_add_ps(_mm256_castps256_ps128(s[q]), _mm256_extractf128_ps(s[q], 1));
            h = _mm_add_ps(h, _mm_movehl_ps(h, h));
            h = _mm_add_ss(h, _mm_movehdup_ps(h));
            float t = _mm_cvtss_f32(h);
            for (std::size_t j = n8; j < n; ++j) t += static_cast<float>(w[(r + q) * stride + j]) * x[j];
            acc[r + q] += t;
        }
    }
}

#endif // EDGEKERN_HAS_AVX2

#if defined(EDGEKERN_HAS_AVX512)

inline __m512i rp_hash32_avx512(__m512i x) noexcept {
    x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
    x = _mm512_mullo_epi32(x, _mm512_set1_epi32(0x7FEB352D));
    x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 15));
    x = _mm512_mullo_epi32(x, _mm512_set1_epi32(static_cast<int>(0x846CA68Bu)));
    x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
    return x;
}

/// 16 columns per vector; vpmovdb narrows int32 -> int8 directly (values fit, no saturation).
inline void rp_generate_row(rp_kind kind, std::uint32_t seed, std::uint32_t threshold, std::uint32_t row,
                            std::uint32_t col0, std::size_t n, std::int8_t* out, arch::avx512) noexcept {
    const std::uint32_t key = counter_rng_row_key(seed, row);
    const __m512i vkey = _mm512_set1_epi32(static_cast<int>(key));
    const __m512i step = _mm512_set1_epi32(static_cast<int>(counter_rng_column_step * 16u));
    __m512i cs =
        _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(col0)),
                                            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
                           _mm512_set1_epi32(static_cast<int>(counter_rng_column_step)));
    const __m512i mask6 = _mm512_set1_epi32(0x3F3F3F3F);
    const __m512i pmmm = _mm512_set1_epi32(static_cast<int>(0xFFFF0101u));
    const __m512i ones16 = _mm512_set1_epi16(1);
    const __m512i vthr = _mm512_set1_epi32(static_cast<int>(threshold));
    std::size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        const __m512i h = rp_hash32_avx512(_mm512_xor_si512(vkey, cs));
        cs = _mm512_add_epi32(cs, step);
        __m512i e;
        if (kind == rp_kind::gaussian) {
            e = _mm512_madd_epi16(_mm512_maddubs_epi16(_mm512_and_si512(h, mask6), pmmm), ones16);
        } else {
            const __mmask16 nz = _mm512_cmplt_epu32_mask(_mm512_srli_epi32(h, 8), vthr);
            const __m512i sign = _mm512_and_si512(h, _mm512_set1_epi32(1));
            e = _mm512_maskz_sub_epi32(nz, _mm512_set1_epi32(1), _mm512_add_epi32(sign, sign));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j), _mm512_cvtepi32_epi8(e));
    }
    for (; j < n; ++j)
        out[j] = rp_entry_from_bits(kind, counter_rng_bits_keyed(key, col0 + static_cast<std::uint32_t>(j)), threshold);
}

#endif // EDGEKERN_HAS_AVX512

#if defined(EDGEKERN_HAS_AVX512VNNI)

/// VNNI tile kernel: vpdpbusd multiplies u8 x s8, so the input is flipped to u8 (x ^ 0x80 = x + 128) once per
/// vector and the 128 sum_j w[r][j] correction is computed once per tile. One instruction per 64 MACs; partial
/// sums wrap modulo 2^32 (vpdpbusd does not saturate), and the final value is exact because the true sum fits int32.
template <class Acc, class Sink, class Arch>
void rp_apply_tile(const std::int8_t* w, std::size_t r0, std::size_t rows, std::size_t n_vectors, const std::int8_t* x,
                   std::size_t d, Sink& sink, Arch, arch::avx512vnni) noexcept {
    std::uint32_t corr[16];
    const __m512i ones = _mm512_set1_epi8(1);
    const std::size_t full = d / 64;
    const __mmask64 tail_mask = (d % 64) ? (~__mmask64{0} >> (64 - d % 64)) : 0;
    for (std::size_t r = 0; r < rows; ++r) {
        __m512i s = _mm512_setzero_si512();
        const std::int8_t* wr = w + r * d;
        for (std::size_t b = 0; b < full; ++b) s = _mm512_dpbusd_epi32(s, ones, _mm512_loadu_si512(wr + 64 * b));
        if (tail_mask) s = _mm512_dpbusd_epi32(s, ones, _mm512_maskz_loadu_epi8(tail_mask, wr + 64 * full));
        corr[r] = static_cast<std::uint32_t>(_mm512_reduce_add_epi32(s)) * 128u;
    }
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    std::int32_t acc_local[16];
    for (std::size_t v = 0; v < n_vectors; ++v) {
        const std::int8_t* xv = x + v * d;
        std::int32_t* acc = acc_local;
        if constexpr (rp_has_direct<Sink>::value) acc = sink.direct(v, r0);
        std::size_t r = 0;
        for (; r + 4 <= rows; r += 4) {
            __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
            const std::int8_t* wr = w + r * d;
            for (std::size_t b = 0; b < full; ++b) {
                const __m512i xu = _mm512_xor_si512(_mm512_loadu_si512(xv + 64 * b), flip);
                s0 = _mm512_dpbusd_epi32(s0, xu, _mm512_loadu_si512(wr + 64 * b));
                s1 = _mm512_dpbusd_epi32(s1, xu, _mm512_loadu_si512(wr + d + 64 * b));
                s2 = _mm512_dpbusd_epi32(s2, xu, _mm512_loadu_si512(wr + 2 * d + 64 * b));
                s3 = _mm512_dpbusd_epi32(s3, xu, _mm512_loadu_si512(wr + 3 * d + 64 * b));
            }
            if (tail_mask) {
                // masked-off input bytes become 0 ^ 0x80 = 128 but meet masked-off (zero) weights
                const __m512i xu = _mm512_xor_si512(_mm512_maskz_loadu_epi8(tail_mask, xv + 64 * full), flip);
                s0 = _mm512_dpbusd_epi32(s0, xu, _mm512_maskz_loadu_epi8(tail_mask, wr + 64 * full));
                s1 = _mm512_dpbusd_epi32(s1, xu, _mm512_maskz_loadu_epi8(tail_mask, wr + d + 64 * full));
                s2 = _mm512_dpbusd_epi32(s2, xu, _mm512_maskz_loadu_epi8(tail_mask, wr + 2 * d + 64 * full));
                s3 = _mm512_dpbusd_epi32(s3, xu, _mm512_maskz_loadu_epi8(tail_mask, wr + 3 * d + 64 * full));
            }
            // reduce four vectors at once: pairwise adds of 128-bit quarters then a 4x4 transpose-add
            const __m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(s0, s1), _mm512_unpackhi_epi32(s0, s1));
            const __m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(s2, s3), _mm512_unpackhi_epi32(s2, s3));
            const __m512i s0123 = _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23), _mm512_unpackhi_epi64(s01, s23));
            // s0123 lanes (per 128-bit quarter): (row0, row1, row2, row3); add the four quarters
            const __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(s0123), _mm512_extracti64x4_epi64(s0123, 1));
            const __m128i q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
            alignas(16) std::uint32_t t[4];
            _mm_store_si128(reinterpret_cast<__m128i*>(t), q);
            for (std::size_t i = 0; i < 4; ++i) acc[r + i] = static_cast<std::int32_t>(t[i] - corr[r + i]);
        }
        for (; r < rows; ++r) {
            __m512i s = _mm512_setzero_si512();
            const std::int8_t* wr = w + r * d;
            for (std::size_t b = 0; b < full; ++b)
                s = _mm512_dpbusd_epi32(s, _mm512_xor_si512(_mm512_loadu_si512(xv + 64 * b), flip),
                                        _mm512_loadu_si512(wr + 64 * b));
            if (tail_mask)
                s = _mm512_dpbusd_epi32(s, _mm512_xor_si512(_mm512_maskz_loadu_epi8(tail_mask, xv + 64 * full), flip),
                                        _mm512_maskz_loadu_epi8(tail_mask, wr + 64 * full));
            acc[r] = static_cast<std::int32_t>(static_cast<std::uint32_t>(_mm512_reduce_add_epi32(s)) - corr[r]);
        }
        if constexpr (!rp_has_direct<Sink>::value) sink(v, r0, rows, acc);
    }
}

#endif // EDGEKERN_HAS_AVX512VNNI

} // namespace detail
EDGEKERN_NAMESPACE_END

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
