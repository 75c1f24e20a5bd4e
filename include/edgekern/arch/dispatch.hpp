// SPDX-License-Identifier: Apache-2.0
// edgekern/arch/dispatch.hpp: run-time ISA dispatch for server builds: one x86-64 binary, several ISA levels.
//
// A header-only library cannot switch ISA inside one translation unit, so dispatch works per TU (docs/design.md,
// "Runtime dispatch"):
//  1. The application puts its kernel-calling code in a source file and lets CMake compile it once per x86 level
//     (cmake/edgekern_dispatch.cmake: edgekern_add_dispatched_sources(<target> <sources...>)), each copy with
//     -march=<level> and -DEDGEKERN_DISPATCH_LEVEL=<n>. arch/detect.hpp then picks a different inline namespace
//     (isa_sse2, isa_avx2, ...) per copy, so the copies' inline functions never merge at link time (ODR-safe).
//  2. In that source, each entry point is defined with its name wrapped in EDGEKERN_DISPATCH_EXPORT(name), which
//     appends the level (name_edgekern_l3 for AVX2): one distinct, non-inline function per level.
//  3. Callers (any TU, any flags) declare the entry point once with EDGEKERN_DISPATCH_DECLARE(ret, name, params);
//     that declares every level's function as a weak symbol (levels not built are null) and defines
//     name_dispatch_table() and name_dispatched(), which returns the best function for this CPU, selected once.
// Entry-point signatures must use only types that are the same in every ISA namespace: builtin types, pointers
// to them, and edgekern::status (which lives outside the ISA namespace). Not spans or param structs.
//
// Levels are the values of arch::x86_level (1 sse2, 2 sse41, 3 avx2, 4 avx512, 5 avx512vnni); level 0 is the
// single copy built with the target's own flags where there is nothing to dispatch (aarch64, Cortex-M). The
// environment variable EDGEKERN_X86_LEVEL (a level name such as "avx2", or its number) caps the level for
// testing and for comparing ISAs on one machine; it can only lower the choice, never exceed the CPU.
#pragma once

#include <cstdlib>
#include <cstring>

#include "edgekern/arch/cpu_features.hpp"
#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace arch {

/// Number of dispatch levels (0 .. 5).
constexpr int dispatch_level_count = 6;

/// Parses a level name ("sse2", "sse41", "avx2", "avx512", "avx512vnni", "none") or digit ("0".."5").
/// @return true and sets `out` when `text` names a level; false (out untouched) otherwise.
inline bool parse_x86_level(const char* text, x86_level& out) noexcept {
    if (text == nullptr) return false;
    if (text[0] >= '0' && text[0] <= '5' && text[1] == '\0') {
        out = static_cast<x86_level>(text[0] - '0');
        return true;
    }
    for (int l = 0; l < dispatch_level_count; ++l) {
        if (std::strcmp(text, x86_level_name(static_cast<x86_level>(l))) == 0) {
            out = static_cast<x86_level>(l);
            return true;
        }
    }
    return false;
}

/// The highest level dispatch may use in this process: detect_x86_level(), lowered to EDGEKERN_X86_LEVEL when
/// that environment variable names a lower level (an unknown value is ignored). `none` off x86.
inline x86_level dispatch_level_cap() noexcept {
    const x86_level cpu = detect_x86_level();
    x86_level forced = cpu;
#if !defined(EDGEKERN_HAS_CORTEX_M)
    if (!parse_x86_level(std::getenv("EDGEKERN_X86_LEVEL"), forced)) forced = cpu;
#endif
    return static_cast<int>(forced) < static_cast<int>(cpu) ? forced : cpu;
}

/// The per-level function pointers of one dispatched entry point (null where a level was not built).
template <class Fn>
struct dispatch_table {
    Fn fns[dispatch_level_count];

    /// The function of the highest built level <= cap (level 0, the non-x86 single copy, counts as always
    /// runnable), or null when none qualifies. Writes the chosen level to *chosen when given.
    constexpr Fn select(x86_level cap, x86_level* chosen = nullptr) const noexcept {
        for (int l = static_cast<int>(cap); l >= 0; --l) {
            if (fns[l] != nullptr) {
                if (chosen != nullptr) *chosen = static_cast<x86_level>(l);
                return fns[l];
            }
        }
        return nullptr;
    }
    /// The function built for exactly `level`, or null.
    constexpr Fn at(x86_level level) const noexcept { return fns[static_cast<int>(level)]; }
};

} // namespace arch
EDGEKERN_NAMESPACE_END

#define EDGEKERN_DISPATCH_CAT2(a, b) a##b
#define EDGEKERN_DISPATCH_CAT(a, b) EDGEKERN_DISPATCH_CAT2(a, b)

/// In a dispatched source (compiled with -DEDGEKERN_DISPATCH_LEVEL=n): the level-suffixed name of an entry point.
/// Use it as the function name of the definition:  int32_t EDGEKERN_DISPATCH_EXPORT(my_dot)(...) noexcept {...}
#if defined(EDGEKERN_DISPATCH_LEVEL)
#define EDGEKERN_DISPATCH_EXPORT(name) EDGEKERN_DISPATCH_CAT(name##_edgekern_l, EDGEKERN_DISPATCH_LEVEL)
#else
#define EDGEKERN_DISPATCH_EXPORT(name)                                                                                 \
    static_assert(false, "EDGEKERN_DISPATCH_EXPORT outside a source added with edgekern_add_dispatched_sources")
#endif

/// Declares a dispatched entry point `ret name params noexcept` for callers: weak declarations of every level's
/// function, `name_fn` (the pointer type), `name_dispatch_table()`, and `name_dispatched()` (best function for
/// this CPU and EDGEKERN_X86_LEVEL, chosen on first call; null only if no level was built). Use at namespace
/// scope, in the same namespace as the definitions; put the declarations in a header shared by both sides.
/// Inside a dispatched source it declares only that level's function (so the definition's signature is checked)
/// and defines no inline selector: an inline function built with AVX-512 flags must not be able to replace the
/// caller's copy at link time.
#if defined(EDGEKERN_DISPATCH_LEVEL)
#define EDGEKERN_DISPATCH_DECLARE(ret, name, params)                                                                   \
    ret EDGEKERN_DISPATCH_EXPORT(name)                                                                                 \
    params noexcept;
#else
#define EDGEKERN_DISPATCH_DECLARE(ret, name, params)                                                                   \
    ret name##_edgekern_l0 params noexcept __attribute__((weak));                                                      \
    ret name##_edgekern_l1 params noexcept __attribute__((weak));                                                      \
    ret name##_edgekern_l2 params noexcept __attribute__((weak));                                                      \
    ret name##_edgekern_l3 params noexcept __attribute__((weak));                                                      \
    ret name##_edgekern_l4 params noexcept __attribute__((weak));                                                      \
    ret name##_edgekern_l5 params noexcept __attribute__((weak));                                                      \
    using name##_fn = ret(*) params noexcept;                                                                          \
    inline ::edgekern::arch::dispatch_table<name##_fn> name##_dispatch_table() noexcept {                              \
        return {{&name##_edgekern_l0, &name##_edgekern_l1, &name##_edgekern_l2, &name##_edgekern_l3,                   \
                 &name##_edgekern_l4, &name##_edgekern_l5}};                                                           \
    }                                                                                                                  \
    inline name##_fn name##_dispatched() noexcept {                                                                    \
        static const name##_fn selected = name##_dispatch_table().select(::edgekern::arch::dispatch_level_cap());      \
        return selected;                                                                                               \
    }
#endif
