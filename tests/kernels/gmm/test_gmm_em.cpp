// SPDX-License-Identifier: Apache-2.0
// Tests for on-device EM: scikit-learn EM iterations from a given init (golden), k-means++ reaching scikit-learn's
// optimum, streaming == batch, degenerate data (duplicates, empty components, zero variance), bad input.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgekern/kernels/gmm.hpp"
#include "support/test_support.hpp"
#include "vectors/gmm_em.hpp"

using edgekern::gmm_covariance;
using edgekern::gmm_em_params;
using edgekern::gmm_em_result;
using edgekern::gmm_model;
using edgekern::gmm_model_buffers;
using edgekern::span;
using edgekern::status;

namespace {

/// Model storage + workspace for K <= 4, d <= 8.
struct em_storage {
    float log_w[4];
    float means[4 * 8];
    float prec[4 * 8 * 8];
    float log_det[4];
    double scratch[4096];
    gmm_model_buffers buffers() { return {log_w, means, prec, log_det}; }
};

/// Writes the case's init (weights, means, covariances) into the storage through the converter.
status load_init(const gmm_vectors::em_case& c, em_storage& st) {
    const auto type = static_cast<gmm_covariance>(c.type);
    const std::size_t k = c.n_components, d = c.n_features;
    static double conv_scratch[2 * 8 * 8];
    edgekern::gmm_model_view v;
    EDGEKERN_TRY(edgekern::gmm_from_covariances(
        type, k, d, span<const float>(c.weights_init, k), span<const float>(c.means_init, k * d),
        span<const float>(c.covariances_init, c.precision_size), span<float>(st.log_w), span<float>(st.prec),
        span<float>(st.log_det), span<double>(conv_scratch), v));
    for (std::size_t i = 0; i < k * d; ++i) st.means[i] = c.means_init[i];
    return status::ok;
}

double max_abs(const double* v, std::size_t n) {
    double m = 0.0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}

} // namespace

TEST_CASE("gmm em: iterations from a given init match scikit-learn (1, 3 and all iterations)") {
    for (const auto& c : gmm_vectors::em_cases) {
        INFO(doctest::String(c.name));
        const auto type = static_cast<gmm_covariance>(c.type);
        const std::size_t k = c.n_components, d = c.n_features;
        for (const auto& step : c.steps) {
            CAPTURE(step.max_iter);
            static em_storage st;
            REQUIRE(load_init(c, st) == status::ok);
            gmm_em_params p;
            p.type = type;
            p.n_components = k;
            p.max_iter = step.max_iter;
            p.init = edgekern::gmm_em_init::given;
            gmm_model model;
            gmm_em_result res;
            REQUIRE(edgekern::gmm_em_fit(span<const float>(c.x, c.n_samples * d), c.n_samples, d, p, st.buffers(),
                                         span<double>(st.scratch), model, res) == status::ok);
            CHECK(res.n_iter == step.n_iter);
            CHECK(static_cast<int>(res.converged) == step.converged);
            CHECK(res.lower_bound == doctest::Approx(step.lower_bound).epsilon(1e-5));
            CHECK(res.n_reseeded == 0);
            CHECK(res.n_regularized == 0);
            for (std::size_t j = 0; j < k; ++j)
                CHECK(std::fabs(std::exp(static_cast<double>(st.log_w[j])) - step.weights[j]) <= 1e-4);
            const double mean_scale = max_abs(step.means, k * d);
            for (std::size_t i = 0; i < k * d; ++i)
                CHECK(std::fabs(st.means[i] - step.means[i]) <= 1e-4 * (1.0 + mean_scale) * 1e-2 + 1e-4);
            const double p_scale = max_abs(step.precisions_chol, c.precision_size);
            for (std::size_t i = 0; i < c.precision_size; ++i)
                CHECK(std::fabs(st.prec[i] - step.precisions_chol[i]) <= 1e-3 * p_scale);
        }
    }
}

TEST_CASE("gmm em: k-means++ init reaches scikit-learn's optimum; fit is deterministic per seed") {
    for (const auto& c : gmm_vectors::em_cases) {
        INFO(doctest::String(c.name));
        const std::size_t d = c.n_features;
        gmm_em_params p;
        p.type = static_cast<gmm_covariance>(c.type);
        p.n_components = c.n_components;
        double best = -1e300;
        double first_lb = 0.0;
        for (std::uint64_t seed = 0; seed < 4; ++seed) {
            p.seed = seed;
            static em_storage st;
            gmm_model model;
            gmm_em_result res;
            REQUIRE(edgekern::gmm_em_fit(span<const float>(c.x, c.n_samples * d), c.n_samples, d, p, st.buffers(),
                                         span<double>(st.scratch), model, res) == status::ok);
            CHECK(res.converged);
            best = std::fmax(best, res.lower_bound);
            if (seed == 0) first_lb = res.lower_bound;
        }
        // Like scikit-learn with n_init = 4: the best of four seeds reaches its optimum (within tol-sized slack).
        CHECK(best >= c.kmeans_lower_bound - 2e-3);
        p.seed = 0;
        static em_storage again;
        gmm_model model;
        gmm_em_result res;
        REQUIRE(edgekern::gmm_em_fit(span<const float>(c.x, c.n_samples * d), c.n_samples, d, p, again.buffers(),
                                     span<double>(again.scratch), model, res) == status::ok);
        CHECK(res.lower_bound == first_lb);
    }
}

TEST_CASE("gmm em: streaming statistics over frames equal the batch E/M step") {
    const auto& c = gmm_vectors::em_cases[0];
    const auto type = static_cast<gmm_covariance>(c.type);
    const std::size_t k = c.n_components, d = c.n_features;
    static em_storage batch, stream;
    REQUIRE(load_init(c, batch) == status::ok);
    REQUIRE(load_init(c, stream) == status::ok);
    gmm_em_params p;
    p.type = type;
    p.n_components = k;
    p.max_iter = 1;
    p.init = edgekern::gmm_em_init::given;
    gmm_model m_batch;
    gmm_em_result r_batch;
    REQUIRE(edgekern::gmm_em_fit(span<const float>(c.x, c.n_samples * d), c.n_samples, d, p, batch.buffers(),
                                 span<double>(batch.scratch), m_batch, r_batch) == status::ok);
    gmm_model m;
    REQUIRE(edgekern::gmm_validate(edgekern::detail::gmm_view_of(type, k, d, stream.buffers()), m) == status::ok);
    REQUIRE(edgekern::gmm_em_stats_reset(type, k, d, span<double>(stream.scratch)) == status::ok);
    for (std::size_t f = 0; f < c.n_samples; f += 16) { // frames of 16 samples, never all in memory at once
        const std::size_t n = c.n_samples - f < 16 ? c.n_samples - f : 16;
        REQUIRE(edgekern::gmm_em_accumulate(m, span<const float>(c.x + f * d, n * d), n,
                                            span<double>(stream.scratch)) == status::ok);
    }
    gmm_em_result r;
    REQUIRE(edgekern::gmm_em_m_step(m, stream.buffers(), 1e-6f, span<double>(stream.scratch), r) == status::ok);
    for (std::size_t i = 0; i < k * d; ++i) CHECK(stream.means[i] == batch.means[i]);
    for (std::size_t i = 0; i < c.precision_size; ++i) CHECK(stream.prec[i] == batch.prec[i]);
    for (std::size_t i = 0; i < k; ++i) CHECK(stream.log_w[i] == batch.log_w[i]);
}

TEST_CASE("gmm em: degenerate data never crashes (duplicates, empty components, zero variance)") {
    const gmm_covariance types[] = {gmm_covariance::full, gmm_covariance::tied, gmm_covariance::diag,
                                    gmm_covariance::spherical};
    for (gmm_covariance type : types) {
        CAPTURE(static_cast<int>(type));
        static em_storage st;
        gmm_em_params p;
        p.type = type;
        p.n_components = 3;
        gmm_model model;
        gmm_em_result res;
        // (a) every sample identical: zero variance everywhere, two components necessarily empty.
        float same[20 * 2];
        for (std::size_t i = 0; i < 20; ++i) {
            same[2 * i] = 5.0f;
            same[2 * i + 1] = -1.0f;
        }
        REQUIRE(edgekern::gmm_em_fit(span<const float>(same), 20, 2, p, st.buffers(), span<double>(st.scratch), model,
                                     res) == status::ok);
        CHECK(model.valid());
        float ll = 0.0f;
        REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(same, 2), ll) == status::ok);
        CHECK(std::isfinite(ll));
        CHECK(ll > 5.0f); // a very peaked density at the only point (variance = reg_covar)
        // (b) two distinct points for three components, and a constant feature, with reg_covar = 0.
        float two[30 * 2];
        for (std::size_t i = 0; i < 30; ++i) {
            two[2 * i] = (i % 2) ? 1.0f : -1.0f;
            two[2 * i + 1] = 3.0f;
        }
        p.reg_covar = 0.0f;
        REQUIRE(edgekern::gmm_em_fit(span<const float>(two), 30, 2, p, st.buffers(), span<double>(st.scratch), model,
                                     res) == status::ok);
        CHECK(res.n_regularized + res.n_reseeded > 0);
        for (float v : st.prec) CHECK(std::isfinite(v));
        REQUIRE(edgekern::gmm_log_likelihood(model, span<const float>(two, 2), ll) == status::ok);
        CHECK(std::isfinite(ll));
    }
}

TEST_CASE("gmm em: bad input reports a status and writes nothing") {
    static em_storage st;
    for (float& v : st.means) v = 7.0f;
    const float x[] = {0, 1, 2, 3, 4, 5, 6, 7};
    gmm_em_params p;
    p.n_components = 2;
    gmm_model model;
    gmm_em_result res;
    res.n_iter = 99;
    auto fit = [&](span<const float> xs, std::size_t n, std::size_t d, span<double> scratch) {
        return edgekern::gmm_em_fit(xs, n, d, p, st.buffers(), scratch, model, res);
    };
    CHECK(fit(x, 4, 2, span<double>(st.scratch, 10)) == status::buffer_too_small);
    CHECK(fit(span<const float>(x, 7), 4, 2, st.scratch) == status::shape_mismatch);
    CHECK(fit(x, 4, 0, st.scratch) == status::invalid_shape);
    CHECK(fit(x, 1, 8, st.scratch) == status::invalid_argument); // n < K
    const float nan_x[] = {0, 1, 2, std::nanf(""), 4, 5, 6, 7};
    CHECK(fit(nan_x, 4, 2, st.scratch) == status::non_finite);
    p.n_components = 0;
    CHECK(fit(x, 4, 2, st.scratch) == status::invalid_shape);
    p.n_components = 2;
    p.reg_covar = -1.0f;
    CHECK(fit(x, 4, 2, st.scratch) == status::invalid_argument);
    p.reg_covar = 1e-6f;
    p.max_iter = 0;
    CHECK(fit(x, 4, 2, st.scratch) == status::invalid_argument);
    p.max_iter = 10;
    p.init = edgekern::gmm_em_init::given; // buffers hold garbage: not a valid model
    for (float& v : st.log_w) v = 0.0f;
    CHECK(fit(x, 4, 2, st.scratch) == status::invalid_model);
    CHECK(res.n_iter == 99);
    CHECK_FALSE(model.valid());
    for (float v : st.means) CHECK(v == 7.0f);
    gmm_em_result r;
    CHECK(edgekern::gmm_em_m_step(model, st.buffers(), 1e-6f, st.scratch, r) == status::invalid_model);
    CHECK(edgekern::gmm_em_stats_reset(gmm_covariance::full, 2, 2, span<double>(st.scratch, 3)) ==
          status::buffer_too_small);
}
