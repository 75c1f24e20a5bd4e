// SPDX-License-Identifier: Apache-2.0
// Tests for random projection against scikit-learn (GaussianRandomProjection matrices bit for bit, transform,
// johnson_lindenstrauss_min_dim) and statistical distortion tests of every kind.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "edgekern/kernels/random_projection.hpp"
#include "support/test_support.hpp"
#include "vectors/rp_sklearn.hpp"

using edgekern::rp_kind;
using edgekern::rp_matrix;
using edgekern::span;
using edgekern::status;

TEST_CASE("MT19937 matches the reference generator's published first outputs") {
    // mt19937ar.c with init_genrand(5489): the 10000th output is 4123659995 (C++ std::mt19937 default check).
    edgekern::mt19937_state s(5489u);
    std::uint32_t v = 0;
    for (int i = 0; i < 10000; ++i) v = s.next_u32();
    CHECK(v == 4123659995u);
}

TEST_CASE("sklearn GaussianRandomProjection matrix reproduced bit for bit from the seed") {
    for (const auto& c : rp_vectors::sklearn_cases) {
        CAPTURE(c.seed);
        CAPTURE(c.k);
        CAPTURE(c.d);
        std::vector<double> m(c.k * c.d, 0.0);
        REQUIRE(edgekern::sklearn_gaussian_random_matrix(c.seed, c.k, c.d, span<double>(m)) == status::ok);
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < c.k * c.d; ++i) {
            mismatches += (m[i] != c.components[i]);
            REQUIRE(std::fabs(m[i] - c.components[i]) <= 2.3e-16 * std::fabs(c.components[i]));
        }
        if (edgekern::detail::rp_log_is_libm)
            CHECK(mismatches == 0); // glibc: bit for bit
        else
            CHECK(mismatches * 100 <= c.k * c.d); // correctly rounded log: rare 1-ulp differences (documented)
        std::vector<float> mf(c.k * c.d);
        REQUIRE(edgekern::sklearn_gaussian_random_matrix(c.seed, c.k, c.d, span<float>(mf)) == status::ok);
        for (std::size_t i = 0; i < c.k * c.d; ++i) REQUIRE(mf[i] == static_cast<float>(m[i]));
        // project with the float copy: sklearn's transform within float tolerance
        rp_matrix stored;
        REQUIRE(edgekern::make_rp_stored_f32(rp_kind::gaussian, c.k, c.d, span<const float>(mf), stored) == status::ok);
        std::vector<float> x(c.d), y(c.k);
        for (std::size_t j = 0; j < c.d; ++j) x[j] = static_cast<float>(c.x[j]);
        REQUIRE(edgekern::random_projection(stored, span<const float>(x), span<float>(y)) == status::ok);
        for (std::size_t i = 0; i < c.k; ++i) {
            double l1 = 0;
            for (std::size_t j = 0; j < c.d; ++j) l1 += std::fabs(c.components[i * c.d + j] * c.x[j]);
            REQUIRE(std::fabs(double(y[i]) - c.y[i]) <= 1e-6 + double(c.d + 2) * 1.2e-7 * l1);
        }
    }
    std::vector<double> small(3);
    CHECK(edgekern::sklearn_gaussian_random_matrix(1, 2, 2, span<double>(small)) == status::buffer_too_small);
    CHECK(edgekern::sklearn_gaussian_random_matrix(1, 0, 2, span<double>(small)) == status::invalid_shape);
}

TEST_CASE("correctly rounded logarithm agrees with the host libm on a sweep") {
    // Not a bit-exactness claim about libm (which is allowed 1 ulp); a check that rp_log_cr is a logarithm.
    std::size_t differ = 0, total = 0;
    for (double x = 1e-6; x < 1.0; x *= 1.0 + 1e-3 * double(edgekern_test::sweep_stride)) {
        const double a = edgekern::detail::rp_log_cr(x);
        const double b = std::log(x);
        ++total;
        if (a != b) {
            ++differ;
            REQUIRE(std::fabs(a - b) <= 2.3e-16 * std::fabs(b));
        }
    }
    // glibc's log is within 0.52 ulp, so it rarely differs; other libms (newlib soft-float) only promise ~1 ulp
    if (edgekern::detail::rp_log_is_libm) CHECK(differ * 1000 <= total);
}

TEST_CASE("Johnson-Lindenstrauss minimum dimension equals scikit-learn's") {
    for (const auto& c : rp_vectors::jl_cases) {
        CAPTURE(c.n_samples);
        CAPTURE(c.eps);
        std::size_t k = 0;
        REQUIRE(edgekern::johnson_lindenstrauss_min_dim(c.n_samples, c.eps, k) == status::ok);
        CHECK(k == c.min_dim);
    }
}

namespace {

// Pairwise squared-distance ratios |R(a - b)|^2 / |a - b|^2 over all pairs of n random points.
std::vector<double> distance_ratios(const rp_matrix& m, const std::vector<float>& pts, std::size_t n) {
    const std::size_t d = m.n_features, k = m.n_components;
    std::vector<float> proj(n * k);
    REQUIRE(edgekern::random_projection_batch(m, n, span<const float>(pts), span<float>(proj)) == status::ok);
    std::vector<double> r;
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = a + 1; b < n; ++b) {
            double num = 0, den = 0;
            for (std::size_t i = 0; i < k; ++i) {
                const double t = double(proj[a * k + i]) - double(proj[b * k + i]);
                num += t * t;
            }
            for (std::size_t j = 0; j < d; ++j) {
                const double t = double(pts[a * d + j]) - double(pts[b * d + j]);
                den += t * t;
            }
            r.push_back(num / den);
        }
    std::sort(r.begin(), r.end());
    return r;
}

double quantile(const std::vector<double>& sorted, double q) {
    return sorted[static_cast<std::size_t>(q * double(sorted.size() - 1))];
}

} // namespace

TEST_CASE("distortion: pairwise squared-distance ratio quantiles within chi-square bounds, every kind") {
    // For a JL matrix with k = 64, |Rx|^2 / |x|^2 ~ chi2_64 / 64 (Gaussian): mean 1, sd 0.177, 5 % / 95 % quantiles
    // 0.74 / 1.30. Bounds below allow sampling noise (the pairs share one matrix) and the sparse kind's heavier
    // tails; a biased generator (non-zero mean entries) fails the non-negative-data case by far.
    const std::size_t d = 256, k = 64, n = 40;
    edgekern_test::rng g(8);
    std::vector<float> pts(n * d);
    std::vector<double> sk(k * d);
    std::vector<float> skf(k * d);
    REQUIRE(edgekern::sklearn_gaussian_random_matrix(42, k, d, span<float>(skf)) == status::ok);
    for (int data = 0; data < 2; ++data) {
        for (auto& v : pts) v = data == 0 ? g.uniform_f(-1.0f, 1.0f) : g.uniform_f(0.0f, 1.0f); // 1: ReLU-like
        for (int kind = 0; kind < 4; ++kind) {
            CAPTURE(data);
            CAPTURE(kind);
            rp_matrix m;
            if (kind == 0) REQUIRE(edgekern::make_rp_matrix_free(rp_kind::gaussian, k, d, 1234, 0.0, m) == status::ok);
            if (kind == 1)
                REQUIRE(edgekern::make_rp_matrix_free(rp_kind::sparse, k, d, 1234, edgekern::rp_default_density(d),
                                                      m) == status::ok);
            if (kind == 2)
                REQUIRE(edgekern::make_rp_matrix_free(rp_kind::sparse, k, d, 99, 1.0 / 3.0, m) == status::ok);
            if (kind == 3)
                REQUIRE(edgekern::make_rp_stored_f32(rp_kind::gaussian, k, d, span<const float>(skf), m) == status::ok);
            const auto r = distance_ratios(m, pts, n);
            const double q05 = quantile(r, 0.05), q50 = quantile(r, 0.5), q95 = quantile(r, 0.95);
            CAPTURE(q05);
            CAPTURE(q50);
            CAPTURE(q95);
            CHECK(q05 > 0.60);
            CHECK(q50 > 0.85);
            CHECK(q50 < 1.15);
            CHECK(q95 < 1.50);
        }
    }
}
