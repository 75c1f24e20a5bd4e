// SPDX-License-Identifier: Apache-2.0
// no-heap cases for the convolution family: every public entry point (s8, s16x8 both variants, f32) once.
#include <cstddef>
#include <cstdint>

#include "edgekern/kernels/conv2d.hpp"
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
