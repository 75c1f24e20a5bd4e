// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/conv2d.hpp: quantized (s8, s16x8) and float 2-D convolution, NHWC x OHWI, TFLite-exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/conv2d/common.hpp"
#include "edgekern/kernels/conv2d/scalar.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Parameters of conv2d (all kernels of the family use the same field names).
///
/// Layouts: input NHWC [batch][in_h][in_w][in_c]; filter OHWI [out_c][kernel_h][kernel_w][in_c / groups];
/// output NHWC [batch][out_h][out_w][out_c]; bias [out_c] (optional: an empty span means zero bias);
/// multiplier/shift: 1 entry (per tensor) or out_c entries (per channel).
/// Ranges: every dim >= 1; stride, dilation >= 1; groups >= 1 dividing in_c and out_c; explicit pads >= 0;
/// out_h/out_w must equal the geometry (conv2d_output_extent computes them).
struct conv2d_params {
    std::int32_t batch = 1;
    std::int32_t in_h = 0, in_w = 0, in_c = 0;
    std::int32_t out_h = 0, out_w = 0, out_c = 0;
    std::int32_t kernel_h = 1, kernel_w = 1;
    std::int32_t stride_h = 1, stride_w = 1;
    std::int32_t dilation_h = 1, dilation_w = 1;
    padding_kind padding = padding_kind::valid;
    std::int32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0; ///< used with padding_kind::explicit_pad
    std::int32_t groups = 1;
    /// Zero points: s8 in [-128, 127] (TFLite input_offset = -input_zero_point); s16 paths require 0.
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    /// Fused activation clamp applied after adding the output zero point; intersected with the output type range
    /// (the defaults mean "no clamp"). act_min > act_max is an error.
    std::int32_t act_min = std::numeric_limits<std::int32_t>::min();
    std::int32_t act_max = std::numeric_limits<std::int32_t>::max();
    /// Float clamp of the f32 overloads.
    float float_min = -std::numeric_limits<float>::infinity();
    float float_max = std::numeric_limits<float>::infinity();
    rounding_mode rounding = rounding_mode::double_rounding;
};

/// Output extent of one spatial axis for the given padding (TFLite conventions), or 0 when the window does not fit.
constexpr std::int32_t conv2d_output_extent(std::int32_t in, std::int32_t kernel, std::int32_t stride,
                                            std::int32_t dilation, padding_kind kind, std::int32_t pad_before = 0,
                                            std::int32_t pad_after = 0) noexcept {
    if (in <= 0 || kernel <= 0 || stride <= 0 || dilation <= 0 || pad_before < 0 || pad_after < 0) return 0;
    std::int32_t out = 0, pad = 0;
    return detail::conv_axis(in, kernel, stride, dilation, kind, pad_before, pad_after, out, pad) ? out : 0;
}

namespace detail {

/// Shape checks shared by conv2d and depthwise_conv2d (depthwise passes groups = in_c, ocg = depth multiplier).
constexpr status resolve_conv_geom(const conv2d_params& p, conv_geom& g) noexcept {
    if (p.batch <= 0 || p.in_h <= 0 || p.in_w <= 0 || p.in_c <= 0 || p.out_h <= 0 || p.out_w <= 0 || p.out_c <= 0 ||
        p.kernel_h <= 0 || p.kernel_w <= 0 || p.stride_h <= 0 || p.stride_w <= 0 || p.dilation_h <= 0 ||
        p.dilation_w <= 0 || p.groups <= 0)
        return status::invalid_shape;
    if (p.padding == padding_kind::explicit_pad &&
        (p.pad_top < 0 || p.pad_bottom < 0 || p.pad_left < 0 || p.pad_right < 0))
        return status::invalid_shape;
    std::size_t tmp = 0;
    if (!checked_product(tmp, uz(p.batch), uz(p.in_h), uz(p.in_w), uz(p.in_c)) ||
        !checked_product(tmp, uz(p.batch), uz(p.out_h), uz(p.out_w), uz(p.out_c)) ||
        !checked_product(tmp, uz(p.out_c), uz(p.kernel_h), uz(p.kernel_w), uz(p.in_c)) ||
        tmp > std::size_t{INT32_MAX} * 4u)
        return status::invalid_shape;
    std::int32_t oh = 0, ow = 0, pt = 0, pl = 0;
    if (!conv_axis(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.padding, p.pad_top, p.pad_bottom, oh, pt) ||
        !conv_axis(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.padding, p.pad_left, p.pad_right, ow, pl))
        return status::invalid_shape;
    if (p.in_c % p.groups != 0 || p.out_c % p.groups != 0) return status::shape_mismatch;
    if (oh != p.out_h || ow != p.out_w) return status::shape_mismatch;
    g = conv_geom{p.batch,      p.in_h,     p.in_w,     p.in_c,     p.out_h,           p.out_w,
                  p.out_c,      p.kernel_h, p.kernel_w, p.stride_h, p.stride_w,        p.dilation_h,
                  p.dilation_w, pt,         pl,         p.groups,   p.in_c / p.groups, p.out_c / p.groups};
    return status::ok;
}

constexpr std::size_t geom_input_size(const conv_geom& g) noexcept {
    return uz(g.n) * uz(g.ih) * uz(g.iw) * uz(g.ic);
}
constexpr std::size_t geom_output_size(const conv_geom& g) noexcept {
    return uz(g.n) * uz(g.oh) * uz(g.ow) * uz(g.oc);
}
constexpr std::int64_t geom_reduction(const conv_geom& g) noexcept {
    return std::int64_t{g.kh} * g.kw * g.icg;
}

} // namespace detail
EDGEKERN_NAMESPACE_END

// Per-ISA s8 fast paths add conv2d_select / scratch / run overloads on their tags.
#include "edgekern/kernels/conv2d/cortex_m_dsp.hpp"
#include "edgekern/kernels/conv2d/neon.hpp"
#include "edgekern/kernels/conv2d/x86.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

constexpr std::size_t conv2d_scratch_for(conv2d_algo algo, const conv_geom& g, bool prepacked = false) noexcept {
    switch (algo) {
    case conv2d_algo::gemm_vnni:
        return gemm_s8_scratch_size(g, prepacked);
    case conv2d_algo::gemm_dsp:
        return dsp_s8_scratch_size(g, prepacked);
    case conv2d_algo::gemm_sdot:
        return sdot_s8_scratch_size(g, prepacked);
    default:
        return 0;
    }
}

/// Pre-packed weights: a 64-byte header then the algorithm's layout (the portable loops keep plain OHWI).
struct conv_packed_header {
    std::uint32_t magic, algo, out_c, reduction;
};
constexpr std::uint32_t conv_packed_magic = 0x4B504B45u; // "EKPK"
constexpr std::size_t conv_packed_header_bytes = 64;

constexpr std::size_t conv2d_packed_bytes(conv2d_algo algo, const conv_geom& g) noexcept {
    switch (algo) {
    case conv2d_algo::gemm_vnni:
        return conv_packed_header_bytes + gemm_s8_packed_bytes(g);
    case conv2d_algo::gemm_dsp:
        return conv_packed_header_bytes + dsp_s8_packed_bytes(g);
    case conv2d_algo::gemm_sdot:
        return conv_packed_header_bytes + sdot_s8_packed_bytes(g);
    default:
        return conv_packed_header_bytes + uz(g.oc) * uz(g.kh) * uz(g.kw) * uz(g.icg);
    }
}

/// Shared validation of the quantized conv2d overloads. Returns ok and fills g, lo, hi; outputs untouched.
template <class In, class Out, class Bias>
inline status check_conv2d_q(const conv2d_params& p, span<const In> input, span<const std::int8_t> filter,
                             span<const Bias> bias, span<const std::int32_t> multiplier, span<const std::int32_t> shift,
                             span<Out> output, std::int64_t max_reduction, std::int32_t max_shift, conv_geom& g,
                             std::int32_t& lo, std::int32_t& hi, bool check_filter = true) noexcept {
    if (input.empty() || (check_filter && filter.empty()) || output.empty() || multiplier.empty() || shift.empty())
        return status::null_buffer;
    EDGEKERN_TRY(resolve_conv_geom(p, g));
    if (input.size() < geom_input_size(g)) return status::shape_mismatch;
    if (check_filter && filter.size() < uz(g.oc) * uz(g.kh) * uz(g.kw) * uz(g.icg)) return status::shape_mismatch;
    if (!bias.empty() && bias.size() != uz(g.oc)) return status::shape_mismatch;
    if (geom_reduction(g) > max_reduction) return status::headroom_exceeded;
    if (sizeof(In) == 1) {
        if (p.input_zero_point < -128 || p.input_zero_point > 127 || p.output_zero_point < -128 ||
            p.output_zero_point > 127)
            return status::invalid_quantization;
    } else if (p.input_zero_point != 0 || p.output_zero_point != 0) {
        return status::invalid_quantization;
    }
    EDGEKERN_TRY(check_conv_quantization(multiplier, shift, uz(g.oc), max_shift));
    EDGEKERN_TRY(effective_clamp<Out>(p.act_min, p.act_max, lo, hi));
    if (output.size() < geom_output_size(g)) return status::buffer_too_small;
    if (overlaps(output, input) || overlaps(output, filter) || overlaps(output, bias) || overlaps(output, multiplier) ||
        overlaps(output, shift))
        return status::aliasing;
    return status::ok;
}

template <class Acc, class In, class W, class Epi>
inline void conv2d_portable(const conv_geom& g, const In* input, const W* filter, Acc input_offset,
                            const Epi& epi) noexcept {
    if (is_pointwise(g))
        conv_pointwise(uz(g.n) * uz(g.oh) * uz(g.ow), uz(g.ic), uz(g.oc), input, filter, input_offset, epi);
    else
        conv_direct(g, input, filter, input_offset, epi);
}

} // namespace detail

/// Scratch bytes conv2d (s8) needs for these params on Arch; 0 when the params are invalid or no scratch is used.
/// Computed from the same selection (detail::conv2d_select) that conv2d runs. s16 and f32 overloads need none.
template <class Arch = arch::default_arch>
constexpr std::size_t conv2d_scratch_size(const conv2d_params& p, Arch = {}) noexcept {
    detail::conv_geom g{};
    if (detail::resolve_conv_geom(p, g) != status::ok) return 0;
    return detail::conv2d_scratch_for(detail::conv2d_select(g, Arch{}), g);
}

/// int8 x int8 -> int8 convolution, TFLite / TFLite-Micro reference semantics (NUMERICS.md section 1).
///
/// out[n,y,x,o] = clamp(requant(bias[o] + sum_{ky,kx,c} w[o,ky,kx,c] * (in[n, y*sh - pt + ky*dh,
///                x*sw - pl + kx*dw, g*icg + c] - input_zero_point)) + output_zero_point, act_min, act_max)
/// where g = o / (out_c / groups); taps in the padding are skipped.
/// @param p        geometry and quantization (conv2d_params); out_h/out_w must match the geometry.
/// @param input    NHWC, batch*in_h*in_w*in_c elements.   @param filter OHWI, out_c*kh*kw*(in_c/groups) elements.
/// @param bias     out_c int32 values or empty (zero).    @param multiplier, shift 1 or out_c entries.
/// @param output   NHWC, at least batch*out_h*out_w*out_c; must not overlap any input.
/// @param scratch  at least conv2d_scratch_size(p, Arch{}) bytes, any alignment; may be empty when that is 0.
/// @pre multiplier in [2^30, 2^31) or 0, shift in [-31, 30]; reduction kh*kw*in_c/groups <= 2^16.
/// @return ok; null_buffer, invalid_shape, shape_mismatch, headroom_exceeded, invalid_quantization,
///         invalid_range, buffer_too_small or aliasing with every output left untouched.
/// Numerics: exact int32 accumulation within the headroom (|w * (x - zp)| <= 32640, so 2^16 terms); the bias
/// is added with two's-complement wrap; requantization in p.rounding mode (double rounding default, single
/// selectable); every backend is bit-identical to the scalar one.
template <class Arch = arch::default_arch>
status conv2d(const conv2d_params& p, span<const std::int8_t> input, span<const std::int8_t> filter,
              span<const std::int32_t> bias, span<const std::int32_t> multiplier, span<const std::int32_t> shift,
              span<std::int8_t> output, span<std::byte> scratch, Arch = {}) noexcept {
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_conv2d_q(p, input, filter, bias, multiplier, shift, output, conv_s8_max_reduction, 30, g,
                                        lo, hi));
    const detail::conv2d_algo algo = detail::conv2d_select(g, Arch{});
    const std::size_t need = detail::conv2d_scratch_for(algo, g);
    if (scratch.size() < need) return status::buffer_too_small;
    if (need != 0 && (overlaps(span<const std::byte>(scratch), input) || overlaps(scratch, output) ||
                      overlaps(scratch, filter) || overlaps(scratch, bias)))
        return status::aliasing;
    const detail::epilogue_s32<std::int8_t> epi{bias.empty() ? nullptr : bias.data(),
                                                multiplier.data(),
                                                shift.data(),
                                                multiplier.size() != 1,
                                                p.output_zero_point,
                                                lo,
                                                hi,
                                                p.rounding,
                                                output.data()};
    if (algo == detail::conv2d_algo::direct || algo == detail::conv2d_algo::pointwise) {
        detail::conv2d_portable<std::int32_t>(g, input.data(), filter.data(), -p.input_zero_point, epi);
        return status::ok;
    }
    detail::conv2d_run_fast(algo, g, input.data(), filter.data(), p.input_zero_point, epi, scratch.data(), nullptr,
                            Arch{});
    return status::ok;
}

/// Bytes conv2d_pack_weights writes for these params on Arch (s8 only; 0 when the params are invalid). The layout
/// is the one the implementation chosen by detail::conv2d_select uses (VNNI panels + channel sums, int16 pairs for
/// Cortex-M DSP, plain OHWI for the portable loops), behind a 64-byte header that records it.
template <class Arch = arch::default_arch>
constexpr std::size_t conv2d_packed_size(const conv2d_params& p, Arch = {}) noexcept {
    detail::conv_geom g{};
    if (detail::resolve_conv_geom(p, g) != status::ok) return 0;
    return detail::conv2d_packed_bytes(detail::conv2d_select(g, Arch{}), g);
}

/// Scratch bytes conv2d_packed needs (the scratch of conv2d minus the room for packing the weights).
template <class Arch = arch::default_arch>
constexpr std::size_t conv2d_packed_scratch_size(const conv2d_params& p, Arch = {}) noexcept {
    detail::conv_geom g{};
    if (detail::resolve_conv_geom(p, g) != status::ok) return 0;
    return detail::conv2d_scratch_for(detail::conv2d_select(g, Arch{}), g, true);
}

/// Packs s8 OHWI weights once (at init) for conv2d_packed on the same Arch and geometry.
/// @param packed at least conv2d_packed_size(p, Arch{}) bytes, any alignment (8-byte aligned for Cortex-M DSP
///        use); must not overlap filter.
/// @return ok, null_buffer, invalid_shape, shape_mismatch (filter too short), headroom_exceeded,
///         buffer_too_small or aliasing; `packed` untouched on error.
template <class Arch = arch::default_arch>
status conv2d_pack_weights(const conv2d_params& p, span<const std::int8_t> filter, span<std::byte> packed,
                           Arch = {}) noexcept {
    if (filter.empty() || packed.empty()) return status::null_buffer;
    detail::conv_geom g{};
    EDGEKERN_TRY(detail::resolve_conv_geom(p, g));
    const std::size_t k = detail::uz(g.kh) * detail::uz(g.kw) * detail::uz(g.icg);
    if (filter.size() < detail::uz(g.oc) * k) return status::shape_mismatch;
    if (detail::geom_reduction(g) > conv_s8_max_reduction) return status::headroom_exceeded;
    const detail::conv2d_algo algo = detail::conv2d_select(g, Arch{});
    if (packed.size() < detail::conv2d_packed_bytes(algo, g)) return status::buffer_too_small;
    if (overlaps(packed, filter)) return status::aliasing;
    const detail::conv_packed_header h{detail::conv_packed_magic, static_cast<std::uint32_t>(algo),
                                       static_cast<std::uint32_t>(g.oc), static_cast<std::uint32_t>(k)};
    std::memset(packed.data(), 0, detail::conv_packed_header_bytes);
    std::memcpy(packed.data(), &h, sizeof h);
    std::byte* data = packed.data() + detail::conv_packed_header_bytes;
    switch (algo) {
#if defined(EDGEKERN_HAS_AVX512VNNI)
    case detail::conv2d_algo::gemm_vnni: {
        const std::size_t kp = detail::round_up(k, 4), ocp = detail::round_up(detail::uz(g.oc), 16);
        detail::vnni_pack(filter.data(), detail::uz(g.oc), k, kp, reinterpret_cast<std::int8_t*>(data),
                          data + ocp * kp);
        break;
    }
#endif
#if defined(EDGEKERN_HAS_NEON_DOTPROD)
    case detail::conv2d_algo::gemm_sdot:
        detail::sdot_pack(filter.data(), detail::uz(g.oc), k, data);
        break;
#endif
#if defined(EDGEKERN_HAS_CORTEX_M_DSP)
    case detail::conv2d_algo::gemm_dsp:
        detail::dsp_pack(filter.data(), detail::uz(g.oc), k, data);
        break;
#endif
    default:
        std::memcpy(data, filter.data(), detail::uz(g.oc) * k);
        break;
    }
    return status::ok;
}

/// conv2d (s8) with weights pre-packed by conv2d_pack_weights for the same params and Arch.
/// @param scratch at least conv2d_packed_scratch_size(p, Arch{}) bytes.
/// @return as conv2d; shape_mismatch when `packed` was made for another geometry or backend (header check);
///         invalid_argument when the Cortex-M DSP layout is not 8-byte aligned.
/// Numerics: identical to conv2d (bit for bit).
template <class Arch = arch::default_arch>
status conv2d_packed(const conv2d_params& p, span<const std::int8_t> input, span<const std::byte> packed,
                     span<const std::int32_t> bias, span<const std::int32_t> multiplier, span<const std::int32_t> shift,
                     span<std::int8_t> output, span<std::byte> scratch, Arch = {}) noexcept {
    if (packed.empty()) return status::null_buffer;
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_conv2d_q(p, input, span<const std::int8_t>(), bias, multiplier, shift, output,
                                        conv_s8_max_reduction, 30, g, lo, hi, false));
    const detail::conv2d_algo algo = detail::conv2d_select(g, Arch{});
    const std::size_t k = detail::uz(g.kh) * detail::uz(g.kw) * detail::uz(g.icg);
    detail::conv_packed_header h{};
    if (packed.size() < detail::conv_packed_header_bytes) return status::shape_mismatch;
    std::memcpy(&h, packed.data(), sizeof h);
    if (h.magic != detail::conv_packed_magic || h.algo != static_cast<std::uint32_t>(algo) ||
        h.out_c != static_cast<std::uint32_t>(g.oc) || h.reduction != static_cast<std::uint32_t>(k) ||
        packed.size() < detail::conv2d_packed_bytes(algo, g))
        return status::shape_mismatch;
    const std::byte* data = packed.data() + detail::conv_packed_header_bytes;
    if (algo == detail::conv2d_algo::gemm_dsp && (reinterpret_cast<std::uintptr_t>(data) & 7u) != 0)
        return status::invalid_argument;
    const std::size_t need = detail::conv2d_scratch_for(algo, g, true);
    if (scratch.size() < need) return status::buffer_too_small;
    if (overlaps(output, packed) || (need != 0 && (overlaps(scratch, input) || overlaps(scratch, output) ||
                                                   overlaps(scratch, packed) || overlaps(scratch, bias))))
        return status::aliasing;
    const detail::epilogue_s32<std::int8_t> epi{bias.empty() ? nullptr : bias.data(),
                                                multiplier.data(),
                                                shift.data(),
                                                multiplier.size() != 1,
                                                p.output_zero_point,
                                                lo,
                                                hi,
                                                p.rounding,
                                                output.data()};
    if (algo == detail::conv2d_algo::direct || algo == detail::conv2d_algo::pointwise) {
        detail::conv2d_portable<std::int32_t>(g, input.data(), reinterpret_cast<const std::int8_t*>(data),
                                              -p.input_zero_point, epi);
        return status::ok;
    }
    detail::conv2d_run_fast(algo, g, input.data(), nullptr, p.input_zero_point, epi, scratch.data(), data, Arch{});
    return status::ok;
}

/// int16 x int8 -> int16 convolution with int64 bias and int64 accumulation (TFLite 16x8, int64-bias variant).
/// Layouts and params as the s8 overload; zero points must be 0 (symmetric int16).
/// @pre reduction <= 2^24 (conv_s16_s64acc_max_reduction); shift in [-31, 30].
/// @return as the s8 overload.
/// Numerics: exact int64 accumulation; requantization with the multiplier rounded to 16 bits,
/// q = (acc * m16 + 2^(14 - shift)) >> (15 - shift), saturated to int32 (edgekern::requantize_16x8_int64), then
/// clamped.
template <class Arch = arch::default_arch>
status conv2d(const conv2d_params& p, span<const std::int16_t> input, span<const std::int8_t> filter,
              span<const std::int64_t> bias, span<const std::int32_t> multiplier, span<const std::int32_t> shift,
              span<std::int16_t> output, Arch = {}) noexcept {
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_conv2d_q(p, input, filter, bias, multiplier, shift, output,
                                        conv_s16_s64acc_max_reduction, 30, g, lo, hi));
    const detail::epilogue_s64 epi{bias.empty() ? nullptr : bias.data(),
                                   multiplier.data(),
                                   shift.data(),
                                   multiplier.size() != 1,
                                   lo,
                                   hi,
                                   output.data()};
    detail::conv2d_portable<std::int64_t>(g, input.data(), filter.data(), std::int64_t{0}, epi);
    return status::ok;
}

/// int16 x int8 -> int16 convolution with int32 bias and int32 accumulation (TFLite 16x8, int32-bias variant).
/// @pre reduction <= 511 (conv_s16_s32acc_max_reduction: |w * x| <= 2^22); shift in [-31, 30].
/// @return as the s8 overload.
/// Numerics: exact int32 accumulation, then the 32-bit requantization of the s8 path (p.rounding), clamp.
template <class Arch = arch::default_arch>
status conv2d(const conv2d_params& p, span<const std::int16_t> input, span<const std::int8_t> filter,
              span<const std::int32_t> bias, span<const std::int32_t> multiplier, span<const std::int32_t> shift,
              span<std::int16_t> output, Arch = {}) noexcept {
    detail::conv_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::check_conv2d_q(p, input, filter, bias, multiplier, shift, output,
                                        conv_s16_s32acc_max_reduction, 30, g, lo, hi));
    const detail::epilogue_s32<std::int16_t> epi{bias.empty() ? nullptr : bias.data(),
                                                 multiplier.data(),
                                                 shift.data(),
                                                 multiplier.size() != 1,
                                                 0,
                                                 lo,
                                                 hi,
                                                 p.rounding,
                                                 output.data()};
    detail::conv2d_portable<std::int32_t>(g, input.data(), filter.data(), 0, epi);
    return status::ok;
}

/// float convolution: out = clamp(bias + sum w * x, float_min, float_max); same layouts and geometry.
/// @return ok, null_buffer, invalid_shape, shape_mismatch, invalid_range (float_min > float_max or NaN),
///         buffer_too_small or aliasing.
/// Numerics: float accumulation in tap order (ky, kx, c); relative error vs a float64 oracle is bounded by
/// K * 2^-24 * sum |w * x| (K = kh*kw*in_c/groups); the tests check |err| <= 1e-5 * (1 + sum |w x|).
template <class Arch = arch::default_arch>
status conv2d(const conv2d_params& p, span<const float> input, span<const float> filter, span<const float> bias,
              span<float> output, Arch = {}) noexcept {
    if (input.empty() || filter.empty() || output.empty()) return status::null_buffer;
    detail::conv_geom g{};
    EDGEKERN_TRY(detail::resolve_conv_geom(p, g));
    if (input.size() < detail::geom_input_size(g)) return status::shape_mismatch;
    if (filter.size() < detail::uz(g.oc) * detail::uz(g.kh) * detail::uz(g.kw) * detail::uz(g.icg))
        return status::shape_mismatch;
    if (!bias.empty() && bias.size() != detail::uz(g.oc)) return status::shape_mismatch;
    if (!(p.float_min <= p.float_max)) return status::invalid_range;
    if (output.size() < detail::geom_output_size(g)) return status::buffer_too_small;
    if (overlaps(output, input) || overlaps(output, filter) || overlaps(output, bias)) return status::aliasing;
    const detail::epilogue_f32 epi{bias.empty() ? nullptr : bias.data(), p.float_min, p.float_max, output.data()};
    detail::conv2d_portable<float>(g, input.data(), filter.data(), 0.0f, epi);
    return status::ok;
}

EDGEKERN_NAMESPACE_END
