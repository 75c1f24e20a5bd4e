// SPDX-License-Identifier: Apache-2.0
// Tests for affine quantize/dequantize (scalar and span forms, statuses) and for fixed<Storage, FracBits>.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "edgekern/fixed/fixed.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "reference/requantize_reference.hpp"
#include "support/test_support.hpp"

namespace ek = edgekern;
namespace ref = edgekern_ref;
using edgekern::span;
using edgekern::status;
using edgekern_test::sweep_stride;

namespace {
template <class T>
long quantize_mismatches(std::uint64_t seed, int n) {
    edgekern_test::rng r(seed);
    long bad = 0;
    const auto lo = static_cast<std::int64_t>(std::numeric_limits<T>::min());
    const auto hi = static_cast<std::int64_t>(std::numeric_limits<T>::max());
    for (int i = 0; i < n; ++i) {
        const float scale = std::ldexp(r.uniform_f(1.0f, 2.0f), static_cast<int>(r.uniform(-20, 4)));
        const auto zp = static_cast<std::int32_t>(r.uniform(lo < -1000 ? -1000 : lo, hi > 1000 ? 1000 : hi));
        float x;
        switch (i % 4) {
        case 0: // ties: (k + 0.5) * scale is exact for small k and power-of-two scales; use such a scale
            x = (static_cast<float>(r.uniform(-300, 300)) + 0.5f) *
                std::ldexp(1.0f, static_cast<int>(r.uniform(-8, 2)));
            break;
        case 1: // saturating range
            x = r.uniform_f(-1e6f, 1e6f);
            break;
        default: // in range
            x = r.uniform_f(-1.0f, 1.0f) * scale * static_cast<float>(hi - lo) * 0.5f;
        }
        const float s = (i % 4 == 0) ? std::ldexp(1.0f, static_cast<int>(r.uniform(-8, 2))) : scale;
        T q{};
        if (ek::quantize(x, s, zp, q) != status::ok) {
            ++bad;
            continue;
        }
        bad += static_cast<std::int64_t>(q) != ref::ref_quantize(x, s, zp, lo, hi);
        float back = 0.0f;
        if (ek::dequantize(q, s, zp, back) != status::ok) ++bad;
        bad += back != s * static_cast<float>(static_cast<std::int64_t>(q) - zp);
    }
    return bad;
}
} // namespace

TEST_CASE("quantize/dequantize match the oracle for int8, uint8, int16, int32") {
    const int n = sweep_stride > 1 ? 2000 : 200000;
    CHECK(quantize_mismatches<std::int8_t>(0x5EED0601u, n) == 0);
    CHECK(quantize_mismatches<std::uint8_t>(0x5EED0602u, n) == 0);
    CHECK(quantize_mismatches<std::int16_t>(0x5EED0603u, n) == 0);
    CHECK(quantize_mismatches<std::int32_t>(0x5EED0604u, n) == 0);
}

TEST_CASE("pinned: quantize rounds half away from zero (std::round, not numpy's half-to-even) and saturates") {
    std::int8_t q = 0;
    REQUIRE(ek::quantize(1.25f, 0.5f, 0, q) == status::ok); // 2.5 -> 3
    CHECK(q == 3);
    REQUIRE(ek::quantize(-1.25f, 0.5f, 0, q) == status::ok); // -2.5 -> -3
    CHECK(q == -3);
    REQUIRE(ek::quantize(0.75f, 0.5f, -1, q) == status::ok); // 1.5 -> 2, -1 -> 1
    CHECK(q == 1);
    REQUIRE(ek::quantize(1000.0f, 0.5f, 10, q) == status::ok);
    CHECK(q == 127);
    REQUIRE(ek::quantize(-1e30f, 1e-30f, 0, q) == status::ok); // quotient overflows float: still saturates
    CHECK(q == -128);
    std::uint8_t u = 0;
    REQUIRE(ek::quantize(-1.0f, 1.0f, 0, u) == status::ok);
    CHECK(u == 0);
    REQUIRE(ek::quantize(0.0f, 1.0f, 255, u) == status::ok);
    CHECK(u == 255);
    std::int32_t w = 0;
    REQUIRE(ek::quantize(3e9f, 1.0f, 0, w) == status::ok);
    CHECK(w == INT32_MAX);
    float f = 0.0f;
    REQUIRE(ek::dequantize(std::int8_t{-128}, 0.5f, 3, f) == status::ok);
    CHECK(f == -65.5f);
}

TEST_CASE("quantize/dequantize bad input: precise status, output untouched") {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const float bad_scales[] = {0.0f, -0.0f, -1.0f, nan, inf, -inf};
    for (float s : bad_scales) {
        std::int8_t q = 42;
        CHECK(ek::quantize(1.0f, s, 0, q) == status::invalid_quantization);
        CHECK(q == 42);
        float f = 7.0f;
        CHECK(ek::dequantize(std::int8_t{1}, s, 0, f) == status::invalid_quantization);
        CHECK(f == 7.0f);
    }
    std::int8_t q = 42;
    CHECK(ek::quantize(1.0f, 1.0f, 128, q) == status::invalid_quantization); // zero point outside int8
    CHECK(ek::quantize(1.0f, 1.0f, -129, q) == status::invalid_quantization);
    std::uint8_t u = 42;
    CHECK(ek::quantize(1.0f, 1.0f, -1, u) == status::invalid_quantization);
    CHECK(ek::quantize(nan, 1.0f, 0, q) == status::non_finite);
    CHECK(ek::quantize(inf, 1.0f, 0, q) == status::non_finite);
    CHECK(ek::quantize(-inf, 1.0f, 0, q) == status::non_finite);
    CHECK(q == 42);
    CHECK(u == 42);
}

TEST_CASE("span quantize/dequantize: values, statuses, nothing written on error") {
    const float in[5] = {0.0f, 0.26f, -0.26f, 10.0f, -0.74f};
    std::int8_t out[5] = {1, 1, 1, 1, 1};
    REQUIRE(ek::quantize(span<const float>(in), 0.5f, 2, span<std::int8_t>(out)) == status::ok);
    const std::int8_t want[5] = {2, 3, 1, 22, 1}; // 0, 0.52 -> 1, -0.52 -> -1, 20, -1.48 -> -1; + 2
    CHECK(std::memcmp(out, want, sizeof(out)) == 0);
    float back[5] = {};
    REQUIRE(ek::dequantize(span<const std::int8_t>(out), 0.5f, 2, span<float>(back)) == status::ok);
    CHECK(back[0] == 0.0f);
    CHECK(back[3] == 10.0f);
    CHECK(back[4] == -0.5f);
    float back2[5] = {};
    REQUIRE(ek::dequantize(span<std::int8_t>(out), 0.5f, 2, span<float>(back2)) == status::ok); // mutable span
    CHECK(std::memcmp(back, back2, sizeof(back)) == 0);

    // a NaN in the LAST element: nothing is written at all
    float with_nan[5] = {1.0f, 2.0f, 3.0f, 4.0f, std::numeric_limits<float>::quiet_NaN()};
    std::int8_t sentinel[5] = {9, 9, 9, 9, 9};
    CHECK(ek::quantize(span<const float>(with_nan), 1.0f, 0, span<std::int8_t>(sentinel)) == status::non_finite);
    for (std::int8_t v : sentinel) CHECK(v == 9);
    CHECK(ek::quantize(span<const float>(in), 1.0f, 0, span<std::int8_t>(sentinel, 4)) == status::shape_mismatch);
    CHECK(ek::quantize(span<const float>(in), 0.0f, 0, span<std::int8_t>(sentinel)) == status::invalid_quantization);
    CHECK(ek::quantize(span<const float>(nullptr, 5), 1.0f, 0, span<std::int8_t>(sentinel)) == status::null_buffer);
    CHECK(ek::dequantize(span<const std::int8_t>(sentinel, 4), 1.0f, 0, span<float>(back)) == status::shape_mismatch);
    for (std::int8_t v : sentinel) CHECK(v == 9);
    CHECK(ek::quantize(span<const float>(), 1.0f, 0, span<std::int8_t>()) == status::ok); // empty: nothing to do

    // overlapping buffers are refused
    alignas(4) unsigned char raw[64] = {};
    float fl[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    std::memcpy(raw, fl, sizeof(fl));
    span<const float> fin(reinterpret_cast<const float*>(raw), 4);
    span<std::int8_t> alias(reinterpret_cast<std::int8_t*>(raw + 8), 4);
    CHECK(ek::quantize(fin, 1.0f, 0, alias) == status::aliasing);
    CHECK(std::memcmp(raw, fl, sizeof(fl)) == 0);
}

// ---- fixed<> ----------------------------------------------------------------------------------------------------

TEST_CASE("q7 multiply, add, sub, negate: all 65536 pairs vs the oracle") {
    long bad = 0;
    for (int a = -128; a <= 127; ++a) {
        for (int b = -128; b <= 127; ++b) {
            const ek::q7 x = ek::q7::from_raw(static_cast<std::int8_t>(a));
            const ek::q7 y = ek::q7::from_raw(static_cast<std::int8_t>(b));
            bad += (x * y).raw != ref::ref_sat8(ref::ref_round_half_away_pow2(a * b, 7));
            bad += (x + y).raw != ref::ref_sat8(a + b);
            bad += (x - y).raw != ref::ref_sat8(a - b);
        }
        bad += (-ek::q7::from_raw(static_cast<std::int8_t>(a))).raw != ref::ref_sat8(-a);
    }
    CHECK(bad == 0);
}

TEST_CASE("q15 multiply: all pairs with a strided first operand; q31 multiply: dense set") {
    long bad = 0;
    const std::int32_t stride = static_cast<std::int32_t>(sweep_stride) * 17; // 3856 rows on host
    for (std::int32_t a = -32768; a <= 32767; a += stride)
        for (std::int32_t b = -32768; b <= 32767; ++b) {
            const ek::q15 p =
                ek::q15::from_raw(static_cast<std::int16_t>(a)) * ek::q15::from_raw(static_cast<std::int16_t>(b));
            bad += p.raw != ref::ref_sat16(ref::ref_round_half_away_pow2(std::int64_t{a} * b, 15));
        }
    const std::int32_t q31_values[] = {INT32_MIN, INT32_MIN + 1, -(1 << 30),    -3,       -1, 0, 1, 2,
                                       3,         1 << 30,       INT32_MAX - 1, INT32_MAX};
    for (std::int32_t a : q31_values)
        for (std::int32_t b : q31_values) {
            const ek::q31 p = ek::q31::from_raw(a) * ek::q31::from_raw(b);
            bad += p.raw != ref::ref_sat32(ref::ref_round_half_away_pow2(std::int64_t{a} * b, 31));
        }
    CHECK(bad == 0);
    // pinned: -1 * -1 saturates to the largest value; ties go away from zero
    CHECK((ek::q15::min() * ek::q15::min()) == ek::q15::max());
    CHECK((ek::q31::min() * ek::q31::min()) == ek::q31::max());
    CHECK((ek::q15::from_raw(-1) * ek::q15::from_raw(16384)).raw == -1); // -2^-16 -> -2^-15 (away from zero)
    CHECK((ek::q15::from_raw(1) * ek::q15::from_raw(16384)).raw == 1);
}

TEST_CASE("fixed from_float / to_float: round to nearest (ties away), saturation, NaN, round trips") {
    CHECK(ek::q15::from_float(0.5f).raw == 16384);
    CHECK(ek::q15::from_float(-1.0f).raw == -32768);
    CHECK(ek::q15::from_float(1.0f).raw == 32767);
    CHECK(ek::q15::from_float(1e30f).raw == 32767);
    CHECK(ek::q15::from_float(-std::numeric_limits<float>::infinity()).raw == -32768);
    CHECK(ek::q15::from_float(std::numeric_limits<float>::quiet_NaN()).raw == 0);
    CHECK(ek::q7::from_float(0.5f / 128.0f).raw == 1);   // tie 0.5 -> 1
    CHECK(ek::q7::from_float(-0.5f / 128.0f).raw == -1); // tie -0.5 -> -1
    CHECK(ek::q7::from_float(1.5f / 128.0f).raw == 2);
    CHECK(ek::q7::from_float(0.49f / 128.0f).raw == 0);
    CHECK(ek::q31::from_float(1.0f).raw == INT32_MAX);
    CHECK(ek::q31::from_float(-1.0f).raw == INT32_MIN);
    CHECK(ek::q31::from_float(0.25f).raw == (1 << 29));
    using q4_11 = ek::fixed<std::int16_t, 11>;
    CHECK(q4_11::from_float(3.0f).raw == 3 * 2048);
    CHECK(q4_11::from_float(-20.0f).raw == -32768);
    CHECK(q4_11::from_float(1.0f / 4096.0f).raw == 1); // half an LSB: away from zero
    static_assert(ek::q15::from_float(0.25f).raw == 8192, "from_float is constexpr");
    long bad = 0;
    for (std::int32_t r = -32768; r <= 32767; ++r) {
        const ek::q15 x = ek::q15::from_raw(static_cast<std::int16_t>(r));
        bad += x.to_float() != std::ldexp(static_cast<float>(r), -15);
        bad += ek::q15::from_float(x.to_float()) != x;
    }
    CHECK(bad == 0);
    CHECK(ek::q15::from_raw(3) < ek::q15::from_raw(4));
    ek::q15 acc = ek::q15::from_float(0.75f);
    acc += ek::q15::from_float(0.75f);
    CHECK(acc == ek::q15::max());
    CHECK(sizeof(ek::q15[4]) == 4 * sizeof(std::int16_t));
}
