// SPDX-License-Identifier: Apache-2.0
// omp.cpp: Batch-OMP sparse coding of a whole 1280x960 image (8x8 patches, stride 8 and 4, 64 atoms, sparsity 3),
// streamed through a tile buffer: patch extraction + mean removal + D^T X + OMP. bench/sklearn_omp.py builds the
// same image, dictionary and patches in numpy and times scikit-learn's sparse_encode on them.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
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

} // namespace
