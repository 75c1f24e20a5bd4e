// SPDX-License-Identifier: Apache-2.0
// host_main.cpp: host no-heap proof: interposes malloc/calloc/realloc/free and the global operator new, counts
// every allocation made while a case runs, and fails when any case allocates (or does not return ok).
#include <cstdio>
#include <cstdlib>
#include <new>

#include "no_heap_case.hpp"

extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void __libc_free(void*);

namespace {
volatile bool g_armed = false;
volatile unsigned long g_allocations = 0;
void note() {
    if (g_armed) g_allocations = g_allocations + 1;
}
} // namespace

extern "C" void* malloc(std::size_t n) {
    note();
    return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t a, std::size_t b) {
    note();
    return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, std::size_t n) {
    note();
    return __libc_realloc(p, n);
}
extern "C" void free(void* p) {
    __libc_free(p);
}
void* operator new(std::size_t n) {
    note();
    void* p = __libc_malloc(n ? n : 1);
    if (!p) std::abort();
    return p;
}
void* operator new[](std::size_t n) {
    return operator new(n);
}
void operator delete(void* p) noexcept {
    __libc_free(p);
}
void operator delete[](void* p) noexcept {
    __libc_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    __libc_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    __libc_free(p);
}

int main() {
    // Self-check: the counter must see an allocation, or a zero below would prove nothing.
    g_armed = true;
    void* probe = std::malloc(16);
    int* probe2 = new int(1);
    g_armed = false;
    std::free(probe);
    delete probe2;
    if (g_allocations != 2) {
        std::printf("no_heap: allocation counter is not wired (saw %lu of 2)\n", g_allocations);
        return 1;
    }
    int failures = 0;
    for (std::size_t i = 0; i < edgekern_no_heap::g_case_count; ++i) {
        const auto& c = edgekern_no_heap::g_cases[i];
        g_allocations = 0;
        g_armed = true;
        const bool ran_ok = c.fn();
        g_armed = false;
        const unsigned long n = g_allocations;
        const bool pass = ran_ok && n == 0;
        failures += pass ? 0 : 1;
        std::printf("%-40s %s (allocations: %lu, status ok: %s)\n", c.name, pass ? "PASS" : "FAIL", n,
                    ran_ok ? "yes" : "no");
    }
    std::printf("no_heap host: %zu cases, %d failed\n", edgekern_no_heap::g_case_count, failures);
    return (failures == 0 && edgekern_no_heap::g_case_count > 0) ? 0 : 1;
}
