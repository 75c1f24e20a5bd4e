// SPDX-License-Identifier: Apache-2.0
// edgekern/arch/tags.hpp: architecture tags (implementations are overloads on these) and default_arch.
//
// Tags inherit, so an overload missing for a tag falls back to its base by ordinary overload resolution:
//   avx512vnni -> avx512 -> avx2 -> sse41 -> sse2 -> scalar
//   neon_dotprod -> neon -> scalar
//   cortex_m_mve -> cortex_m_dsp -> scalar
// A tag is usable only when this build can emit its instructions: available_v<Tag> says so.
#pragma once

#include <type_traits>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace arch {

struct scalar {
    static constexpr const char* name = "scalar";
};
struct cortex_m_dsp : scalar {
    static constexpr const char* name = "cortex_m_dsp";
};
struct cortex_m_mve : cortex_m_dsp {
    static constexpr const char* name = "cortex_m_mve";
};
struct sse2 : scalar {
    static constexpr const char* name = "sse2";
};
struct sse41 : sse2 {
    static constexpr const char* name = "sse41";
};
struct avx2 : sse41 {
    static constexpr const char* name = "avx2";
};
struct avx512 : avx2 { ///< AVX-512 F + BW + VL + DQ (x86-64-v4)
    static constexpr const char* name = "avx512";
};
struct avx512vnni : avx512 {
    static constexpr const char* name = "avx512vnni";
};
struct neon : scalar { ///< AArch64 Advanced SIMD
    static constexpr const char* name = "neon";
};
struct neon_dotprod : neon { ///< Armv8.2-A dot product (sdot/udot)
    static constexpr const char* name = "neon_dotprod";
};

/// True when this translation unit's compile flags allow the instructions of Tag.
template <class Tag>
struct available : std::false_type {};
template <>
struct available<scalar> : std::true_type {};
#if defined(EDGEKERN_HAS_CORTEX_M_DSP)
template <>
struct available<cortex_m_dsp> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_CORTEX_M_MVE)
template <>
struct available<cortex_m_mve> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_SSE2)
template <>
struct available<sse2> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_SSE41)
template <>
struct available<sse41> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_AVX2)
template <>
struct available<avx2> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_AVX512)
template <>
struct available<avx512> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_AVX512VNNI)
template <>
struct available<avx512vnni> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_NEON)
template <>
struct available<neon> : std::true_type {};
#endif
#if defined(EDGEKERN_HAS_NEON_DOTPROD)
template <>
struct available<neon_dotprod> : std::true_type {};
#endif
template <class Tag>
constexpr bool available_v = available<Tag>::value;

/// The best tag this build can use; every public entry point defaults its last argument to it.
#if defined(EDGEKERN_HAS_AVX512VNNI)
using default_arch = avx512vnni;
#elif defined(EDGEKERN_HAS_AVX512)
using default_arch = avx512;
#elif defined(EDGEKERN_HAS_AVX2)
using default_arch = avx2;
#elif defined(EDGEKERN_HAS_SSE41)
using default_arch = sse41;
#elif defined(EDGEKERN_HAS_SSE2)
using default_arch = sse2;
#elif defined(EDGEKERN_HAS_NEON_DOTPROD)
using default_arch = neon_dotprod;
#elif defined(EDGEKERN_HAS_NEON)
using default_arch = neon;
#elif defined(EDGEKERN_HAS_CORTEX_M_MVE)
using default_arch = cortex_m_mve;
#elif defined(EDGEKERN_HAS_CORTEX_M_DSP)
using default_arch = cortex_m_dsp;
#else
using default_arch = scalar;
#endif

/// Calls f(Tag{}) for every tag this build can run, lowest first. Tests use it to compare every backend with
/// scalar; benchmarks to measure each.
template <class F>
void for_each_available(F&& f) {
    f(scalar{});
    if constexpr (available_v<cortex_m_dsp>) f(cortex_m_dsp{});
    if constexpr (available_v<cortex_m_mve>) f(cortex_m_mve{});
    if constexpr (available_v<sse2>) f(sse2{});
    if constexpr (available_v<sse41>) f(sse41{});
    if constexpr (available_v<avx2>) f(avx2{});
    if constexpr (available_v<avx512>) f(avx512{});
    if constexpr (available_v<avx512vnni>) f(avx512vnni{});
    if constexpr (available_v<neon>) f(neon{});
    if constexpr (available_v<neon_dotprod>) f(neon_dotprod{});
}

} // namespace arch
EDGEKERN_NAMESPACE_END
