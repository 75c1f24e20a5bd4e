// SPDX-License-Identifier: Apache-2.0
// edgekern/arch/xsimd_arch.hpp: the one place that binds edgekern arch tags to xsimd architectures.
//
// Float kernels are written once over xsimd::batch<float, A> with A = arch::xsimd_arch_t<Tag>. The binding
// follows the tags' inheritance: avx512vnni uses avx512's batches, neon_dotprod uses neon's. Include this only
// behind `#if defined(EDGEKERN_HAS_XSIMD)` (never on Cortex-M: xsimd 8.1 does not build for arm-none-eabi).
#pragma once

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"

#if defined(EDGEKERN_HAS_XSIMD)
#include <xsimd/xsimd.hpp>

EDGEKERN_NAMESPACE_BEGIN
namespace arch {
namespace detail {
// Declarations only, for decltype: overload resolution picks the most derived tag that has a binding.
#if defined(EDGEKERN_HAS_SSE2)
xsimd::sse2 xsimd_arch_of(sse2) noexcept;
#endif
#if defined(EDGEKERN_HAS_SSE41)
xsimd::sse4_1 xsimd_arch_of(sse41) noexcept;
#endif
#if defined(EDGEKERN_HAS_AVX2)
xsimd::fma3<xsimd::avx2> xsimd_arch_of(avx2) noexcept;
#endif
#if defined(EDGEKERN_HAS_AVX512)
xsimd::avx512bw xsimd_arch_of(avx512) noexcept;
#endif
#if defined(EDGEKERN_HAS_NEON)
xsimd::neon64 xsimd_arch_of(neon) noexcept;
#endif
} // namespace detail

/// The xsimd architecture whose batches implement Tag's float kernels (ill-formed for tags without one:
/// scalar and the Cortex-M tags).
template <class Tag>
using xsimd_arch_t = decltype(detail::xsimd_arch_of(Tag{}));

} // namespace arch
EDGEKERN_NAMESPACE_END
#endif
