// SPDX-License-Identifier: Apache-2.0
// omp.cpp: Batch-OMP sparse coding of a whole 1280x960 image (8x8 patches, stride 8 and 4, 64 atoms, sparsity 3),
// streamed through a tile buffer: patch extraction + mean removal + D^T X + OMP. bench/sklearn_omp.py builds the
// same image, dictionary and patches in numpy and times scikit-learn's sparse_encode on them.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/kernels/dictionary_learning.hpp"
#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"

namespace {

constexpr std::size_t img_w = 1280, img_h = 960, patch = 8, n_atoms = 64, sparsity = 3;
constexpr std::size_t dim = patch * patch;
constexpr std::size_t tile = 512; // patches per streamed tile

// i-th output (0-based) of splitmix64 started at `seed`; bench/sklearn_omp.py computes the same numbers.
std::uint64_t splitmix_at(std::uint64_t seed, std::uint64_t i) {
    std::uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Deterministic test image: a checkerboard of 32x24 cells (90 / 160) plus uniform noise in [-32, 31].
std::vector<std::uint8_t> make_image(std::uint64_t seed) {
    std::vector<std::uint8_t> img(img_w * img_h);
    for (std::size_t y = 0; y < img_h; ++y)
        for (std::size_t x = 0; x < img_w; ++x) {
            const int base = ((x / 32 + y / 24) & 1) ? 160 : 90;
            const int noise = static_cast<int>(splitmix_at(seed, y * img_w + x) >> 58) - 32;
            img[y * img_w + x] = static_cast<std::uint8_t>(base + noise);
        }
    return img;
}

/// Deterministic dictionary: uniform [-0.5, 0.5) entries, unit atoms (normalized in double).
std::vector<float> make_dictionary(std::uint64_t seed) {
    std::vector<double> d(n_atoms * dim);
    for (std::size_t i = 0; i < d.size(); ++i)
        d[i] = static_cast<double>(splitmix_at(seed, i) >> 40) / 16777216.0 - 0.5;
    std::vector<float> f(d.size());
    for (std::size_t a = 0; a < n_atoms; ++a) {
        double s = 0;
        for (std::size_t i = 0; i < dim; ++i) s += d[a * dim + i] * d[a * dim + i];
        for (std::size_t i = 0; i < dim; ++i) f[a * dim + i] = static_cast<float>(d[a * dim + i] / std::sqrt(s));
    }
    return f;
}

template <class Tag>
void bm_omp_image(benchmark::State& state, std::size_t stride) {
    namespace ek = edgekern;
    const auto img = make_image(1);
    const auto dict = make_dictionary(2);
    std::vector<float> gram(n_atoms * n_atoms), patches(tile * dim), codes(tile * n_atoms), res(tile),
        scratch(ek::omp_batch_scratch_size(n_atoms, dim));
    if (ek::omp_gram(ek::span<const float>(dict), n_atoms, dim, ek::span<float>(gram)) != ek::status::ok) {
        state.SkipWithError("omp_gram failed");
        return;
    }
    ek::patch_grid g;
    g.height = img_h;
    g.width = img_w;
    g.patch_h = patch;
    g.patch_w = patch;
    g.stride_y = stride;
    g.stride_x = stride;
    ek::patch_params pp;
    pp.normalization = ek::patch_normalization::remove_mean;
    pp.scale = 1.0f / 255.0f;
    ek::omp_params op;
    op.n_atoms = n_atoms;
    op.dim = dim;
    op.n_nonzero = sparsity;
    const std::size_t n = g.count();
    double checksum = 0;
    for (auto _ : state) {
        for (std::size_t first = 0; first < n; first += tile) {
            const std::size_t count = n - first < tile ? n - first : tile;
            auto s1 = ek::extract_patches(ek::span<const std::uint8_t>(img), img_w, g, pp, first, count,
                                          ek::span<float>(patches), ek::span<float>(), ek::span<float>(), Tag{});
            auto s2 = ek::omp_encode_batch<n_atoms, sparsity>(ek::span<const float>(dict), ek::span<const float>(gram),
                                                              ek::span<const float>(patches.data(), count * dim), count,
                                                              op, ek::span<float>(codes), ek::span<float>(res),
                                                              ek::span<float>(scratch), Tag{});
            if (s1 != ek::status::ok || s2 != ek::status::ok) {
                state.SkipWithError("omp failed");
                return;
            }
            benchmark::DoNotOptimize(codes.data());
        }
        checksum += static_cast<double>(res[0]);
    }
    benchmark::DoNotOptimize(checksum);
    state.counters["patches"] = static_cast<double>(n);
    state.counters["us/patch"] = benchmark::Counter(
        static_cast<double>(n) * 1e-6, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.SetLabel(Tag::name);
}

const int registered = [] {
    edgekern_bench::for_each_arch([](auto tag) {
        using Tag = decltype(tag);
        for (std::size_t stride : {std::size_t{8}, std::size_t{4}}) {
            const std::string shape = "1280x960_p8_s" + std::to_string(stride) + "_k64_n3";
            benchmark::RegisterBenchmark(edgekern_bench::bench_name("omp", "f32_f32_f32", Tag::name, shape).c_str(),
                                         [stride](benchmark::State& st) { bm_omp_image<Tag>(st, stride); })
                ->Unit(benchmark::kMillisecond);
        }
    });
    return 0;
}();

/// Mean-removed 8x8 patches (scale 1/255) of 13 images (seeds 1..13) at the given stride, materialized.
std::vector<float> training_patches(std::size_t stride, std::size_t& n_out) {
    namespace ek = edgekern;
    ek::patch_grid g;
    g.height = img_h;
    g.width = img_w;
    g.patch_h = patch;
    g.patch_w = patch;
    g.stride_y = stride;
    g.stride_x = stride;
    ek::patch_params pp;
    pp.scale = 1.0f / 255.0f;
    const std::size_t per = g.count();
    std::vector<float> x(13 * per * dim);
    for (std::size_t m = 0; m < 13; ++m) {
        const auto img = make_image(m + 1);
        if (ek::extract_patches(ek::span<const std::uint8_t>(img), img_w, g, pp, 0, per,
                                ek::span<float>(x.data() + m * per * dim, per * dim), ek::span<float>(),
                                ek::span<float>()) != ek::status::ok)
            x.clear();
    }
    n_out = 13 * per;
    return x;
}

/// Online dictionary learning: one pass over all stride-8 patches of 13 images (streamed from the 13 images,
/// extraction included), mini-batches of 256, 64 atoms, sparsity 3.
template <class Tag>
void bm_online_dl_13(benchmark::State& state) {
    namespace ek = edgekern;
    std::vector<std::vector<std::uint8_t>> imgs;
    for (std::size_t m = 0; m < 13; ++m) imgs.push_back(make_image(m + 1));
    constexpr std::size_t batch = 256;
    ek::patch_grid g;
    g.height = img_h;
    g.width = img_w;
    g.patch_h = patch;
    g.patch_w = patch;
    g.stride_y = 8;
    g.stride_x = 8;
    ek::patch_params pp;
    pp.scale = 1.0f / 255.0f;
    ek::dictionary_learning_params p;
    p.n_atoms = n_atoms;
    p.dim = dim;
    p.n_nonzero = sparsity;
    std::vector<float> dict(n_atoms * dim), st(ek::online_dl_state_size(n_atoms, dim)), x(batch * dim),
        sc(ek::online_dl_scratch_size(n_atoms, dim, batch));
    const std::size_t per = g.count();
    float last_err = 0;
    for (auto _ : state) {
        // seeded init from the first image's first patches, then one streamed pass over the 13 images
        if (ek::extract_patches(ek::span<const std::uint8_t>(imgs[0]), img_w, g, pp, 0, batch, ek::span<float>(x),
                                ek::span<float>(), ek::span<float>()) != ek::status::ok ||
            ek::dictionary_init(ek::span<const float>(x), batch, dim, n_atoms, 7, ek::span<float>(dict)) !=
                ek::status::ok ||
            ek::online_dl_reset(ek::span<float>(st), n_atoms, dim) != ek::status::ok) {
            state.SkipWithError("init failed");
            return;
        }
        for (std::size_t m = 0; m < 13; ++m)
            for (std::size_t first = 0; first + batch <= per; first += batch) {
                auto s1 = ek::extract_patches(ek::span<const std::uint8_t>(imgs[m]), img_w, g, pp, first, batch,
                                              ek::span<float>(x), ek::span<float>(), ek::span<float>(), Tag{});
                auto s2 = ek::online_dl_update<n_atoms, sparsity>(
                    ek::span<float>(dict), ek::span<float>(st), ek::span<const float>(x), batch, p,
                    ek::span<float>(&last_err, 1), ek::span<float>(sc), Tag{});
                if (s1 != ek::status::ok || s2 != ek::status::ok) {
                    state.SkipWithError("online_dl_update failed");
                    return;
                }
            }
    }
    state.counters["patches"] = static_cast<double>(13 * per);
    state.counters["last_batch_mse"] = static_cast<double>(last_err);
    state.SetLabel(Tag::name);
}

/// K-SVD, 10 iterations, on the stride-16 patches of 13 images (62400 patches), 64 atoms, sparsity 3.
template <class Tag>
void bm_ksvd_13(benchmark::State& state) {
    namespace ek = edgekern;
    std::size_t n = 0;
    const auto x = training_patches(16, n);
    ek::dictionary_learning_params p;
    p.n_atoms = n_atoms;
    p.dim = dim;
    p.n_nonzero = sparsity;
    p.n_iter = 10;
    std::vector<float> dict(n_atoms * dim), hist(p.n_iter), sc(ek::ksvd_scratch_size(n_atoms, dim, n, sparsity));
    std::vector<std::uint32_t> isc(ek::ksvd_index_scratch_size(n_atoms, n, sparsity));
    for (auto _ : state) {
        if (x.empty() ||
            ek::dictionary_init(ek::span<const float>(x), n, dim, n_atoms, 7, ek::span<float>(dict)) !=
                ek::status::ok ||
            ek::ksvd_train<n_atoms, sparsity>(ek::span<const float>(x), n, p, ek::span<float>(dict),
                                              ek::span<float>(hist), ek::span<float>(sc), ek::span<std::uint32_t>(isc),
                                              Tag{}) != ek::status::ok) {
            state.SkipWithError("ksvd failed");
            return;
        }
    }
    state.counters["patches"] = static_cast<double>(n);
    state.counters["mse_first"] = static_cast<double>(hist.front());
    state.counters["mse_last"] = static_cast<double>(hist.back());
    state.SetLabel(Tag::name);
}

const int registered_dl = [] {
    auto reg = [](auto tag) {
        using Tag = decltype(tag);
        benchmark::RegisterBenchmark(edgekern_bench::bench_name("dictionary_learning", "f32_f32_f32", Tag::name,
                                                                "online_13x1280x960_p8_s8_k64_n3_b256")
                                         .c_str(),
                                     [](benchmark::State& st) { bm_online_dl_13<Tag>(st); })
            ->Unit(benchmark::kMillisecond)
            ->Iterations(2);
        benchmark::RegisterBenchmark(edgekern_bench::bench_name("dictionary_learning", "f32_f32_f32", Tag::name,
                                                                "ksvd10_13x1280x960_p8_s16_k64_n3")
                                         .c_str(),
                                     [](benchmark::State& st) { bm_ksvd_13<Tag>(st); })
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1);
    };
    reg(edgekern::arch::scalar{});
    if constexpr (!std::is_same<edgekern::arch::default_arch, edgekern::arch::scalar>::value)
        reg(edgekern::arch::default_arch{});
    return 0;
}();

} // namespace
