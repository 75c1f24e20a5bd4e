// SPDX-License-Identifier: Apache-2.0
// no-heap cases for the convolution family: every public entry point (s8, s16x8 both variants, f32) once:
// conv2d, depthwise_conv2d, fully_connected, avg/max_pool2d, elementwise_add.
#include <cstddef>
#include <cstdint>

#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/elementwise_add.hpp"
#include "edgekern/kernels/fully_connected.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "no_heap_case.hpp"

namespace {
namespace ek = edgekern;

ek::conv2d_params small_conv() {
    ek::conv2d_params p;
    p.in_h = p.in_w = 4;
    p.in_c = 3;
    p.out_c = 5;
    p.kernel_h = p.kernel_w = 3;
    p.padding = ek::padding_kind::same;
    p.out_h = p.out_w = 4;
    return p;
}
} // namespace

EDGEKERN_NO_HEAP_CASE(conv2d_s8) {
    static std::int8_t in[48], w[5 * 27], out[80];
    static std::int32_t bias[5], mult[1] = {1 << 30}, shift[1] = {-8};
    static std::byte scratch[8192];
    const ek::conv2d_params p = small_conv();
    if (ek::conv2d_scratch_size(p) > sizeof(scratch)) return false;
    const ek::status st =
        ek::conv2d(p, ek::span<const std::int8_t>(in), ek::span<const std::int8_t>(w),
                   ek::span<const std::int32_t>(bias), ek::span<const std::int32_t>(mult),
                   ek::span<const std::int32_t>(shift), ek::span<std::int8_t>(out), ek::span<std::byte>(scratch));
    return st == ek::status::ok;
}

EDGEKERN_NO_HEAP_CASE(conv2d_s16_s8_s16) {
    static std::int16_t in[48], out[80];
    static std::int8_t w[5 * 27];
    static std::int64_t bias64[5];
    static std::int32_t bias32[5], mult[1] = {1 << 30}, shift[1] = {-8};
    const ek::conv2d_params p = small_conv();
    const ek::status a = ek::conv2d(p, ek::span<const std::int16_t>(in), ek::span<const std::int8_t>(w),
                                    ek::span<const std::int64_t>(bias64), ek::span<const std::int32_t>(mult),
                                    ek::span<const std::int32_t>(shift), ek::span<std::int16_t>(out));
    const ek::status b = ek::conv2d(p, ek::span<const std::int16_t>(in), ek::span<const std::int8_t>(w),
                                    ek::span<const std::int32_t>(bias32), ek::span<const std::int32_t>(mult),
                                    ek::span<const std::int32_t>(shift), ek::span<std::int16_t>(out));
    return a == ek::status::ok && b == ek::status::ok;
}

EDGEKERN_NO_HEAP_CASE(conv2d_f32) {
    static float in[48], w[5 * 27], bias[5], out[80];
    const ek::conv2d_params p = small_conv();
    return ek::conv2d(p, ek::span<const float>(in), ek::span<const float>(w), ek::span<const float>(bias),
                      ek::span<float>(out)) == ek::status::ok;
}

EDGEKERN_NO_HEAP_CASE(depthwise_conv2d_all_types) {
    static std::int8_t in8[48], w[9 * 6], out8[96];
    static std::int16_t in16[48], out16[96];
    static float inf[48], wf[9 * 6], bf[6], outf[96];
    static std::int32_t bias32[6], mult[1] = {1 << 30}, shift[1] = {-8};
    static std::int64_t bias64[6];
    ek::depthwise_conv2d_params d;
    d.in_h = d.in_w = 4;
    d.in_c = 3;
    d.depth_multiplier = 2;
    d.kernel_h = d.kernel_w = 3;
    d.padding = ek::padding_kind::same;
    d.out_h = d.out_w = 4;
    const ek::status a = ek::depthwise_conv2d(d, ek::span<const std::int8_t>(in8), ek::span<const std::int8_t>(w),
                                              ek::span<const std::int32_t>(bias32), ek::span<const std::int32_t>(mult),
                                              ek::span<const std::int32_t>(shift), ek::span<std::int8_t>(out8));
    const ek::status b = ek::depthwise_conv2d(d, ek::span<const std::int16_t>(in16), ek::span<const std::int8_t>(w),
                                              ek::span<const std::int64_t>(bias64), ek::span<const std::int32_t>(mult),
                                              ek::span<const std::int32_t>(shift), ek::span<std::int16_t>(out16));
    const ek::status c = ek::depthwise_conv2d(d, ek::span<const std::int16_t>(in16), ek::span<const std::int8_t>(w),
                                              ek::span<const std::int32_t>(bias32), ek::span<const std::int32_t>(mult),
                                              ek::span<const std::int32_t>(shift), ek::span<std::int16_t>(out16));
    const ek::status e = ek::depthwise_conv2d(d, ek::span<const float>(inf), ek::span<const float>(wf),
                                              ek::span<const float>(bf), ek::span<float>(outf));
    return a == ek::status::ok && b == ek::status::ok && c == ek::status::ok && e == ek::status::ok;
}

EDGEKERN_NO_HEAP_CASE(fully_connected_all_types) {
    static std::int8_t in8[2 * 20], w[7 * 20], out8[14];
    static std::int16_t in16[40], out16[14];
    static float inf[40], wf[140], bf[7], outf[14];
    static std::int32_t bias32[7], mult[7] = {1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30},
                                   shift[7] = {-4, -4, -4, -4, -4, -4, -4};
    static std::int64_t bias64[7];
    static std::byte scratch[8192];
    ek::fully_connected_params f;
    f.batch = 2;
    f.in_features = 20;
    f.out_features = 7;
    if (ek::fully_connected_scratch_size(f) > sizeof(scratch)) return false;
    const ek::status a = ek::fully_connected(f, ek::span<const std::int8_t>(in8), ek::span<const std::int8_t>(w),
                                             ek::span<const std::int32_t>(bias32), ek::span<const std::int32_t>(mult),
                                             ek::span<const std::int32_t>(shift), ek::span<std::int8_t>(out8),
                                             ek::span<std::byte>(scratch));
    ek::fully_connected_params fz = f;
    fz.weights_zero_point = 3;
    const ek::status a2 =
        ek::fully_connected(fz, ek::span<const std::int8_t>(in8), ek::span<const std::int8_t>(w),
                            ek::span<const std::int32_t>(bias32), ek::span<const std::int32_t>(mult),
                            ek::span<const std::int32_t>(shift), ek::span<std::int8_t>(out8), ek::span<std::byte>());
    const ek::status b = ek::fully_connected(f, ek::span<const std::int16_t>(in16), ek::span<const std::int8_t>(w),
                                             ek::span<const std::int64_t>(bias64), ek::span<const std::int32_t>(mult),
                                             ek::span<const std::int32_t>(shift), ek::span<std::int16_t>(out16));
    const ek::status c = ek::fully_connected(f, ek::span<const std::int16_t>(in16), ek::span<const std::int8_t>(w),
                                             ek::span<const std::int32_t>(bias32), ek::span<const std::int32_t>(mult),
                                             ek::span<const std::int32_t>(shift), ek::span<std::int16_t>(out16));
    const ek::status e = ek::fully_connected(f, ek::span<const float>(inf), ek::span<const float>(wf),
                                             ek::span<const float>(bf), ek::span<float>(outf));
    return a == ek::status::ok && a2 == ek::status::ok && b == ek::status::ok && c == ek::status::ok &&
           e == ek::status::ok;
}

EDGEKERN_NO_HEAP_CASE(pooling_and_add) {
    static std::int8_t in8[4 * 4 * 3], out8[2 * 2 * 3], a[16], b[16], sum[16];
    static std::int16_t in16[48], out16[12];
    static float inf[48], outf[12], fa[16], fb[16], fs[16];
    ek::pool2d_params p;
    p.in_h = p.in_w = 4;
    p.channels = 3;
    p.filter_h = p.filter_w = 3;
    p.stride_h = p.stride_w = 2;
    p.padding = ek::padding_kind::same;
    p.out_h = p.out_w = 2;
    bool ok = ek::avg_pool2d(p, ek::span<const std::int8_t>(in8), ek::span<std::int8_t>(out8)) == ek::status::ok;
    ok = ok && ek::max_pool2d(p, ek::span<const std::int8_t>(in8), ek::span<std::int8_t>(out8)) == ek::status::ok;
    ok = ok && ek::avg_pool2d(p, ek::span<const std::int16_t>(in16), ek::span<std::int16_t>(out16)) == ek::status::ok;
    ok = ok && ek::max_pool2d(p, ek::span<const std::int16_t>(in16), ek::span<std::int16_t>(out16)) == ek::status::ok;
    ok = ok && ek::avg_pool2d(p, ek::span<const float>(inf), ek::span<float>(outf)) == ek::status::ok;
    ok = ok && ek::max_pool2d(p, ek::span<const float>(inf), ek::span<float>(outf)) == ek::status::ok;
    ek::elementwise_add_params q;
    q.input1_multiplier = q.input2_multiplier = q.output_multiplier = 1 << 30;
    q.input1_shift = q.input2_shift = -1;
    q.output_shift = -18;
    ok = ok && ek::elementwise_add(q, ek::span<const std::int8_t>(a), ek::span<const std::int8_t>(b),
                                   ek::span<std::int8_t>(sum)) == ek::status::ok;
    ok = ok && ek::elementwise_add(q, ek::span<const float>(fa), ek::span<const float>(fb), ek::span<float>(fs)) ==
                   ek::status::ok;
    return ok;
}

EDGEKERN_NO_HEAP_CASE(conv2d_s8_prepacked) {
    static std::int8_t in[48], w[5 * 27], out[80];
    static std::int32_t bias[5], mult[1] = {1 << 30}, shift[1] = {-8};
    alignas(8) static std::byte packed[4096];
    alignas(8) static std::byte scratch[8192];
    const ek::conv2d_params p = small_conv();
    if (ek::conv2d_packed_size(p) > sizeof(packed) || ek::conv2d_packed_scratch_size(p) > sizeof(scratch)) return false;
    if (ek::conv2d_pack_weights(p, ek::span<const std::int8_t>(w), ek::span<std::byte>(packed)) != ek::status::ok)
        return false;
    return ek::conv2d_packed(p, ek::span<const std::int8_t>(in), ek::span<const std::byte>(packed),
                             ek::span<const std::int32_t>(bias), ek::span<const std::int32_t>(mult),
                             ek::span<const std::int32_t>(shift), ek::span<std::int8_t>(out),
                             ek::span<std::byte>(scratch)) == ek::status::ok;
}
