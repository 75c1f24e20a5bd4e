// SPDX-License-Identifier: Apache-2.0
// test_dictionary_learning.cpp: K-SVD and online dictionary learning recover a planted dictionary from sparse
// signals; seeded determinism; dead-atom replacement; bad input.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/kernels/dictionary_learning.hpp"
#include "support/test_support.hpp"

namespace ek = edgekern;
using edgekern::span;
using edgekern::status;

namespace {

constexpr std::size_t K = 24, N_DIM = 16, S = 3, N_MAX = 1500;
float truth[K * N_DIM];
float sig[N_MAX * N_DIM];
float dict[K * N_DIM];
float dict2[K * N_DIM];
float hist[80];
float scratch[ek::ksvd_scratch_size(K, N_DIM, N_MAX, S)];
std::uint32_t iscratch[ek::ksvd_index_scratch_size(K, N_MAX, S)];
float state[ek::online_dl_state_size(K, N_DIM)];
float oscratch[ek::online_dl_scratch_size(K, N_DIM, 100)];

std::size_t n_signals() {
    return edgekern_test::sweep_stride > 1 ? 400 : N_MAX;
}

/// Planted dictionary (random unit atoms) and signals = 3 of its atoms with coefficients +-[0.5, 1.5] + 1 % noise.
void make_data(std::uint64_t seed) {
    edgekern_test::rng r(seed);
    for (float& v : truth) v = r.uniform_f(-1.0f, 1.0f);
    REQUIRE(ek::omp_normalize_atoms(span<float>(truth), K, N_DIM) == status::ok);
    for (std::size_t t = 0; t < N_MAX; ++t) {
        float* x = sig + t * N_DIM;
        for (std::size_t i = 0; i < N_DIM; ++i) x[i] = 0.01f * r.uniform_f(-1.0f, 1.0f);
        std::size_t used[S];
        for (std::size_t m = 0; m < S; ++m) {
            std::size_t a;
            bool dup;
            do {
                a = static_cast<std::size_t>(r.uniform(0, K - 1));
                dup = false;
                for (std::size_t q = 0; q < m; ++q) dup = dup || used[q] == a;
            } while (dup);
            used[m] = a;
            const float c = r.uniform_f(0.5f, 1.5f) * ((r.next() & 1) ? 1.0f : -1.0f);
            for (std::size_t i = 0; i < N_DIM; ++i) x[i] += c * truth[a * N_DIM + i];
        }
    }
}

/// Planted atoms found in the learned dictionary (|cos| > 0.99 with some learned atom).
std::size_t recovered(const float* learned) {
    std::size_t found = 0;
    for (std::size_t a = 0; a < K; ++a) {
        float best = 0;
        for (std::size_t b = 0; b < K; ++b) {
            float c = 0;
            for (std::size_t i = 0; i < N_DIM; ++i) c += truth[a * N_DIM + i] * learned[b * N_DIM + i];
            best = std::fmax(best, std::fabs(c));
        }
        found += best > 0.99f;
    }
    return found;
}

void check_unit_finite(const float* d) {
    for (std::size_t a = 0; a < K; ++a) {
        float s = 0;
        for (std::size_t i = 0; i < N_DIM; ++i) {
            REQUIRE(std::isfinite(d[a * N_DIM + i]));
            s += d[a * N_DIM + i] * d[a * N_DIM + i];
        }
        CHECK(std::fabs(s - 1.0f) < 1e-4f);
    }
}

ek::dictionary_learning_params params(std::size_t iters) {
    ek::dictionary_learning_params p;
    p.n_atoms = K;
    p.dim = N_DIM;
    p.n_nonzero = S;
    p.n_iter = iters;
    p.seed = 99;
    return p;
}

} // namespace

TEST_CASE("ksvd recovers a planted dictionary; error decreases; seeded runs are reproducible") {
    make_data(1);
    const std::size_t n = n_signals();
    const span<const float> x(sig, n * N_DIM);
    const auto p = params(60);
    REQUIRE(ek::dictionary_init(x, n, N_DIM, K, p.seed, span<float>(dict)) == status::ok);
    const std::size_t before = recovered(dict);
    REQUIRE(ek::ksvd_train<K, S>(x, n, p, span<float>(dict), span<float>(hist, p.n_iter), span<float>(scratch),
                                 span<std::uint32_t>(iscratch)) == status::ok);
    check_unit_finite(dict);
    const std::size_t after = recovered(dict);
    MESSAGE("K-SVD: planted atoms recovered " << before << " -> " << after << " of " << K << "; mean squared residual "
                                              << hist[0] << " -> " << hist[p.n_iter - 1]);
    CHECK(after >= K * 3 / 4);
    CHECK(hist[p.n_iter - 1] < 0.25f * hist[0]);
    // same seed, same arch: bit-identical
    REQUIRE(ek::dictionary_init(x, n, N_DIM, K, p.seed, span<float>(dict2)) == status::ok);
    REQUIRE(ek::ksvd_train<K, S>(x, n, p, span<float>(dict2), span<float>(), span<float>(scratch),
                                 span<std::uint32_t>(iscratch)) == status::ok);
    CHECK(std::memcmp(dict, dict2, sizeof dict) == 0);
    // scalar backend learns the same atoms up to float tolerance
    REQUIRE(ek::dictionary_init(x, n, N_DIM, K, p.seed, span<float>(dict2)) == status::ok);
    REQUIRE(ek::ksvd_train<K, S>(x, n, p, span<float>(dict2), span<float>(), span<float>(scratch),
                                 span<std::uint32_t>(iscratch), ek::arch::scalar{}) == status::ok);
    CHECK(recovered(dict2) >= K * 3 / 4);
}

TEST_CASE("online dictionary learning recovers a planted dictionary from a stream of mini-batches") {
    make_data(2);
    const std::size_t n = N_MAX, batch = 100; // cheap enough for emulated targets too
    const auto p = params(0);
    REQUIRE(ek::dictionary_init(span<const float>(sig, n * N_DIM), n, N_DIM, K, p.seed, span<float>(dict)) ==
            status::ok);
    REQUIRE(ek::online_dl_reset(span<float>(state), K, N_DIM) == status::ok);
    float first_err = -1, last_err = -1;
    const std::size_t epochs = 10;
    for (std::size_t e = 0; e < epochs; ++e)
        for (std::size_t b0 = 0; b0 + batch <= n; b0 += batch) {
            float be = 0;
            REQUIRE(ek::online_dl_update<K, S>(span<float>(dict), span<float>(state),
                                               span<const float>(sig + b0 * N_DIM, batch * N_DIM), batch, p,
                                               span<float>(&be, 1), span<float>(oscratch)) == status::ok);
            if (first_err < 0) first_err = be;
            last_err = be;
        }
    check_unit_finite(dict);
    const std::size_t after = recovered(dict);
    MESSAGE("online DL: planted atoms recovered " << after << " of " << K << "; batch residual " << first_err << " -> "
                                                  << last_err);
    CHECK(after >= K * 3 / 4);
    CHECK(last_err < 0.25f * first_err);
}

TEST_CASE("dead atoms are replaced; degenerate data stays finite") {
    // every signal is a multiple of one of two directions: most atoms go unused and must be replaced, never NaN
    const std::size_t n = 200;
    edgekern_test::rng r(4);
    for (std::size_t t = 0; t < n; ++t)
        for (std::size_t i = 0; i < N_DIM; ++i)
            sig[t * N_DIM + i] = (t % 2 ? (i == 3 ? 1.0f : 0.0f) : (i == 7 ? 1.0f : 0.0f)) * r.uniform_f(0.5f, 2.0f);
    for (std::size_t i = 0; i < N_DIM; ++i) sig[5 * N_DIM + i] = 0.0f; // a zero signal too
    auto p = params(5);
    REQUIRE(ek::dictionary_init(span<const float>(sig, n * N_DIM), n, N_DIM, K, p.seed, span<float>(dict)) ==
            status::ok);
    check_unit_finite(dict);
    REQUIRE(ek::ksvd_train<K, S>(span<const float>(sig, n * N_DIM), n, p, span<float>(dict), span<float>(hist, 5),
                                 span<float>(scratch), span<std::uint32_t>(iscratch)) == status::ok);
    check_unit_finite(dict);
    CHECK(hist[4] < 1e-6f);
    REQUIRE(ek::online_dl_reset(span<float>(state), K, N_DIM) == status::ok);
    for (int e = 0; e < 3; ++e)
        REQUIRE(ek::online_dl_update<K, S>(span<float>(dict), span<float>(state), span<const float>(sig, 100 * N_DIM),
                                           100, p, span<float>(), span<float>(oscratch)) == status::ok);
    check_unit_finite(dict);
}

TEST_CASE("dictionary learning bad input: status, dictionary untouched") {
    make_data(3);
    const std::size_t n = 100;
    auto p = params(2);
    REQUIRE(ek::dictionary_init(span<const float>(sig, n * N_DIM), n, N_DIM, K, 1, span<float>(dict)) == status::ok);
    std::memcpy(dict2, dict, sizeof dict);
    auto run = [&](const ek::dictionary_learning_params& q, span<const float> x, std::size_t nn, span<float> sc) {
        return ek::ksvd_train<K, S>(x, nn, q, span<float>(dict), span<float>(), sc, span<std::uint32_t>(iscratch));
    };
    const span<const float> x(sig, n * N_DIM);
    auto q = p;
    q.n_nonzero = 0;
    CHECK(run(q, x, n, span<float>(scratch)) == status::invalid_argument);
    q = p;
    q.n_nonzero = S + 1;
    CHECK(run(q, x, n, span<float>(scratch)) == status::buffer_too_small);
    q = p;
    q.coherence_limit = NAN;
    CHECK(run(q, x, n, span<float>(scratch)) == status::non_finite);
    CHECK(run(p, x.first(n * N_DIM - 1), n, span<float>(scratch)) == status::shape_mismatch);
    CHECK(run(p, x, n, span<float>(scratch, ek::ksvd_scratch_size(K, N_DIM, n, S) - 1)) == status::buffer_too_small);
    sig[17] = NAN;
    CHECK(run(p, x, n, span<float>(scratch)) == status::non_finite);
    CHECK(ek::dictionary_init(x, n, N_DIM, K, 1, span<float>(dict)) == status::non_finite);
    float be = 0;
    CHECK(ek::online_dl_update<K, S>(span<float>(dict), span<float>(state), x, n, p, span<float>(&be, 1),
                                     span<float>(oscratch)) == status::non_finite);
    sig[17] = 0.0f;
    dict[0] *= 2.0f; // non-unit atom
    std::memcpy(dict2, dict, sizeof dict);
    CHECK(run(p, x, n, span<float>(scratch)) == status::invalid_model);
    CHECK(std::memcmp(dict, dict2, sizeof dict) == 0);
}
