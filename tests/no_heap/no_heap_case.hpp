// SPDX-License-Identifier: Apache-2.0
// no_heap_case.hpp: registry of "call every public entry point" cases for the no-heap proofs.
//
// Each kernel adds one file tests/no_heap/<kernel>.cpp with EDGEKERN_NO_HEAP_CASE(name) { ... return ok; }.
// The same cases build into (a) the host program that counts every allocation around each case and (b) the
// bare-metal Cortex-M firmware image whose symbol table must hold no malloc/_sbrk/__cxa_throw/_Unwind_*.
// A case returns true when the kernel ran and returned status::ok (so the proof cannot pass vacuously).
#pragma once

#include <cstddef>

namespace edgekern_no_heap {

using case_fn = bool (*)();
struct case_entry {
    const char* name;
    case_fn fn;
};

constexpr std::size_t max_cases = 256;
inline case_entry g_cases[max_cases];
inline std::size_t g_case_count = 0;

struct registrar {
    registrar(const char* name, case_fn fn) noexcept {
        if (g_case_count < max_cases) g_cases[g_case_count++] = case_entry{name, fn};
    }
};

} // namespace edgekern_no_heap

#define EDGEKERN_NO_HEAP_CONCAT2(a, b) a##b
#define EDGEKERN_NO_HEAP_CONCAT(a, b) EDGEKERN_NO_HEAP_CONCAT2(a, b)
#define EDGEKERN_NO_HEAP_CASE(name)                                                                                    \
    static bool EDGEKERN_NO_HEAP_CONCAT(no_heap_case_, name)();                                                        \
    static const ::edgekern_no_heap::registrar EDGEKERN_NO_HEAP_CONCAT(no_heap_reg_, name){                            \
        #name, &EDGEKERN_NO_HEAP_CONCAT(no_heap_case_, name)};                                                         \
    static bool EDGEKERN_NO_HEAP_CONCAT(no_heap_case_, name)()
