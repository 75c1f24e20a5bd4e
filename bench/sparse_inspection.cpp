// SPDX-License-Identifier: Apache-2.0
// sparse_inspection.cpp: the inspection pipeline's datasheet figures: inspection time of one image and training time
// on 13 images against image size (320x240 .. 1280x960), with the CLI defaults (8x8 patches, 128 atoms, sparsity 6,
// scale from the texture period). tools/plot_inspection_bench.py turns the JSON output into docs/img/*.png.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/pipelines/sparse_inspection.hpp"

namespace {

namespace ek = edgekern;
constexpr std::size_t P = 8, A = 128, S = 6;
using model_t = ek::sparse_inspection_model<P, A, S>;

/// A perforated-plate-like texture whose period scales with the width (14 px at 640), shifted per seed, with noise.
std::vector<std::uint8_t> texture(std::size_t w, std::size_t h, std::uint64_t seed) {
    edgekern_bench::bench_rng r(seed);
    std::vector<std::uint8_t> img(w * h);
    const double period = 14.0 * static_cast<double>(w) / 640.0, k = 6.283185307179586 / period;
    const double sx = static_cast<double>(r.next() % 1000) * 0.003, sy = static_cast<double>(r.next() % 1000) * 0.003;
    for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) {
            const double u = static_cast<double>(x) + sx, v = static_cast<double>(y) + sy;
            const double holes =
                std::cos(k * u) + std::cos(k * (0.5 * u + 0.866 * v)) + std::cos(k * (0.5 * u - 0.866 * v));
            const double val = 140.0 + 30.0 * holes + static_cast<double>(r.next() % 9) - 4.0;
            img[y * w + x] = static_cast<std::uint8_t>(val < 0 ? 0 : (val > 255 ? 255 : val));
        }
    return img;
}

ek::image_view<std::uint8_t> view(const std::vector<std::uint8_t>& img, std::size_t w, std::size_t h) {
    ek::image_view<std::uint8_t> v;
    v.data = img.data();
    v.width = w;
    v.height = h;
    v.stride = w;
    return v;
}

struct aligned {
    std::unique_ptr<std::uint8_t[]> raw;
    std::uint8_t* data = nullptr;
    explicit aligned(std::size_t n) : raw(new std::uint8_t[n + 64]) {
        data = raw.get() + ((64 - (reinterpret_cast<std::uintptr_t>(raw.get()) & 63u)) & 63u);
    }
};

struct training_set {
    std::vector<std::vector<std::uint8_t>> images;
    std::vector<ek::image_view<std::uint8_t>> views;
    ek::sparse_inspection_train_params params;
};

training_set make_training_set(std::size_t w, std::size_t h) {
    training_set t;
    for (std::uint64_t i = 0; i < 13; ++i) t.images.push_back(texture(w, h, 100 + i));
    for (const auto& im : t.images) t.views.push_back(view(im, w, h));
    t.params.scale = ek::sparse_inspection_suggest_scale<P>(t.views[0]);
    return t;
}

template <class Tag>
void bm_inspect(benchmark::State& state, std::size_t w, std::size_t h) {
    training_set t = make_training_set(w, h);
    auto model = std::make_unique<model_t>();
    aligned tws(ek::sparse_inspection_train_scratch_size<P, A, S>(13, w, h, t.params));
    if (ek::sparse_inspection_train<P, A, S>(
            ek::span<const ek::image_view<std::uint8_t>>(t.views.data(), 13), t.params, *model,
            ek::span<std::uint8_t>(tws.data, ek::sparse_inspection_train_scratch_size<P, A, S>(13, w, h, t.params)),
            Tag{}) != ek::status::ok) {
        state.SkipWithError("training failed");
        return;
    }
    const std::vector<std::uint8_t> img = texture(w, h, 7);
    const std::size_t need = ek::sparse_inspection_scratch_size<P, A, S>(w, h, model->scale, model->stride);
    aligned ws(need);
    std::vector<float> heat(ek::sparse_inspection_grid_extent(w, P, model->scale, model->stride) *
                            ek::sparse_inspection_grid_extent(h, P, model->scale, model->stride));
    ek::inspection_box boxes[16];
    ek::sparse_inspection_result r;
    for (auto _ : state) {
        const ek::status st =
            ek::sparse_inspect(*model, view(img, w, h), ek::span<float>(heat), ek::span<std::uint8_t>(),
                               ek::span<ek::inspection_box>(boxes), r, ek::span<std::uint8_t>(ws.data, need), Tag{});
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(r.score);
    }
    state.counters["pixels"] = static_cast<double>(w * h);
    state.counters["scale"] = static_cast<double>(model->scale);
    state.SetLabel(Tag::name);
}

template <class Tag>
void bm_train(benchmark::State& state, std::size_t w, std::size_t h) {
    training_set t = make_training_set(w, h);
    auto model = std::make_unique<model_t>();
    const std::size_t need = ek::sparse_inspection_train_scratch_size<P, A, S>(13, w, h, t.params);
    aligned ws(need);
    for (auto _ : state) {
        const ek::status st =
            ek::sparse_inspection_train<P, A, S>(ek::span<const ek::image_view<std::uint8_t>>(t.views.data(), 13),
                                                 t.params, *model, ek::span<std::uint8_t>(ws.data, need), Tag{});
        benchmark::DoNotOptimize(st);
    }
    state.counters["pixels"] = static_cast<double>(w * h);
    state.counters["scale"] = static_cast<double>(t.params.scale);
    state.SetLabel(Tag::name);
}

const int registered = [] {
    using Tag = ek::arch::default_arch; // the datasheet figure: the build's best backend only
    const std::size_t sizes[][2] = {{320, 240}, {640, 480}, {960, 720}, {1280, 960}};
    for (const auto& s : sizes) {
        const std::size_t w = s[0], h = s[1];
        const std::string shape = std::to_string(w) + "x" + std::to_string(h) + "_p8_k128_n6";
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("sparse_inspect", "u8_f32_f32", Tag::name, shape).c_str(),
            [w, h](benchmark::State& st) { bm_inspect<Tag>(st, w, h); })
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(
            edgekern_bench::bench_name("sparse_inspection_train", "u8_f32_f32", Tag::name, shape + "_13img").c_str(),
            [w, h](benchmark::State& st) { bm_train<Tag>(st, w, h); })
            ->Unit(benchmark::kMillisecond)
            ->Iterations(2);
    }
    return 0;
}();

} // namespace
