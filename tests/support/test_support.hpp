// SPDX-License-Identifier: Apache-2.0
// test_support.hpp: what every test file includes: doctest, the sweep stride, a seeded PRNG, the backend list.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>

#include "edgekern/arch/tags.hpp"

namespace edgekern_test {

/// Stride of "exhaustive" sweeps: 1 on hosts (every value), a larger odd number on emulated targets, so that the
/// same test code covers a seeded subset there (set by the build: EDGEKERN_TEST_SWEEP_STRIDE).
#if defined(EDGEKERN_TEST_SWEEP_STRIDE)
constexpr std::uint32_t sweep_stride = EDGEKERN_TEST_SWEEP_STRIDE;
#else
constexpr std::uint32_t sweep_stride = 1;
#endif

/// splitmix64: small, seedable, identical on every target (no <random>, whose distributions differ by library).
struct rng {
    std::uint64_t state;
    explicit rng(std::uint64_t seed) : state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint32_t next_u32() { return static_cast<std::uint32_t>(next() >> 32); }
    /// Uniform integer in [lo, hi].
    std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1u;
        return lo + static_cast<std::int64_t>(span == 0 ? next() : next() % span);
    }
    /// Uniform float in [lo, hi).
    float uniform_f(float lo, float hi) {
        return lo + (hi - lo) * static_cast<float>(next() >> 40) * (1.0f / 16777216.0f);
    }
};

/// Every arch tag this build can run, lowest first: tests compare each backend with scalar bit for bit.
template <class F>
void for_each_arch(F&& f) {
    edgekern::arch::for_each_available(static_cast<F&&>(f));
}

} // namespace edgekern_test
