// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/depthwise_conv2d.hpp: quantized (s8, s16x8) and float depthwise convolution with a depth
// multiplier, NHWC x [1, kh, kw, in_c * depth_multiplier], TFLite-exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/conv2d.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Parameters of depthwise_conv2d. Same meaning and ranges as conv2d_params, with out_c = in_c * depth_multiplier.
/// Layouts: input NHWC; filter [1][kernel_h][kernel_w][out_c]; output NHWC with out_c channels, output channel
/// ic * depth_multiplier + m reading input channel ic; bias [out_c] or empty; multiplier/shift 1 or out_c entries.
struct depthwise_conv2d_params {
    std::int32_t batch = 1;
    std::int32_t in_h = 0, in_w = 0, in_c = 0;
    std::int32_t out_h = 0, out_w = 0;
    std::int32_t depth_multiplier = 1;
    std::int32_t kernel_h = 1, kernel_w = 1;
    std::int32_t stride_h = 1, stride_w = 1;
    std::int32_t dilation_h = 1, dilation_w = 1;
    padding_kind padding = padding_kind::valid;
    std::int32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    std::int32_t act_min = std::numeric_limits<std::int32_t>::min();
    std::int32_t act_max = std::numeric_limits<std::int32_t>::max();
    float float_min = -std::numeric_limits<float>::infinity();
    float float_max = std::numeric_limits<float>::infinity();
    rounding_mode rounding = rounding_mode::double_rounding;
};

namespace detail {

/// Depthwise geometry = grouped conv with groups = in_c and depth_multiplier outputs per group.
constexpr status resolve_depthwise_geom(const depthwise_conv2d_params& d, conv_geom& g) noexcept {
    if (d.depth_multiplier <= 0 || d.in_c <= 0) return status::invalid_shape;
    if (std::int64_t{d.in_c} * d.depth_multiplier > INT32_MAX) return status::invalid_shape;
    conv2d_params p;
    p.batch = d.batch;
    p.in_h = d.in_h;
    p.in_w = d.in_w;
    p.in_c = d.in_c;
    p.out_h = d.out_h;
    p.out_w = d.out_w;
    p.out_c = d.in_c * d.depth_multiplier;
    p.kernel_h = d.kernel_h;
    p.kernel_w = d.kernel_w;
    p.stride_h = d.stride_h;
    p.stride_w = d.stride_w;
    p.dilation_h = d.dilation_h;
    p.dilation_w = d.dilation_w;
    p.padding = d.padding;
    p.pad_top = d.pad_top;
    p.pad_bottom = d.pad_bottom;
    p.pad_left = d.pad_left;
    p.pad_right = d.pad_right;
    p.groups = d.in_c;
    return resolve_conv_geom(p, g);
}

template <class In, class Out, class Bias, class W>
inline status check_depthwise(const depthwise_conv2d_params& d, span<const In> input, span<const W> filter,
                              span<const Bias> bias, span<Out> output, std::int64_t max_reduction,
                              conv_geom& g) noexcept {
    if (input.empty() || filter.empty() || output.empty()) return status::null_buffer;
    EDGEKERN_TRY(resolve_depthwise_geom(d, g));
    if (input.size() < geom_input_size(g)) return status::shape_mismatch;
    if (filter.size() < uz(g.kh) * uz(g.kw) * uz(g.oc)) return status::shape_mismatch;
    if (!bias.empty() && bias.size() != uz(g.oc)) return status::shape_mismatch;
    if (std::int64_t{g.kh} * g.kw > max_reduction) return status::headroom_exceeded;
    return status::ok;
}

template <class In, class Out, class Bias>
inline status check_depthwise_q(const depthwise_conv2d_params& d, span<const In> input, span<const std::int8_t> filter,
                                span<const Bias> bias, span<const std::int32_t> multiplier,
                                span<const std::int32_t> shift, span<Out> output, std::int64_t max_reduction,
                                std::int32_t max_shift, conv_geom& g, std::int32_t& lo, std::int32_t& hi) noexcept {
    if (multiplier.empty() || shift.empty()) return status::null_buffer;
    EDGEKERN_TRY(check_depthwise(d, input, filter, bias, output, max_reduction, g));
    if (sizeof(In) == 1) {
        if (d.input_zero_point < -128 || d.input_zero_point > 127 || d.output_zero_point < -128 ||
            d.output_zero_point > 127)
            return status::invalid_quantization;
    } else if (d.input_zero_point != 0 || d.output_zero_point != 0) {
        return status::invalid_quantization;
    }
    EDGEKERN_TRY(check_conv_quantization(multiplier, shift, uz(g.oc), max_shift));
    EDGEKERN_TRY(effective_clamp<Out>(d.act_min, d.act_max, lo, hi));
    if (output.size() < geom_output_size(g)) return status::buffer_too_small;
    if (overlaps(output, input) || overlaps(output, filter) || overlaps(output, bias) || overlaps(output, multiplier) ||
        overlaps(output, shift))
        return status::aliasing;
    return status::ok;
}

} // namespace detail

/// Scratch bytes of depthwise_conv2d: none on every backend (the accumulators live on the stack, 64 at a time).
template <class Arch = arch::default_arch>
constexpr std::size_t depthwise_conv2d_scratch_size(const depthwise_conv2d_params&, Arch = {}) noexcept {
    return 0;
}

/// int8 depthwise convolution, TFLite reference semantics.
/// out[n,y,x,o] = clamp(requant(bias[o] + sum_{ky,kx} w[ky,kx,o] * (in[n, y*sh - pt + ky*dh, x*sw - pl + kx*dw,
///                o / depth_multiplier] - input_zero_point)) + output_zero_point, act_min, act_max)
/// @param input NHWC; @param filter [kh][kw][out_c]; @param bias out_c or empty; @param multiplier, shift 1 or out_c.
/// @param output NHWC with out_c = in_c * depth_multiplier, must not overlap any input.
/// @return ok, null_buffer, invalid_shape, shape_mismatch, headroom_exceeded (kh*kw > 2^16),
///         invalid_quantization, invalid_range, buffer_too_small or aliasing; outputs untouched on error.
/// Numerics: as conv2d (exact int32 accumulation, wrap-around bias add, p.rounding requantization).
template <class Arch = arch::default_arch>
status depthwise_conv2d(const depthwise_conv2d_params& d, span<const std::int8_t> input, span<const std::int8_t> filter,
                        span<const std::int32_t> bias, span<const std::int32_t> multiplier,
                        span<const std::int32_t> shift, span<std::int8_t> output, Arch = {}) noexcept {
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_depthwise_q(d, input, filter, bias, multiplier, shift, output, conv_s8_max_reduction, 30,
                                           g, lo, hi));
    const detail::epilogue_s32<std::int8_t> epi{bias.empty() ? nullptr : bias.data(),
                                                multiplier.data(),
                                                shift.data(),
                                                multiplier.size() != 1,
                                                d.output_zero_point,
                                                lo,
                                                hi,
                                                d.rounding,
                                                output.data()};
    detail::depthwise_run(g, input.data(), filter.data(), d.input_zero_point, epi, Arch{});
    return status::ok;
}

/// int16 x int8 -> int16 depthwise convolution, int64 bias and accumulation (TFLite 16x8); zero points 0.
/// @pre shift in [-31, 30]. @return as the s8 overload.
/// Numerics: as the int64 conv2d overload.
template <class Arch = arch::default_arch>
status depthwise_conv2d(const depthwise_conv2d_params& d, span<const std::int16_t> input,
                        span<const std::int8_t> filter, span<const std::int64_t> bias,
                        span<const std::int32_t> multiplier, span<const std::int32_t> shift, span<std::int16_t> output,
                        Arch = {}) noexcept {
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_depthwise_q(d, input, filter, bias, multiplier, shift, output,
                                           conv_s16_s64acc_max_reduction, 30, g, lo, hi));
    const detail::epilogue_s64 epi{bias.empty() ? nullptr : bias.data(),
                                   multiplier.data(),
                                   shift.data(),
                                   multiplier.size() != 1,
                                   lo,
                                   hi,
                                   output.data()};
    detail::depthwise_direct(g, input.data(), filter.data(), std::int64_t{0}, epi);
    return status::ok;
}

/// int16 x int8 -> int16 depthwise convolution, int32 bias and accumulation (TFLite 16x8 int32 variant).
/// @pre kh * kw <= 511. @return as the s8 overload.
template <class Arch = arch::default_arch>
status depthwise_conv2d(const depthwise_conv2d_params& d, span<const std::int16_t> input,
                        span<const std::int8_t> filter, span<const std::int32_t> bias,
                        span<const std::int32_t> multiplier, span<const std::int32_t> shift, span<std::int16_t> output,
                        Arch = {}) noexcept {
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_depthwise_q(d, input, filter, bias, multiplier, shift, output,
                                           conv_s16_s32acc_max_reduction, 30, g, lo, hi));
    const detail::epilogue_s32<std::int16_t> epi{bias.empty() ? nullptr : bias.data(),
                                                 multiplier.data(),
                                                 shift.data(),
                                                 multiplier.size() != 1,
                                                 0,
                                                 lo,
                                                 hi,
                                                 d.rounding,
                                                 output.data()};
    detail::depthwise_direct(g, input.data(), filter.data(), std::int32_t{0}, epi);
    return status::ok;
}

/// float depthwise convolution: out = clamp(bias + sum w * x, float_min, float_max).
/// @return ok, null_buffer, invalid_shape, shape_mismatch, invalid_range, buffer_too_small or aliasing.
/// Numerics: float accumulation in (ky, kx) order; |err| <= kh*kw * 2^-24 * sum |w x| against float64.
template <class Arch = arch::default_arch>
status depthwise_conv2d(const depthwise_conv2d_params& d, span<const float> input, span<const float> filter,
                        span<const float> bias, span<float> output, Arch = {}) noexcept {
    detail::conv_geom g{};
    EDGEKERN_TRY(detail::check_depthwise(d, input, filter, bias, output, std::int64_t{INT32_MAX}, g));
    if (!(d.float_min <= d.float_max)) return status::invalid_range;
    if (output.size() < detail::geom_output_size(g)) return status::buffer_too_small;
    if (overlaps(output, input) || overlaps(output, filter) || overlaps(output, bias)) return status::aliasing;
    const detail::epilogue_f32 epi{bias.empty() ? nullptr : bias.data(), d.float_min, d.float_max, output.data()};
    detail::depthwise_direct(g, input.data(), filter.data(), 0.0f, epi);
    return status::ok;
}

EDGEKERN_NAMESPACE_END
