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
    // sxtb16 with its built-in rotate: one instruction (GCC does not fuse a shift into the ACLE intrinsic).
    std::int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(w));
    return r;
}
} // namespace detail

inline std::int32_t dot_s8(const std::int8_t* a, const std::int8_t* b, std::size_t n, arch::cortex_m_dsp) noexcept {
    // 8 bytes per iteration: 4 ldr, 8 sxtb16, 4 smlad (two 16x16 MACs each) plus 3 loop instructions.
    std::int32_t acc = 0;
    const std::int8_t* const end8 = a + (n & ~std::size_t{7});
    while (a != end8) {
        const std::int32_t wa0 = detail::load_word(a), wb0 = detail::load_word(b);
        const std::int32_t wa1 = detail::load_word(a + 4), wb1 = detail::load_word(b + 4);
        a += 8;
        b += 8;
        acc = __smlad(detail::sxtb16_even(wa0), detail::sxtb16_even(wb0), acc);
        acc = __smlad(detail::sxtb16_odd(wa0), detail::sxtb16_odd(wb0), acc);
        acc = __smlad(detail::sxtb16_even(wa1), detail::sxtb16_even(wb1), acc);
        acc = __smlad(detail::sxtb16_odd(wa1), detail::sxtb16_odd(wb1), acc);
    }
    return detail::wrap_s32(detail::as_u32(acc) + detail::as_u32(dot_s8(a, b, n & 7, arch::scalar{})));
}

inline std::int64_t dot_s16_s64(const std::int16_t* a, const std::int16_t* b, std::size_t n,
                                arch::cortex_m_dsp) noexcept {
    std::int64_t acc = 0;
    std::size_t i = 0;
    for (; i + 2 <= n; i += 2) acc = __smlald(detail::load_word(a + i), detail::load_word(b + i), acc);
    return acc + dot_s16_s64(a + i, b + i, n - i, arch::scalar{});
}

namespace detail {
/// Repacks activations (a0, a1), (a2, a3) into (a0, a2) and (a1, a3) to pair with sxtb16's (b0, b2), (b1, b3)
/// (pkhbt / pkhtb).
EDGEKERN_FORCE_INLINE void pack_even_odd(const std::int16_t* a, std::int32_t& a02, std::int32_t& a13) noexcept {
    const std::uint32_t a01 = static_cast<std::uint32_t>(load_word(a));
    const std::uint32_t a23 = static_cast<std::uint32_t>(load_word(a + 2));
    a02 = static_cast<std::int32_t>((a01 & 0xFFFFu) | (a23 << 16));
    a13 = static_cast<std::int32_t>((a01 >> 16) | (a23 & 0xFFFF0000u));
}
} // namespace detail

inline std::int64_t dot_s16_s8(const std::int16_t* a, const std::int8_t* b, std::size_t n,
                               arch::cortex_m_dsp) noexcept {
    std::int64_t acc = 0;
    const std::int8_t* const end4 = b + (n & ~std::size_t{3});
    while (b != end4) {
        std::int32_t a02, a13;
        detail::pack_even_odd(a, a02, a13);
        const std::int32_t wb = detail::load_word(b);
        a += 4;
        b += 4;
        acc = __smlald(a02, detail::sxtb16_even(wb), acc);
        acc = __smlald(a13, detail::sxtb16_odd(wb), acc);
    }
    return acc + dot_s16_s8(a, b, n & 3, arch::scalar{});
}

inline std::int32_t dot_s16_s8_s32(const std::int16_t* a, const std::int8_t* b, std::size_t n,
                                   arch::cortex_m_dsp) noexcept {
    std::int32_t acc = 0;
    const std::int8_t* const end4 = b + (n & ~std::size_t{3});
    while (b != end4) {
        std::int32_t a02, a13;
        detail::pack_even_odd(a, a02, a13);
        const std::int32_t wb = detail::load_word(b);
        a += 4;
        b += 4;
        acc = __smlad(a02, detail::sxtb16_even(wb), acc);
        acc = __smlad(a13, detail::sxtb16_odd(wb), acc);
    }
    return detail::wrap_s32(detail::as_u32(acc) + detail::as_u32(dot_s16_s8_s32(a, b, n & 3, arch::scalar{})));
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
