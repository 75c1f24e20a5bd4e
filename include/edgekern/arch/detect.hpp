// SPDX-License-Identifier: Apache-2.0
// edgekern/arch/detect.hpp: the ONLY file that reads compiler CPU-feature macros; it defines EDGEKERN_HAS_*.
//
// Every other file asks EDGEKERN_HAS_* (never __AVX2__, __ARM_FEATURE_DSP, ...). Each switch can be forced
// off from the build with -DEDGEKERN_DISABLE_<NAME> to test a lower backend on a capable CPU.
#pragma once

// ---- x86 ---------------------------------------------------------------------------------------------------
#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__) && !defined(EDGEKERN_DISABLE_SIMD)
#define EDGEKERN_HAS_SSE2 1
#if defined(__SSE4_1__) && !defined(EDGEKERN_DISABLE_SSE41)
#define EDGEKERN_HAS_SSE41 1
#endif
#if defined(EDGEKERN_HAS_SSE41) && defined(__AVX2__) && defined(__FMA__) && !defined(EDGEKERN_DISABLE_AVX2)
#define EDGEKERN_HAS_AVX2 1
#endif
#if defined(EDGEKERN_HAS_AVX2) && defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) &&            \
    defined(__AVX512DQ__) && !defined(EDGEKERN_DISABLE_AVX512)
#define EDGEKERN_HAS_AVX512 1
#endif
#if defined(EDGEKERN_HAS_AVX512) && defined(__AVX512VNNI__) && !defined(EDGEKERN_DISABLE_AVX512VNNI)
#define EDGEKERN_HAS_AVX512VNNI 1
#endif
#endif

// ---- Arm A-profile (AArch64 NEON) -------------------------------------------------------------------------------
#if defined(__aarch64__) && defined(__ARM_NEON) && !defined(EDGEKERN_DISABLE_SIMD)
#define EDGEKERN_HAS_NEON 1
#if defined(__ARM_FEATURE_DOTPROD) && !defined(EDGEKERN_DISABLE_NEON_DOTPROD)
#define EDGEKERN_HAS_NEON_DOTPROD 1
#endif
#endif

// ---- Arm M-profile (Cortex-M) --------------------------------------------------------------------------------
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#define EDGEKERN_HAS_CORTEX_M 1
#if defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1) && !defined(EDGEKERN_DISABLE_CORTEX_M_DSP)
#define EDGEKERN_HAS_CORTEX_M_DSP 1
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1) && !defined(EDGEKERN_DISABLE_CORTEX_M_MVE)
#define EDGEKERN_HAS_CORTEX_M_MVE 1
#endif
#if defined(__ARM_FP)
#define EDGEKERN_HAS_FPU 1
#endif
#else
#define EDGEKERN_HAS_FPU 1
#endif

// ---- xsimd (float SIMD kernels) ---------------------------------------------------------------------------------
// Only on hosted targets with a SIMD backend; never on Cortex-M (xsimd 8.1 does not build for arm-none-eabi).
#if (defined(EDGEKERN_HAS_SSE2) || defined(EDGEKERN_HAS_NEON)) && !defined(EDGEKERN_DISABLE_XSIMD)
#if defined(__has_include)
#if __has_include(<xsimd/xsimd.hpp>)
#define EDGEKERN_HAS_XSIMD 1
#endif
#endif
#endif

// ---- the inline namespace that keeps code compiled for different ISAs apart (see docs/design.md) ------------------
#if !defined(EDGEKERN_ISA_NS)
#if defined(EDGEKERN_HAS_AVX512VNNI)
#define EDGEKERN_ISA_NS isa_avx512vnni
#elif defined(EDGEKERN_HAS_AVX512)
#define EDGEKERN_ISA_NS isa_avx512
#elif defined(EDGEKERN_HAS_AVX2)
#define EDGEKERN_ISA_NS isa_avx2
#elif defined(EDGEKERN_HAS_SSE41)
#define EDGEKERN_ISA_NS isa_sse41
#elif defined(EDGEKERN_HAS_SSE2)
#define EDGEKERN_ISA_NS isa_sse2
#elif defined(EDGEKERN_HAS_NEON_DOTPROD)
#define EDGEKERN_ISA_NS isa_neon_dotprod
#elif defined(EDGEKERN_HAS_NEON)
#define EDGEKERN_ISA_NS isa_neon
#elif defined(EDGEKERN_HAS_CORTEX_M_MVE)
#define EDGEKERN_ISA_NS isa_cortex_m_mve
#elif defined(EDGEKERN_HAS_CORTEX_M_DSP)
#define EDGEKERN_ISA_NS isa_cortex_m_dsp
#else
#define EDGEKERN_ISA_NS isa_scalar
#endif
#endif
