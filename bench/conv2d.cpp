// SPDX-License-Identifier: Apache-2.0
// conv2d.cpp: benchmarks of the convolution family: the MobileNetV2 alpha=0.35 96x96 layer set up to its 12x12x96
// block and large pointwise layers, our scalar path vs our best arch, with oneDNN and XNNPACK side by side when
// the build found them (ratio counters x_onednn / x_xnnpack on our best-arch rows), plus a vpdpbusd peak loop.
// Single thread: run with OMP_NUM_THREADS=1 (oneDNN) -- XNNPACK runs without a thread pool. Rates use CPU time.
#include <benchmark/benchmark.h>

#include <ctime>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_support.hpp"
#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"

#if defined(EDGEKERN_BENCH_HAS_ONEDNN)
#include <oneapi/dnnl/dnnl.hpp>
#endif
#if defined(EDGEKERN_BENCH_HAS_XNNPACK)
#include <xnnpack.h>
#endif
#if defined(EDGEKERN_HAS_AVX512VNNI)
#include <immintrin.h>
#endif

namespace {

namespace ek = edgekern;

enum class layer_kind { conv, depthwise, pointwise };

struct layer {
    const char* shape; // name token
    layer_kind kind;
    int h, w, ic, oc, k, stride;
};

// MobileNetV2 alpha = 0.35 at 96x96 (channels via make_divisible(c * 0.35, 8)), up to the 12x12x96 expansion.
const layer layers[] = {
    {"96x96x3_k3s2_16", layer_kind::conv, 96, 96, 3, 16, 3, 2},
    {"48x48x16_dw3", layer_kind::depthwise, 48, 48, 16, 16, 3, 1},
    {"48x48x16_pw8", layer_kind::pointwise, 48, 48, 16, 8, 1, 1},
    {"48x48x8_pw48", layer_kind::pointwise, 48, 48, 8, 48, 1, 1},
    {"48x48x48_dw3s2", layer_kind::depthwise, 48, 48, 48, 48, 3, 2},
    {"24x24x48_pw8", layer_kind::pointwise, 24, 24, 48, 8, 1, 1},
    {"24x24x8_pw48", layer_kind::pointwise, 24, 24, 8, 48, 1, 1},
    {"24x24x48_dw3", layer_kind::depthwise, 24, 24, 48, 48, 3, 1},
    {"24x24x48_dw3s2", layer_kind::depthwise, 24, 24, 48, 48, 3, 2},
    {"12x12x48_pw16", layer_kind::pointwise, 12, 12, 48, 16, 1, 1},
    {"12x12x16_pw96", layer_kind::pointwise, 12, 12, 16, 96, 1, 1},
    {"12x12x96_dw3", layer_kind::depthwise, 12, 12, 96, 96, 3, 1},
    {"12x12x96_pw16", layer_kind::pointwise, 12, 12, 96, 16, 1, 1},
    // large pointwise layers (peak throughput)
    {"56x56x256_pw256", layer_kind::pointwise, 56, 56, 256, 256, 1, 1},
    {"28x28x512_pw512", layer_kind::pointwise, 28, 28, 512, 512, 1, 1},
};

int out_extent(int in, int stride) {
    return (in + stride - 1) / stride;
} // SAME padding

double layer_macs(const layer& l) {
    const double oh = out_extent(l.h, l.stride), ow = out_extent(l.w, l.stride);
    if (l.kind == layer_kind::depthwise) return oh * ow * l.oc * l.k * l.k;
    return oh * ow * l.oc * l.ic * l.k * l.k;
}

/// Seconds of CPU time consumed by the whole process, every thread included (a peer that spreads work over
/// several threads is charged for all of them: the rates are per core, and stay fair on a loaded machine).
double thread_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Peer GMAC/s measured in this run, by shape (peers are registered before our rows).
std::map<std::string, double>& peer_rate(const char* peer) {
    static std::map<std::string, std::map<std::string, double>> rates;
    return rates[peer];
}

struct data {
    std::vector<std::int8_t> in, w, out;
    std::vector<std::int32_t> bias, mult, shift;
    explicit data(const layer& l) {
        edgekern_bench::bench_rng r(static_cast<std::uint64_t>(l.h * 131 + l.ic * 7 + l.oc));
        const int oh = out_extent(l.h, l.stride), ow = out_extent(l.w, l.stride);
        in.resize(static_cast<std::size_t>(l.h * l.w * l.ic));
        const std::size_t nw = l.kind == layer_kind::depthwise ? static_cast<std::size_t>(l.k * l.k * l.oc)
                                                               : static_cast<std::size_t>(l.k * l.k * l.ic * l.oc);
        w.resize(nw);
        out.resize(static_cast<std::size_t>(oh * ow * l.oc));
        for (auto& v : in) v = static_cast<std::int8_t>(r.next() & 0xFF);
        for (auto& v : w) v = static_cast<std::int8_t>(r.next() & 0xFF);
        bias.resize(static_cast<std::size_t>(l.oc));
        for (auto& b : bias) b = static_cast<std::int32_t>(r.next() % 2001) - 1000;
        mult.assign(static_cast<std::size_t>(l.oc), 1518500250);
        shift.assign(static_cast<std::size_t>(l.oc), -9);
    }
};

ek::conv2d_params conv_params(const layer& l) {
    ek::conv2d_params p;
    p.in_h = l.h;
    p.in_w = l.w;
    p.in_c = l.ic;
    p.out_c = l.oc;
    p.kernel_h = p.kernel_w = l.k;
    p.stride_h = p.stride_w = l.stride;
    p.padding = ek::padding_kind::same;
    p.out_h = out_extent(l.h, l.stride);
    p.out_w = out_extent(l.w, l.stride);
    p.input_zero_point = -5;
    p.output_zero_point = 3;
    return p;
}

ek::depthwise_conv2d_params dw_params(const layer& l) {
    ek::depthwise_conv2d_params d;
    d.in_h = l.h;
    d.in_w = l.w;
    d.in_c = l.ic;
    d.kernel_h = d.kernel_w = l.k;
    d.stride_h = d.stride_w = l.stride;
    d.padding = ek::padding_kind::same;
    d.out_h = out_extent(l.h, l.stride);
    d.out_w = out_extent(l.w, l.stride);
    d.input_zero_point = -5;
    d.output_zero_point = 3;
    return d;
}

template <class Arch>
void run_ours(benchmark::State& state, layer l, Arch) {
    data d(l);
    const ek::conv2d_params p = conv_params(l);
    const ek::depthwise_conv2d_params dp = dw_params(l);
    // Our best-arch rows use weights pre-packed once (conv2d_pack_weights), as a deployment would; scalar rows
    // use the plain call.
    const bool prepack = !std::is_same<Arch, ek::arch::scalar>::value && l.kind != layer_kind::depthwise;
    std::vector<std::byte> packed(prepack ? ek::conv2d_packed_size(p, Arch{}) : 0);
    if (prepack && ek::conv2d_pack_weights(p, ek::span<const std::int8_t>(d.w), ek::span<std::byte>(packed), Arch{}) !=
                       ek::status::ok) {
        state.SkipWithError("pack failed");
        return;
    }
    std::vector<std::byte> scratch(
        l.kind == layer_kind::depthwise
            ? 0
            : (prepack ? ek::conv2d_packed_scratch_size(p, Arch{}) : ek::conv2d_scratch_size(p, Arch{})));
    auto once = [&] {
        ek::status st;
        if (prepack)
            st = ek::conv2d_packed(p, ek::span<const std::int8_t>(d.in), ek::span<const std::byte>(packed),
                                   ek::span<const std::int32_t>(d.bias), ek::span<const std::int32_t>(d.mult),
                                   ek::span<const std::int32_t>(d.shift), ek::span<std::int8_t>(d.out),
                                   ek::span<std::byte>(scratch), Arch{});
        else if (l.kind == layer_kind::depthwise)
            st = ek::depthwise_conv2d(dp, ek::span<const std::int8_t>(d.in), ek::span<const std::int8_t>(d.w),
                                      ek::span<const std::int32_t>(d.bias), ek::span<const std::int32_t>(d.mult),
                                      ek::span<const std::int32_t>(d.shift), ek::span<std::int8_t>(d.out), Arch{});
        else
            st = ek::conv2d(p, ek::span<const std::int8_t>(d.in), ek::span<const std::int8_t>(d.w),
                            ek::span<const std::int32_t>(d.bias), ek::span<const std::int32_t>(d.mult),
                            ek::span<const std::int32_t>(d.shift), ek::span<std::int8_t>(d.out),
                            ek::span<std::byte>(scratch), Arch{});
        return st;
    };
    if (once() != ek::status::ok) {
        state.SkipWithError("kernel returned an error");
        return;
    }
    const double t0 = thread_seconds();
    for (auto _ : state) {
        benchmark::DoNotOptimize(once());
        benchmark::ClobberMemory();
    }
    const double secs = thread_seconds() - t0;
    const double rate = layer_macs(l) * static_cast<double>(state.iterations()) / secs * 1e-9;
    edgekern_bench::set_mac_counters(state, layer_macs(l), Arch::name);
    state.counters["GMAC/s_cpu"] = rate;
    for (const char* peer : {"onednn", "xnnpack"}) {
        auto& m = peer_rate(peer);
        const auto it = m.find(l.shape);
        if (it != m.end() && it->second > 0) state.counters[std::string("x_") + peer] = rate / it->second;
    }
}

template <class F>
void time_peer(benchmark::State& state, const layer& l, const char* peer, F&& once) {
    once();
    const double t0 = thread_seconds();
    for (auto _ : state) {
        once();
        benchmark::ClobberMemory();
    }
    const double secs = thread_seconds() - t0;
    const double rate = layer_macs(l) * static_cast<double>(state.iterations()) / secs * 1e-9;
    peer_rate(peer)[l.shape] = rate;
    edgekern_bench::set_mac_counters(state, layer_macs(l), peer);
    state.counters["GMAC/s_cpu"] = rate;
}

#if defined(EDGEKERN_BENCH_HAS_ONEDNN)
void run_onednn(benchmark::State& state, layer l) {
    using namespace dnnl;
    engine eng(engine::kind::cpu, 0);
    stream strm(eng);
    data d(l);
    const int oh = out_extent(l.h, l.stride), ow = out_extent(l.w, l.stride);
    const bool dw = l.kind == layer_kind::depthwise;
    const int pad_total_h = std::max((oh - 1) * l.stride + l.k - l.h, 0);
    const int pad_total_w = std::max((ow - 1) * l.stride + l.k - l.w, 0);
    const memory::dims pad_l = {pad_total_h / 2, pad_total_w / 2};
    const memory::dims pad_r = {pad_total_h - pad_total_h / 2, pad_total_w - pad_total_w / 2};
    const memory::desc src_md({1, l.ic, l.h, l.w}, memory::data_type::s8, memory::format_tag::nhwc);
    const memory::desc dst_md({1, l.oc, oh, ow}, memory::data_type::s8, memory::format_tag::nhwc);
    const memory::desc bias_md({l.oc}, memory::data_type::s32, memory::format_tag::x);
    const memory::dims wdims = dw ? memory::dims{l.oc, 1, 1, l.k, l.k} : memory::dims{l.oc, l.ic, l.k, l.k};
    const memory::desc wany(wdims, memory::data_type::s8, memory::format_tag::any);
    const memory::desc wuser(wdims, memory::data_type::s8, dw ? memory::format_tag::goihw : memory::format_tag::ohwi);
    convolution_forward::desc cd(prop_kind::forward_inference, algorithm::convolution_direct, src_md, wany, bias_md,
                                 dst_md, {l.stride, l.stride}, pad_l, pad_r);
    primitive_attr attr;
    attr.set_output_scales(2, std::vector<float>(static_cast<std::size_t>(l.oc), 0.0013f));
    convolution_forward::primitive_desc pd(cd, attr, eng);
    memory src(src_md, eng, d.in.data()), dst(dst_md, eng, d.out.data()), bias(bias_md, eng, d.bias.data());
    memory wu(wuser, eng, d.w.data()), wp(pd.weights_desc(), eng);
    reorder(wu, wp).execute(strm, wu, wp);
    convolution_forward conv(pd);
    const std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wp}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}};
    time_peer(state, l, "onednn", [&] {
        conv.execute(strm, args);
        strm.wait();
    });
    state.SetLabel(std::string("onednn ") + pd.impl_info_str());
}
#endif

#if defined(EDGEKERN_BENCH_HAS_XNNPACK)
void run_xnnpack(benchmark::State& state, layer l) {
    static const bool init = xnn_initialize(nullptr) == xnn_status_success;
    if (!init) {
        state.SkipWithError("xnn_initialize failed");
        return;
    }
    data d(l);
    const int oh = out_extent(l.h, l.stride), ow = out_extent(l.w, l.stride);
    const bool dw = l.kind == layer_kind::depthwise;
    const std::uint32_t pth = static_cast<std::uint32_t>(std::max((oh - 1) * l.stride + l.k - l.h, 0));
    const std::uint32_t ptw = static_cast<std::uint32_t>(std::max((ow - 1) * l.stride + l.k - l.w, 0));
    std::vector<float> wscale(static_cast<std::size_t>(l.oc), 0.01f);
    xnn_operator_t op = nullptr;
    const std::uint32_t groups = dw ? static_cast<std::uint32_t>(l.ic) : 1u;
    const std::size_t gic = dw ? 1u : static_cast<std::size_t>(l.ic), goc = dw ? 1u : static_cast<std::size_t>(l.oc);
    if (xnn_create_convolution2d_nhwc_qc8(
            pth / 2, ptw - ptw / 2, pth - pth / 2, ptw / 2, static_cast<std::uint32_t>(l.k),
            static_cast<std::uint32_t>(l.k), static_cast<std::uint32_t>(l.stride), static_cast<std::uint32_t>(l.stride),
            1, 1, groups, gic, goc, static_cast<std::size_t>(l.ic), static_cast<std::size_t>(l.oc), -5, 0.02f,
            wscale.data(), d.w.data(), d.bias.data(), 3, 0.15f, -128, 127, dw ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0u,
            &op) != xnn_status_success ||
        xnn_setup_convolution2d_nhwc_qc8(op, 1, static_cast<std::size_t>(l.h), static_cast<std::size_t>(l.w),
                                         d.in.data(), d.out.data(), nullptr) != xnn_status_success) {
        state.SkipWithError("xnnpack qc8 convolution unsupported");
        return;
    }
    time_peer(state, l, "xnnpack", [&] { xnn_run_operator(op, nullptr); });
    xnn_delete_operator(op);
}
#endif

#if defined(EDGEKERN_HAS_AVX512VNNI)
/// One core's vpdpbusd peak: 8 independent zmm accumulator chains, 64 MACs per instruction. (8 chains measured
/// fastest here: 16 or 24 chains ran ~40 % slower with gcc 12, and 256-bit chains slower still.)
void vpdpbusd_peak(benchmark::State& state) {
    __m512i acc[8];
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) acc[i] = _mm512_set1_epi32(i);
    const __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
    constexpr int reps = 512;
    for (auto _ : state) {
        for (int r = 0; r < reps; ++r) {
#pragma GCC unroll 8
            for (int i = 0; i < 8; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
            __asm__ volatile("" ::"v"(acc[0]));
        }
    }
#pragma GCC unroll 8
    for (int i = 1; i < 8; ++i) acc[0] = _mm512_add_epi32(acc[0], acc[i]);
    benchmark::DoNotOptimize(acc[0]);
    edgekern_bench::set_mac_counters(state, 64.0 * 8 * reps, "avx512vnni");
}
#endif

const bool registered = [] {
#if defined(EDGEKERN_HAS_AVX512VNNI)
    benchmark::RegisterBenchmark("conv2d/vpdpbusd_peak/avx512vnni/8_chains", vpdpbusd_peak)->MinTime(0.2);
#endif
    for (const layer& l : layers) {
        const char* kernel = l.kind == layer_kind::depthwise ? "depthwise_conv2d" : "conv2d";
        const std::string shape = l.shape;
        (void)shape;
#if defined(EDGEKERN_BENCH_HAS_ONEDNN)
        benchmark::RegisterBenchmark(edgekern_bench::bench_name(kernel, "s8_s8_s8", "onednn", shape).c_str(),
                                     run_onednn, l)
            ->MinTime(0.1);
#endif
#if defined(EDGEKERN_BENCH_HAS_XNNPACK)
        benchmark::RegisterBenchmark(edgekern_bench::bench_name(kernel, "s8_s8_s8", "xnnpack", shape).c_str(),
                                     run_xnnpack, l)
            ->MinTime(0.1);
#endif
        benchmark::RegisterBenchmark(edgekern_bench::bench_name(kernel, "s8_s8_s8", "scalar", shape).c_str(),
                                     [l](benchmark::State& s) { run_ours(s, l, ek::arch::scalar{}); })
            ->MinTime(0.1);
        if (!std::is_same<ek::arch::default_arch, ek::arch::scalar>::value)
            benchmark::RegisterBenchmark(
                edgekern_bench::bench_name(kernel, "s8_s8_s8", ek::arch::default_arch::name, shape).c_str(),
                [l](benchmark::State& s) { run_ours(s, l, ek::arch::default_arch{}); })
                ->MinTime(0.1);
    }
    return true;
}();

} // namespace
