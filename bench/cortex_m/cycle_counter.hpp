// SPDX-License-Identifier: Apache-2.0
// cycle_counter.hpp: instruction counting on the emulated Cortex-M (QEMU mps2 boards run with
// -icount shift=0,align=off,sleep=off, so virtual time advances 1 ns per executed instruction) using the CMSDK APB
// Timer0 (25 MHz: one tick = 40 instructions), refined to a few instructions by polling to tick edges.
//
// Usage (one firmware per kernel, see docs/cortex_m_cost.md):
//   edgekern_cm::counter c;                       // starts the timer once
//   const auto n = c.measure([&] { kernel(...); }); // instructions executed inside the lambda
//   edgekern_cm::report("conv2d/s8_s8_s8/m7/12x12x96", n, macs);
// Output lines (semihosting, no libc): "EDGEKERN_CM <name> instructions=<n> work=<w> per_work=<n/w>".
// Needs only edgekern_baremetal::write (tests/support/baremetal/startup.cpp, flavour without newlib).
#pragma once

#include <cstdint>

#include "edgekern_baremetal.hpp"

/// The core's name for report lines (run.sh passes -DEDGEKERN_CM_CORE_NAME="\"cortex_m7\"" or cortex_m4).
#if !defined(EDGEKERN_CM_CORE_NAME)
#define EDGEKERN_CM_CORE_NAME "cortex_m"
#endif

namespace edgekern_cm {

/// CMSDK APB timer registers (ARM DDI 0479): CTRL +0, VALUE +4 (down-counter), RELOAD +8.
struct apb_timer {
    volatile std::uint32_t ctrl;
    volatile std::uint32_t value;
    volatile std::uint32_t reload;
};

/// QEMU's icount clock: with shift=0 one instruction = 1 ns; the timer counts at 25 MHz -> 40 instructions / tick.
constexpr std::uint32_t instructions_per_tick = 40;
/// Instructions in one iteration of the polling loops below (ldr, adds, cmp, beq: written in assembly so the
/// count does not depend on the compiler).
constexpr std::uint32_t poll_loop_instructions = 4;

namespace detail {

inline apb_timer* timer0() {
    return reinterpret_cast<apb_timer*>(0x40000000u);
}

/// Spins until VALUE differs from `seen`; returns the number of polls (>= 1) and the new value.
__attribute__((always_inline)) inline std::uint32_t poll_change(volatile std::uint32_t* value, std::uint32_t seen,
                                                                std::uint32_t& now) {
    std::uint32_t polls = 0, v;
    __asm__ volatile("1:\n\t"
                     "ldr %[v], [%[p]]\n\t"
                     "adds %[n], %[n], #1\n\t"
                     "cmp %[v], %[s]\n\t"
                     "beq 1b\n\t"
                     : [v] "=&r"(v), [n] "+r"(polls)
                     : [p] "r"(value), [s] "r"(seen)
                     : "cc", "memory");
    now = v;
    return polls;
}

} // namespace detail

/// Measures the instructions a callable executes.
///
/// Method: (1) poll until a tick edge, so the region starts at a known phase (within one 4-instruction poll) of a
/// tick; (2) run the region; (3) read VALUE and poll until the next edge, counting polls. Then
///   instructions = 40 * ticks + 40 - 4 * polls_after - constant,
/// the constant (the fixed code around the region) being calibrated once on an empty region. start() and stop()
/// are out of line with their state in memory, so the code between them is the region plus one call and return.
/// Resolution: the phase of each edge is known to one poll loop, so counts are exact to about +-4 instructions
/// (+-0.002 % of a 200 k-instruction kernel) and identical run to run (-icount makes QEMU deterministic). For an
/// exact count, cross-check with `-singlestep -d exec,nochain` (docs/cortex_m_cost.md).
class counter {
public:
    counter() {
        apb_timer* t = detail::timer0();
        t->ctrl = 0;
        t->reload = 0xFFFFFFFFu;
        t->value = 0xFFFFFFFFu;
        t->ctrl = 1; // enable, no interrupt, internal clock
        overhead_ = 0;
        overhead_ = raw([] {});
    }

    /// Instructions executed by f() (an inlined lambda adds no call overhead).
    template <class F>
    std::int64_t measure(F&& f) {
        return raw(f) - overhead_;
    }

private:
    struct marks {
        std::uint32_t t0, t1, polls;
    };
    static marks& state() {
        static marks m;
        return m;
    }
    __attribute__((noinline)) static void start() {
        volatile std::uint32_t* value = &detail::timer0()->value;
        std::uint32_t t0 = 0;
        detail::poll_change(value, *value, t0); // align to an edge
        state().t0 = t0;
    }
    __attribute__((noinline)) static void stop() {
        volatile std::uint32_t* value = &detail::timer0()->value;
        const std::uint32_t t1 = *value;
        std::uint32_t after = 0;
        const std::uint32_t polls = detail::poll_change(value, t1, after);
        state().t1 = t1;
        state().polls = polls;
    }

    template <class F>
    std::int64_t raw(F&& f) {
        start();
        f();
        stop();
        const marks m = state();
        const std::uint32_t ticks = m.t0 - m.t1; // down-counter
        return static_cast<std::int64_t>(ticks) * instructions_per_tick + instructions_per_tick -
               static_cast<std::int64_t>(m.polls) * poll_loop_instructions;
    }

    std::int64_t overhead_ = 0;
};

/// Decimal text of v into buf (no libc).
inline char* format_u64(std::uint64_t v, char* buf) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) *buf++ = tmp[--n];
    *buf = 0;
    return buf;
}

/// Prints "EDGEKERN_CM <name> instructions=<n> work=<w> per_work=<n/w with 3 decimals>" over semihosting.
inline void report(const char* name, std::int64_t instructions, std::uint64_t work) {
    char line[200];
    char* p = line;
    const char* prefix = "EDGEKERN_CM ";
    while (*prefix) *p++ = *prefix++;
    for (const char* s = name; *s && p < line + 110; ++s) *p++ = *s;
    const char* k1 = " instructions=";
    while (*k1) *p++ = *k1++;
    p = format_u64(static_cast<std::uint64_t>(instructions < 0 ? 0 : instructions), p);
    const char* k2 = " work=";
    while (*k2) *p++ = *k2++;
    p = format_u64(work, p);
    const char* k3 = " per_work=";
    while (*k3) *p++ = *k3++;
    const std::uint64_t milli =
        work ? (static_cast<std::uint64_t>(instructions < 0 ? 0 : instructions) * 1000u + work / 2) / work : 0;
    p = format_u64(milli / 1000u, p);
    *p++ = '.';
    const std::uint64_t frac = milli % 1000u;
    *p++ = static_cast<char>('0' + frac / 100);
    *p++ = static_cast<char>('0' + frac / 10 % 10);
    *p++ = static_cast<char>('0' + frac % 10);
    *p++ = '\n';
    *p = 0;
    edgekern_baremetal::write(line);
}

} // namespace edgekern_cm
