// SPDX-License-Identifier: Apache-2.0
// Tests for random projection: matrix-free entries vs the oracle, stored == matrix-free bit for bit, every backend
// == scalar, int8/int16/float/requantized paths, NHWC maps, bad input, pooling commutes.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "edgekern/kernels/random_projection.hpp"
#include "reference/random_projection_reference.hpp"
#include "support/test_support.hpp"

using edgekern::rp_kind;
using edgekern::rp_matrix;
using edgekern::rp_storage;
using edgekern::span;
using edgekern::status;

namespace {

const std::size_t dims[] = {1,  2,  3,  4,  7,   8,   15,  16,  17,  31,  32,  33,
                            63, 64, 65, 96, 127, 128, 129, 255, 256, 257, 1280};
const std::size_t comps[] = {1, 3, 4, 8, 16, 17, 33};

template <class T>
std::vector<T> random_ints(edgekern_test::rng& g, std::size_t n, std::int64_t lo, std::int64_t hi) {
    std::vector<T> v(n);
    for (auto& e : v) e = static_cast<T>(g.uniform(lo, hi));
    return v;
}

rp_matrix matrix_free(rp_kind kind, std::size_t k, std::size_t d, std::uint32_t seed, double density = 0.0) {
    rp_matrix m;
    if (density == 0.0) density = edgekern::rp_default_density(d);
    REQUIRE(edgekern::make_rp_matrix_free(kind, k, d, seed, density, m) == status::ok);
    return m;
}

} // namespace

TEST_CASE("matrix-free entries follow the specified law (oracle)") {
    for (std::uint32_t seed : {0u, 1u, 0xDEADBEEFu}) {
        for (rp_kind kind : {rp_kind::gaussian, rp_kind::sparse}) {
            const std::size_t k = 17, d = 45;
            const rp_matrix m = matrix_free(kind, k, d, seed, 0.3);
            std::vector<std::int8_t> e(k * d);
            REQUIRE(edgekern::rp_generate_s8(m, span<std::int8_t>(e)) == status::ok);
            for (std::size_t i = 0; i < k; ++i)
                for (std::size_t j = 0; j < d; ++j)
                    REQUIRE(e[i * d + j] == rp_reference::entry(kind == rp_kind::gaussian, m.threshold, seed, i, j));
        }
    }
}

TEST_CASE("entry statistics: gaussian mean 0 variance 1365, sparse density realized") {
    const std::size_t k = 64, d = 1024;
    std::vector<std::int8_t> e(k * d);
    const rp_matrix g = matrix_free(rp_kind::gaussian, k, d, 99);
    REQUIRE(edgekern::rp_generate_s8(g, span<std::int8_t>(e)) == status::ok);
    double sum = 0, sum2 = 0;
    int lo = 0, hi = 0;
    for (auto v : e) {
        sum += v;
        sum2 += double(v) * v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    const double n = double(e.size());
    CHECK(std::fabs(sum / n) < 0.5);                  // sd of the mean: 37 / 256
    CHECK(std::fabs(sum2 / n / 1365.0 - 1.0) < 0.02); // sd ~ 0.005
    CHECK(lo >= -126);
    CHECK(hi <= 126);
    const rp_matrix s = matrix_free(rp_kind::sparse, k, d, 99, 0.1);
    REQUIRE(edgekern::rp_generate_s8(s, span<std::int8_t>(e)) == status::ok);
    std::size_t nz = 0, neg = 0;
    for (auto v : e) {
        CHECK((v == 0 || v == 1 || v == -1));
        nz += v != 0;
        neg += v < 0;
    }
    CHECK(std::fabs(double(nz) / n - 0.1) < 0.006); // sd ~ 0.0012
    CHECK(std::fabs(double(neg) / double(nz) - 0.5) < 0.03);
    CHECK(s.scale == doctest::Approx(1.0 / std::sqrt(0.1 * double(k))).epsilon(1e-6));
    CHECK(g.scale == doctest::Approx(1.0 / std::sqrt(1365.0 * double(k))).epsilon(1e-6));
}

TEST_CASE("int8: matrix-free == stored int8 == ternary == oracle, on every backend") {
    edgekern_test::rng g(1);
    std::size_t case_index = 0;
    for (std::size_t d : dims) {
        for (std::size_t k : comps) {
            if ((case_index++ % edgekern_test::sweep_stride) != 0 && d != 96 && d != 31 && d != 65) continue;
            for (rp_kind kind : {rp_kind::gaussian, rp_kind::sparse}) {
                if (kind == rp_kind::sparse && k > d) continue;
                const std::uint32_t seed = g.next_u32();
                const rp_matrix mf = matrix_free(kind, k, d, seed);
                std::vector<std::int8_t> stored(k * d);
                REQUIRE(edgekern::rp_generate_s8(mf, span<std::int8_t>(stored)) == status::ok);
                rp_matrix ms;
                REQUIRE(edgekern::make_rp_stored_s8(kind, k, d, span<const std::int8_t>(stored), mf.scale, ms) ==
                        status::ok);
                std::vector<std::uint8_t> packed(edgekern::rp_storage_bytes(rp_storage::ternary, k, d));
                rp_matrix mt;
                const bool ternary = kind == rp_kind::sparse;
                if (ternary) {
                    REQUIRE(edgekern::rp_generate_ternary(mf, span<std::uint8_t>(packed)) == status::ok);
                    REQUIRE(edgekern::make_rp_stored_ternary(k, d, span<const std::uint8_t>(packed), mf.scale, mt) ==
                            status::ok);
                }
                const std::size_t nv = 1 + (d + k) % 4;
                auto x = random_ints<std::int8_t>(g, nv * d, -128, 127);
                if (d > 2) x[1] = -128; // extremes
                std::vector<std::int64_t> want(nv * k);
                for (std::size_t v = 0; v < nv; ++v)
                    rp_reference::project_int(
                        [&](std::size_t i, std::size_t j) {
                            return rp_reference::entry(kind == rp_kind::gaussian, mf.threshold, seed, i, j);
                        },
                        k, d, x.data() + v * d, want.data() + v * k);
                edgekern_test::for_each_arch([&](auto tag) {
                    CAPTURE(tag.name);
                    CAPTURE(d);
                    CAPTURE(k);
                    const rp_matrix* ms_list[] = {&mf, &ms, &mt};
                    for (int which = 0; which < (ternary ? 3 : 2); ++which) {
                        CAPTURE(which);
                        std::vector<std::int32_t> y(nv * k, 0x5A5A5A5A);
                        REQUIRE(edgekern::random_projection_batch(*ms_list[which], nv, span<const std::int8_t>(x),
                                                                  span<std::int32_t>(y), tag) == status::ok);
                        for (std::size_t i = 0; i < nv * k; ++i) REQUIRE(y[i] == want[i]);
                    }
                });
            }
        }
    }
}

TEST_CASE("int16 inputs: exact int64 sums on every backend") {
    edgekern_test::rng g(2);
    std::size_t case_index = 0;
    // dims plus one row longer than the AVX2 int32 block (2048 channels) and the Cortex-M expansion tile
    std::size_t dims16[sizeof(dims) / sizeof(dims[0]) + 1];
    for (std::size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); ++i) dims16[i] = dims[i];
    dims16[sizeof(dims) / sizeof(dims[0])] = 4100;
    for (std::size_t d : dims16) {
        if ((case_index++ % ((edgekern_test::sweep_stride > 1) ? 3 : 1)) != 0 && d != 4100) continue;
        const std::size_t k = 1 + d % 19;
        const rp_matrix mf = matrix_free(rp_kind::gaussian, k, d, 77);
        const std::size_t nv = 3;
        auto x = random_ints<std::int16_t>(g, nv * d, -32768, 32767);
        x[0] = -32768;
        std::vector<std::int64_t> want(nv * k);
        for (std::size_t v = 0; v < nv; ++v)
            rp_reference::project_int(
                [&](std::size_t i, std::size_t j) { return rp_reference::entry(true, 0, 77, i, j); }, k, d,
                x.data() + v * d, want.data() + v * k);
        edgekern_test::for_each_arch([&](auto tag) {
            CAPTURE(tag.name);
            CAPTURE(d);
            std::vector<std::int64_t> y(nv * k, 7);
            REQUIRE(edgekern::random_projection_batch(mf, nv, span<const std::int16_t>(x), span<std::int64_t>(y),
                                                      tag) == status::ok);
            for (std::size_t i = 0; i < nv * k; ++i) REQUIRE(y[i] == want[i]);
        });
    }
}

TEST_CASE("float inputs: integer-entry and float-stored matrices within tolerance of a double oracle") {
    edgekern_test::rng g(3);
    for (std::size_t d : {1u, 5u, 16u, 33u, 96u, 257u, 1280u}) {
        for (rp_kind kind : {rp_kind::gaussian, rp_kind::sparse}) {
            const std::size_t k = d < 16 ? d : 16;
            const rp_matrix mf = matrix_free(kind, k, d, 5);
            std::vector<float> wf(k * d);
            REQUIRE(edgekern::rp_generate_f32(mf, span<float>(wf)) == status::ok);
            rp_matrix mfl;
            REQUIRE(edgekern::make_rp_stored_f32(kind, k, d, span<const float>(wf), mfl) == status::ok);
            const std::size_t nv = 2;
            std::vector<float> x(nv * d);
            for (auto& e : x) e = g.uniform_f(-4.0f, 4.0f);
            std::vector<double> want(nv * k), l1(nv * k);
            for (std::size_t v = 0; v < nv; ++v) {
                rp_reference::project_real(
                    [&](std::size_t i, std::size_t j) {
                        return double(rp_reference::entry(kind == rp_kind::gaussian, mf.threshold, 5, i, j)) *
                               double(mf.scale);
                    },
                    k, d, x.data() + v * d, want.data() + v * k);
                rp_reference::project_real(
                    [&](std::size_t i, std::size_t j) {
                        return std::fabs(double(rp_reference::entry(kind == rp_kind::gaussian, mf.threshold, 5, i, j)) *
                                         double(mf.scale));
                    },
                    k, d, x.data() + v * d, l1.data() + v * k); // sum |a| x (signed x): only a scale for the bound
            }
            edgekern_test::for_each_arch([&](auto tag) {
                CAPTURE(tag.name);
                CAPTURE(d);
                const rp_matrix* const mlist[] = {&mf, &mfl};
                for (const rp_matrix* m : mlist) {
                    std::vector<float> y(nv * k);
                    REQUIRE(edgekern::random_projection_batch(*m, nv, span<const float>(x), span<float>(y), tag) ==
                            status::ok);
                    for (std::size_t i = 0; i < nv * k; ++i) {
                        // documented bound: d * 2^-23 * sum |a_ij| |x_j| (<= 4 d |a| d here), plus the scale rounding
                        const double bound = (double(d) + 2.0) * 1.2e-7 * 4.0 * double(d) * double(mf.scale) * 126.0;
                        REQUIRE(std::fabs(double(y[i]) - want[i]) <= bound);
                    }
                }
            });
        }
    }
}

TEST_CASE("requantized int8 / int16 outputs follow fixed/quantize.hpp exactly") {
    edgekern_test::rng g(4);
    const std::size_t k = 16, d = 96, nv = 5;
    const rp_matrix mf = matrix_free(rp_kind::gaussian, k, d, 11);
    auto x = random_ints<std::int8_t>(g, nv * d, -128, 127);
    std::vector<std::int64_t> acc(nv * k);
    for (std::size_t v = 0; v < nv; ++v)
        rp_reference::project_int([&](std::size_t i, std::size_t j) { return rp_reference::entry(true, 0, 11, i, j); },
                                  k, d, x.data() + v * d, acc.data() + v * k);
    edgekern::quantized_multiplier qm{};
    REQUIRE(edgekern::quantize_multiplier(1.0 / 3000.0, qm) == status::ok);
    edgekern::rp_requant q;
    q.multiplier = qm.multiplier;
    q.shift = qm.shift;
    q.output_zero_point = 3;
    q.activation_min = -100;
    q.activation_max = 120;
    for (auto mode : {edgekern::rounding_mode::double_rounding, edgekern::rounding_mode::single_rounding}) {
        q.mode = mode;
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::int8_t> y(nv * k);
            REQUIRE(edgekern::random_projection_batch(mf, nv, span<const std::int8_t>(x), span<std::int8_t>(y), q,
                                                      tag) == status::ok);
            for (std::size_t i = 0; i < nv * k; ++i) {
                // oracle: real value acc / 3000 rounded to nearest (both modes agree with it within 1)
                const double real = double(acc[i]) / 3000.0 + 3.0;
                const double clamped = real < -100 ? -100 : (real > 120 ? 120 : real);
                REQUIRE(std::fabs(double(y[i]) - clamped) <= 0.5 + 1e-6);
                const std::int32_t r =
                    edgekern::requantize(static_cast<std::int32_t>(acc[i]), q.multiplier, q.shift, mode);
                const std::int32_t e = r + 3 < -100 ? -100 : (r + 3 > 120 ? 120 : r + 3);
                REQUIRE(y[i] == e);
            }
        });
    }
    // int16 inputs -> int16 outputs through the int64 16x8 path
    auto x16 = random_ints<std::int16_t>(g, nv * d, -32768, 32767);
    std::vector<std::int64_t> acc16(nv * k);
    for (std::size_t v = 0; v < nv; ++v)
        rp_reference::project_int([&](std::size_t i, std::size_t j) { return rp_reference::entry(true, 0, 11, i, j); },
                                  k, d, x16.data() + v * d, acc16.data() + v * k);
    REQUIRE(edgekern::quantize_multiplier(1.0 / 4096.0, qm) == status::ok);
    edgekern::rp_requant q16;
    q16.multiplier = qm.multiplier;
    q16.shift = qm.shift;
    q16.activation_min = -32768;
    q16.activation_max = 32767;
    std::vector<std::int16_t> y16(nv * k);
    REQUIRE(edgekern::random_projection_batch(mf, nv, span<const std::int16_t>(x16), span<std::int16_t>(y16), q16) ==
            status::ok);
    for (std::size_t i = 0; i < nv * k; ++i) {
        double real = double(acc16[i]) / 4096.0;
        real = real < -32768 ? -32768 : (real > 32767 ? 32767 : real);
        REQUIRE(std::fabs(double(y16[i]) - real) <= 0.5 + 1e-6);
    }
}

TEST_CASE("NHWC map: every position projected; single-vector API agrees") {
    edgekern_test::rng g(5);
    const std::size_t n = 1, h = 3, w = 5, c = 24, k = 8;
    const rp_matrix mf = matrix_free(rp_kind::sparse, k, c, 3, 0.25);
    auto x = random_ints<std::int8_t>(g, n * h * w * c, -128, 127);
    std::vector<std::int32_t> y(n * h * w * k);
    REQUIRE(edgekern::random_projection_map(mf, n, h, w, c, span<const std::int8_t>(x), span<std::int32_t>(y)) ==
            status::ok);
    for (std::size_t p = 0; p < h * w; ++p) {
        std::int32_t one[k];
        REQUIRE(edgekern::random_projection(mf, span<const std::int8_t>(x.data() + p * c, c),
                                            span<std::int32_t>(one)) == status::ok);
        for (std::size_t i = 0; i < k; ++i) REQUIRE(y[p * k + i] == one[i]);
    }
    CHECK(edgekern::random_projection_map(mf, n, h, w, c + 1, span<const std::int8_t>(x), span<std::int32_t>(y)) ==
          status::shape_mismatch);
    CHECK(edgekern::random_projection_map(mf, n, 0, w, c, span<const std::int8_t>(x), span<std::int32_t>(y)) ==
          status::invalid_shape);
}

TEST_CASE("average pooling and projection commute") {
    // Sum pooling commutes exactly in integers: sum_p E x_p = E sum_p x_p; average pooling is that divided by the
    // window size, so in float the two orders agree to rounding. 6x6x32 map, 3x3 stride-2 windows (FOMO-AD).
    edgekern_test::rng g(6);
    const std::size_t H = 7, W = 7, C = 32, K = 8, P = 3;
    const rp_matrix mf = matrix_free(rp_kind::gaussian, K, C, 21);
    auto x = random_ints<std::int8_t>(g, H * W * C, -128, 127);
    std::vector<std::int32_t> yx(H * W * K);
    REQUIRE(edgekern::random_projection_map(mf, 1, H, W, C, span<const std::int8_t>(x), span<std::int32_t>(yx)) ==
            status::ok);
    std::vector<float> xf(x.begin(), x.end());
    std::vector<float> yf(H * W * K);
    REQUIRE(edgekern::random_projection_map(mf, 1, H, W, C, span<const float>(xf), span<float>(yf)) == status::ok);
    for (std::size_t oy = 0; oy + P <= H; oy += 2) {
        for (std::size_t ox = 0; ox + P <= W; ox += 2) {
            std::int16_t pooled[C] = {};
            float pooled_f[C] = {};
            for (std::size_t dy = 0; dy < P; ++dy)
                for (std::size_t dx = 0; dx < P; ++dx)
                    for (std::size_t ch = 0; ch < C; ++ch) {
                        pooled[ch] = static_cast<std::int16_t>(pooled[ch] + x[((oy + dy) * W + ox + dx) * C + ch]);
                        pooled_f[ch] += xf[((oy + dy) * W + ox + dx) * C + ch] / float(P * P);
                    }
            std::int64_t proj_of_pool[K];
            REQUIRE(edgekern::random_projection(mf, span<const std::int16_t>(pooled, C),
                                                span<std::int64_t>(proj_of_pool)) == status::ok);
            float proj_of_pool_f[K];
            REQUIRE(edgekern::random_projection(mf, span<const float>(pooled_f, C), span<float>(proj_of_pool_f)) ==
                    status::ok);
            for (std::size_t i = 0; i < K; ++i) {
                std::int64_t pool_of_proj = 0;
                float pool_of_proj_f = 0;
                for (std::size_t dy = 0; dy < P; ++dy)
                    for (std::size_t dx = 0; dx < P; ++dx) {
                        pool_of_proj += yx[((oy + dy) * W + ox + dx) * K + i];
                        pool_of_proj_f += yf[((oy + dy) * W + ox + dx) * K + i] / float(P * P);
                    }
                REQUIRE(pool_of_proj == proj_of_pool[i]);
                REQUIRE(std::fabs(pool_of_proj_f - proj_of_pool_f[i]) <= 1e-4f * (1.0f + std::fabs(pool_of_proj_f)));
            }
        }
    }
}

TEST_CASE("bad input: a status and untouched outputs") {
    rp_matrix m;
    const rp_matrix before = m;
    CHECK(edgekern::make_rp_matrix_free(rp_kind::gaussian, 0, 8, 1, 0.5, m) == status::invalid_shape);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::gaussian, 8, 0, 1, 0.5, m) == status::invalid_shape);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 9, 8, 1, 0.5, m) == status::invalid_argument);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 4, 8, 1, 0.0, m) == status::invalid_argument);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 4, 8, 1, 1.5, m) == status::invalid_argument);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 4, 8, 1, -0.1, m) == status::invalid_argument);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 4, 8, 1, std::nan(""), m) == status::non_finite);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 4, 8, 1, HUGE_VAL, m) == status::non_finite);
    CHECK(m.n_components == before.n_components);
    CHECK(m.scale == before.scale);
    // the gaussian kind may expand (k > d), the sparse one may not
    CHECK(edgekern::make_rp_matrix_free(rp_kind::gaussian, 9, 8, 1, 0.5, m) == status::ok);
    CHECK(edgekern::make_rp_matrix_free(rp_kind::sparse, 8, 8, 1, 1.0, m) == status::ok);

    const rp_matrix mf = matrix_free(rp_kind::gaussian, 4, 8, 1);
    std::int8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    std::int32_t y[4] = {9, 9, 9, 9};
    auto untouched = [&] { return y[0] == 9 && y[1] == 9 && y[2] == 9 && y[3] == 9; };
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x, 7), span<std::int32_t>(y)) ==
          status::shape_mismatch);
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x), span<std::int32_t>(y, 3)) ==
          status::buffer_too_small);
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(), span<std::int32_t>(y)) == status::null_buffer);
    CHECK(edgekern::random_projection_batch(mf, 0, span<const std::int8_t>(x), span<std::int32_t>(y)) ==
          status::invalid_shape);
    CHECK(untouched());
    std::int8_t scratch[4] = {};
    CHECK(edgekern::rp_generate_s8(mf, span<std::int8_t>(scratch)) == status::buffer_too_small);
    CHECK(scratch[0] == 0);
    std::uint8_t packed[2] = {0xAA, 0xAA};
    CHECK(edgekern::rp_generate_ternary(mf, span<std::uint8_t>(packed)) == status::invalid_argument); // gaussian
    CHECK(packed[0] == 0xAA);
    // aliasing: output overlapping the input
    alignas(4) std::int8_t buf[64] = {};
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(buf, 8),
                                      span<std::int32_t>(reinterpret_cast<std::int32_t*>(buf), 4)) == status::aliasing);
    // non-finite floats
    float xf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    float yf[4] = {9, 9, 9, 9};
    xf[5] = std::nanf("");
    CHECK(edgekern::random_projection(mf, span<const float>(xf), span<float>(yf)) == status::non_finite);
    xf[5] = -HUGE_VALF;
    CHECK(edgekern::random_projection(mf, span<const float>(xf), span<float>(yf)) == status::non_finite);
    CHECK((yf[0] == 9 && yf[3] == 9));
    float wf[32] = {};
    rp_matrix mfl = mf;
    wf[7] = HUGE_VALF;
    CHECK(edgekern::make_rp_stored_f32(rp_kind::gaussian, 4, 8, span<const float>(wf), mfl) == status::non_finite);
    CHECK(mfl.storage == rp_storage::matrix_free);
    CHECK(edgekern::make_rp_stored_f32(rp_kind::gaussian, 4, 8, span<const float>(wf, 31), mfl) ==
          status::buffer_too_small);
    wf[7] = 0;
    REQUIRE(edgekern::make_rp_stored_f32(rp_kind::gaussian, 4, 8, span<const float>(wf), mfl) == status::ok);
    CHECK(edgekern::random_projection(mfl, span<const std::int8_t>(x), span<std::int32_t>(y)) == status::unsupported);
    std::int8_t w8[32] = {};
    rp_matrix ms;
    CHECK(edgekern::make_rp_stored_s8(rp_kind::gaussian, 4, 8, span<const std::int8_t>(w8), std::nanf(""), ms) ==
          status::non_finite);
    CHECK(edgekern::make_rp_stored_s8(rp_kind::gaussian, 4, 8, span<const std::int8_t>(w8), -1.0f, ms) ==
          status::invalid_argument);
    CHECK(edgekern::make_rp_stored_s8(rp_kind::gaussian, 4, 8, span<const std::int8_t>(w8, 31), 1.0f, ms) ==
          status::buffer_too_small);
    // headroom: int8 reductions longer than 2^17 - 1
    rp_matrix big;
    REQUIRE(edgekern::make_rp_matrix_free(rp_kind::gaussian, 1, std::size_t{1} << 17, 1, 0.5, big) == status::ok);
    static std::int8_t bx[std::size_t{1} << 17];
    CHECK(edgekern::random_projection(big, span<const std::int8_t>(bx), span<std::int32_t>(y)) ==
          status::headroom_exceeded);
    CHECK(untouched());
    // requantization parameters
    edgekern::rp_requant q;
    q.multiplier = 1 << 30;
    q.shift = -10;
    std::int8_t y8[4] = {9, 9, 9, 9};
    edgekern::rp_requant bad = q;
    bad.multiplier = 5;
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x), span<std::int8_t>(y8), bad) ==
          status::invalid_quantization);
    bad = q;
    bad.activation_min = 10;
    bad.activation_max = 5;
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x), span<std::int8_t>(y8), bad) ==
          status::invalid_range);
    bad = q;
    bad.activation_max = 300;
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x), span<std::int8_t>(y8), bad) ==
          status::invalid_range);
    bad = q;
    bad.output_zero_point = 200;
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x), span<std::int8_t>(y8), bad) ==
          status::invalid_quantization);
    CHECK((y8[0] == 9 && y8[3] == 9));
    CHECK(edgekern::random_projection(mf, span<const std::int8_t>(x), span<std::int8_t>(y8), q) == status::ok);
    // JL helper
    std::size_t jl = 77;
    CHECK(edgekern::johnson_lindenstrauss_min_dim(10, 0.0, jl) == status::invalid_argument);
    CHECK(edgekern::johnson_lindenstrauss_min_dim(10, 1.0, jl) == status::invalid_argument);
    CHECK(edgekern::johnson_lindenstrauss_min_dim(0, 0.5, jl) == status::invalid_argument);
    CHECK(edgekern::johnson_lindenstrauss_min_dim(10, std::nan(""), jl) == status::non_finite);
    CHECK(jl == 77);
}
