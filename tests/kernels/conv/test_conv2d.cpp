// SPDX-License-Identifier: Apache-2.0
// Tests for conv2d: scalar vs the dumb reference (s8, s16x8 both variants, f32), every backend vs scalar bit for
// bit, and every bad-input status with the output left untouched.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "edgekern/kernels/conv2d.hpp"
#include "reference/conv_reference.hpp"
#include "support/test_support.hpp"
#include "conv_test_util.hpp"

using edgekern::conv2d_params;
using edgekern::span;
using edgekern::status;
using namespace conv_test;

TEST_CASE("conv2d s8: scalar equals the reference over random geometries, both rounding modes") {
    edgekern_test::rng r(0xC0417ull);
    const int cases = edgekern_test::sweep_stride == 1 ? 300 : (edgekern_test::sweep_stride < 100 ? 60 : 12);
    int nontrivial = 0;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, false);
        for (int single = 0; single < 2; ++single) {
            c.p.rounding = single ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
            std::vector<std::int8_t> expect = reference_conv_s8(c);
            std::vector<std::int8_t> got(expect.size(), 0x55);
            const status st = edgekern::conv2d(c.p, span<const std::int8_t>(c.in), span<const std::int8_t>(c.w),
                                               span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                               span<const std::int32_t>(c.shift), span<std::int8_t>(got),
                                               span<std::byte>(), edgekern::arch::scalar{});
            REQUIRE(st == status::ok);
            CHECK(got == expect);
            if (count_distinct(got) > 3) ++nontrivial;
        }
    }
    CHECK(nontrivial > cases / 2); // the outputs are not all clamped: the comparison has teeth
}

TEST_CASE("conv2d s8: every backend equals scalar bit for bit") {
    edgekern_test::rng r(0xBAC4E2Dull);
    const int cases = edgekern_test::sweep_stride == 1 ? 200 : 10;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, t % 3 == 0);
        c.p.rounding = t % 2 ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
        std::vector<std::int8_t> base(out_size(c), 0);
        REQUIRE(edgekern::conv2d(c.p, span<const std::int8_t>(c.in), span<const std::int8_t>(c.w),
                                 span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                 span<const std::int32_t>(c.shift), span<std::int8_t>(base), span<std::byte>(),
                                 edgekern::arch::scalar{}) == status::ok);
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::byte> scratch(edgekern::conv2d_scratch_size(c.p, tag));
            std::vector<std::int8_t> got(out_size(c), 0x11);
            const status st = edgekern::conv2d(c.p, span<const std::int8_t>(c.in), span<const std::int8_t>(c.w),
                                               span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                               span<const std::int32_t>(c.shift), span<std::int8_t>(got),
                                               span<std::byte>(scratch), tag);
            INFO("arch " << decltype(tag)::name << " case " << t);
            REQUIRE(st == status::ok);
            CHECK(got == base);
        });
    }
}

TEST_CASE("conv2d s8: extreme zero points, clamps, multipliers and shifts stay exact") {
    edgekern_test::rng r(0xE87ull);
    const int cases = edgekern_test::sweep_stride == 1 ? 120 : 8;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, false);
        const int which = t % 6;
        c.p.input_zero_point = which == 0 ? -128 : (which == 1 ? 127 : c.p.input_zero_point);
        c.p.output_zero_point = which == 2 ? -128 : (which == 3 ? 127 : c.p.output_zero_point);
        if (which == 4) {
            c.p.act_min = -5;
            c.p.act_max = 9;
        }
        if (which == 5) {
            for (auto& m : c.mult) m = INT32_MAX;
            for (auto& s : c.shift) s = static_cast<std::int32_t>(r.uniform(-31, 2));
        }
        for (auto& x : c.in) x = static_cast<std::int8_t>(r.uniform(0, 1) ? -128 : 127);
        c.p.rounding = t % 2 ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
        std::vector<std::int8_t> expect = reference_conv_s8(c);
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::byte> scratch(edgekern::conv2d_scratch_size(c.p, tag));
            std::vector<std::int8_t> got(expect.size(), 0x11);
            REQUIRE(edgekern::conv2d(c.p, span<const std::int8_t>(c.in), span<const std::int8_t>(c.w),
                                     span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                     span<const std::int32_t>(c.shift), span<std::int8_t>(got),
                                     span<std::byte>(scratch), tag) == status::ok);
            INFO("arch " << decltype(tag)::name << " case " << t);
            CHECK(got == expect);
        });
    }
}

TEST_CASE("conv2d s16x8: int64 and int32 accumulation variants equal the reference") {
    edgekern_test::rng r(0x16F8ull);
    const int cases = edgekern_test::sweep_stride == 1 ? 150 : 10;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, false);
        c.p.input_zero_point = 0;
        c.p.output_zero_point = 0;
        c.p.act_min = INT32_MIN;
        c.p.act_max = INT32_MAX;
        std::vector<std::int16_t> in16(c.in.size());
        for (auto& x : in16) x = static_cast<std::int16_t>(r.uniform(-32768, 32767));
        const conv_ref::geom g = ref_geom(c);
        std::vector<long long> acc(out_size(c));
        std::vector<long long> b64(c.bias.size());
        for (std::size_t i = 0; i < b64.size(); ++i) b64[i] = static_cast<long long>(r.uniform(-(1 << 24), 1 << 24));
        // int64 variant: shift range narrower (<= 14)
        std::vector<std::int32_t> sh(c.shift.size());
        for (auto& s : sh) s = static_cast<std::int32_t>(r.uniform(-20, -4));
        conv_ref::conv_acc(g, in16.data(), c.w.data(), b64.empty() ? nullptr : b64.data(), 0, acc.data());
        std::vector<std::int16_t> expect(acc.size());
        for (std::size_t i = 0; i < acc.size(); ++i) {
            const int o = static_cast<int>(i % static_cast<std::size_t>(g.oc));
            const int q = c.mult.size() == 1 ? 0 : o;
            expect[i] = static_cast<std::int16_t>(conv_ref::clampi(
                conv_ref::mbqm64(acc[i], c.mult[static_cast<std::size_t>(q)], sh[static_cast<std::size_t>(q)]), -32768,
                32767));
        }
        std::vector<std::int64_t> bias64(b64.begin(), b64.end());
        std::vector<std::int16_t> got(expect.size(), 7);
        REQUIRE(edgekern::conv2d(c.p, span<const std::int16_t>(in16), span<const std::int8_t>(c.w),
                                 span<const std::int64_t>(bias64), span<const std::int32_t>(c.mult),
                                 span<const std::int32_t>(sh), span<std::int16_t>(got)) == status::ok);
        CHECK(got == expect);

        // int32 variant, only when the reduction fits its headroom (511)
        const long long k = static_cast<long long>(g.kh) * g.kw * (g.ic / g.groups);
        if (k > edgekern::conv_s16_s32acc_max_reduction) {
            std::vector<std::int16_t> untouched(expect.size(), 7);
            CHECK(edgekern::conv2d(c.p, span<const std::int16_t>(in16), span<const std::int8_t>(c.w),
                                   span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                   span<const std::int32_t>(c.shift),
                                   span<std::int16_t>(untouched)) == status::headroom_exceeded);
            CHECK(untouched == std::vector<std::int16_t>(expect.size(), 7));
            continue;
        }
        std::vector<long long> b32(c.bias.begin(), c.bias.end());
        conv_ref::conv_acc(g, in16.data(), c.w.data(), b32.empty() ? nullptr : b32.data(), 0, acc.data());
        for (int single = 0; single < 2; ++single) {
            c.p.rounding = single ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
            std::vector<std::int16_t> e32(acc.size());
            conv_ref::finish_s32(acc.data(), acc.size(), g.oc, c.mult.data(), c.shift.data(), c.mult.size() != 1, 0,
                                 -32768, 32767, single != 0, e32.data());
            std::vector<std::int16_t> g32(acc.size(), 3);
            REQUIRE(edgekern::conv2d(c.p, span<const std::int16_t>(in16), span<const std::int8_t>(c.w),
                                     span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                     span<const std::int32_t>(c.shift), span<std::int16_t>(g32)) == status::ok);
            CHECK(g32 == e32);
        }
    }
}

TEST_CASE("conv2d f32: within the stated tolerance of a float64 oracle") {
    edgekern_test::rng r(0xF32ull);
    const int cases = edgekern_test::sweep_stride == 1 ? 100 : 6;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, false);
        std::vector<float> in(c.in.size()), w(c.w.size()), b(static_cast<std::size_t>(c.p.out_c));
        for (auto& v : in) v = r.uniform_f(-2.0f, 2.0f);
        for (auto& v : w) v = r.uniform_f(-1.0f, 1.0f);
        for (auto& v : b) v = r.uniform_f(-1.0f, 1.0f);
        const conv_ref::geom g = ref_geom(c);
        c.p.float_min = -3.0f;
        c.p.float_max = 4.0f;
        std::vector<float> got(out_size(c), 0.0f);
        REQUIRE(edgekern::conv2d(c.p, span<const float>(in), span<const float>(w), span<const float>(b),
                                 span<float>(got)) == status::ok);
        const int icg = g.ic / g.groups, ocg = g.oc / g.groups;
        std::size_t i = 0;
        for (int n = 0; n < g.n; ++n)
            for (int y = 0; y < g.oh; ++y)
                for (int x = 0; x < g.ow; ++x)
                    for (int o = 0; o < g.oc; ++o, ++i) {
                        double acc = b[static_cast<std::size_t>(o)], mag = 0.0;
                        for (int ky = 0; ky < g.kh; ++ky)
                            for (int kx = 0; kx < g.kw; ++kx) {
                                const int iy = y * g.sh - g.pad_top + ky * g.dh, ix = x * g.sw - g.pad_left + kx * g.dw;
                                if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                                for (int ci = 0; ci < icg; ++ci) {
                                    const double p =
                                        double(w[static_cast<std::size_t>(((o * g.kh + ky) * g.kw + kx) * icg + ci)]) *
                                        double(in[static_cast<std::size_t>(((n * g.ih + iy) * g.iw + ix) * g.ic +
                                                                           (o / ocg) * icg + ci)]);
                                    acc += p;
                                    mag += std::fabs(p);
                                }
                            }
                        const double e = acc < -3.0 ? -3.0 : (acc > 4.0 ? 4.0 : acc);
                        CHECK(std::fabs(double(got[i]) - e) <= 1e-5 * (1.0 + mag));
                    }
    }
}

TEST_CASE("conv2d: every bad input returns its status and leaves the output untouched") {
    edgekern_test::rng r(0xBADull);
    conv_case c = random_conv_case(r, false);
    c.p.batch = 1;
    c.p.in_h = 5;
    c.p.in_w = 5;
    c.p.in_c = 4;
    c.p.out_c = 3;
    c.p.kernel_h = 3;
    c.p.kernel_w = 3;
    c.p.stride_h = c.p.stride_w = 1;
    c.p.dilation_h = c.p.dilation_w = 1;
    c.p.groups = 1;
    c.p.padding = edgekern::padding_kind::valid;
    c.p.out_h = c.p.out_w = 3;
    c.in.assign(100, 1);
    c.w.assign(3 * 9 * 4, 1);
    c.bias.assign(3, 0);
    c.mult.assign(3, 1 << 30);
    c.shift.assign(3, -1);
    auto run = [&](const conv2d_params& p, std::vector<std::int8_t>& out, span<const std::int8_t> in,
                   std::vector<std::int32_t> mult, std::vector<std::int32_t> bias) {
        return edgekern::conv2d(p, in, span<const std::int8_t>(c.w), span<const std::int32_t>(bias),
                                span<const std::int32_t>(mult), span<const std::int32_t>(c.shift),
                                span<std::int8_t>(out), span<std::byte>(), edgekern::arch::scalar{});
    };
    std::vector<std::int8_t> out(27, 0x5A);
    const std::vector<std::int8_t> pristine = out;
    REQUIRE(run(c.p, out, span<const std::int8_t>(c.in), c.mult, c.bias) == status::ok);
    out = pristine;
    auto expect = [&](status want, const conv2d_params& p, span<const std::int8_t> in, std::vector<std::int32_t> mult,
                      std::vector<std::int32_t> bias) {
        std::vector<std::int8_t> o = pristine;
        CHECK(run(p, o, in, mult, bias) == want);
        CHECK(o == pristine);
    };
    conv2d_params p = c.p;
    expect(status::null_buffer, p, span<const std::int8_t>(), c.mult, c.bias);
    p.in_c = 0;
    expect(status::invalid_shape, p, span<const std::int8_t>(c.in), c.mult, c.bias);
    p = c.p;
    p.stride_h = -1;
    expect(status::invalid_shape, p, span<const std::int8_t>(c.in), c.mult, c.bias);
    p = c.p;
    p.out_h = 4;
    expect(status::shape_mismatch, p, span<const std::int8_t>(c.in), c.mult, c.bias);
    p = c.p;
    p.groups = 3; // in_c 4 not divisible
    expect(status::shape_mismatch, p, span<const std::int8_t>(c.in), c.mult, c.bias);
    expect(status::shape_mismatch, c.p, span<const std::int8_t>(c.in.data(), 50), c.mult, c.bias);
    expect(status::shape_mismatch, c.p, span<const std::int8_t>(c.in), c.mult, std::vector<std::int32_t>(2, 0));
    expect(status::invalid_quantization, c.p, span<const std::int8_t>(c.in), std::vector<std::int32_t>(3, 5), c.bias);
    p = c.p;
    p.input_zero_point = 128;
    expect(status::invalid_quantization, p, span<const std::int8_t>(c.in), c.mult, c.bias);
    p = c.p;
    p.act_min = 10;
    p.act_max = 9;
    expect(status::invalid_range, p, span<const std::int8_t>(c.in), c.mult, c.bias);
    {
        std::vector<std::int8_t> small(26, 0x5A);
        CHECK(run(c.p, small, span<const std::int8_t>(c.in), c.mult, c.bias) == status::buffer_too_small);
        CHECK(small == std::vector<std::int8_t>(26, 0x5A));
    }
    {
        // output aliasing the input
        std::vector<std::int8_t> buf(200, 1);
        std::vector<std::int8_t> snapshot = buf;
        CHECK(edgekern::conv2d(c.p, span<const std::int8_t>(buf.data(), 100), span<const std::int8_t>(c.w),
                               span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                               span<const std::int32_t>(c.shift), span<std::int8_t>(buf.data() + 50, 27),
                               span<std::byte>(), edgekern::arch::scalar{}) == status::aliasing);
        CHECK(buf == snapshot);
    }
    {
        // reduction beyond the int32 headroom: 1 x 1 x 65537 channels
        conv2d_params q = c.p;
        q.in_h = q.in_w = q.out_h = q.out_w = 1;
        q.kernel_h = q.kernel_w = 1;
        q.in_c = 65537;
        q.out_c = 1;
        std::vector<std::int8_t> in(65537, 0), w(65537, 0), o(1, 0x5A);
        std::vector<std::int32_t> m(1, 1 << 30), s(1, 0);
        CHECK(edgekern::conv2d(q, span<const std::int8_t>(in), span<const std::int8_t>(w), span<const std::int32_t>(),
                               span<const std::int32_t>(m), span<const std::int32_t>(s), span<std::int8_t>(o),
                               span<std::byte>(), edgekern::arch::scalar{}) == status::headroom_exceeded);
        CHECK(o[0] == 0x5A);
    }
    {
        // scratch too small on a backend that needs scratch
        edgekern_test::for_each_arch([&](auto tag) {
            const std::size_t need = edgekern::conv2d_scratch_size(c.p, tag);
            if (need == 0) return;
            std::vector<std::byte> scratch(need - 1);
            std::vector<std::int8_t> o = pristine;
            CHECK(edgekern::conv2d(c.p, span<const std::int8_t>(c.in), span<const std::int8_t>(c.w),
                                   span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                   span<const std::int32_t>(c.shift), span<std::int8_t>(o), span<std::byte>(scratch),
                                   tag) == status::buffer_too_small);
            CHECK(o == pristine);
        });
    }
}

TEST_CASE("fast requantization of the conv epilogue equals edgekern::requantize") {
    edgekern_test::rng r(0xFA57ull);
    const int n = edgekern_test::sweep_stride == 1 ? 2000000 : 20000;
    for (int i = 0; i < n; ++i) {
        std::int32_t acc = static_cast<std::int32_t>(r.next_u32());
        if (i % 4 == 0) acc = static_cast<std::int32_t>(r.uniform(-70000, 70000));
        if (i % 1000 == 1) acc = i % 2 ? INT32_MIN : INT32_MAX;
        const std::int32_t m = i % 97 == 0 ? 0 : static_cast<std::int32_t>(r.uniform(std::int64_t{1} << 30, INT32_MAX));
        const std::int32_t s = static_cast<std::int32_t>(r.uniform(-31, 3));
        for (auto mode : {edgekern::rounding_mode::double_rounding, edgekern::rounding_mode::single_rounding}) {
            const std::int32_t want = edgekern::requantize(acc, m, s, mode);
            const std::int32_t got = edgekern::detail::conv_requantize_fast(acc, m, s, mode);
            if (want != got) {
                INFO("acc " << acc << " m " << m << " s " << s);
                REQUIRE(want == got);
            }
        }
    }
}

TEST_CASE("conv2d_packed: pre-packed weights give the same bits as conv2d on every backend; header checks") {
    edgekern_test::rng r(0x9ACCull);
    const int cases = edgekern_test::sweep_stride == 1 ? 120 : 8;
    for (int t = 0; t < cases; ++t) {
        conv_case c = random_conv_case(r, t % 5 == 0);
        c.p.rounding = t % 2 ? edgekern::rounding_mode::single_rounding : edgekern::rounding_mode::double_rounding;
        const std::vector<std::int8_t> expect = reference_conv_s8(c);
        edgekern_test::for_each_arch([&](auto tag) {
            std::vector<std::uint64_t> packed_store((edgekern::conv2d_packed_size(c.p, tag) + 7) / 8 + 1);
            span<std::byte> packed(reinterpret_cast<std::byte*>(packed_store.data()),
                                   edgekern::conv2d_packed_size(c.p, tag));
            REQUIRE(edgekern::conv2d_pack_weights(c.p, span<const std::int8_t>(c.w), packed, tag) == status::ok);
            std::vector<std::byte> scratch(edgekern::conv2d_packed_scratch_size(c.p, tag));
            std::vector<std::int8_t> got(expect.size(), 0x21);
            INFO("arch " << decltype(tag)::name << " case " << t);
            REQUIRE(edgekern::conv2d_packed(c.p, span<const std::int8_t>(c.in), span<const std::byte>(packed),
                                            span<const std::int32_t>(c.bias), span<const std::int32_t>(c.mult),
                                            span<const std::int32_t>(c.shift), span<std::int8_t>(got),
                                            span<std::byte>(scratch), tag) == status::ok);
            CHECK(got == expect);
            // packed for another output channel count: rejected, output untouched
            edgekern::conv2d_params other = c.p;
            other.out_c = c.p.out_c * 2;
            other.groups = 1;
            std::vector<std::int8_t> untouched(out_size(c) * 2, 0x21);
            std::vector<std::int32_t> m2(c.mult.size() == 1 ? 1 : c.mult.size() * 2, 1 << 30), s2(m2.size(), -8);
            std::vector<std::int8_t> in_other(c.in);
            CHECK(edgekern::conv2d_packed(other, span<const std::int8_t>(in_other), span<const std::byte>(packed),
                                          span<const std::int32_t>(), span<const std::int32_t>(m2),
                                          span<const std::int32_t>(s2), span<std::int8_t>(untouched), span<std::byte>(),
                                          tag) != status::ok);
            CHECK(untouched == std::vector<std::int8_t>(out_size(c) * 2, 0x21));
            std::vector<std::byte> small(packed.size() - 1);
            CHECK(edgekern::conv2d_pack_weights(c.p, span<const std::int8_t>(c.w), span<std::byte>(small), tag) ==
                  status::buffer_too_small);
        });
    }
}
