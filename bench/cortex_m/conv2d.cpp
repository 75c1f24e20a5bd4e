// SPDX-License-Identifier: Apache-2.0
// Cortex-M firmware: instructions per MAC of conv2d / pointwise / depthwise / fully_connected (s8) on the
// emulated Cortex-M7, default arch (cortex_m_dsp) and scalar, over the MobileNetV2-0.35 96x96 layer set and the
// reference shapes of the issue (3x3 conv 24x24x16->16, FC 256->64). Run: bench/cortex_m/run.sh conv2d
#include <cstddef>
#include <cstdint>

#include "cycle_counter.hpp"
#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/fully_connected.hpp"

namespace {
namespace ek = edgekern;

std::int8_t in_buf[96 * 96 * 3 > 48 * 48 * 16 ? 96 * 96 * 3 : 48 * 48 * 16];
std::int8_t w_buf[96 * 96];
std::int8_t out_a[48 * 48 * 48];
std::int8_t out_b[48 * 48 * 48];
std::int32_t bias[512], mult[512], shift[512];
alignas(8) std::byte scratch[40960];
alignas(8) std::byte packed_buf[40960];
std::int8_t out_c[48 * 48 * 48];

struct layer {
    const char* name;
    int kind; // 0 conv, 1 depthwise, 2 fully connected (h = batch, ic = in, oc = out)
    int h, w, ic, oc, k, stride;
};

const layer layers[] = {
    {"conv2d/s8_s8_s8/cortex_m7/24x24x16_k3_16", 0, 24, 24, 16, 16, 3, 1},
    {"conv2d/s8_s8_s8/cortex_m7/96x96x3_k3s2_16", 0, 96, 96, 3, 16, 3, 2},
    {"conv2d/s8_s8_s8/cortex_m7/48x48x16_pw8", 0, 48, 48, 16, 8, 1, 1},
    {"conv2d/s8_s8_s8/cortex_m7/48x48x8_pw48", 0, 48, 48, 8, 48, 1, 1},
    {"conv2d/s8_s8_s8/cortex_m7/24x24x48_pw8", 0, 24, 24, 48, 8, 1, 1},
    {"conv2d/s8_s8_s8/cortex_m7/24x24x8_pw48", 0, 24, 24, 8, 48, 1, 1},
    {"conv2d/s8_s8_s8/cortex_m7/12x12x48_pw16", 0, 12, 12, 48, 16, 1, 1},
    {"conv2d/s8_s8_s8/cortex_m7/12x12x16_pw96", 0, 12, 12, 16, 96, 1, 1},
    {"conv2d/s8_s8_s8/cortex_m7/12x12x96_pw16", 0, 12, 12, 96, 16, 1, 1},
    {"depthwise_conv2d/s8_s8_s8/cortex_m7/48x48x16_dw3", 1, 48, 48, 16, 16, 3, 1},
    {"depthwise_conv2d/s8_s8_s8/cortex_m7/24x24x48_dw3", 1, 24, 24, 48, 48, 3, 1},
    {"depthwise_conv2d/s8_s8_s8/cortex_m7/12x12x96_dw3", 1, 12, 12, 96, 96, 3, 1},
    {"fully_connected/s8_s8_s8/cortex_m7/256_64", 2, 1, 1, 256, 64, 1, 1},
};

void append(char*& p, const char* s) {
    while (*s) *p++ = *s++;
}

template <class Arch>
ek::status run(const layer& l, std::int8_t* out, std::int64_t& instructions, edgekern_cm::counter& counter,
               bool prepacked = false) {
    ek::status st = ek::status::ok;
    const int oh = (l.h + l.stride - 1) / l.stride, ow = (l.w + l.stride - 1) / l.stride;
    const std::size_t n_in = static_cast<std::size_t>(l.h * l.w * l.ic);
    const std::size_t n_out = static_cast<std::size_t>(oh * ow * l.oc);
    const ek::span<const std::int32_t> b(bias, static_cast<std::size_t>(l.oc));
    const ek::span<const std::int32_t> m(mult, static_cast<std::size_t>(l.oc));
    const ek::span<const std::int32_t> s(shift, static_cast<std::size_t>(l.oc));
    if (l.kind == 0) {
        ek::conv2d_params p;
        p.in_h = l.h;
        p.in_w = l.w;
        p.in_c = l.ic;
        p.out_c = l.oc;
        p.kernel_h = p.kernel_w = l.k;
        p.stride_h = p.stride_w = l.stride;
        p.padding = ek::padding_kind::same;
        p.out_h = oh;
        p.out_w = ow;
        p.input_zero_point = -3;
        p.output_zero_point = 5;
        if (ek::conv2d_scratch_size(p, Arch{}) > sizeof(scratch)) return ek::status::buffer_too_small;
        const std::size_t nw = static_cast<std::size_t>(l.oc * l.k * l.k * l.ic);
        if (prepacked) {
            // weights packed once at init (not counted), then the packed call is measured
            if (ek::conv2d_packed_size(p, Arch{}) > sizeof(packed_buf)) return ek::status::buffer_too_small;
            st = ek::conv2d_pack_weights(p, ek::span<const std::int8_t>(w_buf, nw), ek::span<std::byte>(packed_buf),
                                         Arch{});
            if (st != ek::status::ok) return st;
            instructions = counter.measure([&] {
                st = ek::conv2d_packed(p, ek::span<const std::int8_t>(in_buf, n_in),
                                       ek::span<const std::byte>(packed_buf), b, m, s,
                                       ek::span<std::int8_t>(out, n_out), ek::span<std::byte>(scratch), Arch{});
            });
            return st;
        }
        instructions = counter.measure([&] {
            st = ek::conv2d(p, ek::span<const std::int8_t>(in_buf, n_in), ek::span<const std::int8_t>(w_buf, nw), b, m,
                            s, ek::span<std::int8_t>(out, n_out), ek::span<std::byte>(scratch), Arch{});
        });
    } else if (l.kind == 1) {
        ek::depthwise_conv2d_params d;
        d.in_h = l.h;
        d.in_w = l.w;
        d.in_c = l.ic;
        d.kernel_h = d.kernel_w = l.k;
        d.stride_h = d.stride_w = l.stride;
        d.padding = ek::padding_kind::same;
        d.out_h = oh;
        d.out_w = ow;
        d.input_zero_point = -3;
        d.output_zero_point = 5;
        const std::size_t nw = static_cast<std::size_t>(l.oc * l.k * l.k);
        instructions = counter.measure([&] {
            st = ek::depthwise_conv2d(d, ek::span<const std::int8_t>(in_buf, n_in),
                                      ek::span<const std::int8_t>(w_buf, nw), b, m, s,
                                      ek::span<std::int8_t>(out, n_out), Arch{});
        });
    } else {
        ek::fully_connected_params f;
        f.in_features = l.ic;
        f.out_features = l.oc;
        f.input_zero_point = -3;
        f.output_zero_point = 5;
        if (ek::fully_connected_scratch_size(f, Arch{}) > sizeof(scratch)) return ek::status::buffer_too_small;
        instructions = counter.measure([&] {
            st = ek::fully_connected(f, ek::span<const std::int8_t>(in_buf, static_cast<std::size_t>(l.ic)),
                                     ek::span<const std::int8_t>(w_buf, static_cast<std::size_t>(l.ic * l.oc)), b, m, s,
                                     ek::span<std::int8_t>(out, static_cast<std::size_t>(l.oc)),
                                     ek::span<std::byte>(scratch), Arch{});
        });
    }
    return st;
}

} // namespace

int main() {
    edgekern_cm::counter counter;
    std::uint32_t r = 12345;
    auto next = [&r] {
        r = r * 1664525u + 1013904223u;
        return r;
    };
    for (auto& v : in_buf) v = static_cast<std::int8_t>(next() >> 24);
    for (auto& v : w_buf) v = static_cast<std::int8_t>(next() >> 24);
    for (int i = 0; i < 512; ++i) {
        bias[i] = static_cast<std::int32_t>(next() % 2001u) - 1000;
        mult[i] = 1300000000 + static_cast<std::int32_t>(next() % 800000000u);
        shift[i] = -9;
    }
    int failures = 0;
    for (const layer& l : layers) {
        const int oh = (l.h + l.stride - 1) / l.stride, ow = (l.w + l.stride - 1) / l.stride;
        const double macs = l.kind == 1
                                ? double(oh) * ow * l.oc * l.k * l.k
                                : (l.kind == 2 ? double(l.ic) * l.oc : double(oh) * ow * l.oc * l.ic * l.k * l.k);
        std::int64_t n_best = 0, n_scalar = 0;
        if (run<ek::arch::default_arch>(l, out_a, n_best, counter) != ek::status::ok) return 1;
        if (run<ek::arch::scalar>(l, out_b, n_scalar, counter) != ek::status::ok) return 2;
        std::int64_t n_packed = 0;
        if (l.kind == 0) {
            if (run<ek::arch::default_arch>(l, out_c, n_packed, counter, true) != ek::status::ok) return 4;
            const std::size_t n = static_cast<std::size_t>(oh * ow * l.oc);
            for (std::size_t i = 0; i < n; ++i) failures += out_c[i] != out_b[i];
        }
        const std::size_t n_out =
            l.kind == 2 ? static_cast<std::size_t>(l.oc) : static_cast<std::size_t>(oh * ow * l.oc);
        for (std::size_t i = 0; i < n_out; ++i) failures += out_a[i] != out_b[i];
        char name[128];
        char* p = name;
        append(p, l.name);
        append(p, "/");
        append(p, ek::arch::default_arch::name);
        *p = 0;
        edgekern_cm::report(name, n_best, static_cast<std::uint64_t>(macs));
        if (l.kind == 0) {
            p = name;
            append(p, l.name);
            append(p, "/");
            append(p, ek::arch::default_arch::name);
            append(p, "_prepacked");
            *p = 0;
            edgekern_cm::report(name, n_packed, static_cast<std::uint64_t>(macs));
        }
        p = name;
        append(p, l.name);
        append(p, "/scalar");
        *p = 0;
        edgekern_cm::report(name, n_scalar, static_cast<std::uint64_t>(macs));
    }
    return failures == 0 ? 0 : 3;
}
