// SPDX-License-Identifier: Apache-2.0
// Tests for fixed/quantize.hpp requantization: both TFLite rounding modes and the 16x8 int64 path against the
// oracles in tests/reference, quantize_multiplier against numpy golden vectors, and the bad-input statuses.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "edgekern/fixed/quantize.hpp"
#include "fixed/value_sets.hpp"
#include "reference/requantize_reference.hpp"
#include "support/test_support.hpp"
#include "vectors/requantize_vectors.hpp"

namespace ek = edgekern;
namespace ref = edgekern_ref;
using edgekern::status;
using edgekern_test::sweep_stride;

namespace {
/// Valid multipliers: both ends of [2^30, 2^31), 0, a few structured values and seeded random ones.
struct multiplier_set {
    std::int32_t v[8 + 12];
    std::size_t n = 0;
    explicit multiplier_set(std::uint64_t seed) {
        const std::int32_t fixed_values[] = {0,       1 << 30,        (1 << 30) + 1, INT32_MAX, INT32_MAX - 1,
                                             3 << 29, 0x7FFF0000 - 1, 0x7FFF0000};
        for (std::int32_t m : fixed_values) v[n++] = m;
        edgekern_test::rng r(seed);
        for (int i = 0; i < 12; ++i) v[n++] = static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, INT32_MAX));
    }
    const std::int32_t* begin() const { return v; }
    const std::int32_t* end() const { return v + n; }
};
} // namespace

TEST_CASE("check_quantized_multiplier accepts exactly shift in [-31, 30] and multiplier 0 or in [2^30, 2^31)") {
    CHECK(ek::check_quantized_multiplier(1 << 30, 0) == status::ok);
    CHECK(ek::check_quantized_multiplier(INT32_MAX, 30) == status::ok);
    CHECK(ek::check_quantized_multiplier(0, -31) == status::ok);
    CHECK(ek::check_quantized_multiplier(1 << 30, -31) == status::ok);
    CHECK(ek::check_quantized_multiplier(1 << 30, 31) == status::invalid_quantization);
    CHECK(ek::check_quantized_multiplier(1 << 30, -32) == status::invalid_quantization);
    CHECK(ek::check_quantized_multiplier((1 << 30) - 1, 0) == status::invalid_quantization);
    CHECK(ek::check_quantized_multiplier(1, 0) == status::invalid_quantization);
    CHECK(ek::check_quantized_multiplier(-1, 0) == status::invalid_quantization);
    CHECK(ek::check_quantized_multiplier(INT32_MIN, 0) == status::invalid_quantization);
    static_assert(ek::check_quantized_multiplier(1 << 30, 0) == status::ok, "constexpr");
}

TEST_CASE("pinned: requantization examples worked out by hand") {
    // multiplier 2^30 is 0.5; shift -1 halves again: acc * 0.25.
    CHECK(ek::requantize_double_rounding(10, 1 << 30, -1) == 3);   // 2.5 -> srdhm 5, then 5/2 = 2.5 -> 3 (away)
    CHECK(ek::requantize_single_rounding(10, 1 << 30, -1) == 3);   // 2.5 -> 3 (up)
    CHECK(ek::requantize_double_rounding(-10, 1 << 30, -1) == -3); // srdhm(-10, .5) = -5; -2.5 -> -3 (away)
    CHECK(ek::requantize_single_rounding(-10, 1 << 30, -1) == -2); // -2.5 -> -2 (toward +inf): the modes differ
    CHECK(ek::requantize_double_rounding(-3, 1 << 30, 0) == -1);   // srdhm: -1.5 -> -1
    CHECK(ek::requantize_single_rounding(-3, 1 << 30, 0) == -1);
    // Double rounding: 3 * 0.5 = 1.5 -> 2 in SRDHM, then 2 / 2 = 1; single: 0.75 -> 1.
    CHECK(ek::requantize_double_rounding(3, 1 << 30, -1) == 1);
    // acc * 2^left saturates (TFLite would overflow): INT32_MAX * 2 -> INT32_MAX, times 0.5 rounds up to 2^30.
    CHECK(ek::requantize_double_rounding(INT32_MAX, 1 << 30, 1) == (1 << 30));
    CHECK(ek::requantize_single_rounding(INT32_MAX, 1 << 30, 1) == INT32_MAX);
    CHECK(ek::requantize_single_rounding(INT32_MIN, INT32_MAX, 30) == INT32_MIN);
    CHECK(ek::requantize(100, 0, 5, ek::rounding_mode::double_rounding) == 0);
    CHECK(ek::requantize(100, 0, 5, ek::rounding_mode::single_rounding) == 0);
    // 16x8: m16 of 2^30 is 2^14 (0.5); shift 0 -> total 15: acc * 2^14 / 2^15.
    CHECK(ek::reduced_multiplier_16(1 << 30) == (1 << 14));
    CHECK(ek::reduced_multiplier_16(0x7FFF0000 - 1) == 0x7FFF);
    CHECK(ek::reduced_multiplier_16(INT32_MAX) == 0x7FFF);
    CHECK(ek::requantize_16x8_int64(5, 1 << 30, 0) == 3);   // 2.5 -> 3
    CHECK(ek::requantize_16x8_int64(-5, 1 << 30, 0) == -2); // -2.5 -> -2 (ties toward +inf)
    CHECK(ek::requantize_16x8_int64(std::int64_t{1} << 47, 1 << 30, 0) == INT32_MAX);
    CHECK(ek::requantize_16x8_int64(INT64_MIN, 1 << 30, -31) == INT32_MIN); // -2^63 * 2^14 / 2^46 = -2^31 exactly
    CHECK(ek::requantize_16x8_int64(INT64_MIN, (1 << 30) + (1 << 16), -31) == INT32_MIN); // saturates
    CHECK(ek::requantize_16x8_int64(INT64_MAX, INT32_MAX, 30) == INT32_MAX);
    CHECK(ek::requantize_16x8_int64(3, 1 << 30, 20) == 3 * (1 << 14) * 32); // total = -5: no rounding, * 2^5
}

TEST_CASE("requantize, both modes: dense acc x multipliers x every shift in [-31, 30] vs the oracle") {
    const fixed_test::dense32 accs(0x5EED0101u);
    const multiplier_set ms(0x5EED0102u);
    long bad_double = 0, bad_single = 0, bad_dispatch = 0;
    std::size_t cases = 0, index = 0;
    const std::size_t stride = sweep_stride > 1 ? 5 : 1; // emulated targets: every 5th (acc, m) pair
    for (std::int32_t acc : accs) {
        for (std::int32_t m : ms) {
            if (index++ % stride != 0) continue;
            for (int shift = -31; shift <= 30; ++shift) {
                const std::int32_t d = ek::requantize_double_rounding(acc, m, shift);
                const std::int32_t s = ek::requantize_single_rounding(acc, m, shift);
                bad_double += d != ref::ref_requantize_double(acc, m, shift);
                bad_single += s != ref::ref_requantize_single(acc, m, shift);
                bad_dispatch += ek::requantize(acc, m, shift, ek::rounding_mode::double_rounding) != d;
                bad_dispatch += ek::requantize(acc, m, shift, ek::rounding_mode::single_rounding) != s;
                ++cases;
            }
        }
    }
    MESSAGE("requantize cases: " << cases);
    CHECK(bad_double == 0);
    CHECK(bad_single == 0);
    CHECK(bad_dispatch == 0);
}

TEST_CASE("requantize_16x8_int64: dense int64 acc x multipliers x every shift in [-31, 30] vs the 128-bit oracle") {
    const fixed_test::dense64 accs(0x5EED0201u);
    const multiplier_set ms(0x5EED0202u);
    long bad = 0;
    std::size_t cases = 0, index = 0;
    const std::size_t stride = sweep_stride > 1 ? 7 : 1;
    for (std::int64_t acc : accs) {
        for (std::int32_t m : ms) {
            if (index++ % stride != 0) continue;
            for (int shift = -31; shift <= 30; ++shift) {
                bad += ek::requantize_16x8_int64(acc, m, shift) != ref::ref_requantize_16x8(acc, m, shift);
                ++cases;
            }
        }
    }
    // Inside TFLite's documented range (|acc| < 2^47, shift <= 7) the plain int64 formula is exact: check against
    // it as written in TFLite, a third formulation.
    edgekern_test::rng r(0x5EED0203u);
    const int n_tflite = sweep_stride > 1 ? 2000 : 200000;
    for (int i = 0; i < n_tflite; ++i) {
        const std::int64_t acc = r.uniform(-(std::int64_t{1} << 47), (std::int64_t{1} << 47) - 1) >> r.uniform(0, 40);
        const auto m = static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, INT32_MAX));
        const int shift = static_cast<int>(r.uniform(-31, 7));
        const std::int64_t m16 = m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF;
        const int total = 15 - shift;
        const std::int64_t x = (acc * m16 + (std::int64_t{1} << (total - 1))) >> total;
        const std::int64_t want = x > INT32_MAX ? INT32_MAX : (x < INT32_MIN ? INT32_MIN : x);
        bad += ek::requantize_16x8_int64(acc, m, shift) != want;
        ++cases;
    }
    MESSAGE("requantize_16x8_int64 cases: " << cases);
    CHECK(bad == 0);
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef __int128 host_i128;

TEST_CASE("the 16x8 oracle's hand-made 128-bit arithmetic agrees with host_i128 (host self-check of the oracle)") {
    const fixed_test::dense64 accs(0x5EED0301u);
    const multiplier_set ms(0x5EED0302u);
    long bad = 0;
    for (std::int64_t acc : accs)
        for (std::int32_t m : ms)
            for (int shift = -31; shift <= 30; ++shift) {
                const host_i128 m16 = ref::ref_reduced_multiplier(m);
                const int total = 15 - shift;
                host_i128 p = static_cast<host_i128>(acc) * m16;
                if (total >= 1)
                    p = (p + (static_cast<host_i128>(1) << (total - 1))) >> total;
                else
                    p = p * (static_cast<host_i128>(1) << -total);
                const std::int32_t want =
                    p > INT32_MAX ? INT32_MAX : (p < INT32_MIN ? INT32_MIN : static_cast<std::int32_t>(p));
                bad += ref::ref_requantize_16x8(acc, m, shift) != want;
            }
    CHECK(bad == 0);
}
#endif

TEST_CASE("single vs double rounding differ by at most 1, on a non-zero fraction below 1 % of conv-like inputs") {
    edgekern_test::rng r(0x5EED0401u);
    const int n = sweep_stride > 1 ? 20000 : 1000000;
    int differ = 0, worse_than_one = 0;
    for (int i = 0; i < n; ++i) {
        // Conv-like: accumulators up to ~2^20, per-channel scale s_in * s_w / s_out ~ 2^-6 .. 2^-12.
        const auto acc = static_cast<std::int32_t>(r.uniform(-(1 << 20), 1 << 20));
        const auto m = static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, INT32_MAX));
        const auto shift = static_cast<std::int32_t>(r.uniform(-11, -5));
        const std::int32_t d = ek::requantize_double_rounding(acc, m, shift);
        const std::int32_t s = ek::requantize_single_rounding(acc, m, shift);
        differ += d != s;
        worse_than_one += (d - s > 1 || s - d > 1);
    }
    const double fraction = static_cast<double>(differ) / n;
    MESSAGE("single vs double rounding differ on " << differ << " of " << n << " (" << 100.0 * fraction << " %)");
    CHECK(worse_than_one == 0);
    CHECK(differ > 0);
    CHECK(fraction < 0.01);
}

TEST_CASE("requantize stays defined (no UB) outside its precondition") {
    // Values are unspecified there; this runs the extremes under the sanitizer build and checks determinism.
    const std::int32_t ms[] = {INT32_MIN, -1, 1, (1 << 30) - 1, INT32_MAX};
    const int shifts[] = {-1000, -64, -32, 31, 32, 64, 1000};
    const std::int32_t accs[] = {INT32_MIN, -1, 0, 1, INT32_MAX};
    long differ = 0;
    for (std::int32_t m : ms)
        for (int sh : shifts)
            for (std::int32_t acc : accs) {
                differ += ek::requantize_double_rounding(acc, m, sh) != ek::requantize_double_rounding(acc, m, sh);
                differ += ek::requantize_single_rounding(acc, m, sh) != ek::requantize_single_rounding(acc, m, sh);
                differ += ek::requantize_16x8_int64(std::int64_t{acc} * 4096, m, sh) !=
                          ek::requantize_16x8_int64(std::int64_t{acc} * 4096, m, sh);
            }
    CHECK(differ == 0);
    // Valid shifts with a negative (invalid) multiplier are computed exactly by the same formulas.
    CHECK(ek::requantize_single_rounding(1 << 20, -(1 << 30), -1) ==
          ref::ref_requantize_single(1 << 20, -(1 << 30), -1));
    CHECK(ek::requantize_double_rounding(1 << 20, -(1 << 30), -1) ==
          ref::ref_requantize_double(1 << 20, -(1 << 30), -1));
}

// ---- quantize_multiplier ----------------------------------------------------------------------------------------

TEST_CASE("quantize_multiplier matches the numpy golden vectors (TFLite recipe) and the oracle") {
    long bad = 0, bad_ref = 0;
    std::size_t n = 0;
    for (const auto& v : edgekern_vectors::quantize_multiplier_vectors) {
        ek::quantized_multiplier q{-7, -7};
        const status st = ek::quantize_multiplier(v.scale, q);
        if (v.status == 0) {
            bad += st != status::ok || q.multiplier != v.multiplier || q.shift != v.shift;
            bad += ek::check_quantized_multiplier(q.multiplier, q.shift) != status::ok;
        } else {
            bad += st != status::invalid_quantization || q.multiplier != -7 || q.shift != -7;
        }
        std::int32_t rm = 0, rs = 0;
        const bool rok = ref::ref_quantize_multiplier(v.scale, rm, rs);
        bad_ref += rok != (v.status == 0) || (rok && (rm != v.multiplier || rs != v.shift));
        if (bad != 0 && n < 3) MESSAGE("first mismatch at scale " << v.scale);
        ++n;
    }
    MESSAGE("golden quantize_multiplier vectors: " << n);
    CHECK(n > 500);
    CHECK(bad == 0);
    CHECK(bad_ref == 0);
}

TEST_CASE("quantize_multiplier: pinned values and bad input leaves the output untouched") {
    ek::quantized_multiplier q{};
    REQUIRE(ek::quantize_multiplier(1.0, q) == status::ok);
    CHECK(q.multiplier == (1 << 30));
    CHECK(q.shift == 1);
    REQUIRE(ek::quantize_multiplier(0.5, q) == status::ok);
    CHECK(q.multiplier == (1 << 30));
    CHECK(q.shift == 0);
    REQUIRE(ek::quantize_multiplier(1.0 - std::ldexp(1.0, -33), q) == status::ok); // rounds up to 2^31
    CHECK(q.multiplier == (1 << 30));
    CHECK(q.shift == 1);
    REQUIRE(ek::quantize_multiplier(std::ldexp(1.0, -40), q) == status::ok); // below 2^-32: TFLite's (0, 0)
    CHECK(q.multiplier == 0);
    CHECK(q.shift == 0);
    REQUIRE(ek::quantize_multiplier(std::numeric_limits<double>::denorm_min(), q) == status::ok);
    CHECK(q.multiplier == 0);
    CHECK(q.shift == 0);

    const double bad_scales[] = {0.0,
                                 -0.0,
                                 -1.0,
                                 -std::numeric_limits<double>::denorm_min(),
                                 std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity(),
                                 std::ldexp(1.0, 30),
                                 std::numeric_limits<double>::max()};
    for (double s : bad_scales) {
        ek::quantized_multiplier untouched{12345, 6};
        CHECK(ek::quantize_multiplier(s, untouched) == status::invalid_quantization);
        CHECK(untouched.multiplier == 12345);
        CHECK(untouched.shift == 6);
    }
}

TEST_CASE("quantize_multiplier then requantize approximates acc * scale within the documented error") {
    edgekern_test::rng r(0x5EED0501u);
    const int n = sweep_stride > 1 ? 300 : 20000;
    int bad = 0;
    for (int i = 0; i < n; ++i) {
        const double scale =
            std::ldexp(1.0 + static_cast<double>(r.next() >> 11) * 0x1p-53, static_cast<int>(r.uniform(-20, 0)));
        ek::quantized_multiplier q{};
        REQUIRE(ek::quantize_multiplier(scale, q) == status::ok);
        const auto acc = static_cast<std::int32_t>(r.uniform(-(1 << 24), 1 << 24));
        const double exact = static_cast<double>(acc) * scale;
        for (auto mode : {ek::rounding_mode::double_rounding, ek::rounding_mode::single_rounding}) {
            const double got = ek::requantize(acc, q.multiplier, q.shift, mode);
            // rounding (<= 1 for two roundings) + multiplier error (|exact| * 2^-31)
            bad += std::fabs(got - exact) > 1.0 + std::fabs(exact) * 0x1p-30;
        }
    }
    CHECK(bad == 0);
}
