// SPDX-License-Identifier: Apache-2.0
// simd_test_util.hpp: shared helpers of the simd/ primitive tests: oracles written straight from the definitions
// (int64 sums reduced modulo 2^32), dense value sets and length sweeps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "support/test_support.hpp"

namespace simd_test {

/// True in sanitizer builds, where exhaustive 2^32 sweeps thin out (code runs ~10x slower there).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool slow_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
constexpr bool slow_build = true;
#else
constexpr bool slow_build = false;
#endif
#else
constexpr bool slow_build = false;
#endif

/// Widest vector of any backend in int8 lanes (AVX-512: 64).
constexpr std::size_t widest_lanes = 64;

/// Lengths every op is swept over: 0 .. 3 * widest + 1, then primes and a few long ones.
inline std::vector<std::size_t> lengths() {
    std::vector<std::size_t> out;
    for (std::size_t n = 0; n <= 3 * widest_lanes + 1; ++n) out.push_back(n);
    for (std::size_t n : {211u, 257u, 509u, 1021u, 2053u, 4099u}) out.push_back(n);
    return out;
}

/// Reduces an exact int64 sum modulo 2^32 to int32 (the documented result beyond headroom).
inline std::int32_t wrap32(std::int64_t v) {
    const auto u = static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) & 0xFFFFFFFFu);
    return u <= 0x7FFFFFFFu ? static_cast<std::int32_t>(u)
                            : static_cast<std::int32_t>(static_cast<std::int64_t>(u) - 0x100000000ll);
}

template <class A, class B>
std::int64_t oracle_dot(const A* a, const B* b, std::size_t n) {
    std::int64_t s = 0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<std::int64_t>(a[i]) * static_cast<std::int64_t>(b[i]);
    return s;
}

/// Dense int32 test values: 0, +-1, +-2^i, +-2^i +- 1, the extremes, and `random_count` seeded random values.
inline std::vector<std::int32_t> dense_s32(std::size_t random_count, std::uint64_t seed) {
    std::vector<std::int32_t> v = {0, 1, -1, INT32_MIN, INT32_MAX, INT32_MIN + 1, INT32_MAX - 1};
    for (int i = 1; i < 31; ++i) {
        const std::int64_t p = std::int64_t{1} << i;
        for (std::int64_t d : {-1, 0, 1}) {
            v.push_back(static_cast<std::int32_t>(p + d));
            v.push_back(static_cast<std::int32_t>(-p + d));
        }
    }
    edgekern_test::rng r(seed);
    for (std::size_t i = 0; i < random_count; ++i)
        v.push_back(static_cast<std::int32_t>(r.uniform(INT32_MIN, INT32_MAX)));
    return v;
}

template <class T>
std::vector<T> random_vec(edgekern_test::rng& r, std::size_t n, std::int64_t lo, std::int64_t hi) {
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(r.uniform(lo, hi));
    return v;
}

} // namespace simd_test
