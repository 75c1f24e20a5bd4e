// SPDX-License-Identifier: Apache-2.0
// Tests of the vector SRDHM and per-channel requantize_s32 (int8 / int16 outputs, both rounding modes): scalar vs
// an oracle written from NUMERICS.md section 1, every backend vs scalar bit for bit over a dense value set
// (+-2^i, +-2^i +- 1, extremes, random) x every shift x boundary multipliers, per-lane varying parameters, tails,
// and the status returned for bad arguments (outputs untouched).
#include <cstdint>
#include <cstring>
#include <vector>

#include "edgekern/simd/simd.hpp"
#include "simd_test_util.hpp"

namespace es = edgekern::simd;
using edgekern::rounding_mode;
using edgekern::status;
using edgekern_test::for_each_arch;
using edgekern_test::sweep_stride;

namespace {

// ---- oracle, straight from the spec (gemmlowp nudge + truncating division; TFLite's two modes) ----------------
std::int64_t sat(std::int64_t v, std::int64_t lo, std::int64_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

std::int32_t oracle_srdhm(std::int32_t a, std::int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    const std::int64_t ab = std::int64_t{a} * b;
    const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
    return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31)); // C++ division truncates
}

std::int32_t oracle_divide_by_pot(std::int32_t x, int e) {
    // Round half away from zero on the magnitude.
    if (e == 0) return x;
    const std::int64_t mag = x < 0 ? -std::int64_t{x} : std::int64_t{x};
    const std::int64_t q = (mag + (std::int64_t{1} << (e - 1))) / (std::int64_t{1} << e);
    return static_cast<std::int32_t>(x < 0 ? -q : q);
}

std::int32_t oracle_requantize(std::int32_t acc, std::int32_t m, std::int32_t shift, rounding_mode mode) {
    if (mode == rounding_mode::double_rounding) {
        const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        const auto scaled =
            static_cast<std::int32_t>(sat(std::int64_t{acc} * (std::int64_t{1} << left), INT32_MIN, INT32_MAX));
        return oracle_divide_by_pot(oracle_srdhm(scaled, m), right);
    }
    const int total = 31 - shift;
    const std::int64_t p = std::int64_t{acc} * m + (std::int64_t{1} << (total - 1));
    // floor division by 2^total (p may be negative)
    const std::int64_t d = std::int64_t{1} << total;
    const std::int64_t q = p >= 0 ? p / d : -((-p + d - 1) / d);
    return static_cast<std::int32_t>(sat(q, INT32_MIN, INT32_MAX));
}

std::vector<std::int32_t> multiplier_set() {
    std::vector<std::int32_t> m = {0, 1 << 30, (1 << 30) + 1, INT32_MAX, INT32_MAX - 1, 1518500250 /* ~2^30.5 */};
    edgekern_test::rng r(500);
    for (int i = 0; i < 6; ++i) m.push_back(static_cast<std::int32_t>(r.uniform(1 << 30, INT32_MAX)));
    return m;
}

struct out_config {
    std::int32_t zp, act_min, act_max;
};

template <class Out>
void check_requantize_sweep(rounding_mode mode, const std::vector<out_config>& configs) {
    const auto accs = simd_test::dense_s32(1000, 501);
    const auto mults = multiplier_set();
    const std::size_t n = accs.size();
    std::vector<std::int32_t> mult(n), shift(n);
    const int shift_step = sweep_stride == 1 ? 1 : 5;
    for (const auto& cfg : configs) {
        for (int s = -31; s <= 30; s += shift_step) {
            for (std::size_t mi = 0; mi < mults.size(); ++mi) {
                // Lane i gets multiplier mults[(mi + i) % M] and shift s, or (every other call) a per-lane shift.
                for (std::size_t i = 0; i < n; ++i) {
                    mult[i] = mults[(mi + i) % mults.size()];
                    shift[i] = (mi % 2 == 0)
                                   ? s
                                   : static_cast<std::int32_t>(
                                         -31 + static_cast<int>((i * 7 + static_cast<std::size_t>(s + 31)) % 62));
                }
                std::vector<Out> ref(n);
                REQUIRE(es::requantize_s32(accs.data(), n, mult.data(), shift.data(), cfg.zp, cfg.act_min, cfg.act_max,
                                           ref.data(), mode, edgekern::arch::scalar{}) == status::ok);
                for (std::size_t i = 0; i < n; ++i) {
                    const std::int64_t expect =
                        sat(std::int64_t{oracle_requantize(accs[i], mult[i], shift[i], mode)} + cfg.zp, cfg.act_min,
                            cfg.act_max);
                    if (std::int64_t{ref[i]} != expect) {
                        CAPTURE(accs[i]);
                        CAPTURE(mult[i]);
                        CAPTURE(shift[i]);
                        REQUIRE(std::int64_t{ref[i]} == expect);
                    }
                }
                for_each_arch([&](auto tag) {
                    std::vector<Out> got(n);
                    const status st = es::requantize_s32(accs.data(), n, mult.data(), shift.data(), cfg.zp, cfg.act_min,
                                                         cfg.act_max, got.data(), mode, tag);
                    if (st != status::ok || got != ref) {
                        INFO("arch: ", doctest::String(tag.name));
                        CAPTURE(s);
                        CAPTURE(mi);
                        REQUIRE(st == status::ok);
                        for (std::size_t i = 0; i < n; ++i) {
                            CAPTURE(i);
                            REQUIRE(got[i] == ref[i]);
                        }
                    }
                });
            }
        }
    }
}

} // namespace

TEST_CASE("vector sat_rounding_doubling_high_mul: scalar == oracle, every backend == scalar (dense x dense)") {
    const auto as = simd_test::dense_s32(2000, 600);
    const auto bs = simd_test::dense_s32(40, 601);
    const std::size_t step = sweep_stride == 1 ? 1 : 11;
    for (std::size_t bi = 0; bi < bs.size(); bi += step) {
        const std::int32_t b = bs[bi];
        std::vector<std::int32_t> ref(as.size());
        es::sat_rounding_doubling_high_mul(as.data(), b, ref.data(), as.size(), edgekern::arch::scalar{});
        for (std::size_t i = 0; i < as.size(); ++i) REQUIRE(ref[i] == oracle_srdhm(as[i], b));
        for_each_arch([&](auto tag) {
            INFO("arch: ", doctest::String(tag.name));
            CAPTURE(b);
            std::vector<std::int32_t> got(as.size());
            es::sat_rounding_doubling_high_mul(as.data(), b, got.data(), as.size(), tag);
            REQUIRE(got == ref);
            // In place, unaligned start, every tail length of the sweep.
            for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9},
                                  std::size_t{17}, std::size_t{33}}) {
                std::vector<std::int32_t> buf(as.begin() + 1, as.begin() + 1 + static_cast<std::ptrdiff_t>(n));
                es::sat_rounding_doubling_high_mul(buf.data(), b, buf.data(), n, tag);
                for (std::size_t i = 0; i < n; ++i) REQUIRE(buf[i] == ref[i + 1]);
            }
        });
    }
}

TEST_CASE("requantize_s32 to int8: scalar == oracle, every backend == scalar, both rounding modes") {
    const std::vector<out_config> configs = {
        {0, -128, 127}, {-128, -128, 127}, {127, -128, 127}, {5, -100, 50}, {-3, 7, 7}};
    check_requantize_sweep<std::int8_t>(rounding_mode::double_rounding, configs);
    check_requantize_sweep<std::int8_t>(rounding_mode::single_rounding, configs);
}

TEST_CASE("requantize_s32 to int16: scalar == oracle, every backend == scalar, both rounding modes") {
    const std::vector<out_config> configs = {
        {0, -32768, 32767}, {-32768, -32768, 32767}, {32767, -32768, 32767}, {100, -1000, 20000}};
    check_requantize_sweep<std::int16_t>(rounding_mode::double_rounding, configs);
    check_requantize_sweep<std::int16_t>(rounding_mode::single_rounding, configs);
}

TEST_CASE("requantize_s32: every length of the sweep, no write past n") {
    edgekern_test::rng r(700);
    for (std::size_t n : simd_test::lengths()) {
        const auto acc = simd_test::random_vec<std::int32_t>(r, n, -2000000, 2000000);
        auto mult = simd_test::random_vec<std::int32_t>(r, n, 1 << 30, INT32_MAX);
        const auto shift = simd_test::random_vec<std::int32_t>(r, n, -12, 3);
        for (rounding_mode mode : {rounding_mode::double_rounding, rounding_mode::single_rounding}) {
            std::vector<std::int8_t> ref(n + 16, 99);
            REQUIRE(es::requantize_s32(acc.data(), n, mult.data(), shift.data(), -1, -128, 127, ref.data(), mode,
                                       edgekern::arch::scalar{}) == status::ok);
            for_each_arch([&](auto tag) {
                std::vector<std::int8_t> got(n + 16, 99);
                REQUIRE(es::requantize_s32(acc.data(), n, mult.data(), shift.data(), -1, -128, 127, got.data(), mode,
                                           tag) == status::ok);
                INFO("arch: ", doctest::String(tag.name));
                CAPTURE(n);
                REQUIRE(got == ref);
            });
        }
    }
}

TEST_CASE("requantize_s32: bad arguments return the precise status and leave the output untouched") {
    std::int32_t acc[4] = {1, 2, 3, 4};
    std::int32_t mult[4] = {1 << 30, 1 << 30, 1 << 30, 1 << 30};
    std::int32_t shift[4] = {0, -1, -2, -3};
    for_each_arch([&](auto tag) {
        INFO("arch: ", doctest::String(tag.name));
        std::int8_t out[4] = {9, 9, 9, 9};
        std::int16_t out16[4] = {9, 9, 9, 9};
        const auto untouched = [&] { return out[0] == 9 && out[3] == 9 && out16[0] == 9 && out16[3] == 9; };
        const auto dr = rounding_mode::double_rounding;
        CHECK(es::requantize_s32(nullptr, 4, mult, shift, 0, -128, 127, out, dr, tag) == status::null_buffer);
        CHECK(es::requantize_s32(acc, 4, mult, shift, 0, -128, 127, static_cast<std::int8_t*>(nullptr), dr, tag) ==
              status::null_buffer);
        CHECK(es::requantize_s32(acc, 4, mult, shift, 128, -128, 127, out, dr, tag) == status::invalid_quantization);
        CHECK(es::requantize_s32(acc, 4, mult, shift, 0, 10, 9, out, dr, tag) == status::invalid_range);
        CHECK(es::requantize_s32(acc, 4, mult, shift, 0, -129, 127, out, dr, tag) == status::invalid_range);
        CHECK(es::requantize_s32(acc, 4, mult, shift, 0, -32768, 32768, out16, dr, tag) == status::invalid_range);
        CHECK(es::requantize_s32(acc, 4, mult, shift, 0, -128, 127, out, static_cast<rounding_mode>(7), tag) ==
              status::invalid_argument);
        std::int32_t bad_shift[4] = {0, 0, 31, 0};
        CHECK(es::requantize_s32(acc, 4, mult, bad_shift, 0, -128, 127, out, dr, tag) == status::invalid_quantization);
        bad_shift[2] = -32;
        CHECK(es::requantize_s32(acc, 4, mult, bad_shift, 0, -128, 127, out16, dr, tag) ==
              status::invalid_quantization);
        std::int32_t bad_mult[4] = {1 << 30, (1 << 30) - 1, 1 << 30, 1 << 30};
        CHECK(es::requantize_s32(acc, 4, bad_mult, shift, 0, -128, 127, out, dr, tag) == status::invalid_quantization);
        bad_mult[1] = -5;
        CHECK(es::requantize_s32(acc, 4, bad_mult, shift, 0, -128, 127, out, dr, tag) == status::invalid_quantization);
        CHECK(untouched());
        // Output overlapping the accumulators.
        std::int32_t inplace[4] = {1, 2, 3, 4};
        CHECK(es::requantize_s32(inplace, 4, mult, shift, 0, -128, 127, reinterpret_cast<std::int8_t*>(inplace), dr,
                                 tag) == status::aliasing);
        CHECK(inplace[0] == 1);
        // n == 0 with null pointers is a valid empty call; a zero multiplier is valid (all outputs zp).
        CHECK(es::requantize_s32(nullptr, 0, nullptr, nullptr, 0, -128, 127, static_cast<std::int8_t*>(nullptr), dr,
                                 tag) == status::ok);
        std::int32_t zero_mult[4] = {0, 0, 0, 0};
        CHECK(es::requantize_s32(acc, 4, zero_mult, shift, 3, -128, 127, out, dr, tag) == status::ok);
        CHECK(out[0] == 3);
        CHECK(out[3] == 3);
    });
}

TEST_CASE("vector int16 sat_rounding_doubling_high_mul: exhaustive over all int16 pairs") {
    // For each b: a = all 65536 int16 values (misaligned by one element); every backend against scalar, and
    // (for every 5th b) the scalar definition against the oracle floor((ab + 2^14) / 2^15) saturated.
    std::vector<std::int16_t> a(65536 + 1), ref(65536), got(65536);
    for (std::size_t k = 0; k < 65536; ++k) a[k + 1] = static_cast<std::int16_t>(static_cast<std::uint16_t>(k));
    const std::uint32_t step = sweep_stride == 1 ? (simd_test::slow_build ? 7u : 1u) : sweep_stride * 8 + 1;
    std::size_t checked = 0;
    for (std::uint32_t bu = 0; bu < 65536; bu += step) {
        const auto b = static_cast<std::int16_t>(static_cast<std::uint16_t>(bu));
        es::sat_rounding_doubling_high_mul(a.data() + 1, b, ref.data(), 65536, edgekern::arch::scalar{});
        // The scalar definition itself is checked exhaustively in tests/fixed; here every 5th b suffices.
        for (std::size_t k = 0; bu % 5 == 0 && k < 65536; ++k) {
            const std::int64_t p = std::int64_t{a[k + 1]} * b + (1 << 14);
            const std::int64_t q = (p >= 0 ? p : p - 32767) / 32768; // floor division
            if (ref[k] != (q > 32767 ? 32767 : q)) {
                CAPTURE(b);
                CAPTURE(k);
                REQUIRE(ref[k] == (q > 32767 ? 32767 : q));
            }
        }
        for_each_arch([&](auto tag) {
            es::sat_rounding_doubling_high_mul(a.data() + 1, b, got.data(), 65536, tag);
            if (got != ref) {
                INFO("arch: ", doctest::String(tag.name));
                CAPTURE(b);
                REQUIRE(got == ref);
            }
        });
        ++checked;
    }
    CHECK(checked > 0);
}
