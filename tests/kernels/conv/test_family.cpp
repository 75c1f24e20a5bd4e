// SPDX-License-Identifier: Apache-2.0
// Tests for depthwise_conv2d, fully_connected, avg/max pooling and elementwise_add against the dumb reference,
// every backend against scalar, and their bad-input statuses.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/elementwise_add.hpp"
#include "edgekern/kernels/fully_connected.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "reference/conv_reference.hpp"
#include "support/test_support.hpp"
#include "conv_test_util.hpp"

using edgekern::span;
using edgekern::status;
using namespace conv_test;

namespace {

edgekern::depthwise_conv2d_params to_depthwise(const edgekern::conv2d_params& c, int dm) {
    edgekern::depthwise_conv2d_params d;
    d.batch = c.batch;
    d.in_h = c.in_h;
    d.in_w = c.in_w;
    d.in_c = c.in_c;
    d.out_h = c.out_h;
    d.out_w = c.out_w;
    d.depth_multiplier = dm;
    d.kernel_h = c.kernel_h;
    d.kernel_w = c.kernel_w;
    d.stride_h = c.stride_h;
    d.stride_w = c.stride_w;
    d.dilation_h = c.dilation_h;
    d.dilation_w = c.dilation_w;
    d.padding = c.padding;
    d.pad_top = c.pad_top;
    d.pad_bottom = c.pad_bottom;
    d.pad_left = c.pad_left;
    d.pad_right = c.pad_right;
    d.input_zero_point = c.input_zero_point;
    d.output_zero_point = c.output_zero_point;
    d.act_min = c.act_min;
    d.act_max = c.act_max;
    d.rounding = c.rounding;
    return d;
}

} // namespace

TEST_CASE("depthwise_conv2d s8 / s16: equal to the reference, with depth multipliers") {
    edgekern_test::rng r(0xDE97ull);
    const int cases = edgekern_test::sweep_stride == 1 ? 200 : 12;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, false);
        const int dm = t % 4 == 3 ? static_cast<int>(r.uniform(2, 3)) : 1;
        c.p.out_c = c.p.in_c * dm;
        c.p.groups = c.p.in_c;
        const std::size_t taps = static_cast<std::size_t>(c.p.kernel_h * c.p.kernel_w);
        c.w.resize(taps * static_cast<std::size_t>(c.p.out_c));
        for (auto& v : c.w) v = static_cast<std::int8_t>(r.uniform(-128, 127));
        const std::size_t nq = c.mult.size() == 1 ? 1 : static_cast<std::size_t>(c.p.out_c);
        c.mult.resize(nq, 1 << 30);
        c.shift.assign(nq, -9);
        for (auto& m : c.mult) m = static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, INT32_MAX));
        if (!c.bias.empty()) c.bias.resize(static_cast<std::size_t>(c.p.out_c), 77);
        c.p.rounding = t % 2 ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
        const edgekern::depthwise_conv2d_params d = to_depthwise(c.p, dm);
        const conv_ref::geom g = ref_geom(c);
        std::vector<long long> acc(out_size(c));
        std::vector<long long> b(c.bias.begin(), c.bias.end());
        conv_ref::depthwise_acc(g, dm, c.in.data(), c.w.data(), b.empty() ? nullptr : b.data(), -c.p.input_zero_point,
                                acc.data());
        std::vector<std::int8_t> expect(acc.size());
        const int lo = c.p.act_min < -128 ? -128 : c.p.act_min, hi = c.p.act_max > 127 ? 127 : c.p.act_max;
        conv_ref::finish_s32(acc.data(), acc.size(), g.oc, c.mult.data(), c.shift.data(), nq != 1,
                             c.p.output_zero_point, lo, hi, t % 2 != 0, expect.data());
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::int8_t> got(expect.size(), 3);
            REQUIRE(edgekern::depthwise_conv2d(d, span<const std::int8_t>(c.in), span<const std::int8_t>(c.w),
                                               span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                               span<const std::int32_t>(c.shift), span<std::int8_t>(got),
                                               tag) == status::ok);
            INFO("arch " << decltype(tag)::name << " case " << t);
            CHECK(got == expect);
        });
        // s16 with int64 bias
        edgekern::depthwise_conv2d_params d16 = d;
        d16.input_zero_point = d16.output_zero_point = 0;
        d16.act_min = INT32_MIN;
        d16.act_max = INT32_MAX;
        std::vector<std::int16_t> in16(c.in.size());
        for (auto& v : in16) v = static_cast<std::int16_t>(r.uniform(-32768, 32767));
        std::vector<std::int64_t> b64(static_cast<std::size_t>(c.p.out_c));
        for (auto& v : b64) v = r.uniform(-(1 << 20), 1 << 20);
        std::vector<long long> bl(b64.begin(), b64.end());
        conv_ref::depthwise_acc(g, dm, in16.data(), c.w.data(), bl.data(), 0, acc.data());
        std::vector<std::int16_t> e16(acc.size()), g16(acc.size(), 1);
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const std::size_t q = nq == 1 ? 0 : i % static_cast<std::size_t>(g.oc);
            e16[i] = static_cast<std::int16_t>(
                conv_ref::clampi(conv_ref::mbqm64(acc[i], c.mult[q], c.shift[q] - 8), -32768, 32767));
        }
        std::vector<std::int32_t> sh16(c.shift);
        for (auto& s : sh16) s -= 8;
        REQUIRE(edgekern::depthwise_conv2d(d16, span<const std::int16_t>(in16), span<const std::int8_t>(c.w),
                                           span<const std::int64_t>(b64), span<const std::int32_t>(c.mult),
                                           span<const std::int32_t>(sh16), span<std::int16_t>(g16)) == status::ok);
        CHECK(g16 == e16);
    }
}

TEST_CASE("fully_connected s8: per-tensor / per-channel, weights zero point, equal to the reference") {
    edgekern_test::rng r(0xFCull);
    const int cases = edgekern_test::sweep_stride == 1 ? 200 : 12;
    for (int t = 0; t < cases; ++t) {
        edgekern::fully_connected_params f;
        f.batch = static_cast<std::int32_t>(r.uniform(1, 3));
        f.in_features = static_cast<std::int32_t>(r.uniform(1, 300));
        f.out_features = pick_channels(r);
        f.input_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
        f.weights_zero_point = t % 3 == 0 ? static_cast<std::int32_t>(r.uniform(-20, 20)) : 0;
        if (t % 9 == 0) f.weights_zero_point = t % 2 ? 127 : -128; // extremes (outputs mostly clamp)
        if (f.weights_zero_point != 0 && t % 9 != 0) f.input_zero_point = static_cast<std::int32_t>(r.uniform(-10, 10));
        f.output_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
        f.rounding = t % 2 ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
        const std::size_t in = static_cast<std::size_t>(f.in_features), out = static_cast<std::size_t>(f.out_features);
        std::vector<std::int8_t> x(static_cast<std::size_t>(f.batch) * in), w(out * in);
        for (auto& v : x) v = static_cast<std::int8_t>(r.uniform(-128, 127));
        for (auto& v : w) v = static_cast<std::int8_t>(r.uniform(-128, 127));
        std::vector<std::int32_t> bias(out), mult(t % 4 == 0 ? 1 : out), shift(mult.size());
        for (auto& v : bias) v = static_cast<std::int32_t>(r.uniform(-50000, 50000));
        std::vector<long long> accs(static_cast<std::size_t>(f.batch) * out);
        long long maxabs = 1;
        for (std::size_t b = 0; b < static_cast<std::size_t>(f.batch); ++b)
            for (std::size_t o = 0; o < out; ++o) {
                long long acc = bias[o];
                for (std::size_t c = 0; c < in; ++c)
                    acc += (static_cast<long long>(w[o * in + c]) - f.weights_zero_point) *
                           (static_cast<long long>(x[b * in + c]) - f.input_zero_point);
                accs[b * out + o] = acc;
                maxabs = std::max(maxabs, acc < 0 ? -acc : acc);
            }
        // shift so that the largest accumulator lands near the int8 range edge (outputs spread, some clamp)
        const int base = -static_cast<int>(std::ceil(std::log2(double(maxabs) / 100.0)));
        for (std::size_t i = 0; i < mult.size(); ++i) {
            mult[i] = static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, INT32_MAX));
            shift[i] = std::min<std::int32_t>(base + static_cast<std::int32_t>(r.uniform(-1, 1)), 30);
        }
        std::vector<std::int8_t> expect(static_cast<std::size_t>(f.batch) * out);
        for (std::size_t i = 0; i < accs.size(); ++i) {
            const std::size_t q = mult.size() == 1 ? 0 : i % out;
            long long v =
                conv_ref::mbqm(static_cast<std::int32_t>(accs[i]), mult[q], shift[q], t % 2 != 0) + f.output_zero_point;
            expect[i] = static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
        }
        if (expect.size() > 16 && t % 9 != 0) CHECK(count_distinct(expect) > 2);
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::byte> scratch(edgekern::fully_connected_scratch_size(f, tag));
            std::vector<std::int8_t> got(expect.size(), 9);
            REQUIRE(edgekern::fully_connected(f, span<const std::int8_t>(x), span<const std::int8_t>(w),
                                              span<const std::int32_t>(bias), span<const std::int32_t>(mult),
                                              span<const std::int32_t>(shift), span<std::int8_t>(got),
                                              span<std::byte>(scratch), tag) == status::ok);
            INFO("arch " << decltype(tag)::name << " case " << t);
            CHECK(got == expect);
        });
    }
    // bad weights zero point
    edgekern::fully_connected_params f;
    f.in_features = 4;
    f.out_features = 2;
    f.weights_zero_point = 200;
    std::vector<std::int8_t> x(4), w(8), o(2, 7);
    std::vector<std::int32_t> m(1, 1 << 30), s(1, 0);
    CHECK(edgekern::fully_connected(f, span<const std::int8_t>(x), span<const std::int8_t>(w),
                                    span<const std::int32_t>(), span<const std::int32_t>(m),
                                    span<const std::int32_t>(s), span<std::int8_t>(o),
                                    span<std::byte>()) == status::invalid_quantization);
    CHECK(o == std::vector<std::int8_t>(2, 7));
}

TEST_CASE("avg_pool2d / max_pool2d s8: equal to the reference; bad input") {
    edgekern_test::rng r(0x9001ull);
    const int cases = edgekern_test::sweep_stride == 1 ? 200 : 12;
    for (int t = 0; t < cases; ++t) {
        edgekern::pool2d_params p;
        p.batch = static_cast<std::int32_t>(r.uniform(1, 2));
        p.in_h = static_cast<std::int32_t>(r.uniform(1, 9));
        p.in_w = static_cast<std::int32_t>(r.uniform(1, 9));
        p.channels = pick_channels(r);
        p.filter_h = static_cast<std::int32_t>(r.uniform(1, 3));
        p.filter_w = static_cast<std::int32_t>(r.uniform(1, 3));
        p.stride_h = static_cast<std::int32_t>(r.uniform(1, 3));
        p.stride_w = static_cast<std::int32_t>(r.uniform(1, 3));
        p.padding = t % 2 ? edgekern::padding_kind::same : edgekern::padding_kind::valid;
        p.out_h = edgekern::conv2d_output_extent(p.in_h, p.filter_h, p.stride_h, 1, p.padding);
        p.out_w = edgekern::conv2d_output_extent(p.in_w, p.filter_w, p.stride_w, 1, p.padding);
        if (p.out_h == 0 || p.out_w == 0) continue;
        if (t % 3 == 0) {
            p.act_min = -100;
            p.act_max = 90;
        }
        std::vector<std::int8_t> in(static_cast<std::size_t>(p.batch * p.in_h * p.in_w * p.channels));
        for (auto& v : in) v = static_cast<std::int8_t>(r.uniform(-128, 127));
        int oh = 0, ow = 0, pt = 0, pl = 0;
        resolve_pad(p.in_h, p.filter_h, p.stride_h, 1, p.padding, 0, oh, pt);
        resolve_pad(p.in_w, p.filter_w, p.stride_w, 1, p.padding, 0, ow, pl);
        const conv_ref::geom g{p.batch,    p.in_h,     p.in_w,     p.channels, oh, ow, p.channels, p.filter_h,
                               p.filter_w, p.stride_h, p.stride_w, 1,          1,  pt, pl,         1};
        const std::size_t n = static_cast<std::size_t>(p.batch * oh * ow * p.channels);
        std::vector<std::int8_t> ea(n), em(n), ga(n, 1), gm(n, 1);
        const int lo = p.act_min < -128 ? -128 : p.act_min, hi = p.act_max > 127 ? 127 : p.act_max;
        conv_ref::avg_pool_s8(g, in.data(), lo, hi, ea.data());
        conv_ref::max_pool_s8(g, in.data(), lo, hi, em.data());
        REQUIRE(edgekern::avg_pool2d(p, span<const std::int8_t>(in), span<std::int8_t>(ga)) == status::ok);
        REQUIRE(edgekern::max_pool2d(p, span<const std::int8_t>(in), span<std::int8_t>(gm)) == status::ok);
        CHECK(ga == ea);
        CHECK(gm == em);
    }
    edgekern::pool2d_params p;
    p.in_h = p.in_w = 4;
    p.channels = 2;
    p.filter_h = p.filter_w = 2;
    p.stride_h = p.stride_w = 2;
    p.out_h = p.out_w = 2;
    std::vector<std::int8_t> in(32, 1), out(8, 5);
    const std::vector<std::int8_t> pristine = out;
    edgekern::pool2d_params q = p;
    q.out_h = 3;
    CHECK(edgekern::avg_pool2d(q, span<const std::int8_t>(in), span<std::int8_t>(out)) == status::shape_mismatch);
    q = p;
    q.channels = 0;
    CHECK(edgekern::max_pool2d(q, span<const std::int8_t>(in), span<std::int8_t>(out)) == status::invalid_shape);
    q = p;
    q.act_min = 3;
    q.act_max = 2;
    CHECK(edgekern::max_pool2d(q, span<const std::int8_t>(in), span<std::int8_t>(out)) == status::invalid_range);
    CHECK(edgekern::avg_pool2d(p, span<const std::int8_t>(in), span<std::int8_t>(out.data(), 7)) ==
          status::buffer_too_small);
    CHECK(edgekern::avg_pool2d(p, span<const std::int8_t>(in), span<std::int8_t>(in.data() + 4, 8)) ==
          status::aliasing);
    CHECK(out == pristine);
}

TEST_CASE("elementwise_add s8: equal to the reference over all input pairs (strided), bad input") {
    edgekern_test::rng r(0xADDull);
    for (int t = 0; t < 8; ++t) {
        edgekern::elementwise_add_params p;
        p.input1_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
        p.input2_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
        p.output_zero_point = static_cast<std::int32_t>(r.uniform(-128, 127));
        // scales s1, s2, s_out as TFLite derives them
        const double s1 = 0.01 + 0.1 * r.uniform_f(0, 1), s2 = 0.01 + 0.1 * r.uniform_f(0, 1);
        const double so = 0.02 + 0.2 * r.uniform_f(0, 1);
        const double twice = 2 * (s1 > s2 ? s1 : s2);
        auto quant = [](double real, std::int32_t& m, std::int32_t& s) {
            int e = 0;
            const double q = std::frexp(real, &e);
            long long mm = std::llround(q * 2147483648.0);
            if (mm == 2147483648LL) {
                mm /= 2;
                ++e;
            }
            m = static_cast<std::int32_t>(mm);
            s = e;
        };
        quant(s1 / twice, p.input1_multiplier, p.input1_shift);
        quant(s2 / twice, p.input2_multiplier, p.input2_shift);
        quant(twice / (double(1 << 20) * so), p.output_multiplier, p.output_shift);
        p.rounding = t % 2 ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
        if (t % 4 == 1) {
            p.act_min = -60;
            p.act_max = 100;
        }
        std::vector<std::int8_t> a, b;
        for (int x = -128; x < 128; x += static_cast<int>(edgekern_test::sweep_stride == 1 ? 1 : 17))
            for (int y = -128; y < 128; y += static_cast<int>(edgekern_test::sweep_stride == 1 ? 1 : 13)) {
                a.push_back(static_cast<std::int8_t>(x));
                b.push_back(static_cast<std::int8_t>(y));
            }
        std::vector<std::int8_t> got(a.size(), 0), expect(a.size());
        const int lo = p.act_min < -128 ? -128 : p.act_min, hi = p.act_max > 127 ? 127 : p.act_max;
        for (std::size_t i = 0; i < a.size(); ++i)
            expect[i] = conv_ref::add_s8(a[i], b[i], p.input1_zero_point, p.input2_zero_point, p.output_zero_point, 20,
                                         p.input1_multiplier, p.input1_shift, p.input2_multiplier, p.input2_shift,
                                         p.output_multiplier, p.output_shift, lo, hi, t % 2 != 0);
        REQUIRE(edgekern::elementwise_add(p, span<const std::int8_t>(a), span<const std::int8_t>(b),
                                          span<std::int8_t>(got)) == status::ok);
        CHECK(got == expect);
        CHECK(count_distinct(got) > (edgekern_test::sweep_stride == 1 ? 50u : 10u));
        // in place on input1
        std::vector<std::int8_t> inplace = a;
        REQUIRE(edgekern::elementwise_add(p, span<const std::int8_t>(inplace), span<const std::int8_t>(b),
                                          span<std::int8_t>(inplace)) == status::ok);
        CHECK(inplace == expect);
        // bad input
        std::vector<std::int8_t> o(a.size(), 4);
        const std::vector<std::int8_t> pristine = o;
        edgekern::elementwise_add_params q = p;
        q.input1_shift = 1;
        CHECK(edgekern::elementwise_add(q, span<const std::int8_t>(a), span<const std::int8_t>(b),
                                        span<std::int8_t>(o)) == status::invalid_quantization);
        CHECK(edgekern::elementwise_add(p, span<const std::int8_t>(a), span<const std::int8_t>(b.data(), 3),
                                        span<std::int8_t>(o)) == status::shape_mismatch);
        CHECK(edgekern::elementwise_add(p, span<const std::int8_t>(a.data() + 1, a.size() - 1),
                                        span<const std::int8_t>(b.data(), b.size() - 1),
                                        span<std::int8_t>(a.data(), a.size() - 1)) == status::aliasing);
        CHECK(o == pristine);
    }
}
