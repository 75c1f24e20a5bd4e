// SPDX-License-Identifier: Apache-2.0
// primitives.cpp: throughput of the simd/ primitive ops per backend: dot_s8, dot_s16_s8 (GMAC/s and GOPS, one
// MAC = 2 ops) and per-channel requantize_s32 (G elements/s), for every arch tag this build can run.
// Names: dot_s8/s8_s8_s32/<arch>/n<len>, dot_s16_s8/s16_s8_s64/<arch>/n<len>,
//        requantize_s32/s32_s32_s8/<arch>/n<len>_<mode>.
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/simd/simd.hpp"

namespace {

namespace es = edgekern::simd;
using edgekern_bench::bench_name;
using edgekern_bench::bench_rng;

template <class T>
std::vector<T> random_data(std::size_t n, std::uint64_t seed, std::int64_t lo, std::int64_t hi) {
    bench_rng r(seed);
    std::vector<T> v(n);
    const auto span = static_cast<std::uint64_t>(hi - lo + 1);
    for (auto& x : v) x = static_cast<T>(lo + static_cast<std::int64_t>(r.next() % span));
    return v;
}

void set_ops_counters(benchmark::State& state, double macs, const char* arch) {
    edgekern_bench::set_mac_counters(state, macs, arch);
    state.counters["GOPS"] = benchmark::Counter(2.0 * macs * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Tag>
void register_for(Tag tag) {
    for (std::size_t n : {std::size_t{64}, std::size_t{1024}, std::size_t{16384}}) {
        const std::string shape = "n" + std::to_string(n);
        benchmark::RegisterBenchmark(bench_name("dot_s8", "s8_s8_s32", Tag::name, shape).c_str(),
                                     [n, tag](benchmark::State& state) {
                                         const auto a = random_data<std::int8_t>(n, 1, -128, 127);
                                         const auto b = random_data<std::int8_t>(n, 2, -128, 127);
                                         for (auto _ : state) {
                                             benchmark::DoNotOptimize(es::dot_s8(a.data(), b.data(), n, tag));
                                         }
                                         set_ops_counters(state, static_cast<double>(n), Tag::name);
                                     });
        benchmark::RegisterBenchmark(bench_name("dot_s16_s8", "s16_s8_s64", Tag::name, shape).c_str(),
                                     [n, tag](benchmark::State& state) {
                                         const auto a = random_data<std::int16_t>(n, 3, -32768, 32767);
                                         const auto b = random_data<std::int8_t>(n, 4, -128, 127);
                                         for (auto _ : state) {
                                             benchmark::DoNotOptimize(es::dot_s16_s8(a.data(), b.data(), n, tag));
                                         }
                                         set_ops_counters(state, static_cast<double>(n), Tag::name);
                                     });
    }
    for (auto mode : {edgekern::rounding_mode::double_rounding, edgekern::rounding_mode::single_rounding}) {
        const std::size_t n = 1024;
        const std::string shape =
            "n1024_" + std::string(mode == edgekern::rounding_mode::double_rounding ? "double" : "single");
        benchmark::RegisterBenchmark(
            bench_name("requantize_s32", "s32_s32_s8", Tag::name, shape).c_str(),
            [n, tag, mode](benchmark::State& state) {
                const auto acc = random_data<std::int32_t>(n, 5, -3000000, 3000000);
                const auto mult = random_data<std::int32_t>(n, 6, std::int64_t{1} << 30, INT32_MAX);
                const auto shift = random_data<std::int32_t>(n, 7, -12, 1);
                std::vector<std::int8_t> out(n);
                for (auto _ : state) {
                    es::requantize_s32_unchecked(acc.data(), n, mult.data(), shift.data(), -3, -128, 127, out.data(),
                                                 mode, tag);
                    benchmark::DoNotOptimize(out.data());
                    benchmark::ClobberMemory();
                }
                state.counters["Gelem/s"] =
                    benchmark::Counter(static_cast<double>(n) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
                state.SetLabel(Tag::name);
            });
    }
}

const bool registered = [] {
    edgekern_bench::for_each_arch([](auto tag) { register_for(tag); });
    return true;
}();

} // namespace
