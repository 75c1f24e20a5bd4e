// SPDX-License-Identifier: Apache-2.0
// fixed.cpp: throughput of the scalar fixed-point core (fixed/quantize.hpp): per-element requantization in both
// TFLite modes and the 16x8 int64 path, and float -> int8 affine quantization (G elements/s).
// Names: fixed_requantize/s32_s32_s32/scalar/n1024_{double,single}, fixed_requantize/s64_s32_s32/scalar/n1024_16x8,
//        fixed_quantize/f32_f32_s8/scalar/n1024.
#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/fixed/quantize.hpp"

namespace {

namespace ek = edgekern;
using edgekern_bench::bench_name;
using edgekern_bench::bench_rng;

constexpr std::size_t n_elems = 1024;

void set_elem_counters(benchmark::State& state) {
    state.counters["Gelem/s"] =
        benchmark::Counter(static_cast<double>(n_elems) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.SetLabel("scalar");
}

std::vector<std::int32_t> accumulators() {
    bench_rng r(11);
    std::vector<std::int32_t> v(n_elems);
    for (auto& x : v) x = static_cast<std::int32_t>(static_cast<std::int64_t>(r.next() % (1u << 21)) - (1 << 20));
    return v;
}

void bench_requantize(benchmark::State& state, ek::rounding_mode mode) {
    const auto acc = accumulators();
    std::vector<std::int32_t> out(n_elems);
    ek::quantized_multiplier q{};
    if (ek::quantize_multiplier(0.0011331, q) != ek::status::ok) state.SkipWithError("quantize_multiplier");
    for (auto _ : state) {
        for (std::size_t i = 0; i < n_elems; ++i) out[i] = ek::requantize(acc[i], q.multiplier, q.shift, mode);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_elem_counters(state);
}

void bench_requantize_16x8(benchmark::State& state) {
    const auto acc32 = accumulators();
    std::vector<std::int64_t> acc(acc32.begin(), acc32.end());
    for (auto& a : acc) a *= 4096; // int64 accumulators of a 16x8 layer
    std::vector<std::int32_t> out(n_elems);
    ek::quantized_multiplier q{};
    if (ek::quantize_multiplier(0.0011331 / 4096.0, q) != ek::status::ok) state.SkipWithError("quantize_multiplier");
    for (auto _ : state) {
        for (std::size_t i = 0; i < n_elems; ++i) out[i] = ek::requantize_16x8_int64(acc[i], q.multiplier, q.shift);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_elem_counters(state);
}

void bench_quantize(benchmark::State& state) {
    bench_rng r(12);
    std::vector<float> in(n_elems);
    for (auto& x : in) x = static_cast<float>(r.next() >> 40) * (4.0f / 16777216.0f) - 2.0f;
    std::vector<std::int8_t> out(n_elems);
    for (auto _ : state) {
        const ek::status st = ek::quantize(ek::span<const float>(in), 1.0f / 64.0f, 3, ek::span<std::int8_t>(out));
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_elem_counters(state);
}

const bool registered = [] {
    const std::string shape = "n" + std::to_string(n_elems);
    benchmark::RegisterBenchmark(bench_name("fixed_requantize", "s32_s32_s32", "scalar", shape + "_double").c_str(),
                                 bench_requantize, ek::rounding_mode::double_rounding);
    benchmark::RegisterBenchmark(bench_name("fixed_requantize", "s32_s32_s32", "scalar", shape + "_single").c_str(),
                                 bench_requantize, ek::rounding_mode::single_rounding);
    benchmark::RegisterBenchmark(bench_name("fixed_requantize", "s64_s32_s32", "scalar", shape + "_16x8").c_str(),
                                 bench_requantize_16x8);
    benchmark::RegisterBenchmark(bench_name("fixed_quantize", "f32_f32_s8", "scalar", shape).c_str(), bench_quantize);
    return true;
}();

} // namespace
