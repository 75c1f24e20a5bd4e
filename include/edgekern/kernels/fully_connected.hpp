// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/fully_connected.hpp: quantized (s8 with optional weights zero point, s16x8) and float fully
// connected layer, [batch][in] x [out][in]^T, TFLite-exact; routed through the conv2d 1x1 paths when it can be.
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

/// Parameters of fully_connected. Layouts: input [batch][in_features]; weights [out_features][in_features];
/// bias [out_features] or empty; multiplier/shift 1 (per tensor) or out_features (per channel) entries;
/// output [batch][out_features].
struct fully_connected_params {
    std::int32_t batch = 1;
    std::int32_t in_features = 0;
    std::int32_t out_features = 0;
    std::int32_t input_zero_point = 0;   ///< s8: [-128, 127]; s16: 0
    std::int32_t weights_zero_point = 0; ///< s8: [-128, 127] (TFLite's filter offset is its negation); s16: 0
    std::int32_t output_zero_point = 0;  ///< s8: [-128, 127]; s16: 0
    std::int32_t act_min = std::numeric_limits<std::int32_t>::min();
    std::int32_t act_max = std::numeric_limits<std::int32_t>::max();
    float float_min = -std::numeric_limits<float>::infinity();
    float float_max = std::numeric_limits<float>::infinity();
    rounding_mode rounding = rounding_mode::double_rounding;
};

namespace detail {

/// The equivalent 1x1 convolution (batch rows of one pixel each).
constexpr conv2d_params fc_as_conv(const fully_connected_params& f) noexcept {
    conv2d_params p;
    p.batch = f.batch;
    p.in_h = p.in_w = p.out_h = p.out_w = 1;
    p.in_c = f.in_features;
    p.out_c = f.out_features;
    p.input_zero_point = f.input_zero_point;
    p.output_zero_point = f.output_zero_point;
    p.act_min = f.act_min;
    p.act_max = f.act_max;
    p.float_min = f.float_min;
    p.float_max = f.float_max;
    p.rounding = f.rounding;
    return p;
}

/// s8 with a weights zero point: sum (w - wzp) * (x - xzp) in int32 (|term| <= 255^2, 2^15 terms).
inline void fc_s8_wzp(const fully_connected_params& f, const std::int8_t* input, const std::int8_t* weights,
                      const epilogue_s32<std::int8_t>& epi) noexcept {
    const std::size_t in = uz(f.in_features), out = uz(f.out_features);
    for (std::size_t b = 0; b < uz(f.batch); ++b) {
        const std::int8_t* x = input + b * in;
        for (std::size_t o = 0; o < out; ++o) {
            const std::int8_t* w = weights + o * in;
            std::int32_t acc = 0;
            for (std::size_t c = 0; c < in; ++c)
                acc += (std::int32_t{w[c]} - f.weights_zero_point) * (std::int32_t{x[c]} - f.input_zero_point);
            epi(acc, static_cast<std::int32_t>(o), b * out + o);
        }
    }
}

} // namespace detail

/// Scratch bytes fully_connected (s8) needs on Arch: the scratch of the equivalent 1x1 conv2d when the weights
/// zero point is 0 (that is the path taken), otherwise 0. Same selection as the call.
template <class Arch = arch::default_arch>
constexpr std::size_t fully_connected_scratch_size(const fully_connected_params& f, Arch = {}) noexcept {
    return f.weights_zero_point == 0 ? conv2d_scratch_size(detail::fc_as_conv(f), Arch{}) : 0;
}

/// int8 fully connected layer (TFLite FullyConnected, per-tensor or per-channel requantization).
/// out[b,o] = clamp(requant(bias[o] + sum_c (w[o,c] - weights_zero_point) * (x[b,c] - input_zero_point))
///                  + output_zero_point, act_min, act_max)
/// @param scratch at least fully_connected_scratch_size(f, Arch{}) bytes.
/// @return ok, null_buffer, invalid_shape, shape_mismatch, headroom_exceeded (in_features > 2^16, or > 2^15 with
///         a weights zero point), invalid_quantization, invalid_range, buffer_too_small or aliasing.
/// Numerics: exact int32 accumulation within the headroom; requantization as conv2d; bit-identical backends.
template <class Arch = arch::default_arch>
status fully_connected(const fully_connected_params& f, span<const std::int8_t> input, span<const std::int8_t> weights,
                       span<const std::int32_t> bias, span<const std::int32_t> multiplier,
                       span<const std::int32_t> shift, span<std::int8_t> output, span<std::byte> scratch,
                       Arch = {}) noexcept {
    if (f.weights_zero_point == 0)
        return conv2d(detail::fc_as_conv(f), input, weights, bias, multiplier, shift, output, scratch, Arch{});
    if (f.weights_zero_point < -128 || f.weights_zero_point > 127) {
        if (input.empty() || weights.empty() || output.empty() || multiplier.empty() || shift.empty())
            return status::null_buffer;
        if (f.batch <= 0 || f.in_features <= 0 || f.out_features <= 0) return status::invalid_shape;
        return status::invalid_quantization;
    }
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_conv2d_q(detail::fc_as_conv(f), input, weights, bias, multiplier, shift, output,
                                        fc_s8_wzp_max_reduction, 30, g, lo, hi));
    const detail::epilogue_s32<std::int8_t> epi{bias.empty() ? nullptr : bias.data(),
                                                multiplier.data(),
                                                shift.data(),
                                                multiplier.size() != 1,
                                                f.output_zero_point,
                                                lo,
                                                hi,
                                                f.rounding,
                                                output.data()};
    detail::fc_s8_wzp(f, input.data(), weights.data(), epi);
    return status::ok;
}

/// int16 x int8 -> int16 fully connected, int64 bias and accumulation (TFLite 16x8); zero points must be 0.
/// @return as the s8 overload (invalid_quantization for a non-zero zero point).
template <class Arch = arch::default_arch>
status fully_connected(const fully_connected_params& f, span<const std::int16_t> input, span<const std::int8_t> weights,
                       span<const std::int64_t> bias, span<const std::int32_t> multiplier,
                       span<const std::int32_t> shift, span<std::int16_t> output, Arch = {}) noexcept {
    if (f.weights_zero_point != 0 && !input.empty() && !weights.empty() && !output.empty() && !multiplier.empty() &&
        !shift.empty())
        return status::invalid_quantization;
    return conv2d(detail::fc_as_conv(f), input, weights, bias, multiplier, shift, output, Arch{});
}

/// int16 x int8 -> int16 fully connected, int32 bias and accumulation (TFLite 16x8 int32 variant).
/// @pre in_features <= 511. @return as the s8 overload.
template <class Arch = arch::default_arch>
status fully_connected(const fully_connected_params& f, span<const std::int16_t> input, span<const std::int8_t> weights,
                       span<const std::int32_t> bias, span<const std::int32_t> multiplier,
                       span<const std::int32_t> shift, span<std::int16_t> output, Arch = {}) noexcept {
    if (f.weights_zero_point != 0 && !input.empty() && !weights.empty() && !output.empty() && !multiplier.empty() &&
        !shift.empty())
        return status::invalid_quantization;
    return conv2d(detail::fc_as_conv(f), input, weights, bias, multiplier, shift, output, Arch{});
}

/// float fully connected: out = clamp(bias + W x, float_min, float_max).
/// Numerics: float accumulation in input order; |err| <= in_features * 2^-24 * sum |w x| vs float64.
template <class Arch = arch::default_arch>
status fully_connected(const fully_connected_params& f, span<const float> input, span<const float> weights,
                       span<const float> bias, span<float> output, Arch = {}) noexcept {
    return conv2d(detail::fc_as_conv(f), input, weights, bias, output, Arch{});
}

EDGEKERN_NAMESPACE_END
