// SPDX-License-Identifier: Apache-2.0
// edgekern/simd/x86.hpp: x86 overloads of the primitive ops (SSE2, SSE4.1, AVX2, AVX-512BW, AVX-512 VNNI).
//
// Each overload is bit-identical to its scalar definition in simd/scalar.hpp, including the modulo-2^32 wrap of
// int32 results beyond the headroom bounds (vector integer adds wrap, so lane-wise partial sums reduced with
// wrapping adds equal the scalar sum modulo 2^32). Tails shorter than a vector go to the scalar overload
// (SSE/AVX2) or use masked loads and stores (AVX-512, which never touch memory outside [0, n)).
#pragma once

#include "edgekern/simd/scalar.hpp"

#if defined(EDGEKERN_HAS_SSE2)
#include <immintrin.h>

EDGEKERN_NAMESPACE_BEGIN
namespace simd {
namespace detail {

EDGEKERN_FORCE_INLINE std::uint32_t hsum_u32(__m128i v) noexcept {
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4E));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xB1));
    return static_cast<std::uint32_t>(_mm_cvtsi128_si32(v));
}
EDGEKERN_FORCE_INLINE std::int64_t hsum_s64(__m128i v) noexcept {
    alignas(16) std::int64_t lanes[2];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), v);
    return lanes[0] + lanes[1];
}
/// Sign-extends the 8 low int8 of v to int16 (SSE2 has no pmovsxbw).
EDGEKERN_FORCE_INLINE __m128i widen_lo_s8_s16(__m128i v) noexcept {
    return _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
}
EDGEKERN_FORCE_INLINE __m128i widen_hi_s8_s16(__m128i v) noexcept {
    return _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8);
}
/// Adds the 4 int32 lanes of v, sign-extended, to the 2 int64 lanes of acc (pairs of lanes).
EDGEKERN_FORCE_INLINE __m128i add_widen_s32_s64(__m128i acc, __m128i v) noexcept {
    const __m128i sign = _mm_srai_epi32(v, 31);
    acc = _mm_add_epi64(acc, _mm_unpacklo_epi32(v, sign));
    return _mm_add_epi64(acc, _mm_unpackhi_epi32(v, sign));
}
EDGEKERN_FORCE_INLINE __m128i loadu128(const void* p) noexcept {
    return _mm_loadu_si128(static_cast<const __m128i*>(p));
}
EDGEKERN_FORCE_INLINE __m128i loadl64(const void* p) noexcept {
    return _mm_loadl_epi64(static_cast<const __m128i*>(p));
}

// vpmaddwd of two int16 vectors gives pair sums p0 + p1 in [-2^31 + 2^16, 2^31]; only +2^31 (both pairs
// (-32768)^2) wraps, to INT32_MIN, a value that is otherwise impossible. Subtracting 1 first maps every pair sum
// s to s - 1 in int32 without wrap (s - 1 >= -2^31 + 2^16 - 1, and 2^31 - 1 for the wrapped case), so
// sign-extending (w - 1) and adding back 1 per lane at the end recovers the exact sum in int64.

} // namespace detail

// ---- SSE2 ---------------------------------------------------------------------------------------------------------

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::sse2) noexcept {
    __m128i acc = _mm_setzero_si128();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i va = detail::loadu128(a + i), vb = detail::loadu128(b + i);
        acc = _mm_add_epi32(acc, _mm_madd_epi16(detail::widen_lo_s8_s16(va), detail::widen_lo_s8_s16(vb)));
        acc = _mm_add_epi32(acc, _mm_madd_epi16(detail::widen_hi_s8_s16(va), detail::widen_hi_s8_s16(vb)));
    }
    const std::uint32_t tail = detail::as_u32(dot_s8(a + i, b + i, n - i, arch::scalar{}));
    return detail::wrap_s32(detail::hsum_u32(acc) + tail);
}

inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n, arch::sse2) noexcept {
    const __m128i one = _mm_set1_epi32(1);
    __m128i acc = _mm_setzero_si128();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i w = _mm_madd_epi16(detail::loadu128(a + i), detail::loadu128(b + i));
        acc = detail::add_widen_s32_s64(acc, _mm_sub_epi32(w, one));
    }
    // i / 2 pair sums were each taken minus 1.
    return detail::hsum_s64(acc) + static_cast<std::int64_t>(i / 2) + dot_s16_s64(a + i, b + i, n - i, arch::scalar{});
}

namespace detail {
// Pair sums of int16 x int8 products are at most 2^23 in magnitude: an int32 lane holds 255 of them exactly,
// so the int64 variants flush their int32 lanes to int64 every s16_s8_block iterations.
constexpr std::size_t s16_s8_block = 128;
} // namespace detail

inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::sse2) noexcept {
    __m128i acc64 = _mm_setzero_si128();
    std::size_t i = 0;
    while (i + 8 <= n) {
        __m128i acc32 = _mm_setzero_si128();
        for (std::size_t k = 0; k < detail::s16_s8_block && i + 8 <= n; ++k, i += 8) {
            const __m128i vb = detail::widen_lo_s8_s16(detail::loadl64(b + i));
            acc32 = _mm_add_epi32(acc32, _mm_madd_epi16(detail::loadu128(a + i), vb));
        }
        acc64 = detail::add_widen_s32_s64(acc64, acc32);
    }
    return detail::hsum_s64(acc64) + dot_s16_s8(a + i, b + i, n - i, arch::scalar{});
}

inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::sse2) noexcept {
    __m128i acc = _mm_setzero_si128();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i vb = detail::widen_lo_s8_s16(detail::loadl64(b + i));
        acc = _mm_add_epi32(acc, _mm_madd_epi16(detail::loadu128(a + i), vb));
    }
    const std::uint32_t tail = detail::as_u32(dot_s16_s8_s32(a + i, b + i, n - i, arch::scalar{}));
    return detail::wrap_s32(detail::hsum_u32(acc) + tail);
}

inline void mac_s8(std::int32_t* acc, const std::int8_t* a, std::int8_t b, std::size_t n, arch::sse2) noexcept {
    const __m128i vb = _mm_set1_epi16(std::int16_t{b});
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        // |a * b| <= 2^14 fits int16 exactly; then sign-extend the products to int32.
        const __m128i p = _mm_mullo_epi16(detail::widen_lo_s8_s16(detail::loadl64(a + i)), vb);
        const __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(p, p), 16);
        const __m128i hi = _mm_srai_epi32(_mm_unpackhi_epi16(p, p), 16);
        __m128i* dst = reinterpret_cast<__m128i*>(acc + i);
        _mm_storeu_si128(dst, _mm_add_epi32(_mm_loadu_si128(dst), lo));
        _mm_storeu_si128(dst + 1, _mm_add_epi32(_mm_loadu_si128(dst + 1), hi));
    }
    mac_s8(acc + i, a + i, b, n - i, arch::scalar{});
}

inline void saturate_narrow(const std::int32_t* in, std::int8_t* out, std::size_t n, arch::sse2) noexcept {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        // Saturating to int16 first and then to int8 equals saturating to int8 directly.
        const __m128i w0 = _mm_packs_epi32(detail::loadu128(in + i), detail::loadu128(in + i + 4));
        const __m128i w1 = _mm_packs_epi32(detail::loadu128(in + i + 8), detail::loadu128(in + i + 12));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi16(w0, w1));
    }
    saturate_narrow(in + i, out + i, n - i, arch::scalar{});
}

inline void saturate_narrow(const std::int32_t* in, std::int16_t* out, std::size_t n, arch::sse2) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm_packs_epi32(detail::loadu128(in + i), detail::loadu128(in + i + 4)));
    saturate_narrow(in + i, out + i, n - i, arch::scalar{});
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_SSE2

// ---- AVX2
// -------------------------------------------------------------------------------------------------------------
#if defined(EDGEKERN_HAS_AVX2)
EDGEKERN_NAMESPACE_BEGIN
namespace simd {
namespace detail {

EDGEKERN_FORCE_INLINE std::uint32_t hsum_u32(__m256i v) noexcept {
    return hsum_u32(_mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}
EDGEKERN_FORCE_INLINE std::int64_t hsum_s64(__m256i v) noexcept {
    return hsum_s64(_mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}
EDGEKERN_FORCE_INLINE __m256i add_widen_s32_s64(__m256i acc, __m256i v) noexcept {
    acc = _mm256_add_epi64(acc, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)));
    return _mm256_add_epi64(acc, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1)));
}
EDGEKERN_FORCE_INLINE __m256i loadu256(const void* p) noexcept {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

} // namespace detail

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::avx2) noexcept {
    // No exact s8 x s8 -> s32 dot in AVX2 (vpmaddubsw saturates): widen to int16, then vpmaddwd.
    __m256i acc = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i a0 = _mm256_cvtepi8_epi16(detail::loadu128(a + i));
        const __m256i b0 = _mm256_cvtepi8_epi16(detail::loadu128(b + i));
        const __m256i a1 = _mm256_cvtepi8_epi16(detail::loadu128(a + i + 16));
        const __m256i b1 = _mm256_cvtepi8_epi16(detail::loadu128(b + i + 16));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a0, b0));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(a1, b1));
    }
    const std::uint32_t tail = detail::as_u32(dot_s8(a + i, b + i, n - i, arch::sse2{}));
    return detail::wrap_s32(detail::hsum_u32(acc) + tail);
}

inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n, arch::avx2) noexcept {
    const __m256i one = _mm256_set1_epi32(1);
    __m256i acc = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i w = _mm256_madd_epi16(detail::loadu256(a + i), detail::loadu256(b + i));
        acc = detail::add_widen_s32_s64(acc, _mm256_sub_epi32(w, one)); // see the note on pair sums above
    }
    return detail::hsum_s64(acc) + static_cast<std::int64_t>(i / 2) + dot_s16_s64(a + i, b + i, n - i, arch::sse2{});
}

inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::avx2) noexcept {
    __m256i acc64 = _mm256_setzero_si256();
    std::size_t i = 0;
    while (i + 16 <= n) {
        __m256i acc32 = _mm256_setzero_si256();
        for (std::size_t k = 0; k < detail::s16_s8_block && i + 16 <= n; ++k, i += 16) {
            const __m256i vb = _mm256_cvtepi8_epi16(detail::loadu128(b + i));
            acc32 = _mm256_add_epi32(acc32, _mm256_madd_epi16(detail::loadu256(a + i), vb));
        }
        acc64 = detail::add_widen_s32_s64(acc64, acc32);
    }
    return detail::hsum_s64(acc64) + dot_s16_s8(a + i, b + i, n - i, arch::sse2{});
}

inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::avx2) noexcept {
    __m256i acc = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i vb = _mm256_cvtepi8_epi16(detail::loadu128(b + i));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(detail::loadu256(a + i), vb));
    }
    const std::uint32_t tail = detail::as_u32(dot_s16_s8_s32(a + i, b + i, n - i, arch::sse2{}));
    return detail::wrap_s32(detail::hsum_u32(acc) + tail);
}

inline void mac_s8(std::int32_t* acc, const std::int8_t* a, std::int8_t b, std::size_t n, arch::avx2) noexcept {
    const __m256i vb = _mm256_set1_epi16(std::int16_t{b});
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i p = _mm256_mullo_epi16(_mm256_cvtepi8_epi16(detail::loadu128(a + i)), vb); // exact in int16
        __m256i* dst = reinterpret_cast<__m256i*>(acc + i);
        _mm256_storeu_si256(
            dst, _mm256_add_epi32(_mm256_loadu_si256(dst), _mm256_cvtepi16_epi32(_mm256_castsi256_si128(p))));
        _mm256_storeu_si256(dst + 1, _mm256_add_epi32(_mm256_loadu_si256(dst + 1),
                                                      _mm256_cvtepi16_epi32(_mm256_extracti128_si256(p, 1))));
    }
    mac_s8(acc + i, a + i, b, n - i, arch::sse2{});
}

inline void saturate_narrow(const std::int32_t* in, std::int8_t* out, std::size_t n, arch::avx2) noexcept {
    // vpackssdw / vpacksswb work within 128-bit lanes; the dword permutation restores element order.
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i w0 = _mm256_packs_epi32(detail::loadu256(in + i), detail::loadu256(in + i + 8));
        const __m256i w1 = _mm256_packs_epi32(detail::loadu256(in + i + 16), detail::loadu256(in + i + 24));
        const __m256i v = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(w0, w1), order);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), v);
    }
    saturate_narrow(in + i, out + i, n - i, arch::sse2{});
}

inline void saturate_narrow(const std::int32_t* in, std::int16_t* out, std::size_t n, arch::avx2) noexcept {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i w = _mm256_packs_epi32(detail::loadu256(in + i), detail::loadu256(in + i + 8));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permute4x64_epi64(w, 0xD8));
    }
    saturate_narrow(in + i, out + i, n - i, arch::sse2{});
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_AVX2

// ---- AVX-512 (F + BW + VL + DQ)
// ---------------------------------------------------------------------------------------
#if defined(EDGEKERN_HAS_AVX512)
EDGEKERN_NAMESPACE_BEGIN
namespace simd {
namespace detail {

// GCC 12 reports -Wmaybe-uninitialized inside several AVX-512 intrinsics that start from _mm*_undefined_*()
// (castsi512_si256, extracti64x4, cvtepi16_epi32, cvtepi32_epi64). These helpers express the same instructions
// without that pattern: vector-extension shuffles for the halves, the zero-masking forms for the widenings.
EDGEKERN_FORCE_INLINE __m256i lo256(__m512i v) noexcept {
    const __v8di x = reinterpret_cast<__v8di>(v);
    return reinterpret_cast<__m256i>(__builtin_shufflevector(x, x, 0, 1, 2, 3));
}
EDGEKERN_FORCE_INLINE __m256i hi256(__m512i v) noexcept {
    const __v8di x = reinterpret_cast<__v8di>(v);
    return reinterpret_cast<__m256i>(__builtin_shufflevector(x, x, 4, 5, 6, 7));
}
EDGEKERN_FORCE_INLINE __m512i widen_s16_s32(__m256i v) noexcept {
    return _mm512_maskz_cvtepi16_epi32(0xFFFF, v);
}
EDGEKERN_FORCE_INLINE __m512i widen_s32_s64(__m256i v) noexcept {
    return _mm512_maskz_cvtepi32_epi64(0xFF, v);
}

/// Mask of the low `count` lanes (count <= 64).
EDGEKERN_FORCE_INLINE __mmask64 low_mask64(std::size_t count) noexcept {
    return count >= 64 ? ~__mmask64{0} : static_cast<__mmask64>((std::uint64_t{1} << count) - 1u);
}
EDGEKERN_FORCE_INLINE std::uint32_t hsum_u32(__m512i v) noexcept {
    return hsum_u32(_mm256_add_epi32(lo256(v), hi256(v)));
}
EDGEKERN_FORCE_INLINE std::int64_t hsum_s64(__m512i v) noexcept {
    return hsum_s64(_mm256_add_epi64(lo256(v), hi256(v)));
}
EDGEKERN_FORCE_INLINE __m512i add_widen_s32_s64(__m512i acc, __m512i v) noexcept {
    acc = _mm512_add_epi64(acc, widen_s32_s64(lo256(v)));
    return _mm512_add_epi64(acc, widen_s32_s64(hi256(v)));
}

} // namespace detail

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::avx512) noexcept {
    __m512i acc = _mm512_setzero_si512();
    for (std::size_t i = 0; i < n; i += 32) {
        // Masked loads zero the lanes past n, which add 0 * 0.
        const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i < 32 ? n - i : 32));
        const __m512i va = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, a + i));
        const __m512i vb = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, b + i));
        acc = _mm512_add_epi32(acc, _mm512_madd_epi16(va, vb));
    }
    return detail::wrap_s32(detail::hsum_u32(acc));
}

inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n, arch::avx512) noexcept {
    const __m512i one = _mm512_set1_epi32(1);
    __m512i acc = _mm512_setzero_si512();
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < n; i += 32, pairs += 16) {
        const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i < 32 ? n - i : 32));
        const __m512i w = _mm512_madd_epi16(_mm512_maskz_loadu_epi16(m, a + i), _mm512_maskz_loadu_epi16(m, b + i));
        acc = detail::add_widen_s32_s64(acc, _mm512_sub_epi32(w, one)); // see the note on pair sums above
    }
    return detail::hsum_s64(acc) + static_cast<std::int64_t>(pairs);
}

inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::avx512) noexcept {
    __m512i acc64 = _mm512_setzero_si512();
    std::size_t i = 0;
    while (i < n) {
        __m512i acc32 = _mm512_setzero_si512();
        for (std::size_t k = 0; k < detail::s16_s8_block && i < n; ++k, i += 32) {
            const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i < 32 ? n - i : 32));
            const __m512i vb = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, b + i));
            acc32 = _mm512_add_epi32(acc32, _mm512_madd_epi16(_mm512_maskz_loadu_epi16(m, a + i), vb));
        }
        acc64 = detail::add_widen_s32_s64(acc64, acc32);
    }
    return detail::hsum_s64(acc64);
}

inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n, arch::avx512) noexcept {
    __m512i acc = _mm512_setzero_si512();
    for (std::size_t i = 0; i < n; i += 32) {
        const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i < 32 ? n - i : 32));
        const __m512i vb = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, b + i));
        acc = _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maskz_loadu_epi16(m, a + i), vb));
    }
    return detail::wrap_s32(detail::hsum_u32(acc));
}

inline void mac_s8(std::int32_t* acc, const std::int8_t* a, std::int8_t b, std::size_t n, arch::avx512) noexcept {
    const __m512i vb = _mm512_set1_epi16(std::int16_t{b});
    for (std::size_t i = 0; i < n; i += 32) {
        const std::size_t rem = n - i < 32 ? n - i : 32;
        const __mmask32 m8 = static_cast<__mmask32>(detail::low_mask64(rem));
        const __mmask16 m_lo = static_cast<__mmask16>(detail::low_mask64(rem < 16 ? rem : 16));
        const __mmask16 m_hi = static_cast<__mmask16>(detail::low_mask64(rem > 16 ? rem - 16 : 0));
        const __m512i p = _mm512_mullo_epi16(_mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m8, a + i)), vb);
        const __m512i lo = detail::widen_s16_s32(detail::lo256(p));
        const __m512i hi = detail::widen_s16_s32(detail::hi256(p));
        _mm512_mask_storeu_epi32(acc + i, m_lo, _mm512_add_epi32(_mm512_maskz_loadu_epi32(m_lo, acc + i), lo));
        _mm512_mask_storeu_epi32(acc + i + 16, m_hi,
                                 _mm512_add_epi32(_mm512_maskz_loadu_epi32(m_hi, acc + i + 16), hi));
    }
}

inline void saturate_narrow(const std::int32_t* in, std::int8_t* out, std::size_t n, arch::avx512) noexcept {
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 m = static_cast<__mmask16>(detail::low_mask64(n - i < 16 ? n - i : 16));
        _mm512_mask_cvtsepi32_storeu_epi8(out + i, m, _mm512_maskz_loadu_epi32(m, in + i)); // vpmovsdb
    }
}

inline void saturate_narrow(const std::int32_t* in, std::int16_t* out, std::size_t n, arch::avx512) noexcept {
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 m = static_cast<__mmask16>(detail::low_mask64(n - i < 16 ? n - i : 16));
        _mm512_mask_cvtsepi32_storeu_epi16(out + i, m, _mm512_maskz_loadu_epi32(m, in + i)); // vpmovsdw
    }
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_AVX512

// ---- AVX-512 VNNI
// -------------------------------------------------------------------------------------------------------
#if defined(EDGEKERN_HAS_AVX512VNNI)
EDGEKERN_NAMESPACE_BEGIN
namespace simd {

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::avx512vnni) noexcept {
    // vpdpbusd multiplies u8 x s8. With a' = a ^ 0x80 = a + 128 (as u8): sum a'b = sum ab + 128 sum b, so
    // sum ab = sum a'b - sum 128 b, the second term being one more vpdpbusd against a vector of 0x80 bytes.
    // Both accumulators wrap modulo 2^32 (vpdpbusd, not the saturating vpdpbusds), and so does the difference:
    // the result is the exact sum modulo 2^32, i.e. exact whenever it fits int32, as the scalar definition.
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    __m512i acc = _mm512_setzero_si512();
    __m512i corr = _mm512_setzero_si512();
    for (std::size_t i = 0; i < n; i += 64) {
        const __mmask64 m = detail::low_mask64(n - i);
        const __m512i va = _mm512_maskz_loadu_epi8(m, a + i);
        const __m512i vb = _mm512_maskz_loadu_epi8(m, b + i); // zero lanes: (0 ^ 0x80) * 0 and 128 * 0
        acc = _mm512_dpbusd_epi32(acc, _mm512_xor_si512(va, flip), vb);
        corr = _mm512_dpbusd_epi32(corr, flip, vb);
    }
    return detail::wrap_s32(detail::hsum_u32(_mm512_sub_epi32(acc, corr)));
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_AVX512VNNI
