// SPDX-License-Identifier: Apache-2.0
// Tests of simd::saturate_narrow (int32 -> int8 / int16): scalar vs the clamp definition, every backend vs scalar
// over a dense value set (+-2^i, +-2^i +- 1, extremes, random), all lengths of the sweep, unaligned pointers, and
// no write past n.
#include <cstdint>
#include <vector>

#include "edgekern/simd/simd.hpp"
#include "simd_test_util.hpp"

namespace es = edgekern::simd;
using edgekern_test::for_each_arch;

namespace {

template <class Out>
void check_narrow(std::int64_t lo, std::int64_t hi) {
    const auto values = simd_test::dense_s32(4096, 400);
    for (std::size_t n : simd_test::lengths()) {
        for (std::size_t off = 0; off < 3; ++off) {
            // Input window: the dense set, rotated so every value visits every lane position over the sweep.
            std::vector<std::int32_t> in(n + off);
            for (std::size_t i = 0; i < in.size(); ++i) in[i] = values[(i + n * 13 + off) % values.size()];
            std::vector<Out> ref(n + off + 8, Out{42});
            es::saturate_narrow(in.data() + off, ref.data() + off, n, edgekern::arch::scalar{});
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t v = in[i + off];
                REQUIRE(std::int64_t{ref[i + off]} == (v < lo ? lo : (v > hi ? hi : v)));
            }
            for_each_arch([&](auto tag) {
                std::vector<Out> got(n + off + 8, Out{42});
                es::saturate_narrow(in.data() + off, got.data() + off, n, tag);
                INFO("arch: ", doctest::String(tag.name));
                CAPTURE(n);
                REQUIRE(got == ref); // also: guard elements before and after stay 42
            });
        }
    }
}

} // namespace

TEST_CASE("saturate_narrow to int8: every backend equals the clamp") {
    check_narrow<std::int8_t>(-128, 127);
}

TEST_CASE("saturate_narrow to int16: every backend equals the clamp") {
    check_narrow<std::int16_t>(-32768, 32767);
}

TEST_CASE("saturate_narrow: every value in [-2^17, 2^17] on every backend") {
    std::vector<std::int32_t> in;
    for (std::int32_t v = -(1 << 17); v <= (1 << 17); v += static_cast<std::int32_t>(edgekern_test::sweep_stride))
        in.push_back(v);
    std::vector<std::int8_t> ref8(in.size());
    std::vector<std::int16_t> ref16(in.size());
    es::saturate_narrow(in.data(), ref8.data(), in.size(), edgekern::arch::scalar{});
    es::saturate_narrow(in.data(), ref16.data(), in.size(), edgekern::arch::scalar{});
    for_each_arch([&](auto tag) {
        std::vector<std::int8_t> got8(in.size());
        std::vector<std::int16_t> got16(in.size());
        es::saturate_narrow(in.data(), got8.data(), in.size(), tag);
        es::saturate_narrow(in.data(), got16.data(), in.size(), tag);
        INFO("arch: ", doctest::String(tag.name));
        CHECK(got8 == ref8);
        CHECK(got16 == ref16);
    });
}
