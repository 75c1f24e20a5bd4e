// SPDX-License-Identifier: Apache-2.0
// Tests of the simd/ dot products and mac_s8: scalar vs an int64 oracle, every backend vs scalar bit for bit,
// over length sweeps, unaligned pointers, extreme values, wrap-around beyond the headroom bound, and exhaustive
// sweeps over all int8 x int8 and int16 x int8 pairs (int16 x int16 with the build's sweep stride).
#include <cstdint>
#include <cstring>
#include <vector>

#include "edgekern/simd/simd.hpp"
#include "simd_test_util.hpp"

namespace es = edgekern::simd;
using edgekern_test::for_each_arch;
using edgekern_test::sweep_stride;
using simd_test::oracle_dot;
using simd_test::wrap32;

namespace {

// Sanitizer builds run the int16 x int16 sweep over every 7th x value (still every y): ~10x slower code there.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::uint32_t sanitizer_step = 7;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
constexpr std::uint32_t sanitizer_step = 7;
#else
constexpr std::uint32_t sanitizer_step = 1;
#endif
#else
constexpr std::uint32_t sanitizer_step = 1;
#endif

// Runs check(a_ptr, b_ptr, n) over every length and 4 x 4 misalignments, with values drawn from [lo, hi].
template <class A, class B, class F>
void sweep_random(std::uint64_t seed, std::int64_t lo_a, std::int64_t hi_a, std::int64_t lo_b, std::int64_t hi_b,
                  F&& check) {
    edgekern_test::rng r(seed);
    for (std::size_t n : simd_test::lengths()) {
        const auto a = simd_test::random_vec<A>(r, n + 4, lo_a, hi_a);
        const auto b = simd_test::random_vec<B>(r, n + 4, lo_b, hi_b);
        for (std::size_t off = 0; off < 4; ++off) check(a.data() + off, b.data() + (3 - off), n);
    }
}

} // namespace

TEST_CASE("dot_s8: every backend equals scalar and the oracle (random, extremes, unaligned)") {
    const std::int64_t ranges[][2] = {{-128, 127}, {-128, -127}, {126, 127}};
    std::uint64_t seed = 1;
    for (const auto& ra : ranges)
        for (const auto& rb : ranges)
            sweep_random<std::int8_t, std::int8_t>(
                seed++, ra[0], ra[1], rb[0], rb[1], [](const std::int8_t* a, const std::int8_t* b, std::size_t n) {
                    const std::int32_t ref = es::dot_s8(a, b, n, edgekern::arch::scalar{});
                    REQUIRE(ref == wrap32(oracle_dot(a, b, n)));
                    for_each_arch([&](auto tag) {
                        INFO("arch: ", doctest::String(tag.name));
                        CAPTURE(n);
                        REQUIRE(es::dot_s8(a, b, n, tag) == ref);
                    });
                });
}

TEST_CASE("dot_s8: headroom bound is exact and beyond it every backend wraps identically") {
    const std::size_t nmax = es::dot_s8_max_length;
    std::vector<std::int8_t> a(nmax + 200, -128), b(nmax + 200, -128);
    for (std::size_t n : {nmax, nmax + 1, nmax + 67}) {
        const std::int64_t exact = oracle_dot(a.data(), b.data(), n);
        if (n == nmax) CHECK(exact == INT32_MAX - (16384 - 1)); // (2^17 - 1) * 2^14 fits
        const std::int32_t ref = es::dot_s8(a.data(), b.data(), n, edgekern::arch::scalar{});
        CHECK(ref == wrap32(exact));
        if (n == nmax) CHECK(std::int64_t{ref} == exact);
        for_each_arch([&](auto tag) {
            INFO("arch: ", doctest::String(tag.name));
            CHECK(es::dot_s8(a.data(), b.data(), n, tag) == ref);
        });
    }
}

TEST_CASE("dot_s8: exhaustive over all int8 pairs") {
    // a[k] = high byte of k, b[k] = low byte: the 65536 pairs in sequence; every chunk (of sizes that straddle
    // the vector widths) is checked, so each pair sits in some lane of some vector. Chunk starts step by the
    // sweep stride on emulated targets.
    std::vector<std::int8_t> a(65536 + 256), b(65536 + 256);
    for (std::size_t k = 0; k < a.size(); ++k) {
        a[k] = static_cast<std::int8_t>(static_cast<std::uint8_t>((k >> 8) & 0xFF));
        b[k] = static_cast<std::int8_t>(static_cast<std::uint8_t>((k * 7 + 3) & 0xFF)); // all b for each a
    }
    for (std::size_t chunk : {16u, 64u, 67u, 256u}) {
        for (std::size_t start = 0; start < 65536; start += chunk * (sweep_stride == 1 ? 1 : 17)) {
            const std::int32_t ref = es::dot_s8(a.data() + start, b.data() + start, chunk, edgekern::arch::scalar{});
            REQUIRE(ref == wrap32(oracle_dot(a.data() + start, b.data() + start, chunk)));
            for_each_arch([&](auto tag) {
                INFO("arch: ", doctest::String(tag.name));
                CAPTURE(start);
                REQUIRE(es::dot_s8(a.data() + start, b.data() + start, chunk, tag) == ref);
            });
        }
    }
}

TEST_CASE("dot_s16_s64: every backend equals scalar and the oracle") {
    const std::int64_t ranges[][2] = {{-32768, 32767}, {-32768, -32767}, {32766, 32767}, {-300, 300}};
    std::uint64_t seed = 100;
    for (const auto& ra : ranges)
        for (const auto& rb : ranges)
            sweep_random<std::int16_t, std::int16_t>(
                seed++, ra[0], ra[1], rb[0], rb[1], [](const std::int16_t* a, const std::int16_t* b, std::size_t n) {
                    const std::int64_t ref = es::dot_s16_s64(a, b, n, edgekern::arch::scalar{});
                    REQUIRE(ref == oracle_dot(a, b, n));
                    for_each_arch([&](auto tag) {
                        INFO("arch: ", doctest::String(tag.name));
                        CAPTURE(n);
                        REQUIRE(es::dot_s16_s64(a, b, n, tag) == ref);
                    });
                });
}

TEST_CASE("dot_s16_s64: all (-32768)^2 (the pair sum that wraps vpmaddwd) over long vectors") {
    std::vector<std::int16_t> a(70000, INT16_MIN);
    for (std::size_t n : {2u, 31u, 32u, 64u, 65u, 4099u, 70000u}) {
        const std::int64_t exact = std::int64_t{1} << 30;
        for_each_arch([&](auto tag) {
            INFO("arch: ", doctest::String(tag.name));
            CHECK(es::dot_s16_s64(a.data(), a.data(), n, tag) == exact * static_cast<std::int64_t>(n));
        });
    }
}

TEST_CASE("dot_s16_s64: exhaustive over int16 pairs (strided on emulated targets)") {
    // For every x, a = x repeated and b = all 65536 int16 values;
    // the dot over each 96-element chunk is checked, so each (x, y) product lands in a checked sum.
    std::vector<std::int16_t> b(65536), a(65536);
    for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::int16_t>(static_cast<std::uint16_t>(k));
    const std::uint32_t step = sweep_stride == 1 ? sanitizer_step : sweep_stride * 4 + 1;
    const std::size_t chunk = 96;
    std::vector<std::int64_t> chunk_sum; // sum of b over each chunk: the oracle is x * chunk_sum
    for (std::size_t s = 0; s < 65536; s += chunk) {
        std::int64_t t = 0;
        for (std::size_t k = s; k < s + chunk && k < 65536; ++k) t += b[k];
        chunk_sum.push_back(t);
    }
    std::size_t checked = 0;
    for (std::uint32_t xu = 0; xu < 65536; xu += step) {
        const auto x = static_cast<std::int16_t>(static_cast<std::uint16_t>(xu));
        for (auto& v : a) v = x;
        for (std::size_t s = 0; s < 65536; s += chunk) {
            const std::size_t n = s + chunk <= 65536 ? chunk : 65536 - s;
            const std::int64_t ref = std::int64_t{x} * chunk_sum[s / chunk];
            bool all_equal = true;
            for_each_arch(
                [&](auto tag) { all_equal = all_equal && es::dot_s16_s64(a.data() + s, b.data() + s, n, tag) == ref; });
            if (!all_equal) {
                CAPTURE(x);
                CAPTURE(s);
                REQUIRE(all_equal);
            }
            ++checked;
        }
    }
    CHECK(checked > 0);
}

TEST_CASE("dot_s16_s8 and dot_s16_s8_s32: every backend equals scalar and the oracle") {
    const std::int64_t ra[][2] = {{-32768, 32767}, {-32768, -32767}, {32766, 32767}};
    const std::int64_t rb[][2] = {{-128, 127}, {-128, -127}, {126, 127}};
    std::uint64_t seed = 200;
    for (const auto& x : ra)
        for (const auto& y : rb)
            sweep_random<std::int16_t, std::int8_t>(
                seed++, x[0], x[1], y[0], y[1], [](const std::int16_t* a, const std::int8_t* b, std::size_t n) {
                    const std::int64_t exact = oracle_dot(a, b, n);
                    const std::int64_t ref64 = es::dot_s16_s8(a, b, n, edgekern::arch::scalar{});
                    const std::int32_t ref32 = es::dot_s16_s8_s32(a, b, n, edgekern::arch::scalar{});
                    REQUIRE(ref64 == exact);
                    REQUIRE(ref32 == wrap32(exact));
                    for_each_arch([&](auto tag) {
                        INFO("arch: ", doctest::String(tag.name));
                        CAPTURE(n);
                        REQUIRE(es::dot_s16_s8(a, b, n, tag) == ref64);
                        REQUIRE(es::dot_s16_s8_s32(a, b, n, tag) == ref32);
                    });
                });
}

TEST_CASE("dot_s16_s8: int32 block flush and the int32 variant's headroom bound") {
    // Long all-extreme vectors cross the int32 block flush of the int64 variant several times.
    std::vector<std::int16_t> a(100000, INT16_MIN);
    std::vector<std::int8_t> b(100000, INT8_MIN);
    const std::size_t nmax = es::dot_s16_s8_s32_max_length;
    for (std::size_t n : {nmax, nmax + 1, std::size_t{4096 + 17}, std::size_t{100000}}) {
        const std::int64_t exact = (std::int64_t{1} << 22) * static_cast<std::int64_t>(n);
        if (n == nmax) CHECK(exact <= INT32_MAX);
        if (n == nmax + 1) CHECK(exact > INT32_MAX);
        for_each_arch([&](auto tag) {
            INFO("arch: ", doctest::String(tag.name));
            CAPTURE(n);
            CHECK(es::dot_s16_s8(a.data(), b.data(), n, tag) == exact);
            CHECK(es::dot_s16_s8_s32(a.data(), b.data(), n, tag) == wrap32(exact));
        });
    }
}

TEST_CASE("dot_s16_s8: exhaustive over all int16 x int8 pairs") {
    // For each weight w: a = all 65536 int16 values, b = w repeated; chunk sums checked as above.
    std::vector<std::int16_t> a(65536);
    std::vector<std::int8_t> b(65536);
    for (std::size_t k = 0; k < a.size(); ++k) a[k] = static_cast<std::int16_t>(static_cast<std::uint16_t>(k * 40503u));
    const int step = sweep_stride == 1 ? 1 : 5;
    for (int w = -128; w <= 127; w += step) {
        for (auto& v : b) v = static_cast<std::int8_t>(w);
        for (std::size_t s = 0; s < 65536; s += 80) {
            const std::size_t n = s + 80 <= 65536 ? 80 : 65536 - s;
            const std::int64_t exact = oracle_dot(a.data() + s, b.data() + s, n);
            bool all_equal = true;
            for_each_arch([&](auto tag) {
                all_equal = all_equal && es::dot_s16_s8(a.data() + s, b.data() + s, n, tag) == exact &&
                            es::dot_s16_s8_s32(a.data() + s, b.data() + s, n, tag) == wrap32(exact);
            });
            if (!all_equal) {
                CAPTURE(w);
                CAPTURE(s);
                REQUIRE(all_equal);
            }
        }
    }
}

TEST_CASE("mac_s8: every backend equals scalar, exhaustive over int8 pairs, wraps identically") {
    // Each b in [-128, 127] against a = all 256 int8 values (plus random tails and misalignment), accumulators
    // seeded with random and extreme values so the modulo-2^32 wrap is exercised.
    edgekern_test::rng r(300);
    std::vector<std::int8_t> a(256 + 64 + 4);
    for (std::size_t k = 0; k < a.size(); ++k) a[k] = static_cast<std::int8_t>(static_cast<std::uint8_t>(k & 0xFF));
    for (int bi = -128; bi <= 127; ++bi) {
        const auto b = static_cast<std::int8_t>(bi);
        for (std::size_t n : {std::size_t{256}, std::size_t{256 + 63}, std::size_t{17}}) {
            const std::size_t off = static_cast<std::size_t>(bi & 3);
            std::vector<std::int32_t> init(n);
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t pick = r.uniform(0, 3);
                init[i] = pick == 0   ? INT32_MAX - 100
                          : pick == 1 ? INT32_MIN + 100
                                      : static_cast<std::int32_t>(r.uniform(-1000000, 1000000));
            }
            std::vector<std::int32_t> ref = init;
            es::mac_s8(ref.data(), a.data() + off, b, n, edgekern::arch::scalar{});
            for (std::size_t i = 0; i < n; ++i)
                REQUIRE(ref[i] == wrap32(std::int64_t{init[i]} + std::int64_t{a[i + off]} * b));
            for_each_arch([&](auto tag) {
                // Unaligned accumulators too: copy into a buffer at an odd int32 offset.
                std::vector<std::int32_t> buf(n + 1);
                std::memcpy(buf.data() + 1, init.data(), n * sizeof(std::int32_t));
                es::mac_s8(buf.data() + 1, a.data() + off, b, n, tag);
                INFO("arch: ", doctest::String(tag.name));
                CAPTURE(bi);
                REQUIRE(std::memcmp(buf.data() + 1, ref.data(), n * sizeof(std::int32_t)) == 0);
            });
        }
    }
}

TEST_CASE("mac_s8: length sweep, writes nothing past n") {
    edgekern_test::rng r(301);
    for (std::size_t n : simd_test::lengths()) {
        const auto a = simd_test::random_vec<std::int8_t>(r, n, -128, 127);
        const auto b = static_cast<std::int8_t>(r.uniform(-128, 127));
        const auto init = simd_test::random_vec<std::int32_t>(r, n + 8, -100000, 100000);
        std::vector<std::int32_t> ref = init;
        es::mac_s8(ref.data(), a.data(), b, n, edgekern::arch::scalar{});
        for_each_arch([&](auto tag) {
            std::vector<std::int32_t> got = init;
            es::mac_s8(got.data(), a.data(), b, n, tag);
            INFO("arch: ", doctest::String(tag.name));
            CAPTURE(n);
            REQUIRE(got == ref); // includes the 8 guard elements past n
        });
    }
}
