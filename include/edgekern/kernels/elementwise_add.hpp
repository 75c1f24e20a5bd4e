// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/elementwise_add.hpp: quantized (s8) and float elementwise addition with requantization of
// both inputs to a common scale (TFLite Add, the MobileNetV2 residual connection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/conv2d/common.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Parameters of elementwise_add (TFLite's OpData of Add, int8).
/// With twice_max = 2 * max(s1, s2): real_m1 = s1 / twice_max, real_m2 = s2 / twice_max (both <= 1/2, so their
/// shifts are <= 0), real_out = twice_max / (2^left_shift * s_out); each as a (multiplier, shift) pair.
struct elementwise_add_params {
    std::int32_t input1_zero_point = 0;                   ///< [-128, 127]
    std::int32_t input2_zero_point = 0;                   ///< [-128, 127]
    std::int32_t output_zero_point = 0;                   ///< [-128, 127]
    std::int32_t left_shift = 20;                         ///< [0, 20]; TFLite uses 20 for int8
    std::int32_t input1_multiplier = 0, input1_shift = 0; ///< shift in [-31, 0]
    std::int32_t input2_multiplier = 0, input2_shift = 0; ///< shift in [-31, 0]
    std::int32_t output_multiplier = 0, output_shift = 0; ///< shift in [-31, 30]
    std::int32_t act_min = std::numeric_limits<std::int32_t>::min();
    std::int32_t act_max = std::numeric_limits<std::int32_t>::max();
    float float_min = -std::numeric_limits<float>::infinity();
    float float_max = std::numeric_limits<float>::infinity();
    rounding_mode rounding = rounding_mode::double_rounding;
};

namespace detail {

/// Output overlaps an input other than exactly (in-place is fine for an elementwise op).
template <class T>
inline bool partial_overlap(span<T> out, span<const T> in) noexcept {
    return overlaps(out, in) &&
           !(static_cast<const void*>(out.data()) == static_cast<const void*>(in.data()) && out.size() >= in.size());
}

} // namespace detail

/// Scratch bytes of elementwise_add: none.
template <class Arch = arch::default_arch>
constexpr std::size_t elementwise_add_scratch_size(const elementwise_add_params&, Arch = {}) noexcept {
    return 0;
}

/// int8 elementwise add: for each i,
///   a = requant((x1[i] - zp1) * 2^left_shift, m1, s1); b = requant((x2[i] - zp2) * 2^left_shift, m2, s2)
///   out[i] = clamp(requant(a + b, m_out, s_out) + output_zero_point, act_min, act_max)
/// @param input1, input2, output  the same element count n = input1.size() (output may be longer); output may be
///        exactly one of the inputs (in place) but must not partially overlap either.
/// @return ok, null_buffer, shape_mismatch (input sizes differ), invalid_argument (left_shift), invalid_quantization,
///         invalid_range, buffer_too_small or aliasing; output untouched on error.
/// Numerics: |x - zp| <= 255, so |(x - zp) * 2^20| < 2^28 and the scaled sum < 2^29: no int32 overflow;
/// each requantization in p.rounding mode (double by default), bit-exact with TFLite's reference.
template <class Arch = arch::default_arch>
status elementwise_add(const elementwise_add_params& p, span<const std::int8_t> input1, span<const std::int8_t> input2,
                       span<std::int8_t> output, Arch = {}) noexcept {
    if (input1.empty() || input2.empty() || output.empty()) return status::null_buffer;
    if (input1.size() != input2.size()) return status::shape_mismatch;
    if (p.left_shift < 0 || p.left_shift > 20) return status::invalid_argument;
    auto zp_ok = [](std::int32_t z) { return z >= -128 && z <= 127; };
    if (!zp_ok(p.input1_zero_point) || !zp_ok(p.input2_zero_point) || !zp_ok(p.output_zero_point))
        return status::invalid_quantization;
    if (check_quantized_multiplier(p.input1_multiplier, p.input1_shift) != status::ok || p.input1_shift > 0 ||
        check_quantized_multiplier(p.input2_multiplier, p.input2_shift) != status::ok || p.input2_shift > 0 ||
        check_quantized_multiplier(p.output_multiplier, p.output_shift) != status::ok)
        return status::invalid_quantization;
    if (p.act_min > p.act_max || p.act_min > 127 || p.act_max < -128) return status::invalid_range;
    if (output.size() < input1.size()) return status::buffer_too_small;
    if (detail::partial_overlap(output, input1) || detail::partial_overlap(output, input2)) return status::aliasing;
    const std::int32_t lo = p.act_min < -128 ? -128 : p.act_min;
    const std::int32_t hi = p.act_max > 127 ? 127 : p.act_max;
    const std::int32_t scale = std::int32_t{1} << p.left_shift;
    const std::int8_t* a = input1.data();
    const std::int8_t* b = input2.data();
    std::int8_t* out = output.data();
    for (std::size_t i = 0; i < input1.size(); ++i) {
        const std::int32_t sa = requantize((std::int32_t{a[i]} - p.input1_zero_point) * scale, p.input1_multiplier,
                                           p.input1_shift, p.rounding);
        const std::int32_t sb = requantize((std::int32_t{b[i]} - p.input2_zero_point) * scale, p.input2_multiplier,
                                           p.input2_shift, p.rounding);
        // the requantized sum may saturate at INT32_MIN/INT32_MAX: add the zero point in int64 (no overflow)
        std::int64_t v =
            std::int64_t{requantize(sa + sb, p.output_multiplier, p.output_shift, p.rounding)} + p.output_zero_point;
        v = v < lo ? lo : (v > hi ? hi : v);
        out[i] = static_cast<std::int8_t>(v);
    }
    return status::ok;
}

/// float elementwise add: out[i] = clamp(x1[i] + x2[i], float_min, float_max). Numerics: one rounding (exact IEEE).
template <class Arch = arch::default_arch>
status elementwise_add(const elementwise_add_params& p, span<const float> input1, span<const float> input2,
                       span<float> output, Arch = {}) noexcept {
    if (input1.empty() || input2.empty() || output.empty()) return status::null_buffer;
    if (input1.size() != input2.size()) return status::shape_mismatch;
    if (!(p.float_min <= p.float_max)) return status::invalid_range;
    if (output.size() < input1.size()) return status::buffer_too_small;
    if (detail::partial_overlap(output, input1) || detail::partial_overlap(output, input2)) return status::aliasing;
    for (std::size_t i = 0; i < input1.size(); ++i) {
        const float v = input1.data()[i] + input2.data()[i];
        output.data()[i] = v < p.float_min ? p.float_min : (v > p.float_max ? p.float_max : v);
    }
    return status::ok;
}

EDGEKERN_NAMESPACE_END
