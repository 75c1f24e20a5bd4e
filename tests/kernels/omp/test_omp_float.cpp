// SPDX-License-Identifier: Apache-2.0
// test_omp_float.cpp: float OMP against scikit-learn golden vectors, the float64 reference, across backends, and
// the bad-input / degenerate-dictionary guards.
#include <cmath>
#include <cstddef>
#include <cstring>

#include "edgekern/kernels/omp.hpp"
#include "reference/omp_reference.hpp"
#include "support/test_support.hpp"
#include "vectors/omp_sklearn.hpp"

namespace ek = edgekern;
using edgekern::span;
using edgekern::status;

namespace {

constexpr std::size_t max_atoms = 96;
constexpr std::size_t max_sparsity = 16;

// Static buffers: Cortex-M stacks are small.
float g_dict[max_atoms * 128];
float g_gram[max_atoms * max_atoms];
float g_signals[64 * 128];
float g_codes[64 * max_atoms];
float g_codes2[64 * max_atoms];
float g_res[64];
float g_res2[64];
float g_scratch[ek::omp_batch_scratch_size(max_atoms, 128)];

void random_dictionary(edgekern_test::rng& r, std::size_t k, std::size_t n) {
    for (std::size_t i = 0; i < k * n; ++i) g_dict[i] = r.uniform_f(-1.0f, 1.0f);
    REQUIRE(ek::omp_normalize_atoms(span<float>(g_dict, k * n), k, n) == status::ok);
}

void sparse_signals(edgekern_test::rng& r, std::size_t k, std::size_t n, std::size_t count, std::size_t s) {
    for (std::size_t t = 0; t < count; ++t) {
        float* x = g_signals + t * n;
        for (std::size_t i = 0; i < n; ++i) x[i] = 0.02f * r.uniform_f(-1.0f, 1.0f);
        for (std::size_t m = 0; m < s; ++m) {
            const auto a = static_cast<std::size_t>(r.uniform(0, static_cast<std::int64_t>(k) - 1));
            const float c = r.uniform_f(0.3f, 1.5f) * (r.next() & 1 ? 1.0f : -1.0f);
            for (std::size_t i = 0; i < n; ++i) x[i] += c * g_dict[a * n + i];
        }
    }
}

// Support of a dense code as a bitmask-like comparison with a tolerance-free rule: nonzero entries.
bool same_support(const float* a, const double* b, std::size_t k) {
    for (std::size_t i = 0; i < k; ++i)
        if ((a[i] != 0.0f) != (b[i] != 0.0)) return false;
    return true;
}

} // namespace

TEST_CASE("omp_f32 matches scikit-learn orthogonal_mp_gram (golden vectors)") {
    namespace v = omp_sklearn;
    const std::size_t k = v::n_atoms, n = v::dim, ns = v::n_signals;
    span<const float> dict(v::dictionary, k * n);
    REQUIRE(ek::omp_check_dictionary(dict, k, n) == status::ok);
    REQUIRE(ek::omp_gram(dict, k, n, span<float>(g_gram, k * k)) == status::ok);
    struct mode {
        std::size_t s;
        float tol;
        const float* codes;
        const float* res;
    };
    const mode modes[] = {{3, -1.0f, v::codes_s3, v::residual_s3},
                          {5, -1.0f, v::codes_s5, v::residual_s5},
                          {0, v::tol, v::codes_tol, v::residual_tol}};
    for (const mode& m : modes) {
        ek::omp_params p;
        p.n_atoms = k;
        p.dim = n;
        p.n_nonzero = m.s;
        p.tol = m.tol;
        edgekern_test::for_each_arch([&](auto tag) {
            CAPTURE(tag.name);
            CAPTURE(m.s);
            REQUIRE(ek::omp_encode_batch<max_atoms, max_sparsity>(dict, span<const float>(g_gram, k * k),
                                                                  span<const float>(v::signals, ns * n), ns, p,
                                                                  span<float>(g_codes, ns * k), span<float>(g_res, ns),
                                                                  span<float>(g_scratch), tag) == status::ok);
            for (std::size_t t = 0; t < ns; ++t) {
                CAPTURE(t);
                // one-signal entry point, with and without the Gram matrix, must agree with the batch
                float code1[max_atoms], code2[max_atoms], r1 = 0, r2 = 0;
                REQUIRE(ek::omp_encode<max_atoms, max_sparsity>(
                            dict, span<const float>(g_gram, k * k), span<const float>(v::signals + t * n, n), p,
                            span<float>(code1, k), span<float>(&r1, 1), tag) == status::ok);
                REQUIRE(ek::omp_encode<max_atoms, max_sparsity>(
                            dict, span<const float>(), span<const float>(v::signals + t * n, n), p,
                            span<float>(code2, k), span<float>(&r2, 1), tag) == status::ok);
                for (std::size_t a = 0; a < k; ++a) {
                    const float want = m.codes[t * k + a];
                    const float got = g_codes[t * k + a];
                    // same support, coefficients within 2e-5 (absolute + relative): the stated float tolerance
                    REQUIRE((got != 0.0f) == (want != 0.0f));
                    CHECK(std::fabs(got - want) <= 2e-5f * (1.0f + std::fabs(want)));
                    CHECK(std::fabs(code1[a] - got) <= 2e-5f * (1.0f + std::fabs(want)));
                    CHECK(std::fabs(code2[a] - got) <= 2e-5f * (1.0f + std::fabs(want)));
                }
                CHECK(std::fabs(g_res[t] - m.res[t]) <= 1e-4f * (1.0f + m.res[t]));
                if (m.tol >= 0.0f) CHECK(m.res[t] <= m.tol * 1.0001f);
            }
        });
    }
}

TEST_CASE("omp_f32 against the float64 reference over shapes, and every backend against scalar") {
    edgekern_test::rng r(42);
    struct shape {
        std::size_t k, n, s;
    };
    const shape shapes[] = {{1, 1, 1},   {2, 3, 1},   {17, 8, 3},   {16, 16, 4},  {33, 31, 5},
                            {64, 64, 3}, {64, 64, 8}, {96, 64, 16}, {48, 128, 6}, {15, 15, 15}};
    std::size_t total = 0, same = 0;
    for (const shape& sh : shapes) {
        CAPTURE(sh.k);
        CAPTURE(sh.n);
        random_dictionary(r, sh.k, sh.n);
        const std::size_t ns = edgekern_test::sweep_stride > 1 ? 9 : 40;
        sparse_signals(r, sh.k, sh.n, ns, sh.s > 1 ? sh.s - 1 : 1);
        span<const float> dict(g_dict, sh.k * sh.n), gram(g_gram, sh.k * sh.k), sig(g_signals, ns * sh.n);
        REQUIRE(ek::omp_gram(dict, sh.k, sh.n, span<float>(g_gram, sh.k * sh.k)) == status::ok);
        ek::omp_params p;
        p.n_atoms = sh.k;
        p.dim = sh.n;
        p.n_nonzero = sh.s;
        REQUIRE(ek::omp_encode_batch<max_atoms, max_sparsity>(dict, gram, sig, ns, p, span<float>(g_codes, ns * sh.k),
                                                              span<float>(g_res, ns), span<float>(g_scratch),
                                                              ek::arch::scalar{}) == status::ok);
        for (std::size_t t = 0; t < ns; ++t) {
            std::size_t idx[edgekern_ref::omp_ref_max];
            double coef[edgekern_ref::omp_ref_max], err = 0, dense[max_atoms] = {};
            const std::size_t m =
                edgekern_ref::omp_reference(g_dict, sh.k, sh.n, g_signals + t * sh.n, sh.s, -1.0, idx, coef, err);
            for (std::size_t j = 0; j < m; ++j) dense[idx[j]] = coef[j];
            ++total;
            if (!same_support(g_codes + t * sh.k, dense, sh.k)) continue;
            ++same;
            double scale = 1.0;
            for (std::size_t j = 0; j < m; ++j) scale = std::fmax(scale, std::fabs(coef[j]));
            for (std::size_t a = 0; a < sh.k; ++a) CHECK(std::fabs(g_codes[t * sh.k + a] - dense[a]) <= 1e-3 * scale);
            CHECK(std::fabs(g_res[t] - err) <= 1e-4 * (1.0 + err) * scale);
        }
        edgekern_test::for_each_arch([&](auto tag) {
            CAPTURE(tag.name);
            REQUIRE(ek::omp_encode_batch<max_atoms, max_sparsity>(
                        dict, gram, sig, ns, p, span<float>(g_codes2, ns * sh.k), span<float>(g_res2, ns),
                        span<float>(g_scratch), tag) == status::ok);
            // FMA vs separate multiply-add in D x: same supports, coefficients within 5e-4 of the signal's largest
            // coefficient (16-atom supports amplify the rounding difference through the Cholesky solve)
            for (std::size_t t = 0; t < ns; ++t) {
                float scale = 1.0f;
                for (std::size_t a = 0; a < sh.k; ++a) scale = std::fmax(scale, std::fabs(g_codes[t * sh.k + a]));
                for (std::size_t a = 0; a < sh.k; ++a) {
                    const std::size_t i = t * sh.k + a;
                    REQUIRE((g_codes2[i] != 0.0f) == (g_codes[i] != 0.0f));
                    CHECK(std::fabs(g_codes2[i] - g_codes[i]) <= 5e-4f * scale);
                }
            }
        });
    }
    // Ties between correlations at float precision may legitimately change a choice; they must stay rare.
    CHECK(same * 100 >= total * 97);
    MESSAGE("float OMP: same support as float64 reference for " << same << " of " << total << " signals");
}

TEST_CASE("omp_f32 tol mode stops at the squared residual bound") {
    edgekern_test::rng r(7);
    const std::size_t k = 32, n = 16, ns = 20;
    random_dictionary(r, k, n);
    sparse_signals(r, k, n, ns, 4);
    REQUIRE(ek::omp_gram(span<const float>(g_dict, k * n), k, n, span<float>(g_gram, k * k)) == status::ok);
    ek::omp_params p;
    p.n_atoms = k;
    p.dim = n;
    p.tol = 0.01f;
    REQUIRE(ek::omp_encode_batch<max_atoms, max_sparsity>(
                span<const float>(g_dict, k * n), span<const float>(g_gram, k * k),
                span<const float>(g_signals, ns * n), ns, p, span<float>(g_codes, ns * k), span<float>(g_res, ns),
                span<float>(g_scratch)) == status::ok);
    for (std::size_t t = 0; t < ns; ++t) {
        // recompute the residual explicitly
        double e = 0;
        for (std::size_t i = 0; i < n; ++i) {
            double rec = 0;
            for (std::size_t a = 0; a < k; ++a) rec += double(g_codes[t * k + a]) * g_dict[a * n + i];
            e += (g_signals[t * n + i] - rec) * (g_signals[t * n + i] - rec);
        }
        CHECK(e <= 0.01 * 1.001 + 1e-6);
        CHECK(std::fabs(e - g_res[t]) <= 1e-4 * (1 + e));
    }
    // both rules: stops at the sparsity when the tolerance is not reached
    p.n_nonzero = 1;
    p.tol = 1e-9f;
    REQUIRE(ek::omp_encode_batch<max_atoms, max_sparsity>(
                span<const float>(g_dict, k * n), span<const float>(g_gram, k * k),
                span<const float>(g_signals, ns * n), ns, p, span<float>(g_codes, ns * k), span<float>(g_res, ns),
                span<float>(g_scratch)) == status::ok);
    for (std::size_t t = 0; t < ns; ++t) {
        int nz = 0;
        for (std::size_t a = 0; a < k; ++a) nz += g_codes[t * k + a] != 0.0f;
        CHECK(nz == 1);
    }
}

TEST_CASE("omp_f32 degenerate dictionaries and signals give a defined, finite result") {
    // repeated atom: atoms 0 and 2 identical; the second copy can never be chosen (pivot 0)
    float d[4 * 3] = {1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0.6f, 0.8f};
    float g[16];
    REQUIRE(ek::omp_gram(span<const float>(d, 12), 4, 3, span<float>(g, 16)) == status::ok);
    ek::omp_params p;
    p.n_atoms = 4;
    p.dim = 3;
    p.n_nonzero = 4;
    const float x[3] = {2.0f, 1.0f, 0.5f};
    float code[4] = {}, res = -1;
    edgekern_test::for_each_arch([&](auto tag) {
        REQUIRE(ek::omp_encode<8, 4>(span<const float>(d, 12), span<const float>(g, 16), span<const float>(x, 3), p,
                                     span<float>(code, 4), span<float>(&res, 1), tag) == status::ok);
        for (float c : code) CHECK(std::isfinite(c));
        CHECK((code[0] == 0.0f || code[2] == 0.0f));
        CHECK(std::fabs(code[0] + code[2] - 2.0f) < 1e-5f);
        CHECK(res >= 0.0f);
        CHECK(res < 1e-5f); // x lies in the span of atoms 0, 1, 3
    });
    // more atoms requested than the dimension: stops at dim atoms (linear dependence), exact fit
    float d2[3 * 2] = {1, 0, 0, 1, 0.70710678f, 0.70710678f};
    float g2[9];
    REQUIRE(ek::omp_gram(span<const float>(d2, 6), 3, 2, span<float>(g2, 9)) == status::ok);
    p.n_atoms = 3;
    p.dim = 2;
    p.n_nonzero = 3;
    const float x2[2] = {0.3f, -2.0f};
    float code2[3];
    REQUIRE(ek::omp_encode<4, 4>(span<const float>(d2, 6), span<const float>(g2, 9), span<const float>(x2, 2), p,
                                 span<float>(code2, 3), span<float>(&res, 1)) == status::ok);
    int nz = 0;
    for (float c : code2) nz += c != 0.0f;
    CHECK(nz == 2);
    CHECK(res < 1e-6f);
    // zero signal: zero code, zero residual
    const float zero[2] = {0, 0};
    REQUIRE(ek::omp_encode<4, 4>(span<const float>(d2, 6), span<const float>(g2, 9), span<const float>(zero, 2), p,
                                 span<float>(code2, 3), span<float>(&res, 1)) == status::ok);
    for (float c : code2) CHECK(c == 0.0f);
    CHECK(res == 0.0f);
}

TEST_CASE("omp_f32 bad input returns a status and leaves outputs untouched") {
    edgekern_test::rng r(3);
    const std::size_t k = 8, n = 4, ns = 3;
    random_dictionary(r, k, n);
    sparse_signals(r, k, n, ns, 2);
    REQUIRE(ek::omp_gram(span<const float>(g_dict, k * n), k, n, span<float>(g_gram, k * k)) == status::ok);
    ek::omp_params p;
    p.n_atoms = k;
    p.dim = n;
    p.n_nonzero = 2;
    float codes[ns * k], res[ns], scratch[ek::omp_batch_scratch_size(k, n)];
    static_assert(ek::omp_batch_scratch_size(k, n) == (n + ek::omp_batch_tile + k) * 16, "scratch formula");
    auto run = [&](span<const float> dict, span<const float> gram, span<const float> sig, const ek::omp_params& pp,
                   span<float> sc) {
        for (float& c : codes) c = 7.0f;
        for (float& c : res) c = 7.0f;
        const status st =
            ek::omp_encode_batch<16, 4>(dict, gram, sig, ns, pp, span<float>(codes), span<float>(res), sc);
        for (float c : codes) CHECK(c == 7.0f);
        for (float c : res) CHECK(c == 7.0f);
        return st;
    };
    span<const float> dict(g_dict, k * n), gram(g_gram, k * k), sig(g_signals, ns * n);
    span<float> sc(scratch);
    auto q = p;
    q.n_nonzero = 0;
    CHECK(run(dict, gram, sig, q, sc) == status::invalid_argument); // no stopping rule
    q.n_nonzero = 9;
    CHECK(run(dict, gram, sig, q, sc) == status::invalid_argument); // more than n_atoms
    q.n_nonzero = 5;
    CHECK(run(dict, gram, sig, q, sc) == status::buffer_too_small); // more than MaxSparsity (4)
    q = p;
    q.tol = NAN;
    CHECK(run(dict, gram, sig, q, sc) == status::non_finite);
    q = p;
    q.dim = 5;
    CHECK(run(dict, gram, sig, q, sc) == status::shape_mismatch); // dictionary is 8 x 4
    q = p;
    q.dim = 0;
    CHECK(run(dict, gram, sig, q, sc) == status::invalid_shape);
    q = p;
    q.n_atoms = 17;
    CHECK(run(dict, gram, sig, q, sc) == status::buffer_too_small); // MaxAtoms 16
    CHECK(run(dict, gram, sig.first(ns * n - 1), p, sc) == status::shape_mismatch);
    CHECK(run(dict, gram.first(k * k - 1), sig, p, sc) == status::shape_mismatch);
    CHECK(run(dict, gram, sig, p, sc.first(sc.size() - 1)) == status::buffer_too_small);
    CHECK(run(span<const float>(), gram, sig, p, sc) == status::null_buffer);
    // NaN / Inf in a signal, in the dictionary
    g_signals[5] = NAN;
    CHECK(run(dict, gram, sig, p, sc) == status::non_finite);
    g_signals[5] = INFINITY;
    CHECK(run(dict, gram, sig, p, sc) == status::non_finite);
    g_signals[5] = 0.0f;
    const float saved = g_dict[3];
    g_dict[3] = NAN;
    CHECK(run(dict, gram, sig, p, sc) == status::non_finite);
    // non-unit and zero atoms
    g_dict[3] = saved * 1.5f + 0.5f;
    CHECK(run(dict, gram, sig, p, sc) == status::invalid_model);
    CHECK(ek::omp_check_dictionary(dict, k, n) == status::invalid_model);
    for (std::size_t i = 0; i < n; ++i) g_dict[i] = 0.0f;
    CHECK(run(dict, gram, sig, p, sc) == status::invalid_model);
    float before[k * n];
    std::memcpy(before, g_dict, sizeof before);
    CHECK(ek::omp_normalize_atoms(span<float>(g_dict, k * n), k, n) == status::invalid_model);
    CHECK(std::memcmp(before, g_dict, sizeof before) == 0);
    // Gram diagonal not unit
    random_dictionary(r, k, n);
    REQUIRE(ek::omp_gram(dict, k, n, span<float>(g_gram, k * k)) == status::ok);
    g_gram[0] = 2.0f;
    CHECK(run(dict, gram, sig, p, sc) == status::invalid_model);
    REQUIRE(ek::omp_gram(dict, k, n, span<float>(g_gram, k * k)) == status::ok);
    // outputs overlapping inputs
    CHECK(ek::omp_encode_batch<16, 4>(dict, gram, sig, ns, p, span<float>(g_signals, ns * k), span<float>(), sc) ==
          status::aliasing);
    // one-signal entry point
    float code[k];
    for (float& c : code) c = 7.0f;
    CHECK(ek::omp_encode<16, 4>(dict, gram, sig.first(n - 1), p, span<float>(code), span<float>()) ==
          status::shape_mismatch);
    CHECK(ek::omp_encode<16, 4>(dict, gram, sig.first(n), p, span<float>(code, k - 1), span<float>()) ==
          status::buffer_too_small);
    for (float c : code) CHECK(c == 7.0f);
    CHECK(ek::omp_encode<16, 4>(dict, gram, sig.first(n), p, span<float>(code), span<float>()) == status::ok);
}

TEST_CASE("omp_normalize_atoms gives unit atoms") {
    float d[3 * 5];
    edgekern_test::rng r(11);
    for (float& v : d) v = r.uniform_f(-3.0f, 3.0f);
    REQUIRE(ek::omp_normalize_atoms(span<float>(d), 3, 5) == status::ok);
    for (int a = 0; a < 3; ++a) {
        double s = 0;
        for (int i = 0; i < 5; ++i) s += double(d[a * 5 + i]) * d[a * 5 + i];
        CHECK(std::fabs(s - 1.0) < 1e-6);
    }
    CHECK(ek::omp_check_dictionary(span<const float>(d), 3, 5) == status::ok);
}
