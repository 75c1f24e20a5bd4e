// SPDX-License-Identifier: Apache-2.0
// Golden vectors (tools/gen_conv_vectors.py, an independent numpy implementation of the TFLite reference
// arithmetic): every conv-family kernel on every backend reproduces them bit for bit.
#include <cstdint>
#include <vector>

#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/elementwise_add.hpp"
#include "edgekern/kernels/fully_connected.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "support/test_support.hpp"
#include "vectors/conv_add.hpp"
#include "vectors/conv_conv2d.hpp"
#include "vectors/conv_depthwise.hpp"
#include "vectors/conv_fc.hpp"
#include "vectors/conv_pool.hpp"

using edgekern::span;
using edgekern::status;

namespace {

edgekern::padding_kind kind_of(int k) {
    return k == 0 ? edgekern::padding_kind::valid
                  : (k == 1 ? edgekern::padding_kind::same : edgekern::padding_kind::explicit_pad);
}

edgekern::rounding_mode mode_of(int single) {
    return single ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
}

std::size_t n_in(const conv_vectors::conv_vector& v) {
    return static_cast<std::size_t>(v.batch * v.in_h * v.in_w * v.in_c);
}
std::size_t n_out(const conv_vectors::conv_vector& v) {
    return static_cast<std::size_t>(v.batch * v.out_h * v.out_w * v.out_c);
}

} // namespace

TEST_CASE("golden conv2d vectors: every backend bit-exact") {
    for (const conv_vectors::conv_vector* v : conv_vectors::conv_conv2d_all) {
        edgekern::conv2d_params p;
        p.batch = v->batch;
        p.in_h = v->in_h;
        p.in_w = v->in_w;
        p.in_c = v->in_c;
        p.out_h = v->out_h;
        p.out_w = v->out_w;
        p.out_c = v->out_c;
        p.kernel_h = v->kh;
        p.kernel_w = v->kw;
        p.stride_h = v->sh;
        p.stride_w = v->sw;
        p.dilation_h = v->dh;
        p.dilation_w = v->dw;
        p.padding = kind_of(v->pad_kind);
        p.pad_top = v->pad_top;
        p.pad_bottom = v->pad_bottom;
        p.pad_left = v->pad_left;
        p.pad_right = v->pad_right;
        p.groups = v->groups;
        p.input_zero_point = v->in_zp;
        p.output_zero_point = v->out_zp;
        p.act_min = v->act_min;
        p.act_max = v->act_max;
        p.rounding = mode_of(v->single);
        const std::size_t nw = static_cast<std::size_t>(v->out_c * v->kh * v->kw * (v->in_c / v->groups));
        const std::vector<std::int8_t> expect(v->output, v->output + n_out(*v));
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::byte> scratch(edgekern::conv2d_scratch_size(p, tag));
            std::vector<std::int8_t> got(n_out(*v), 0);
            const status st =
                edgekern::conv2d(p, span<const std::int8_t>(v->input, n_in(*v)), span<const std::int8_t>(v->filter, nw),
                                 span<const std::int32_t>(v->bias, static_cast<std::size_t>(v->out_c)),
                                 span<const std::int32_t>(v->mult, static_cast<std::size_t>(v->nq)),
                                 span<const std::int32_t>(v->shift, static_cast<std::size_t>(v->nq)),
                                 span<std::int8_t>(got), span<std::byte>(scratch), tag);
            INFO(v->name << " on " << decltype(tag)::name);
            REQUIRE(st == status::ok);
            CHECK(got == expect);
        });
    }
}

TEST_CASE("golden depthwise_conv2d vectors: every backend bit-exact") {
    for (const conv_vectors::conv_vector* v : conv_vectors::conv_depthwise_all) {
        edgekern::depthwise_conv2d_params d;
        d.batch = v->batch;
        d.in_h = v->in_h;
        d.in_w = v->in_w;
        d.in_c = v->in_c;
        d.out_h = v->out_h;
        d.out_w = v->out_w;
        d.depth_multiplier = v->groups;
        d.kernel_h = v->kh;
        d.kernel_w = v->kw;
        d.stride_h = v->sh;
        d.stride_w = v->sw;
        d.dilation_h = v->dh;
        d.dilation_w = v->dw;
        d.padding = kind_of(v->pad_kind);
        d.pad_top = v->pad_top;
        d.pad_bottom = v->pad_bottom;
        d.pad_left = v->pad_left;
        d.pad_right = v->pad_right;
        d.input_zero_point = v->in_zp;
        d.output_zero_point = v->out_zp;
        d.act_min = v->act_min;
        d.act_max = v->act_max;
        d.rounding = mode_of(v->single);
        const std::size_t nw = static_cast<std::size_t>(v->out_c * v->kh * v->kw);
        const std::vector<std::int8_t> expect(v->output, v->output + n_out(*v));
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::int8_t> got(n_out(*v), 0);
            const status st = edgekern::depthwise_conv2d(
                d, span<const std::int8_t>(v->input, n_in(*v)), span<const std::int8_t>(v->filter, nw),
                span<const std::int32_t>(v->bias, static_cast<std::size_t>(v->out_c)),
                span<const std::int32_t>(v->mult, static_cast<std::size_t>(v->nq)),
                span<const std::int32_t>(v->shift, static_cast<std::size_t>(v->nq)), span<std::int8_t>(got), tag);
            INFO(v->name << " on " << decltype(tag)::name);
            REQUIRE(st == status::ok);
            CHECK(got == expect);
        });
    }
}

TEST_CASE("golden fully_connected vectors: every backend bit-exact") {
    for (const conv_vectors::fc_vector* v : conv_vectors::conv_fc_all) {
        edgekern::fully_connected_params f;
        f.batch = v->batch;
        f.in_features = v->in_features;
        f.out_features = v->out_features;
        f.input_zero_point = v->in_zp;
        f.weights_zero_point = v->w_zp;
        f.output_zero_point = v->out_zp;
        f.act_min = v->act_min;
        f.act_max = v->act_max;
        f.rounding = mode_of(v->single);
        const std::size_t nin = static_cast<std::size_t>(v->batch * v->in_features);
        const std::size_t nout = static_cast<std::size_t>(v->batch * v->out_features);
        const std::vector<std::int8_t> expect(v->output, v->output + nout);
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::byte> scratch(edgekern::fully_connected_scratch_size(f, tag));
            std::vector<std::int8_t> got(nout, 0);
            const status st = edgekern::fully_connected(
                f, span<const std::int8_t>(v->input, nin),
                span<const std::int8_t>(v->weights, static_cast<std::size_t>(v->in_features * v->out_features)),
                span<const std::int32_t>(v->bias, static_cast<std::size_t>(v->out_features)),
                span<const std::int32_t>(v->mult, static_cast<std::size_t>(v->nq)),
                span<const std::int32_t>(v->shift, static_cast<std::size_t>(v->nq)), span<std::int8_t>(got),
                span<std::byte>(scratch), tag);
            INFO(v->name << " on " << decltype(tag)::name);
            REQUIRE(st == status::ok);
            CHECK(got == expect);
        });
    }
}

TEST_CASE("golden pooling vectors") {
    for (const conv_vectors::pool_vector* v : conv_vectors::conv_pool_all) {
        edgekern::pool2d_params p;
        p.batch = v->batch;
        p.in_h = v->in_h;
        p.in_w = v->in_w;
        p.channels = v->channels;
        p.out_h = v->out_h;
        p.out_w = v->out_w;
        p.filter_h = v->fh;
        p.filter_w = v->fw;
        p.stride_h = v->sh;
        p.stride_w = v->sw;
        p.padding = kind_of(v->pad_kind);
        p.act_min = v->act_min;
        p.act_max = v->act_max;
        const std::size_t nin = static_cast<std::size_t>(v->batch * v->in_h * v->in_w * v->channels);
        const std::size_t nout = static_cast<std::size_t>(v->batch * v->out_h * v->out_w * v->channels);
        std::vector<std::int8_t> avg(nout), mx(nout);
        INFO(v->name);
        REQUIRE(edgekern::avg_pool2d(p, span<const std::int8_t>(v->input, nin), span<std::int8_t>(avg)) == status::ok);
        REQUIRE(edgekern::max_pool2d(p, span<const std::int8_t>(v->input, nin), span<std::int8_t>(mx)) == status::ok);
        CHECK(avg == std::vector<std::int8_t>(v->avg, v->avg + nout));
        CHECK(mx == std::vector<std::int8_t>(v->max, v->max + nout));
    }
}

TEST_CASE("golden add vectors") {
    for (const conv_vectors::add_vector* v : conv_vectors::conv_add_all) {
        edgekern::elementwise_add_params p;
        p.input1_zero_point = v->zp1;
        p.input2_zero_point = v->zp2;
        p.output_zero_point = v->out_zp;
        p.left_shift = v->left_shift;
        p.input1_multiplier = v->m1;
        p.input1_shift = v->s1;
        p.input2_multiplier = v->m2;
        p.input2_shift = v->s2;
        p.output_multiplier = v->mo;
        p.output_shift = v->so;
        p.act_min = v->act_min;
        p.act_max = v->act_max;
        p.rounding = mode_of(v->single);
        const std::size_t n = static_cast<std::size_t>(v->count);
        std::vector<std::int8_t> got(n);
        INFO(v->name);
        REQUIRE(edgekern::elementwise_add(p, span<const std::int8_t>(v->a, n), span<const std::int8_t>(v->b, n),
                                          span<std::int8_t>(got)) == status::ok);
        CHECK(got == std::vector<std::int8_t>(v->out, v->out + n));
    }
}
