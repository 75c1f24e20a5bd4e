// SPDX-License-Identifier: Apache-2.0
// edgekern/simd/cortex_m_dsp.hpp: Cortex-M4/M7/M33 DSP-extension overloads of the primitive ops (ACLE SIMD32).
//
// Bit-identical to simd/scalar.hpp. smlad/smlald do two 16x16 multiplies and add both to the accumulator; the
// 32-bit smlad wraps modulo 2^32 (it only sets the Q flag), exactly like the scalar definitions.
#pragma once

#include "edgekern/simd/scalar.hpp"

#if defined(EDGEKERN_HAS_CORTEX_M_DSP)
#include <arm_acle.h>

#include <cstring>

EDGEKERN_NAMESPACE_BEGIN
namespace simd {
namespace detail {
/// Four packed bytes (or two halfwords) from any address (M4/M7 LDR handles unaligned words; memcpy is an ldr).
EDGEKERN_FORCE_INLINE std::int32_t load_word(const void* p) noexcept {
    std::int32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
/// Bytes 0 and 2 of w sign-extended into two halfwords (sxtb16); _odd takes bytes 1 and 3.
EDGEKERN_FORCE_INLINE std::int32_t sxtb16_even(std::int32_t w) noexcept {
    return __sxtb16(w);
}
EDGEKERN_FORCE_INLINE std::int32_t sxtb16_odd(std::int32_t w) noexcept {
    return __sxtb16(static_cast<std::int32_t>(static_cast<std::uint32_t>(w) >> 8));
}
} // namespace detail

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::cortex_m_dsp) noexcept {
    std::int32_t acc = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::int32_t wa = detail::load_word(a + i), wb = detail::load_word(b + i);
        acc = __smlad(detail::sxtb16_even(wa), detail::sxtb16_even(wb), acc);
        acc = __smlad(detail::sxtb16_odd(wa), detail::sxtb16_odd(wb), acc);
    }
    return detail::wrap_s32(detail::as_u32(acc) + detail::as_u32(dot_s8(a + i, b + i, n - i, arch::scalar{})));
}

inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n,
                                arch::cortex_m_dsp) noexcept {
    std::int64_t acc = 0;
    std::size_t i = 0;
    for (; i + 2 <= n; i += 2) acc = __smlald(detail::load_word(a + i), detail::load_word(b + i), acc);
    return acc + dot_s16_s64(a + i, b + i, n - i, arch::scalar{});
}

inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n,
                               arch::cortex_m_dsp) noexcept {
    // Four int8 weights -> halfword pairs (b0, b2), (b1, b3); the activations are repacked to match:
    // (a0, a2) and (a1, a3) with pkhbt/pkhtb-style shifts.
    std::int64_t acc = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::uint32_t a01 = static_cast<std::uint32_t>(detail::load_word(a + i));
        const std::uint32_t a23 = static_cast<std::uint32_t>(detail::load_word(a + i + 2));
        const std::int32_t wb = detail::load_word(b + i);
        const auto a02 = static_cast<std::int32_t>((a01 & 0xFFFFu) | (a23 << 16));
        const auto a13 = static_cast<std::int32_t>((a01 >> 16) | (a23 & 0xFFFF0000u));
        acc = __smlald(a02, detail::sxtb16_even(wb), acc);
        acc = __smlald(a13, detail::sxtb16_odd(wb), acc);
    }
    return acc + dot_s16_s8(a + i, b + i, n - i, arch::scalar{});
}

inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n,
                                   arch::cortex_m_dsp) noexcept {
    std::int32_t acc = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::uint32_t a01 = static_cast<std::uint32_t>(detail::load_word(a + i));
        const std::uint32_t a23 = static_cast<std::uint32_t>(detail::load_word(a + i + 2));
        const std::int32_t wb = detail::load_word(b + i);
        const auto a02 = static_cast<std::int32_t>((a01 & 0xFFFFu) | (a23 << 16));
        const auto a13 = static_cast<std::int32_t>((a01 >> 16) | (a23 & 0xFFFF0000u));
        acc = __smlad(a02, detail::sxtb16_even(wb), acc);
        acc = __smlad(a13, detail::sxtb16_odd(wb), acc);
    }
    return detail::wrap_s32(detail::as_u32(acc) + detail::as_u32(dot_s16_s8_s32(a + i, b + i, n - i, arch::scalar{})));
}

// GCC's __ssat macro assigns __builtin_arm_ssat's unsigned result to int32_t: silence that in the expansion.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
inline void saturate_narrow(const std::int32_t* in, std::int8_t* out, std::size_t n, arch::cortex_m_dsp) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int8_t>(__ssat(in[i], 8));
}

inline void saturate_narrow(const std::int32_t* in, std::int16_t* out, std::size_t n, arch::cortex_m_dsp) noexcept {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int16_t>(__ssat(in[i], 16));
}
#pragma GCC diagnostic pop

// mac_s8 has no DSP overload: one product per accumulator gives smlad nothing to pair; the scalar loop (mla) is
// already one instruction per element.

} // namespace simd
EDGEKERN_NAMESPACE_END
#endif // EDGEKERN_HAS_CORTEX_M_DSP
