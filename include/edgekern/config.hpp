// SPDX-License-Identifier: Apache-2.0
// edgekern/config.hpp: build configuration: namespaces, attributes and the EDGEKERN_ASSERT policy.
#pragma once

#include "edgekern/arch/detect.hpp"
#include "edgekern/version.hpp"

// Every header wraps its code in these. Code lives in edgekern::EDGEKERN_ISA_NS (an inline namespace), so two
// translation units built with different -march flags never share an inline function by ODR accident: the
// runtime-dispatch build (docs/design.md) links TUs for several ISAs into one binary.
#define EDGEKERN_NAMESPACE_BEGIN                                                                                       \
    namespace edgekern {                                                                                               \
    inline namespace EDGEKERN_ISA_NS {
#define EDGEKERN_NAMESPACE_END                                                                                         \
    }                                                                                                                  \
    }

#if defined(__GNUC__) || defined(__clang__)
#define EDGEKERN_FORCE_INLINE inline __attribute__((always_inline))
#define EDGEKERN_RESTRICT __restrict__
#define EDGEKERN_LIKELY(x) __builtin_expect(!!(x), 1)
#define EDGEKERN_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define EDGEKERN_FORCE_INLINE inline
#define EDGEKERN_RESTRICT
#define EDGEKERN_LIKELY(x) (x)
#define EDGEKERN_UNLIKELY(x) (x)
#endif

// ---- EDGEKERN_ASSERT: contract checks too costly or impossible to report as a status ----------------------------
// Policy, chosen at build time with -DEDGEKERN_ASSERT_POLICY=N:
//   0 off: the expression is not evaluated (default with NDEBUG);
//   1 trap: __builtin_trap() (default without NDEBUG);
//   2 callback: calls edgekern_assert_failed(expr, file, line), which the application defines (extern "C").
// Bad arguments that can be checked cheaply are never asserted: they return a status.
#define EDGEKERN_ASSERT_OFF 0
#define EDGEKERN_ASSERT_TRAP 1
#define EDGEKERN_ASSERT_CALLBACK 2
#if !defined(EDGEKERN_ASSERT_POLICY)
#if defined(NDEBUG)
#define EDGEKERN_ASSERT_POLICY EDGEKERN_ASSERT_OFF
#else
#define EDGEKERN_ASSERT_POLICY EDGEKERN_ASSERT_TRAP
#endif
#endif

#if EDGEKERN_ASSERT_POLICY == EDGEKERN_ASSERT_OFF
#define EDGEKERN_ASSERT(expr) ((void)0)
#elif EDGEKERN_ASSERT_POLICY == EDGEKERN_ASSERT_TRAP
#define EDGEKERN_ASSERT(expr) ((expr) ? (void)0 : __builtin_trap())
#elif EDGEKERN_ASSERT_POLICY == EDGEKERN_ASSERT_CALLBACK
extern "C" void edgekern_assert_failed(const char* expr, const char* file, int line) noexcept;
#define EDGEKERN_ASSERT(expr) ((expr) ? (void)0 : edgekern_assert_failed(#expr, __FILE__, __LINE__))
#else
#error "EDGEKERN_ASSERT_POLICY must be 0 (off), 1 (trap) or 2 (callback)"
#endif
