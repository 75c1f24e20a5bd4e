// SPDX-License-Identifier: Apache-2.0
// Benchmarks of random projection: d in {96, 256, 1280} -> k in {8, 16, 32, 64}, a batch of 144 vectors (a 12x12
// feature map) per iteration (and single vectors for k = 16); stored vs matrix-free, int8 vs float. Counters:
// projections/s, GB/s of input read, GMAC/s, and the bytes of matrix storage the mode needs.
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/kernels/random_projection.hpp"

namespace {
namespace ek = edgekern;

enum class mode { stored, matrix_free };

template <class In, class Out, class Arch>
void run(benchmark::State& state, std::size_t d, std::size_t k, mode md, std::size_t batch, Arch) {
    ek::rp_matrix mf;
    if (ek::make_rp_matrix_free(ek::rp_kind::gaussian, k, d, 42, 0.0, mf) != ek::status::ok) {
        state.SkipWithError("make_rp_matrix_free");
        return;
    }
    std::vector<std::int8_t> w8(k * d);
    std::vector<float> wf(k * d);
    ek::rp_matrix m = mf;
    std::size_t matrix_bytes = 0;
    if (md == mode::stored) {
        if constexpr (std::is_same<In, float>::value) {
            (void)ek::rp_generate_f32(mf, ek::span<float>(wf));
            (void)ek::make_rp_stored_f32(ek::rp_kind::gaussian, k, d, ek::span<const float>(wf), m);
            matrix_bytes = ek::rp_storage_bytes(ek::rp_storage::f32, k, d);
        } else {
            (void)ek::rp_generate_s8(mf, ek::span<std::int8_t>(w8));
            (void)ek::make_rp_stored_s8(ek::rp_kind::gaussian, k, d, ek::span<const std::int8_t>(w8), mf.scale, m);
            matrix_bytes = ek::rp_storage_bytes(ek::rp_storage::s8, k, d);
        }
    }
    edgekern_bench::bench_rng g(7);
    std::vector<In> x(batch * d);
    for (auto& v : x) {
        if constexpr (std::is_same<In, float>::value)
            v = static_cast<float>(static_cast<std::int32_t>(g.next() >> 40) - (1 << 23)) * (1.0f / 8388608.0f);
        else
            v = static_cast<In>(g.next() >> 56);
    }
    std::vector<Out> y(batch * k);
    for (auto _ : state) {
        const ek::status st = ek::random_projection_batch(m, batch, ek::span<const In>(x), ek::span<Out>(y), Arch{});
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    edgekern_bench::set_mac_counters(state, double(batch * d * k), Arch::name);
    state.counters["proj/s"] = benchmark::Counter(double(batch), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["GB/s"] =
        benchmark::Counter(double(batch * d * sizeof(In)) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["matrix_bytes"] = double(matrix_bytes);
}

template <class Arch>
void register_all(Arch) {
    for (std::size_t d : {96u, 256u, 1280u}) {
        for (std::size_t k : {8u, 16u, 32u, 64u}) {
            for (mode md : {mode::stored, mode::matrix_free}) {
                for (std::size_t n : {std::size_t{144}, std::size_t{1}}) {
                    if (n == 1 && k != 16) continue; // single vectors: one k is enough to show the generation cost
                    const std::string shape = "d" + std::to_string(d) + "_k" + std::to_string(k) + "_n" +
                                              std::to_string(n) + "_" + (md == mode::stored ? "stored" : "matrix_free");
                    benchmark::RegisterBenchmark(
                        edgekern_bench::bench_name("random_projection", "s8_s8_s32", Arch::name, shape).c_str(),
                        [=](benchmark::State& s) { run<std::int8_t, std::int32_t>(s, d, k, md, n, Arch{}); })
                        ->MinTime(0.05);
                    benchmark::RegisterBenchmark(
                        edgekern_bench::bench_name("random_projection", "f32_f32_f32", Arch::name, shape).c_str(),
                        [=](benchmark::State& s) { run<float, float>(s, d, k, md, n, Arch{}); })
                        ->MinTime(0.05);
                }
            }
        }
    }
}

const bool registered = [] {
    register_all(ek::arch::scalar{});
    if (!std::is_same<ek::arch::default_arch, ek::arch::scalar>::value) register_all(ek::arch::default_arch{});
    return true;
}();

} // namespace
