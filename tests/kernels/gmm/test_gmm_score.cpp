// SPDX-License-Identifier: Apache-2.0
// Tests for the float GMM scorer: scikit-learn golden vectors, the float64 oracle, converter, grids, bad input.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "edgekern/kernels/gmm.hpp"
#include "reference/gmm_reference.hpp"
#include "support/test_support.hpp"
#include "vectors/gmm_score.hpp"
#include "kernels/gmm/gmm_test_util.hpp"

using edgekern::gmm_covariance;
using edgekern::gmm_model;
using edgekern::gmm_model_view;
using edgekern::span;
using edgekern::status;

namespace {

gmm_model_view view_of(const gmm_vectors::score_case& c) {
    gmm_model_view v;
    v.type = static_cast<gmm_covariance>(c.type);
    v.n_components = c.n_components;
    v.n_features = c.n_features;
    v.log_weights = span<const float>(c.log_weights, c.n_components);
    v.means = span<const float>(c.means, c.n_components * c.n_features);
    v.precisions_chol = span<const float>(c.precisions_chol, c.precision_size);
    v.log_det_chol = span<const float>(c.log_det_chol, c.n_components);
    return v;
}

bool close(double got, double want, double rtol, double atol) {
    return std::fabs(got - want) <= rtol * std::fabs(want) + atol;
}

using edgekern_test::all_gmm_types;
using edgekern_test::random_model;

} // namespace

TEST_CASE("gmm f32: score_samples and predict_proba match scikit-learn (float64) within rtol 1e-5") {
    for (const auto& c : gmm_vectors::score_cases) {
        INFO(doctest::String(c.name));
        gmm_model model;
        REQUIRE(edgekern::gmm_validate(view_of(c), model) == status::ok);
        edgekern_test::for_each_arch([&](auto tag) {
            CAPTURE(decltype(tag)::name);
            float ll[16];
            float lr[16 * 8];
            REQUIRE(c.n_samples <= 16);
            REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(c.x, c.n_samples * c.n_features), c.n_samples,
                                                 span<float>(ll), tag) == status::ok);
            float ll2[16];
            REQUIRE(edgekern::gmm_log_responsibilities(model, span<const float>(c.x, c.n_samples * c.n_features),
                                                       c.n_samples, span<float>(lr), span<float>(ll2),
                                                       tag) == status::ok);
            for (std::size_t s = 0; s < c.n_samples; ++s) {
                CAPTURE(s);
                CHECK(close(ll[s], c.score[s], 1e-5, 1e-5));
                CHECK(close(ll2[s], ll[s], 2e-6, 2e-6)); // scalar per-sample path vs the batch (SIMD) path
                float one = 0.0f;
                REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(c.x + s * c.n_features, c.n_features),
                                                     one, tag) == status::ok);
                CHECK(close(one, ll[s], 2e-6, 2e-6));
                for (std::size_t k = 0; k < c.n_components; ++k)
                    CHECK(std::fabs(std::exp(static_cast<double>(lr[s * c.n_components + k])) -
                                    c.proba[s * c.n_components + k]) <= 1e-5);
            }
        });
    }
}

TEST_CASE("gmm f32: the golden set exercises data far from zero") {
    bool offset_case = false;
    for (const auto& c : gmm_vectors::score_cases)
        if (std::strstr(c.name, "offset") && std::fabs(c.x[0]) > 1000.0f) offset_case = true;
    CHECK(offset_case);
}

TEST_CASE("gmm f32: converter reproduces scikit-learn's precision Cholesky factors") {
    for (const auto& c : gmm_vectors::score_cases) {
        INFO(doctest::String(c.name));
        const auto type = static_cast<gmm_covariance>(c.type);
        const std::size_t k_count = c.n_components, d = c.n_features;
        float log_w[8], log_det[8], prec[8 * 16 * 16];
        static double scratch[2 * 16 * 16];
        REQUIRE(c.precision_size <= 8 * 16 * 16);
        gmm_model_view v;
        REQUIRE(edgekern::gmm_from_covariances(
                    type, k_count, d, span<const float>(c.weights, k_count), span<const float>(c.means, k_count * d),
                    span<const float>(c.covariances, c.precision_size), span<float>(log_w), span<float>(prec),
                    span<float>(log_det), span<double>(scratch), v) == status::ok);
        double max_abs = 0.0;
        for (std::size_t i = 0; i < c.precision_size; ++i)
            max_abs = std::fmax(max_abs, std::fabs(c.converted_precisions_chol[i]));
        for (std::size_t i = 0; i < c.precision_size; ++i) {
            CAPTURE(i);
            CHECK(std::fabs(prec[i] - c.converted_precisions_chol[i]) <= 1e-5 * max_abs);
        }
        gmm_model model;
        REQUIRE(edgekern::gmm_validate(v, model) == status::ok);
        for (std::size_t s = 0; s < c.n_samples; ++s) {
            float ll = 0.0f;
            REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(c.x + s * d, d), ll) == status::ok);
            CHECK(close(ll, c.score[s], 1e-4, 1e-4));
        }
    }
}

TEST_CASE("gmm f32: converter rejects non-positive-definite covariances and leaves outputs untouched") {
    const float weights[] = {0.5f, 0.5f};
    const float means[] = {0, 0, 1, 1};
    const float cov_full[] = {1, 0, 0, 1, /* second: not PD */ 1, 2, 2, 1};
    float log_w[2] = {7, 7}, log_det[2] = {7, 7}, prec[8] = {7, 7, 7, 7, 7, 7, 7, 7};
    double scratch[8];
    gmm_model_view v;
    v.n_features = 99;
    CHECK(edgekern::gmm_from_covariances(gmm_covariance::full, 2, 2, weights, means, cov_full, log_w, prec, log_det,
                                         scratch, v) == status::numeric_error);
    const float cov_diag[] = {1, 1, 0, 1};
    CHECK(edgekern::gmm_from_covariances(gmm_covariance::diag, 2, 2, weights, means, cov_diag, log_w,
                                         span<float>(prec, 4), log_det, {}, v) == status::numeric_error);
    const float bad_w[] = {0.5f, 0.6f};
    CHECK(edgekern::gmm_from_covariances(gmm_covariance::diag, 2, 2, bad_w, means, span<const float>(cov_full, 4),
                                         log_w, span<float>(prec, 4), log_det, {}, v) == status::invalid_model);
    CHECK(edgekern::gmm_from_covariances(gmm_covariance::full, 2, 2, weights, means, cov_full, log_w, prec, log_det,
                                         span<double>(scratch, 7), v) == status::buffer_too_small);
    CHECK(edgekern::gmm_from_covariances(gmm_covariance::full, 0, 2, weights, means, cov_full, log_w, prec, log_det,
                                         scratch, v) == status::invalid_shape);
    for (float p : prec) CHECK(p == 7.0f);
    CHECK(log_w[0] == 7.0f);
    CHECK(log_det[1] == 7.0f);
    CHECK(v.n_features == 99);
}

TEST_CASE("gmm f32: matches the float64 oracle on random models, every type, near and far from zero") {
    edgekern_test::rng r(0x6D6D5EEDu);
    const std::size_t dims[] = {1, 2, 7, 16, 17, 24};
    const std::size_t comps[] = {1, 3, 8};
    const float offsets[] = {0.0f, 5000.0f};
    std::size_t iter = 0;
    for (gmm_covariance type : all_gmm_types)
        for (std::size_t d : dims)
            for (std::size_t k_count : comps)
                for (float offset : offsets) {
                    if (++iter % (edgekern_test::sweep_stride > 1 ? 3u : 1u) != 0) continue;
                    CAPTURE(static_cast<int>(type));
                    CAPTURE(d);
                    CAPTURE(k_count);
                    CAPTURE(offset);
                    random_model& rm = edgekern_test::model_slot(0);
                    rm.fill(r, type, k_count, d, offset);
                    gmm_model model;
                    REQUIRE(edgekern::gmm_validate(rm.view, model) == status::ok);
                    float x[24];
                    double xd[24];
                    for (int rep = 0; rep < 4; ++rep) {
                        const std::size_t k =
                            static_cast<std::size_t>(r.uniform(0, static_cast<std::int64_t>(k_count) - 1));
                        for (std::size_t i = 0; i < d; ++i) {
                            x[i] = rm.means[k * d + i] + r.uniform_f(-2.0f, 2.0f) * static_cast<float>(rep + 1);
                            xd[i] = x[i];
                        }
                        const double want = edgekern_ref::gmm_ref_log_likelihood(static_cast<int>(type), k_count, d,
                                                                                 rm.log_w, rm.means, rm.prec, xd);
                        edgekern_test::for_each_arch([&](auto tag) {
                            CAPTURE(decltype(tag)::name);
                            float got = 0.0f;
                            REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(x, d), got, tag) ==
                                    status::ok);
                            CHECK(close(got, want, 2e-5, 2e-5 * static_cast<double>(d)));
                        });
                    }
                }
}

TEST_CASE("gmm int16/int8 inputs: float scoring of dequantized values matches the oracle") {
    edgekern_test::rng r(0x1234u);
    for (gmm_covariance type : all_gmm_types) {
        random_model& rm = edgekern_test::model_slot(0);
        rm.fill(r, type, 4, 10, 0.0f);
        gmm_model model;
        REQUIRE(edgekern::gmm_validate(rm.view, model) == status::ok);
        const edgekern::gmm_input_quant q16{0.001f, -7}, q8{0.05f, 3};
        std::int16_t x16[3 * 10];
        std::int8_t x8[3 * 10];
        for (int i = 0; i < 30; ++i) {
            x16[i] = static_cast<std::int16_t>(r.uniform(-3000, 3000));
            x8[i] = static_cast<std::int8_t>(r.uniform(-60, 60));
        }
        float ll16[3], ll8[3];
        REQUIRE(edgekern::gmm_log_likelihood(model, span<const std::int16_t>(x16), q16, 3, span<float>(ll16)) ==
                status::ok);
        REQUIRE(edgekern::gmm_log_likelihood(model, span<const std::int8_t>(x8), q8, 3, span<float>(ll8)) ==
                status::ok);
        for (std::size_t s = 0; s < 3; ++s) {
            double xd16[10], xd8[10];
            for (std::size_t i = 0; i < 10; ++i) {
                xd16[i] = 0.001 * (x16[s * 10 + i] + 7);
                xd8[i] = 0.05 * (x8[s * 10 + i] - 3);
            }
            const int t = static_cast<int>(type);
            CHECK(close(ll16[s], edgekern_ref::gmm_ref_log_likelihood(t, 4, 10, rm.log_w, rm.means, rm.prec, xd16),
                        2e-5, 2e-4));
            CHECK(close(ll8[s], edgekern_ref::gmm_ref_log_likelihood(t, 4, 10, rm.log_w, rm.means, rm.prec, xd8), 2e-5,
                        2e-4));
            float one = 0.0f;
            REQUIRE(edgekern::gmm_log_likelihood(model, span<const std::int16_t>(x16 + s * 10, 10), q16, one) ==
                    status::ok);
            CHECK(close(one, ll16[s], 2e-6, 2e-6));
        }
        float keep = 42.0f;
        CHECK(edgekern::gmm_log_likelihood(model, span<const std::int16_t>(x16, 10), {0.0f, 0}, keep) ==
              status::invalid_quantization);
        CHECK(edgekern::gmm_log_likelihood(model, span<const std::int8_t>(x8, 10), {1.0f, (1 << 23) + 1}, keep) ==
              status::invalid_quantization);
        CHECK(keep == 42.0f);
    }
}

TEST_CASE("gmm f32: grids with one shared model and with one model per cell") {
    edgekern_test::rng r(77u);
    random_model& shared = edgekern_test::model_slot(0);
    shared.fill(r, gmm_covariance::full, 3, 6, 0.0f);
    random_model& other = edgekern_test::model_slot(1);
    other.fill(r, gmm_covariance::diag, 2, 6, 1.0f);
    gmm_model m_shared, m_other;
    REQUIRE(edgekern::gmm_validate(shared.view, m_shared) == status::ok);
    REQUIRE(edgekern::gmm_validate(other.view, m_other) == status::ok);
    const edgekern::gmm_grid_shape shape{3, 4, 6};
    float grid[3 * 4 * 6];
    for (float& g : grid) g = r.uniform_f(-2.0f, 2.0f);
    float out[12], out_cells[12];
    REQUIRE(edgekern::gmm_score_grid(m_shared, grid, shape, out) == status::ok);
    gmm_model per_cell[12];
    for (std::size_t c = 0; c < 12; ++c) per_cell[c] = (c % 3 == 0) ? m_other : m_shared;
    REQUIRE(edgekern::gmm_score_grid(span<const gmm_model>(per_cell), grid, shape, out_cells) == status::ok);
    for (std::size_t c = 0; c < 12; ++c) {
        float want = 0.0f;
        REQUIRE(edgekern::gmm_log_likelihood(c % 3 == 0 ? m_other : m_shared, span<const float>(grid + c * 6, 6),
                                             want) == status::ok);
        CHECK(out_cells[c] == want);
        if (c % 3 != 0) CHECK(close(out[c], want, 2e-6, 2e-6));
    }
    float keep[12];
    for (float& k : keep) k = -1.0f;
    CHECK(edgekern::gmm_score_grid(m_shared, grid, {3, 4, 5}, keep) == status::shape_mismatch);
    CHECK(edgekern::gmm_score_grid(m_shared, grid, {0, 4, 6}, keep) == status::invalid_shape);
    CHECK(edgekern::gmm_score_grid(span<const gmm_model>(per_cell, 11), grid, shape, keep) == status::shape_mismatch);
    per_cell[5] = gmm_model{};
    CHECK(edgekern::gmm_score_grid(span<const gmm_model>(per_cell), grid, shape, keep) == status::invalid_model);
    for (float k : keep) CHECK(k == -1.0f);
}

TEST_CASE("gmm f32: validation reports the precise status and leaves the model untouched") {
    const float log_w[] = {std::log(0.25f), std::log(0.75f)};
    const float means[] = {0, 0, 1, 1};
    const float prec[] = {1, 0.5f, 0, 2, 1, 0, 0, 1};
    const float log_det[] = {std::log(2.0f), 0.0f};
    gmm_model_view good;
    good.type = gmm_covariance::full;
    good.n_components = 2;
    good.n_features = 2;
    good.log_weights = log_w;
    good.means = means;
    good.precisions_chol = prec;
    good.log_det_chol = log_det;
    gmm_model m;
    REQUIRE(edgekern::gmm_validate(good, m) == status::ok);
    gmm_model untouched;
    auto expect = [&](gmm_model_view v, status want) {
        CHECK(edgekern::gmm_validate(v, untouched) == want);
        CHECK_FALSE(untouched.valid());
    };
    gmm_model_view v = good;
    v.n_components = 0;
    expect(v, status::invalid_shape);
    v = good;
    v.n_features = 0;
    expect(v, status::invalid_shape);
    v = good;
    v.means = span<const float>(means, 3);
    expect(v, status::shape_mismatch);
    v = good;
    v.log_det_chol = {};
    expect(v, status::null_buffer);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float means_nan[] = {0, nan, 1, 1};
    v = good;
    v.means = means_nan;
    expect(v, status::non_finite);
    const float log_w_bad[] = {std::log(0.25f), std::log(0.7f)};
    v = good;
    v.log_weights = log_w_bad;
    expect(v, status::invalid_model);
    const float prec_neg[] = {1, 0.5f, 0, -2, 1, 0, 0, 1};
    v = good;
    v.precisions_chol = prec_neg;
    expect(v, status::invalid_model);
    const float log_det_bad[] = {0.0f, 0.0f};
    v = good;
    v.log_det_chol = log_det_bad;
    expect(v, status::invalid_model);

    // Inputs: NaN sample, wrong size, unvalidated model, aliasing, short output: outputs untouched.
    float x[] = {0.5f, nan, 0.1f, 0.2f};
    float out[2] = {3.0f, 3.0f};
    CHECK(edgekern::gmm_log_likelihood(m, span<const float>(x, 2), out[0]) == status::non_finite);
    CHECK(edgekern::gmm_log_likelihood(m, span<const float>(x), 2, span<float>(out)) == status::non_finite);
    CHECK(edgekern::gmm_log_likelihood(m, span<const float>(x + 2, 2), 1, span<float>(out, 0)) ==
          status::buffer_too_small);
    CHECK(edgekern::gmm_log_likelihood(m, span<const float>(x + 2, 1), out[0]) == status::shape_mismatch);
    CHECK(edgekern::gmm_log_likelihood(gmm_model{}, span<const float>(x + 2, 2), out[0]) == status::invalid_model);
    CHECK(edgekern::gmm_log_likelihood(m, span<const float>(x + 2, 2), 0, span<float>(out)) == status::invalid_shape);
    CHECK(out[0] == 3.0f);
    CHECK(out[1] == 3.0f);
    float inplace[] = {0.1f, 0.2f, 0.3f, 0.4f};
    CHECK(edgekern::gmm_log_likelihood(m, span<const float>(inplace), 2, span<float>(inplace, 2)) == status::aliasing);
    CHECK(inplace[0] == 0.1f);
    float lr[4] = {9, 9, 9, 9};
    CHECK(edgekern::gmm_log_responsibilities(m, span<const float>(x), 2, span<float>(lr), span<float>(out)) ==
          status::non_finite);
    CHECK(edgekern::gmm_log_responsibilities(m, span<const float>(x + 2, 2), 1, span<float>(lr, 1), {}) ==
          status::buffer_too_small);
    for (float l : lr) CHECK(l == 9.0f);
}

TEST_CASE("gmm f32: a model can be constexpr (flash) and far-away samples give -inf, not NaN") {
    static constexpr float log_w[] = {0.0f};
    static constexpr float means[] = {0.0f};
    static constexpr float prec[] = {1.0f};
    static constexpr float log_det[] = {0.0f};
    static constexpr gmm_model_view flash{gmm_covariance::spherical, 1, 1, log_w, means, prec, log_det};
    gmm_model m;
    REQUIRE(edgekern::gmm_validate(flash, m) == status::ok);
    float ll = 0.0f;
    const float x0[] = {0.0f};
    REQUIRE(edgekern::gmm_log_likelihood(m, span<const float>(x0), ll) == status::ok);
    CHECK(ll == doctest::Approx(-0.9189385332).epsilon(1e-6));
    const float far[] = {3.0e38f};
    REQUIRE(edgekern::gmm_log_likelihood(m, span<const float>(far), ll) == status::ok);
    CHECK(ll == -std::numeric_limits<float>::infinity());
}

TEST_CASE("gmm f32: batch (one sample per SIMD lane) matches the oracle for every arch, lane tails and fallbacks") {
    edgekern_test::rng r(0xBA7C4u);
    const std::size_t dims[] = {1, 7, 16, 17, 64};
    const std::size_t comps[] = {1, 5, 16};
    std::size_t iter = 0;
    for (gmm_covariance type : all_gmm_types)
        for (std::size_t d : dims)
            for (std::size_t k_count : comps) {
                if (++iter % (edgekern_test::sweep_stride > 1 ? 4u : 1u) != 0) continue;
                CAPTURE(static_cast<int>(type));
                CAPTURE(d);
                CAPTURE(k_count);
                random_model& rm = edgekern_test::model_slot(0);
                rm.fill(r, type, k_count, d, iter % 2 ? 0.0f : 2000.0f);
                gmm_model model;
                REQUIRE(edgekern::gmm_validate(rm.view, model) == status::ok);
                constexpr std::size_t n = 37; // 2 x 16 lanes + 5, 4 x 8 + 5, 9 x 4 + 1
                static float x[n * 64];
                static std::int16_t x16[n * 64];
                double want[n], want16[n];
                const edgekern::gmm_input_quant q{0.25f, -static_cast<std::int32_t>(iter % 2 ? 0 : 8000)};
                for (std::size_t s = 0; s < n; ++s) {
                    const std::size_t k = s % k_count;
                    double xd[64], xq[64];
                    for (std::size_t i = 0; i < d; ++i) {
                        x[s * d + i] = rm.means[k * d + i] + r.uniform_f(-2.0f, 2.0f) * static_cast<float>(s % 4 + 1);
                        xd[i] = x[s * d + i];
                        x16[s * d + i] = static_cast<std::int16_t>(std::lround(x[s * d + i] / q.scale) + q.zero_point);
                        xq[i] = 0.25 * (x16[s * d + i] - q.zero_point);
                    }
                    want[s] = edgekern_ref::gmm_ref_log_likelihood(static_cast<int>(type), k_count, d, rm.log_w,
                                                                   rm.means, rm.prec, xd);
                    want16[s] = edgekern_ref::gmm_ref_log_likelihood(static_cast<int>(type), k_count, d, rm.log_w,
                                                                     rm.means, rm.prec, xq);
                }
                edgekern_test::for_each_arch([&](auto tag) {
                    CAPTURE(decltype(tag)::name);
                    float got[n], got16[n];
                    REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(x, n * d), n, span<float>(got),
                                                         tag) == status::ok);
                    REQUIRE(edgekern::gmm_log_likelihood(model, span<const std::int16_t>(x16, n * d), q, n,
                                                         span<float>(got16), tag) == status::ok);
                    for (std::size_t s = 0; s < n; ++s) {
                        CAPTURE(s);
                        CHECK(close(got[s], want[s], 2e-5, 2e-5 * static_cast<double>(d)));
                        CHECK(close(got16[s], want16[s], 2e-5, 2e-5 * static_cast<double>(d)));
                    }
                });
            }
}
