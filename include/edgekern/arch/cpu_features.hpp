// SPDX-License-Identifier: Apache-2.0
// edgekern/arch/cpu_features.hpp: what the CPU we run on supports (run time), for dispatch and benchmark reports.
#pragma once

#include "edgekern/config.hpp"

#if defined(EDGEKERN_HAS_SSE2) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define EDGEKERN_HAS_CPUID 1
#endif

EDGEKERN_NAMESPACE_BEGIN
namespace arch {

/// Run-time x86 feature levels, ordered: a CPU at level L supports every level below it.
enum class x86_level : int { none = 0, sse2 = 1, sse41 = 2, avx2 = 3, avx512 = 4, avx512vnni = 5 };

/// The highest x86_level the CPU and OS support (XSAVE-enabled register state included). `none` off x86.
inline x86_level detect_x86_level() noexcept {
#if defined(EDGEKERN_HAS_CPUID)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return x86_level::sse2;
    const bool sse41 = (c >> 19) & 1u;
    const bool osxsave = (c >> 27) & 1u;
    const bool fma = (c >> 12) & 1u;
    if (!sse41) return x86_level::sse2;
    if (!osxsave) return x86_level::sse41;
    unsigned xlo = 0, xhi = 0;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    const bool ymm_os = (xlo & 0x6u) == 0x6u;   // XMM and YMM state
    const bool zmm_os = (xlo & 0xE6u) == 0xE6u; // plus opmask and ZMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return x86_level::sse41;
    const bool avx2 = (b >> 5) & 1u;
    const bool avx512f = (b >> 16) & 1u, avx512dq = (b >> 17) & 1u, avx512bw = (b >> 30) & 1u,
               avx512vl = (b >> 31) & 1u;
    const bool avx512vnni = (c >> 11) & 1u;
    if (!(ymm_os && avx2 && fma)) return x86_level::sse41;
    if (!(zmm_os && avx512f && avx512dq && avx512bw && avx512vl)) return x86_level::avx2;
    return avx512vnni ? x86_level::avx512vnni : x86_level::avx512;
#else
    return x86_level::none;
#endif
}

/// Name of an x86_level, matching the tag names ("avx2", ...).
constexpr const char* x86_level_name(x86_level l) noexcept {
    switch (l) {
    case x86_level::none:
        return "none";
    case x86_level::sse2:
        return "sse2";
    case x86_level::sse41:
        return "sse41";
    case x86_level::avx2:
        return "avx2";
    case x86_level::avx512:
        return "avx512";
    case x86_level::avx512vnni:
        return "avx512vnni";
    }
    return "none";
}

} // namespace arch
EDGEKERN_NAMESPACE_END
