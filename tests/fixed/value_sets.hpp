// SPDX-License-Identifier: Apache-2.0
// value_sets.hpp: the dense 32/64-bit operand sets the fixed/ tests sweep (powers of two and neighbours, extremes,
// seeded random values).
#pragma once

#include <cstddef>
#include <cstdint>

#include "support/test_support.hpp"

namespace fixed_test {

/// 0, +-1, +-2^i, +-2^i +- 1 (i = 1..30), INT32_MIN, INT32_MIN + 1, INT32_MAX, and n_random seeded values.
struct dense32 {
    static constexpr std::size_t n_random = 64;
    std::int32_t v[6 * 30 + 6 + n_random];
    std::size_t n = 0;
    explicit dense32(std::uint64_t seed) {
        add(0);
        add(1);
        add(-1);
        add(INT32_MIN);
        add(INT32_MIN + 1);
        add(INT32_MAX);
        for (int i = 1; i <= 30; ++i) {
            const std::int32_t p = std::int32_t{1} << i;
            add(p);
            add(p - 1);
            add(p + 1);
            add(-p);
            add(-p + 1);
            add(-p - 1);
        }
        edgekern_test::rng r(seed);
        for (std::size_t i = 0; i < n_random; ++i) add(static_cast<std::int32_t>(r.uniform(INT32_MIN, INT32_MAX)));
    }
    void add(std::int32_t x) { v[n++] = x; }
    const std::int32_t* begin() const { return v; }
    const std::int32_t* end() const { return v + n; }
};

/// The same construction for int64 (i = 1..62).
struct dense64 {
    static constexpr std::size_t n_random = 64;
    std::int64_t v[6 * 62 + 6 + n_random];
    std::size_t n = 0;
    explicit dense64(std::uint64_t seed) {
        add(0);
        add(1);
        add(-1);
        add(INT64_MIN);
        add(INT64_MIN + 1);
        add(INT64_MAX);
        for (int i = 1; i <= 62; ++i) {
            const std::int64_t p = std::int64_t{1} << i;
            add(p);
            add(p - 1);
            add(p + 1);
            add(-p);
            add(-p + 1);
            add(-p - 1);
        }
        edgekern_test::rng r(seed);
        for (std::size_t i = 0; i < n_random; ++i) add(static_cast<std::int64_t>(r.next()));
    }
    void add(std::int64_t x) { v[n++] = x; }
    const std::int64_t* begin() const { return v; }
    const std::int64_t* end() const { return v + n; }
};

} // namespace fixed_test
