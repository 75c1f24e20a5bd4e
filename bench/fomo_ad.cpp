// SPDX-License-Identifier: Apache-2.0
// bench/fomo_ad.cpp: FOMO-AD pipeline throughput on 96 x 96 frames (features + fixed-point GMM scoring +
// calibration): frames/s per backend, and the feature extractor alone. Names fomo_ad/u8_s8_f32/<arch>/<shape>.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>

#include "bench_support.hpp"
#include "edgekern/pipelines/fomo_ad.hpp"

namespace {

namespace ek = edgekern;

template <std::size_t P, std::size_t K>
struct fomo_fixture {
    using pipe_t = ek::fomo_ad<96, 96, P, K>;
    std::unique_ptr<pipe_t> pipe = std::make_unique<pipe_t>();
    std::unique_ptr<ek::fomo_ad_trainer<96, 96, P, K, 1024>> trainer =
        std::make_unique<ek::fomo_ad_trainer<96, 96, P, K, 1024>>();
    std::uint8_t frame[96 * 96];

    static void texture(std::uint64_t seed, std::uint8_t* f) {
        std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
        for (std::size_t y = 0; y < 96; ++y)
            for (std::size_t x = 0; x < 96; ++x) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                const int v =
                    static_cast<int>(((x + seed) % 7) * 20 + ((y + 2 * x) % 5) * 15) + static_cast<int>(s >> 60);
                f[y * 96 + x] = static_cast<std::uint8_t>(v);
            }
    }
    bool ready() {
        if (pipe->init() != ek::status::ok) return false;
        ek::fomo_ad_train_options o;
        o.em_passes = 1;
        const ek::status st = trainer->train(
            *pipe, 8,
            [](std::size_t i, ek::span<std::uint8_t> f) {
                texture(i, f.data());
                return true;
            },
            o);
        texture(99, frame);
        return st == ek::status::ok;
    }
};

template <std::size_t P, std::size_t K, class Arch>
void bm_score(benchmark::State& state, Arch tag) {
    fomo_fixture<P, K> fx;
    if (!fx.ready()) {
        state.SkipWithError("training failed");
        return;
    }
    float cells[fomo_fixture<P, K>::pipe_t::n_cells];
    float score = 0.0f;
    for (auto _ : state) {
        const ek::status st =
            fx.pipe->score(ek::span<const std::uint8_t>(fx.frame), ek::span<float>(cells), score, tag);
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(score);
    }
    state.counters["frames/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

template <std::size_t P, std::size_t K, class Arch>
void bm_features(benchmark::State& state, Arch tag) {
    fomo_fixture<P, K> fx;
    if (!fx.ready()) {
        state.SkipWithError("training failed");
        return;
    }
    std::int8_t feat[fomo_fixture<P, K>::pipe_t::n_cells * P];
    for (auto _ : state) {
        const ek::status st =
            fx.pipe->features(ek::span<const std::uint8_t>(fx.frame), ek::span<std::int8_t>(feat), tag);
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(feat);
    }
    state.counters["frames/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

template <class Arch>
void register_arch(const char* arch_name) {
    benchmark::RegisterBenchmark(edgekern_bench::bench_name("fomo_ad", "u8_s8_f32", arch_name, "96x96_p8_k4").c_str(),
                                 [](benchmark::State& s) { bm_score<8, 4>(s, Arch{}); });
    benchmark::RegisterBenchmark(edgekern_bench::bench_name("fomo_ad", "u8_s8_f32", arch_name, "96x96_p16_k4").c_str(),
                                 [](benchmark::State& s) { bm_score<16, 4>(s, Arch{}); });
    benchmark::RegisterBenchmark(
        edgekern_bench::bench_name("fomo_ad_features", "u8_s8_s8", arch_name, "96x96_p8").c_str(),
        [](benchmark::State& s) { bm_features<8, 4>(s, Arch{}); });
}

const int registered = [] {
    namespace a = ek::arch;
    register_arch<a::scalar>("scalar");
    if constexpr (a::available_v<a::avx2>) register_arch<a::avx2>("avx2");
    if constexpr (a::available_v<a::neon>) register_arch<a::neon>("neon");
    register_arch<a::default_arch>("default");
    return 0;
}();

} // namespace
