// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/conv2d/common.hpp: shared pieces of the convolution family: padding geometry, requantization
// glue, accumulator headroom bounds and the validation helpers every conv-family entry point runs first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/fixed/quantize.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// How the spatial padding of a convolution or pooling window is chosen.
/// valid: no padding; same: TFLite SAME (output = ceil(in / stride), the odd pixel of padding at bottom/right);
/// explicit_pad: the pad_* fields of the params are used as given.
enum class padding_kind : std::uint8_t { valid, same, explicit_pad };

/// Accumulator headroom of the conv family (checked by every entry point, status::headroom_exceeded).
/// s8 x s8: |w * (x - zp)| <= 128 * 255 = 32640 < 2^15, so an int32 sum of 2^16 terms stays below 2^31.
constexpr std::int64_t conv_s8_max_reduction = std::int64_t{1} << 16;
/// fully_connected with a weights zero point: |(w - wzp) * (x - xzp)| <= 255 * 255 < 2^16, so 2^15 terms.
constexpr std::int64_t fc_s8_wzp_max_reduction = std::int64_t{1} << 15;
/// s16 x s8 with int32 accumulation: |w * x| <= 2^22, so at most 2^9 - 1 = 511 terms are exact.
constexpr std::int64_t conv_s16_s32acc_max_reduction = (std::int64_t{1} << 9) - 1;
/// s16 x s8 with int64 accumulation: 2^24 terms of at most 2^22 stay below 2^46, so the requantization product
/// acc * m16 (m16 <= 2^15) stays exact in int64 for any bias below 2^46 in magnitude.
constexpr std::int64_t conv_s16_s64acc_max_reduction = std::int64_t{1} << 24;

namespace detail {

/// uint32 -> int32 two's-complement reinterpretation without implementation-defined conversion.
constexpr std::int32_t wrap_s32(std::uint32_t u) noexcept {
    return u <= 0x7FFFFFFFu ? static_cast<std::int32_t>(u) : static_cast<std::int32_t>(u - 0x80000000u) + INT32_MIN;
}
constexpr std::int64_t wrap_s64(std::uint64_t u) noexcept {
    return u <= 0x7FFFFFFFFFFFFFFFull ? static_cast<std::int64_t>(u)
                                      : static_cast<std::int64_t>(u - 0x8000000000000000ull) + INT64_MIN;
}
/// Two's-complement wrapping add in int32 (well defined; matches what every SIMD backend does).
constexpr std::int32_t wrap_add_s32(std::int32_t a, std::int32_t b) noexcept {
    return wrap_s32(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
constexpr std::int64_t wrap_add_s64(std::int64_t a, std::int64_t b) noexcept {
    return wrap_s64(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

// Requantization is edgekern/fixed/quantize.hpp's (requantize, requantize_16x8_int64): TFLite-exact wherever
// TFLite is defined, saturating where TFLite's reference has undefined behaviour (acc * 2^left overflowing
// int32, results beyond int32). Every backend of this family reproduces exactly that.

/// Validates per-tensor (size 1) or per-channel (size channels) multiplier/shift spans.
inline status check_conv_quantization(span<const std::int32_t> multiplier, span<const std::int32_t> shift,
                                      std::size_t channels, std::int32_t max_shift) noexcept {
    if (multiplier.size() != shift.size()) return status::shape_mismatch;
    if (multiplier.size() != 1 && multiplier.size() != channels) return status::shape_mismatch;
    for (std::size_t i = 0; i < multiplier.size(); ++i) {
        EDGEKERN_TRY(check_quantized_multiplier(multiplier.data()[i], shift.data()[i]));
        if (shift.data()[i] > max_shift) return status::invalid_quantization;
    }
    return status::ok;
}

/// Output extent of one spatial axis and the padding before it; false when the geometry is empty/invalid.
/// @pre in, k, stride, dilation > 0; pads >= 0 (checked by the caller).
constexpr bool conv_axis(std::int32_t in, std::int32_t k, std::int32_t stride, std::int32_t dilation, padding_kind kind,
                         std::int32_t pad_before, std::int32_t pad_after, std::int32_t& out,
                         std::int32_t& pad) noexcept {
    const std::int64_t eff = (std::int64_t{k} - 1) * dilation + 1;
    std::int64_t o = 0;
    std::int64_t p = 0;
    if (kind == padding_kind::valid) {
        if (eff > in) return false;
        o = (in - eff) / stride + 1;
    } else if (kind == padding_kind::same) {
        o = (std::int64_t{in} + stride - 1) / stride;
        const std::int64_t total = (o - 1) * stride + eff - in;
        p = total > 0 ? total / 2 : 0;
    } else {
        const std::int64_t span_in = std::int64_t{in} + pad_before + pad_after;
        if (eff > span_in) return false;
        o = (span_in - eff) / stride + 1;
        p = pad_before;
    }
    if (o <= 0 || o > INT32_MAX) return false;
    out = static_cast<std::int32_t>(o);
    pad = static_cast<std::int32_t>(p);
    return true;
}

/// Range check of an activation clamp against the output type.
template <class Out>
constexpr status check_act_range(std::int32_t act_min, std::int32_t act_max) noexcept {
    if (act_min > act_max) return status::invalid_range;
    if (act_min < std::numeric_limits<Out>::min() || act_max > std::numeric_limits<Out>::max())
        return status::invalid_range;
    return status::ok;
}

/// size_t of a positive int32 dim.
constexpr std::size_t uz(std::int32_t v) noexcept {
    return static_cast<std::size_t>(v);
}

} // namespace detail
EDGEKERN_NAMESPACE_END
