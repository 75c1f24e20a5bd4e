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

// ---- SSE2 -------------------------------------------------------------------------------------------------------

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

// ---- SSE4.1 (SSSE3 pmulhrsw) --------------------------------------------------------------------------------
#if defined(EDGEKERN_HAS_SSE41)
EDGEKERN_NAMESPACE_BEGIN
namespace simd {

inline void sat_rounding_doubling_high_mul(const std::int16_t* a, std::int16_t b, std::int16_t* out, std::size_t n,
                                           arch::sse41) noexcept {
    // pmulhrsw = floor((floor(ab / 2^14) + 1) / 2) = floor((ab + 2^14) / 2^15): the SRDHM, except that
    // (-32768)^2 gives +32768, which wraps to -32768 (no other pair yields -32768: the smallest true result is
    // -32767). Adding the compare mask (-1) there turns it into 32767, the saturated value.
    const __m128i vb = _mm_set1_epi16(b), min16 = _mm_set1_epi16(INT16_MIN);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i r = _mm_mulhrs_epi16(detail::loadu128(a + i), vb);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_add_epi16(r, _mm_cmpeq_epi16(r, min16)));
    }
    sat_rounding_doubling_high_mul(a + i, b, out + i, n - i, arch::scalar{});
}

inline void sat_rounding_doubling_high_mul(const std::int32_t* a, std::int32_t b, std::int32_t* out, std::size_t n,
                                           arch::sse41) noexcept {
    // pmuldq (SSE4.1) gives exact 64-bit products of the even lanes; the derivation is at the AVX2 srdhm_epi32.
    const __m128i vb = _mm_set1_epi32(b), nudge = _mm_set1_epi64x(std::int64_t{1} << 30);
    const __m128i vb_odd = _mm_srli_epi64(vb, 32), min32 = _mm_set1_epi32(INT32_MIN);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m128i va = detail::loadu128(a + i);
        const __m128i even = _mm_srli_epi64(_mm_add_epi64(_mm_mul_epi32(va, vb), nudge), 31);
        const __m128i odd = _mm_slli_epi64(_mm_add_epi64(_mm_mul_epi32(_mm_srli_epi64(va, 32), vb_odd), nudge), 1);
        const __m128i r = _mm_blend_epi16(even, odd, 0xCC);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_add_epi32(r, _mm_cmpeq_epi32(r, min32)));
    }
    sat_rounding_doubling_high_mul(a + i, b, out + i, n - i, arch::scalar{});
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_SSE41

// ---- AVX2 -------------------------------------------------------------------------------------------------------
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

// ---- AVX2: rounding high multiply and requantization (AVX-512 tags inherit these) ------------------------------

namespace detail {

/// Lane-wise SRDHM of 8 int32 pairs, equal to the scalar sat_rounding_doubling_high_mul for every input.
/// Derivation: gemmlowp's nudge + truncating division equals floor((a * b + 2^30) / 2^31) for both signs of
/// a * b, i.e. bits 31..62 of the 64-bit sum. vpmuldq forms exact 64-bit products of the even lanes (odd lanes
/// are shifted down first); a logical >> 31 (even) or << 1 (odd) moves bits 31..62 into the lane's dword. The
/// only result that does not fit, a == b == INT32_MIN, yields 0x80000000 (otherwise impossible: the smallest true
/// result is -2^31 + 1) and is turned into INT32_MAX by adding the compare mask (-1).
EDGEKERN_FORCE_INLINE __m256i srdhm_epi32(__m256i a, __m256i b) noexcept {
    const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
    const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(a, b), nudge), 31);
    const __m256i odd_prod = _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
    const __m256i odd = _mm256_slli_epi64(_mm256_add_epi64(odd_prod, nudge), 1);
    const __m256i r = _mm256_blend_epi32(even, odd, 0xAA);
    return _mm256_add_epi32(r, _mm256_cmpeq_epi32(r, _mm256_set1_epi32(INT32_MIN)));
}

/// Lane-wise rounding_divide_by_pot(t, right), right in [0, 31]: mask/threshold form (ties away from zero).
EDGEKERN_FORCE_INLINE __m256i rounding_shift_right_epi32(__m256i t, __m256i right) noexcept {
    const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(_mm256_set1_epi32(1), right), _mm256_set1_epi32(1));
    const __m256i rem = _mm256_and_si256(t, mask);
    const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), _mm256_srai_epi32(t, 31)); // + (t < 0)
    return _mm256_sub_epi32(_mm256_srav_epi32(t, right), _mm256_cmpgt_epi32(rem, threshold));
}

/// Lane-wise requantize_double_rounding with per-lane multiplier and shift (shift clamped to [-31, 30] as in
/// the scalar definition).
EDGEKERN_FORCE_INLINE __m256i requantize_double_epi32(__m256i acc, __m256i mult, __m256i shift) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i left = _mm256_max_epi32(shift, zero);
    const __m256i right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
    // sat32(acc * 2^left): shift, shift back, and where the round trip differs the product overflowed.
    const __m256i x = _mm256_sllv_epi32(acc, left);
    const __m256i fits = _mm256_cmpeq_epi32(_mm256_srav_epi32(x, left), acc); // all-ones where no overflow
    const __m256i sat = _mm256_xor_si256(_mm256_set1_epi32(INT32_MAX), _mm256_srai_epi32(acc, 31));
    const __m256i scaled = _mm256_blendv_epi8(sat, x, fits);
    return rounding_shift_right_epi32(srdhm_epi32(scaled, mult), right);
}

/// Arithmetic right shift of 64-bit lanes by per-lane counts (AVX2 has only the logical vpsrlvq).
EDGEKERN_FORCE_INLINE __m256i srav_epi64(__m256i x, __m256i count) noexcept {
    const __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), x);
    return _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(x, sign), count), sign);
}

/// (prod + 2^(total-1)) >> total saturated to int32, for 4 int64 lanes; the result sits in each lane's low dword.
EDGEKERN_FORCE_INLINE __m256i round_shift_sat_epi64(__m256i prod, __m256i total) noexcept {
    const __m256i one = _mm256_set1_epi64x(1);
    const __m256i x = _mm256_add_epi64(prod, _mm256_sllv_epi64(one, _mm256_sub_epi64(total, one)));
    __m256i r = srav_epi64(x, total);
    const __m256i hi = _mm256_set1_epi64x(INT32_MAX), lo = _mm256_set1_epi64x(INT32_MIN);
    r = _mm256_blendv_epi8(r, hi, _mm256_cmpgt_epi64(r, hi));
    return _mm256_blendv_epi8(r, lo, _mm256_cmpgt_epi64(lo, r));
}

/// Lane-wise requantize_single_rounding: total = 31 - shift in [1, 62]; |acc * m| < 2^62 and the rounding term
/// <= 2^61, so the int64 sum never overflows.
EDGEKERN_FORCE_INLINE __m256i requantize_single_epi32(__m256i acc, __m256i mult, __m256i shift) noexcept {
    const __m256i total = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFFll);
    const __m256i even = round_shift_sat_epi64(_mm256_mul_epi32(acc, mult), _mm256_and_si256(total, low32));
    const __m256i odd = round_shift_sat_epi64(_mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(mult, 32)),
                                              _mm256_srli_epi64(total, 32));
    return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

/// Requantizes 8 lanes starting at i, then clamps to [act_min - zp, act_max - zp] and adds zp.
template <bool Single>
EDGEKERN_FORCE_INLINE __m256i requantize8(const std::int32_t* acc, const std::int32_t* multiplier,
                                          const std::int32_t* shift, __m256i lo, __m256i hi, __m256i zp) noexcept {
    const __m256i s =
        _mm256_min_epi32(_mm256_max_epi32(loadu256(shift), _mm256_set1_epi32(-31)), _mm256_set1_epi32(30));
    const __m256i q = Single ? requantize_single_epi32(loadu256(acc), loadu256(multiplier), s)
                             : requantize_double_epi32(loadu256(acc), loadu256(multiplier), s);
    return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(q, lo), hi), zp);
}

template <bool Single, class Out>
inline std::size_t requantize_avx2(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                   const std::int32_t* shift, std::int32_t zp, std::int32_t act_min,
                                   std::int32_t act_max, Out* out) noexcept {
    const __m256i lo = _mm256_set1_epi32(act_min - zp), hi = _mm256_set1_epi32(act_max - zp);
    const __m256i vzp = _mm256_set1_epi32(zp);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i q = requantize8<Single>(acc + i, multiplier + i, shift + i, lo, hi, vzp);
        // Values are already inside the output range, so the saturating packs are plain narrowing here.
        const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        if constexpr (sizeof(Out) == 1)
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi16(w, w));
        else
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), w);
    }
    return i;
}

} // namespace detail

inline void sat_rounding_doubling_high_mul(const std::int16_t* a, std::int16_t b, std::int16_t* out, std::size_t n,
                                           arch::avx2) noexcept {
    const __m256i vb = _mm256_set1_epi16(b), min16 = _mm256_set1_epi16(INT16_MIN);
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i r = _mm256_mulhrs_epi16(detail::loadu256(a + i), vb); // see the SSE4.1 overload
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_add_epi16(r, _mm256_cmpeq_epi16(r, min16)));
    }
    sat_rounding_doubling_high_mul(a + i, b, out + i, n - i, arch::sse41{});
}

inline void sat_rounding_doubling_high_mul(const std::int32_t* a, std::int32_t b, std::int32_t* out, std::size_t n,
                                           arch::avx2) noexcept {
    const __m256i vb = _mm256_set1_epi32(b);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), detail::srdhm_epi32(detail::loadu256(a + i), vb));
    sat_rounding_doubling_high_mul(a + i, b, out + i, n - i, arch::scalar{});
}

inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int8_t* out, rounding_mode mode, arch::avx2) noexcept {
    const std::size_t i =
        mode == rounding_mode::single_rounding
            ? detail::requantize_avx2<true>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out)
            : detail::requantize_avx2<false>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out);
    requantize_s32_unchecked(acc + i, n - i, multiplier + i, shift + i, out_zero_point, act_min, act_max, out + i, mode,
                             arch::scalar{});
}

inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int16_t* out, rounding_mode mode, arch::avx2) noexcept {
    const std::size_t i =
        mode == rounding_mode::single_rounding
            ? detail::requantize_avx2<true>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out)
            : detail::requantize_avx2<false>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out);
    requantize_s32_unchecked(acc + i, n - i, multiplier + i, shift + i, out_zero_point, act_min, act_max, out + i, mode,
                             arch::scalar{});
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_AVX2

// ---- AVX-512 (F + BW + VL + DQ) ---------------------------------------------------------------------------------
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
    // Widen 32 int8 to int16 per vpmovsxbw, then vpmaddwd; two accumulators hide the add latency.
    __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512i a0 = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)));
        const __m512i b0 = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)));
        const __m512i a1 = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + 32)));
        const __m512i b1 = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + 32)));
        acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(a0, b0));
        acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(a1, b1));
    }
    for (; i < n; i += 32) {
        // Masked loads zero the lanes past n, which add 0 * 0.
        const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i < 32 ? n - i : 32));
        const __m512i va = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, a + i));
        const __m512i vb = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, b + i));
        acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(va, vb));
    }
    return detail::wrap_s32(detail::hsum_u32(_mm512_add_epi32(acc0, acc1)));
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
    while (i + 32 <= n) {
        __m512i acc32 = _mm512_setzero_si512();
        for (std::size_t k = 0; k < detail::s16_s8_block && i + 32 <= n; ++k, i += 32) {
            const __m512i vb = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)));
            acc32 = _mm512_add_epi32(acc32, _mm512_madd_epi16(_mm512_loadu_si512(a + i), vb));
        }
        acc64 = detail::add_widen_s32_s64(acc64, acc32);
    }
    if (i < n) {
        const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i));
        const __m512i vb = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, b + i));
        acc64 = detail::add_widen_s32_s64(acc64, _mm512_madd_epi16(_mm512_maskz_loadu_epi16(m, a + i), vb));
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

inline void sat_rounding_doubling_high_mul(const std::int16_t* a, std::int16_t b, std::int16_t* out, std::size_t n,
                                           arch::avx512) noexcept {
    const __m512i vb = _mm512_set1_epi16(b), min16 = _mm512_set1_epi16(INT16_MIN), ones = _mm512_set1_epi16(-1);
    for (std::size_t i = 0; i < n; i += 32) {
        const __mmask32 m = static_cast<__mmask32>(detail::low_mask64(n - i < 32 ? n - i : 32));
        const __m512i r = _mm512_mulhrs_epi16(_mm512_maskz_loadu_epi16(m, a + i), vb); // see the SSE4.1 overload
        const __m512i fixed = _mm512_mask_add_epi16(r, _mm512_cmpeq_epi16_mask(r, min16), r, ones);
        _mm512_mask_storeu_epi16(out + i, m, fixed);
    }
}

namespace detail {
// Requantization, 16 lanes. The zero-masking forms with full masks are the same instructions as the plain ones
// (see lo256 above for why: GCC 12 -Wmaybe-uninitialized on the plain intrinsics). Same math as the AVX2 version.
constexpr __mmask16 all16 = 0xFFFF;
constexpr __mmask8 all8 = 0xFF;

EDGEKERN_FORCE_INLINE __m512i srdhm_epi32(__m512i a, __m512i b) noexcept {
    const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
    const __m512i even = _mm512_maskz_srli_epi64(all8, _mm512_add_epi64(_mm512_maskz_mul_epi32(all8, a, b), nudge), 31);
    const __m512i odd_prod =
        _mm512_maskz_mul_epi32(all8, _mm512_maskz_srli_epi64(all8, a, 32), _mm512_maskz_srli_epi64(all8, b, 32));
    const __m512i odd = _mm512_maskz_slli_epi64(all8, _mm512_add_epi64(odd_prod, nudge), 1);
    const __m512i r = _mm512_mask_blend_epi32(0xAAAA, even, odd);
    // INT32_MIN only from (INT32_MIN, INT32_MIN): r - 1 wraps it to INT32_MAX.
    return _mm512_mask_sub_epi32(r, _mm512_cmpeq_epi32_mask(r, _mm512_set1_epi32(INT32_MIN)), r, _mm512_set1_epi32(1));
}

EDGEKERN_FORCE_INLINE __m512i requantize_double_epi32(__m512i acc, __m512i mult, __m512i shift) noexcept {
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
    const __m512i left = _mm512_maskz_max_epi32(all16, shift, zero);
    const __m512i right = _mm512_maskz_max_epi32(all16, _mm512_sub_epi32(zero, shift), zero);
    const __m512i x = _mm512_maskz_sllv_epi32(all16, acc, left);
    const __mmask16 fits = _mm512_cmpeq_epi32_mask(_mm512_maskz_srav_epi32(all16, x, left), acc);
    const __m512i sat = _mm512_xor_si512(_mm512_set1_epi32(INT32_MAX), _mm512_maskz_srai_epi32(all16, acc, 31));
    const __m512i t = srdhm_epi32(_mm512_mask_blend_epi32(fits, sat, x), mult);
    const __m512i mask = _mm512_sub_epi32(_mm512_maskz_sllv_epi32(all16, one, right), one);
    const __m512i rem = _mm512_and_si512(t, mask);
    const __m512i threshold =
        _mm512_sub_epi32(_mm512_maskz_srli_epi32(all16, mask, 1), _mm512_maskz_srai_epi32(all16, t, 31));
    const __m512i q = _mm512_maskz_srav_epi32(all16, t, right);
    return _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(rem, threshold), q, one);
}

EDGEKERN_FORCE_INLINE __m512i round_shift_sat_epi64(__m512i prod, __m512i total) noexcept {
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i x = _mm512_add_epi64(prod, _mm512_maskz_sllv_epi64(all8, one, _mm512_sub_epi64(total, one)));
    const __m512i r = _mm512_maskz_srav_epi64(all8, x, total);
    return _mm512_maskz_min_epi64(all8, _mm512_maskz_max_epi64(all8, r, _mm512_set1_epi64(INT32_MIN)),
                                  _mm512_set1_epi64(INT32_MAX));
}

EDGEKERN_FORCE_INLINE __m512i requantize_single_epi32(__m512i acc, __m512i mult, __m512i shift) noexcept {
    const __m512i total = _mm512_sub_epi32(_mm512_set1_epi32(31), shift);
    const __m512i even = round_shift_sat_epi64(_mm512_maskz_mul_epi32(all8, acc, mult),
                                               _mm512_and_si512(total, _mm512_set1_epi64(0xFFFFFFFFll)));
    const __m512i odd = round_shift_sat_epi64(
        _mm512_maskz_mul_epi32(all8, _mm512_maskz_srli_epi64(all8, acc, 32), _mm512_maskz_srli_epi64(all8, mult, 32)),
        _mm512_maskz_srli_epi64(all8, total, 32));
    return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(all8, odd, 32));
}

template <bool Single, class Out>
inline void requantize_avx512(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                              const std::int32_t* shift, std::int32_t zp, std::int32_t act_min, std::int32_t act_max,
                              Out* out) noexcept {
    const __m512i lo = _mm512_set1_epi32(act_min - zp), hi = _mm512_set1_epi32(act_max - zp);
    const __m512i vzp = _mm512_set1_epi32(zp), smin = _mm512_set1_epi32(-31), smax = _mm512_set1_epi32(30);
    for (std::size_t i = 0; i < n; i += 16) {
        // Masked-off lanes load acc = mult = shift = 0 (harmless) and are not stored.
        const __mmask16 m = static_cast<__mmask16>(low_mask64(n - i < 16 ? n - i : 16));
        const __m512i s = _mm512_maskz_min_epi32(
            all16, _mm512_maskz_max_epi32(all16, _mm512_maskz_loadu_epi32(m, shift + i), smin), smax);
        const __m512i a = _mm512_maskz_loadu_epi32(m, acc + i), mu = _mm512_maskz_loadu_epi32(m, multiplier + i);
        const __m512i q0 = Single ? requantize_single_epi32(a, mu, s) : requantize_double_epi32(a, mu, s);
        const __m512i q =
            _mm512_add_epi32(_mm512_maskz_min_epi32(all16, _mm512_maskz_max_epi32(all16, q0, lo), hi), vzp);
        if constexpr (sizeof(Out) == 1)
            _mm512_mask_cvtsepi32_storeu_epi8(out + i, m, q); // in range: plain narrowing
        else
            _mm512_mask_cvtsepi32_storeu_epi16(out + i, m, q);
    }
}
} // namespace detail

inline void sat_rounding_doubling_high_mul(const std::int32_t* a, std::int32_t b, std::int32_t* out, std::size_t n,
                                           arch::avx512) noexcept {
    const __m512i vb = _mm512_set1_epi32(b);
    for (std::size_t i = 0; i < n; i += 16) {
        const __mmask16 m = static_cast<__mmask16>(detail::low_mask64(n - i < 16 ? n - i : 16));
        _mm512_mask_storeu_epi32(out + i, m, detail::srdhm_epi32(_mm512_maskz_loadu_epi32(m, a + i), vb));
    }
}

inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int8_t* out, rounding_mode mode,
                                     arch::avx512) noexcept {
    if (mode == rounding_mode::single_rounding)
        detail::requantize_avx512<true>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out);
    else
        detail::requantize_avx512<false>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out);
}

inline void requantize_s32_unchecked(const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                                     const std::int32_t* shift, std::int32_t out_zero_point, std::int32_t act_min,
                                     std::int32_t act_max, std::int16_t* out, rounding_mode mode,
                                     arch::avx512) noexcept {
    if (mode == rounding_mode::single_rounding)
        detail::requantize_avx512<true>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out);
    else
        detail::requantize_avx512<false>(acc, n, multiplier, shift, out_zero_point, act_min, act_max, out);
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

// ---- AVX-512 VNNI -----------------------------------------------------------------------------------------------
#if defined(EDGEKERN_HAS_AVX512VNNI)
EDGEKERN_NAMESPACE_BEGIN
namespace simd {

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::avx512vnni) noexcept {
    // vpdpbusd multiplies u8 x s8. With a' = a ^ 0x80 = a + 128 (as u8): sum a'b = sum ab + 128 sum b, so
    // sum ab = sum a'b - 128 sum b. sum b comes from vpsadbw (another port) on b' = b ^ 0x80 = b + 128:
    // sum b = sum b' - 128 * (bytes processed); masked-off tail bytes load as 0 and add (0 ^ 0x80) - 128 = 0.
    // The dpbusd accumulators wrap modulo 2^32 (vpdpbusd, not the saturating vpdpbusds); sum b is exact in
    // int64; the final difference is taken modulo 2^32: the exact sum whenever it fits int32, as in scalar.
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const __m512i zero = _mm512_setzero_si512();
    __m512i acc0 = zero, acc1 = zero, sum_b = zero;
    std::size_t i = 0;
    for (; i + 128 <= n; i += 128) {
        const __m512i b0 = _mm512_loadu_si512(b + i), b1 = _mm512_loadu_si512(b + i + 64);
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_loadu_si512(a + i), flip), b0);
        acc1 = _mm512_dpbusd_epi32(acc1, _mm512_xor_si512(_mm512_loadu_si512(a + i + 64), flip), b1);
        sum_b = _mm512_add_epi64(sum_b, _mm512_sad_epu8(_mm512_xor_si512(b0, flip), zero));
        sum_b = _mm512_add_epi64(sum_b, _mm512_sad_epu8(_mm512_xor_si512(b1, flip), zero));
    }
    std::size_t bytes = i;
    for (; i < n; i += 64, bytes += 64) {
        const __mmask64 m = detail::low_mask64(n - i);
        const __m512i vb = _mm512_maskz_loadu_epi8(m, b + i);
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, a + i), flip), vb);
        sum_b = _mm512_add_epi64(sum_b, _mm512_sad_epu8(_mm512_xor_si512(vb, flip), zero));
    }
    const std::int64_t sb = detail::hsum_s64(sum_b) - 128 * static_cast<std::int64_t>(bytes);
    const auto corr = static_cast<std::uint32_t>(static_cast<std::uint64_t>(128 * sb) & 0xFFFFFFFFu);
    return detail::wrap_s32(detail::hsum_u32(_mm512_add_epi32(acc0, acc1)) - corr);
}

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_AVX512VNNI
