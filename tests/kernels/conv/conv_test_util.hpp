// SPDX-License-Identifier: Apache-2.0
// conv_test_util.hpp: random conv cases for the conv-family tests (geometry drawn around lane widths and primes).
#pragma once

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "edgekern/kernels/conv2d.hpp"
#include "reference/conv_reference.hpp"
#include "support/test_support.hpp"

namespace conv_test {

struct conv_case {
    edgekern::conv2d_params p;
    std::vector<std::int8_t> in, w;
    std::vector<std::int32_t> bias, mult, shift;
};

inline const int channel_choices[] = {1, 2, 3, 4, 5, 7, 8, 13, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65};

inline int pick_channels(edgekern_test::rng& r) {
    return channel_choices[r.uniform(0, sizeof(channel_choices) / sizeof(channel_choices[0]) - 1)];
}

/// The resolved (explicit) padding of a case, computed here independently of the library (TFLite formulas).
inline void resolve_pad(int in, int k, int s, int d, edgekern::padding_kind kind, int explicit_before, int& out,
                        int& pad) {
    const int eff = (k - 1) * d + 1;
    if (kind == edgekern::padding_kind::valid) {
        out = in >= eff ? (in - eff) / s + 1 : 0;
        pad = 0;
    } else if (kind == edgekern::padding_kind::same) {
        out = (in + s - 1) / s;
        const int total = (out - 1) * s + eff - in;
        pad = total > 0 ? total / 2 : 0;
    } else {
        out = 0;
        pad = explicit_before;
    }
}

inline conv_ref::geom ref_geom(const conv_case& c) {
    const auto& p = c.p;
    int oh = 0, ow = 0, pt = 0, pl = 0;
    resolve_pad(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.padding, p.pad_top, oh, pt);
    resolve_pad(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.padding, p.pad_left, ow, pl);
    return conv_ref::geom{p.batch,    p.in_h,     p.in_w,     p.in_c,       p.out_h,      p.out_w, p.out_c, p.kernel_h,
                          p.kernel_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, pt,      pl,      p.groups};
}

inline std::size_t out_size(const conv_case& c) {
    return static_cast<std::size_t>(c.p.batch) * static_cast<std::size_t>(c.p.out_h) *
           static_cast<std::size_t>(c.p.out_w) * static_cast<std::size_t>(c.p.out_c);
}

template <class T>
inline std::size_t count_distinct(const std::vector<T>& v) {
    return std::set<T>(v.begin(), v.end()).size();
}

/// A random valid conv2d case; `small` keeps it tiny (for the slower targets).
inline conv_case random_conv_case(edgekern_test::rng& r, bool grouped) {
    conv_case c;
    auto& p = c.p;
    for (;;) {
        p = edgekern::conv2d_params{};
        p.batch = static_cast<std::int32_t>(r.uniform(1, 2));
        p.in_h = static_cast<std::int32_t>(r.uniform(1, 9));
        p.in_w = static_cast<std::int32_t>(r.uniform(1, 9));
        p.kernel_h = static_cast<std::int32_t>(r.uniform(1, 4));
        p.kernel_w = static_cast<std::int32_t>(r.uniform(1, 4));
        if (r.uniform(0, 4) == 0) p.kernel_h = p.kernel_w = 1;
        p.stride_h = static_cast<std::int32_t>(r.uniform(1, 3));
        p.stride_w = static_cast<std::int32_t>(r.uniform(1, 3));
        p.dilation_h = static_cast<std::int32_t>(r.uniform(1, 2));
        p.dilation_w = static_cast<std::int32_t>(r.uniform(1, 2));
        const int kind = static_cast<int>(r.uniform(0, 2));
        p.padding = kind == 0 ? edgekern::padding_kind::valid
                              : (kind == 1 ? edgekern::padding_kind::same : edgekern::padding_kind::explicit_pad);
        p.pad_top = static_cast<std::int32_t>(r.uniform(0, 2));
        p.pad_bottom = static_cast<std::int32_t>(r.uniform(0, 2));
        p.pad_left = static_cast<std::int32_t>(r.uniform(0, 2));
        p.pad_right = static_cast<std::int32_t>(r.uniform(0, 2));
        p.groups = 1;
        p.in_c = pick_channels(r);
        p.out_c = pick_channels(r);
        if (grouped) {
            p.groups = static_cast<std::int32_t>(r.uniform(2, 4));
            p.in_c = p.groups * static_cast<std::int32_t>(r.uniform(1, 9));
            p.out_c = p.groups * static_cast<std::int32_t>(r.uniform(1, 9));
        }
        if (r.uniform(0, 3) == 0) { // pointwise case
            p.kernel_h = p.kernel_w = 1;
            p.stride_h = p.stride_w = 1;
            p.padding = edgekern::padding_kind::valid;
        }
        p.out_h = edgekern::conv2d_output_extent(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.padding, p.pad_top,
                                                 p.pad_bottom);
        p.out_w = edgekern::conv2d_output_extent(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.padding, p.pad_left,
                                                 p.pad_right);
        if (p.out_h > 0 && p.out_w > 0) break;
    }
    p.input_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
    p.output_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
    if (r.uniform(0, 2) == 0) {
        p.act_min = static_cast<std::int32_t>(r.uniform(-128, 0));
        p.act_max = static_cast<std::int32_t>(r.uniform(0, 127));
    }
    const std::size_t insz = static_cast<std::size_t>(p.batch * p.in_h * p.in_w * p.in_c);
    const std::size_t k = static_cast<std::size_t>(p.kernel_h * p.kernel_w * (p.in_c / p.groups));
    c.in.resize(insz);
    c.w.resize(static_cast<std::size_t>(p.out_c) * k);
    for (auto& v : c.in) v = static_cast<std::int8_t>(r.uniform(-128, 127));
    for (auto& v : c.w) v = static_cast<std::int8_t>(r.uniform(-128, 127));
    const bool per_channel = r.uniform(0, 3) != 0;
    const std::size_t nq = per_channel ? static_cast<std::size_t>(p.out_c) : 1u;
    c.mult.resize(nq);
    c.shift.resize(nq);
    // scale ~ 1 / (64 sqrt(K)) so that outputs spread over the int8 range
    const int base_shift = -(7 + static_cast<int>(std::log2(static_cast<double>(k)) / 2));
    for (std::size_t i = 0; i < nq; ++i) {
        c.mult[i] = static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, (std::int64_t{1} << 31) - 1));
        c.shift[i] = static_cast<std::int32_t>(base_shift + r.uniform(-1, 1));
    }
    if (r.uniform(0, 4) != 0) {
        c.bias.resize(static_cast<std::size_t>(p.out_c));
        for (auto& b : c.bias) b = static_cast<std::int32_t>(r.uniform(-20000, 20000));
    }
    return c;
}

inline std::vector<std::int8_t> reference_conv_s8(const conv_case& c) {
    const conv_ref::geom g = ref_geom(c);
    std::vector<long long> acc(out_size(c));
    std::vector<long long> b(c.bias.begin(), c.bias.end());
    conv_ref::conv_acc(g, c.in.data(), c.w.data(), b.empty() ? nullptr : b.data(), -c.p.input_zero_point, acc.data());
    std::vector<std::int8_t> out(acc.size());
    const int lo = c.p.act_min < -128 ? -128 : c.p.act_min;
    const int hi = c.p.act_max > 127 ? 127 : c.p.act_max;
    conv_ref::finish_s32(acc.data(), acc.size(), g.oc, c.mult.data(), c.shift.data(), c.mult.size() != 1,
                         c.p.output_zero_point, lo, hi, c.p.rounding == edgekern::rounding_mode::single_rounding,
                         out.data());
    return out;
}

} // namespace conv_test
