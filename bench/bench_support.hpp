// SPDX-License-Identifier: Apache-2.0
// bench_support.hpp: helpers shared by the kernel benchmarks: naming, throughput counters, arch lists.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "edgekern/arch/tags.hpp"

namespace edgekern_bench {

/// "<kernel>/<types>/<arch>/<shape>", the benchmark naming convention (docs/design.md).
inline std::string bench_name(const char* kernel, const char* types, const char* arch, const std::string& shape) {
    return std::string(kernel) + "/" + types + "/" + arch + "/" + shape;
}

/// Sets MAC/s (reported as GMAC/s by the `gmacs` counter) and the arch label.
inline void set_mac_counters(benchmark::State& state, double macs_per_iteration, const char* arch) {
    state.counters["GMAC/s"] =
        benchmark::Counter(macs_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel(arch);
}

/// Calls f(tag) for every arch tag this build can run, lowest first (same order as the tests).
template <class F>
void for_each_arch(F&& f) {
    edgekern::arch::for_each_available(static_cast<F&&>(f));
}

/// Deterministic data for benchmarks (splitmix64).
struct bench_rng {
    std::uint64_t state;
    explicit bench_rng(std::uint64_t seed) : state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

} // namespace edgekern_bench
