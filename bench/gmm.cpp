// SPDX-License-Identifier: Apache-2.0
// gmm.cpp: Gaussian-mixture scoring samples/s for d in {8, 16, 64}, K in {1, 4, 16}, every covariance type, with
// float / int16 / int8 inputs (float path) and int16 / int8 fixed-point; EM fit of 10,000 x 16, K = 8 (full).
// Armadillo's fgmm_diag / fgmm_full run side by side when found (EDGEKERN_BENCH_HAS_ARMADILLO).
// bench/sklearn_gmm.py times scikit-learn on the same shapes and prints the ratios.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/kernels/gmm.hpp"

#if defined(EDGEKERN_BENCH_HAS_ARMADILLO)
#include <armadillo>
#endif

namespace {

namespace ek = edgekern;
constexpr std::size_t batch = 256; // samples scored per iteration

const char* type_name(ek::gmm_covariance t) {
    switch (t) {
    case ek::gmm_covariance::full:
        return "full";
    case ek::gmm_covariance::tied:
        return "tied";
    case ek::gmm_covariance::diag:
        return "diag";
    case ek::gmm_covariance::spherical:
        return "spherical";
    }
    return "?";
}

double uniform(edgekern_bench::bench_rng& r) {
    return static_cast<double>(r.next() >> 11) * (1.0 / 9007199254740992.0);
}

/// A random model (covariances A A^T / d + I per block), its covariances kept for Armadillo, and data near it.
struct bench_model {
    ek::gmm_covariance type;
    std::size_t k, d;
    std::vector<float> weights, means, covs, log_w, prec, log_det, x;
    std::vector<double> conv_scratch;
    ek::gmm_model model;
    bool ok = false;
    bench_model(ek::gmm_covariance t, std::size_t k_, std::size_t d_) : type(t), k(k_), d(d_) {
        edgekern_bench::bench_rng r(1000 + k * 100 + d + static_cast<std::size_t>(t));
        const std::size_t p_size = ek::gmm_precision_size(t, k, d);
        weights.assign(k, 1.0f / static_cast<float>(k));
        means.resize(k * d);
        for (auto& m : means) m = static_cast<float>(uniform(r) * 8.0 - 4.0);
        covs.resize(p_size);
        const bool dense = t == ek::gmm_covariance::full || t == ek::gmm_covariance::tied;
        const std::size_t blocks = t == ek::gmm_covariance::tied ? 1 : k;
        for (std::size_t b = 0; b < blocks; ++b) {
            if (dense) {
                std::vector<double> a(d * d);
                for (auto& v : a) v = uniform(r) * 2.0 - 1.0;
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = 0; j < d; ++j) {
                        double s = i == j ? 1.0 : 0.0;
                        for (std::size_t p = 0; p < d; ++p) s += a[i * d + p] * a[j * d + p] / static_cast<double>(d);
                        covs[b * d * d + i * d + j] = static_cast<float>(s);
                    }
            } else {
                const std::size_t n = t == ek::gmm_covariance::diag ? d : 1;
                for (std::size_t i = 0; i < n; ++i) covs[b * n + i] = static_cast<float>(0.5 + uniform(r));
            }
        }
        log_w.resize(k);
        prec.resize(p_size);
        log_det.resize(k);
        conv_scratch.resize(ek::gmm_from_covariances_scratch_size(t, d) + 1);
        ek::gmm_model_view v;
        ok = ek::gmm_from_covariances(t, k, d, weights, means, covs, log_w, prec, log_det, conv_scratch, v) ==
                 ek::status::ok &&
             ek::gmm_validate(v, model) == ek::status::ok;
        x.resize(batch * d);
        for (std::size_t s = 0; s < batch; ++s) {
            const std::size_t c = s % k;
            for (std::size_t i = 0; i < d; ++i)
                x[s * d + i] = means[c * d + i] + static_cast<float>(uniform(r) * 2.0 - 1.0);
        }
    }
};

template <class Tag>
void bm_f32(benchmark::State& state, const bench_model* m) {
    std::vector<float> out(batch);
    for (auto _ : state) {
        const auto st =
            ek::gmm_log_likelihood(m->model, ek::span<const float>(m->x), batch, ek::span<float>(out), Tag{});
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
    state.SetLabel(Tag::name);
}

template <class T, class Tag>
void bm_quant_float(benchmark::State& state, const bench_model* m) {
    const float range = sizeof(T) == 1 ? 127.0f : 32767.0f;
    const ek::gmm_input_quant q{8.0f / range, 0};
    std::vector<T> xq(m->x.size());
    for (std::size_t i = 0; i < xq.size(); ++i) {
        const float v = std::nearbyint(m->x[i] / q.scale);
        xq[i] = static_cast<T>(v > range ? range : (v < -range ? -range : v));
    }
    std::vector<float> out(batch);
    for (auto _ : state) {
        const auto st = ek::gmm_log_likelihood(m->model, ek::span<const T>(xq), q, batch, ek::span<float>(out), Tag{});
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
    state.SetLabel(Tag::name);
}

template <class T, class Tag>
void bm_fixed(benchmark::State& state, const bench_model* m) {
    const float range = sizeof(T) == 1 ? 127.0f : 32767.0f;
    const ek::gmm_input_quant q{8.0f / range, 0};
    std::vector<T> xq(m->x.size());
    for (std::size_t i = 0; i < xq.size(); ++i) {
        const float v = std::nearbyint(m->x[i] / q.scale);
        xq[i] = static_cast<T>(v > range ? range : (v < -range ? -range : v));
    }
    std::vector<std::int32_t> means(m->k * m->d), factors(m->prec.size()), consts(m->k), out(batch);
    std::vector<std::int8_t> shifts(m->k);
    ek::gmm_fixed_model_view v;
    ek::gmm_fixed_model fm;
    const auto in = sizeof(T) == 1 ? ek::gmm_fixed_input::s8 : ek::gmm_fixed_input::s16;
    if (ek::gmm_fixed_from_float(m->model, q, in, means, factors, shifts, consts, v) != ek::status::ok ||
        ek::gmm_validate_fixed(v, fm) != ek::status::ok) {
        state.SkipWithError("fixed preparation failed");
        return;
    }
    for (auto _ : state) {
        const auto st =
            ek::gmm_log_likelihood_fixed(fm, ek::span<const T>(xq), batch, ek::span<std::int32_t>(out), Tag{});
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
    state.SetLabel(Tag::name);
}

#if defined(EDGEKERN_BENCH_HAS_ARMADILLO)
void bm_armadillo(benchmark::State& state, const bench_model* m) {
    const arma::uword d = m->d, k = m->k;
    arma::fmat means(d, k), data(d, batch);
    arma::frowvec hefts(k);
    for (arma::uword c = 0; c < k; ++c) {
        hefts(c) = m->weights[c];
        for (arma::uword i = 0; i < d; ++i) means(i, c) = m->means[c * d + i];
    }
    for (arma::uword s = 0; s < batch; ++s)
        for (arma::uword i = 0; i < d; ++i) data(i, s) = m->x[s * d + i];
    arma::frowvec out;
    if (m->type == ek::gmm_covariance::diag) {
        arma::fmat dcovs(d, k);
        for (arma::uword c = 0; c < k; ++c)
            for (arma::uword i = 0; i < d; ++i) dcovs(i, c) = m->covs[c * d + i];
        arma::fgmm_diag g;
        g.set_params(means, dcovs, hefts);
        for (auto _ : state) {
            out = g.log_p(data);
            benchmark::DoNotOptimize(out.memptr());
        }
    } else {
        arma::fcube fcovs(d, d, k);
        for (arma::uword c = 0; c < k; ++c)
            for (arma::uword i = 0; i < d; ++i)
                for (arma::uword j = 0; j < d; ++j) fcovs(i, j, c) = m->covs[c * d * d + i * d + j];
        arma::fgmm_full g;
        g.set_params(means, fcovs, hefts);
        for (auto _ : state) {
            out = g.log_p(data);
            benchmark::DoNotOptimize(out.memptr());
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
    state.SetLabel("armadillo");
}
#endif

/// EM fit data: 8 well-separated clusters in 16-d, 10,000 samples (same recipe in bench/sklearn_gmm.py:
/// centres uniform in [-10, 10), unit-variance noise; both generated with splitmix64 seed 7).
std::vector<float> em_data(std::size_t n, std::size_t d, std::size_t k) {
    edgekern_bench::bench_rng r(7);
    std::vector<float> centres(k * d), x(n * d);
    for (auto& c : centres) c = static_cast<float>(uniform(r) * 20.0 - 10.0);
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t i = 0; i < d; ++i) {
            // Irwin-Hall(12) - 6: unit variance, deterministic everywhere
            double g = -6.0;
            for (int t = 0; t < 12; ++t) g += uniform(r);
            x[s * d + i] = centres[(s % k) * d + i] + static_cast<float>(g);
        }
    return x;
}

template <class Tag>
void bm_em_fit(benchmark::State& state, ek::gmm_covariance type) {
    const std::size_t n = 10000, d = 16, k = 8;
    const auto x = em_data(n, d, k);
    std::vector<float> log_w(k), means(k * d), prec(ek::gmm_precision_size(type, k, d)), log_det(k);
    std::vector<double> scratch(ek::gmm_em_scratch_size(type, k, d));
    ek::gmm_em_params p;
    p.type = type;
    p.n_components = k;
    ek::gmm_em_result res;
    for (auto _ : state) {
        ek::gmm_model model;
        const auto st = ek::gmm_em_fit(ek::span<const float>(x), n, d, p, {log_w, means, prec, log_det}, scratch, model,
                                       res, Tag{});
        benchmark::DoNotOptimize(st);
    }
    state.counters["em_iters"] = static_cast<double>(res.n_iter);
    state.counters["lower_bound"] = res.lower_bound;
    state.SetLabel(Tag::name);
}

#if defined(EDGEKERN_BENCH_HAS_ARMADILLO)
void bm_em_armadillo(benchmark::State& state) {
    const std::size_t n = 10000, d = 16, k = 8;
    const auto x = em_data(n, d, k);
    arma::fmat data(d, n);
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t i = 0; i < d; ++i) data(i, s) = x[s * d + i];
    for (auto _ : state) {
        arma::fgmm_full g;
        const bool ok = g.learn(data, k, arma::maha_dist, arma::random_subset, 10, 100, 1e-6f, false);
        benchmark::DoNotOptimize(ok);
    }
    state.SetLabel("armadillo");
}
#endif

template <class Tag>
void register_for(const std::vector<const bench_model*>& models, bool all_variants) {
    for (const bench_model* m : models) {
        const std::string shape =
            std::string(type_name(m->type)) + "_d" + std::to_string(m->d) + "_k" + std::to_string(m->k);
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("gmm_log_likelihood", "f32_f32_f32", Tag::name, shape).c_str(), bm_f32<Tag>, m);
        if (!all_variants) continue;
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("gmm_log_likelihood", "s16_f32_f32", Tag::name, shape).c_str(),
            bm_quant_float<std::int16_t, Tag>, m);
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("gmm_log_likelihood", "s8_f32_f32", Tag::name, shape).c_str(),
            bm_quant_float<std::int8_t, Tag>, m);
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("gmm_log_likelihood_fixed", "s16_s32_s32", Tag::name, shape).c_str(),
            bm_fixed<std::int16_t, Tag>, m);
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("gmm_log_likelihood_fixed", "s8_s32_s32", Tag::name, shape).c_str(),
            bm_fixed<std::int8_t, Tag>, m);
    }
}

const int registered = [] {
    static std::vector<bench_model> models;
    const ek::gmm_covariance types[] = {ek::gmm_covariance::full, ek::gmm_covariance::tied, ek::gmm_covariance::diag,
                                        ek::gmm_covariance::spherical};
    models.reserve(4 * 9);
    for (auto t : types)
        for (std::size_t d : {8u, 16u, 64u})
            for (std::size_t k : {1u, 4u, 16u}) models.emplace_back(t, k, d);
    std::vector<const bench_model*> ptrs;
    for (const auto& m : models)
        if (m.ok) ptrs.push_back(&m);
    register_for<ek::arch::default_arch>(ptrs, true);
    if (!std::is_same<ek::arch::default_arch, ek::arch::scalar>::value) register_for<ek::arch::scalar>(ptrs, false);
#if defined(EDGEKERN_BENCH_HAS_ARMADILLO)
    for (const bench_model* m : ptrs)
        if (m->type == ek::gmm_covariance::full || m->type == ek::gmm_covariance::diag) {
            const std::string shape =
                std::string(type_name(m->type)) + "_d" + std::to_string(m->d) + "_k" + std::to_string(m->k);
            benchmark::RegisterBenchmark(
                edgekern_bench::bench_name("gmm_log_likelihood", "f32_f32_f32", "armadillo", shape).c_str(),
                bm_armadillo, m);
        }
    benchmark::RegisterBenchmark("gmm_em_fit/f32_f32_f32/armadillo/full_n10000_d16_k8", bm_em_armadillo)
        ->Unit(benchmark::kMillisecond);
#endif
    for (auto t : types)
        benchmark::RegisterBenchmark(edgekern_bench::bench_name("gmm_em_fit", "f32_f32_f32",
                                                                ek::arch::default_arch::name,
                                                                std::string(type_name(t)) + "_n10000_d16_k8")
                                         .c_str(),
                                     bm_em_fit<ek::arch::default_arch>, t)
            ->Unit(benchmark::kMillisecond);
    return 0;
}();

} // namespace
