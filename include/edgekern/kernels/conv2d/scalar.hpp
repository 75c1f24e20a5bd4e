// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/conv2d/scalar.hpp: portable loops of the convolution family (direct conv, pointwise, depthwise),
// generic over the element types; the scalar backend and the fallback of every other one.
#pragma once

#include <cstddef>
#include <cstdint>

#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/kernels/conv2d/common.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

/// Resolved geometry of a conv-family call (validated; all values positive except pads >= 0).
struct conv_geom {
    std::int32_t n, ih, iw, ic, oh, ow, oc;
    std::int32_t kh, kw, sh, sw, dh, dw, pt, pl;
    std::int32_t groups, icg, ocg; ///< group count, input and output channels per group
};

/// Effective clamp: the activation range intersected with Out's range; invalid_range when empty or inverted.
template <class Out>
constexpr status effective_clamp(std::int32_t act_min, std::int32_t act_max, std::int32_t& lo,
                                 std::int32_t& hi) noexcept {
    if (act_min > act_max) return status::invalid_range;
    constexpr std::int32_t tmin = std::numeric_limits<Out>::min();
    constexpr std::int32_t tmax = std::numeric_limits<Out>::max();
    if (act_min > tmax || act_max < tmin) return status::invalid_range;
    lo = act_min < tmin ? tmin : act_min;
    hi = act_max > tmax ? tmax : act_max;
    return status::ok;
}

/// edgekern::requantize with a short path for the common double-rounding case shift <= 0 (no left shift).
/// With multiplier >= 0 there is no saturation case, and the truncating (ab + nudge) / 2^31 of SRDHM equals
/// floor((ab + 2^30) / 2^31) for both signs of ab (for ab < 0: trunc(x / 2^31) = floor((x + 2^31 - 1) / 2^31)
/// with x = ab + 1 - 2^30). Bit-identical to requantize (tests/kernels/conv: "fast requantization").
constexpr std::int32_t conv_requantize_fast(std::int32_t acc, std::int32_t multiplier, std::int32_t shift,
                                            rounding_mode mode) noexcept {
    if (mode != rounding_mode::double_rounding || shift > 0 || multiplier < 0)
        return requantize(acc, multiplier, shift, mode);
    const std::int64_t ab = std::int64_t{acc} * multiplier;
    const std::int32_t t = static_cast<std::int32_t>((ab + (std::int64_t{1} << 30)) >> 31);
    const int right = -shift;
    const std::int32_t mask = static_cast<std::int32_t>((std::uint32_t{1} << right) - 1u); // right <= 31
    const std::int32_t rem = t & mask;
    const std::int32_t threshold = (mask >> 1) + (t < 0 ? 1 : 0);
    return (t >> right) + (rem > threshold ? 1 : 0);
}

/// Epilogue of the int32-accumulator paths (s8, and s16x8 with int32 bias): bias, requantize, zero point, clamp.
template <class Out>
struct epilogue_s32 {
    const std::int32_t* bias;
    const std::int32_t* multiplier;
    const std::int32_t* shift;
    bool per_channel;
    std::int32_t output_zero_point, lo, hi;
    rounding_mode mode;
    Out* out;
    EDGEKERN_FORCE_INLINE void operator()(std::int32_t acc, std::int32_t oc, std::size_t index) const noexcept {
        const std::size_t q = per_channel ? uz(oc) : 0u;
        if (bias != nullptr) acc = wrap_add_s32(acc, bias[oc]);
        std::int32_t v = wrap_add_s32(conv_requantize_fast(acc, multiplier[q], shift[q], mode), output_zero_point);
        v = v < lo ? lo : (v > hi ? hi : v);
        out[index] = static_cast<Out>(v);
    }
};

/// Epilogue of the s16x8 int64 path (TFLite: 16-bit reduced multiplier, the int32 result saturated, then clamp).
struct epilogue_s64 {
    const std::int64_t* bias;
    const std::int32_t* multiplier;
    const std::int32_t* shift;
    bool per_channel;
    std::int32_t lo, hi;
    std::int16_t* out;
    EDGEKERN_FORCE_INLINE void operator()(std::int64_t acc, std::int32_t oc, std::size_t index) const noexcept {
        const std::size_t q = per_channel ? uz(oc) : 0u;
        if (bias != nullptr) acc = wrap_add_s64(acc, bias[oc]);
        std::int32_t v = requantize_16x8_int64(acc, multiplier[q], shift[q]);
        v = v < lo ? lo : (v > hi ? hi : v);
        out[index] = static_cast<std::int16_t>(v);
    }
};

/// Epilogue of the float path: bias, clamp.
struct epilogue_f32 {
    const float* bias;
    float lo, hi;
    float* out;
    EDGEKERN_FORCE_INLINE void operator()(float acc, std::int32_t oc, std::size_t index) const noexcept {
        if (bias != nullptr) acc += bias[oc];
        acc = acc < lo ? lo : (acc > hi ? hi : acc);
        out[index] = acc;
    }
};

/// Algorithm chosen for a conv2d call. The scratch size and the run use the same choice (conv2d_select).
enum class conv2d_algo : std::uint8_t { direct, pointwise, gemm_vnni, gemm_dsp, gemm_sdot };

constexpr bool is_pointwise(const conv_geom& g) noexcept {
    return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.groups == 1 &&
           g.oh == g.ih && g.ow == g.iw;
}

/// Scalar (and every backend without a faster s8 conv): direct loops, with the 1x1 fast path.
constexpr conv2d_algo conv2d_select(const conv_geom& g, arch::scalar) noexcept {
    return is_pointwise(g) ? conv2d_algo::pointwise : conv2d_algo::direct;
}

/// Direct convolution, NHWC input, OHWI filter ([oc][kh][kw][ic/groups]), grouped.
/// Accumulates acc = sum w * (x + input_offset) over in-bounds taps (padding taps contribute 0), then calls
/// epi(acc, oc, out_index). Acc is int32 (s8, within conv_s8_max_reduction), int64 (s16) or float.
template <class In, class W, class Acc, class Epi>
inline void conv_direct(const conv_geom& g, const In* input, const W* filter, Acc input_offset, Epi&& epi) noexcept {
    const std::size_t ksz = uz(g.kh) * uz(g.kw) * uz(g.icg);
    for (std::int32_t b = 0; b < g.n; ++b) {
        const In* in_b = input + uz(b) * uz(g.ih) * uz(g.iw) * uz(g.ic);
        for (std::int32_t oy = 0; oy < g.oh; ++oy) {
            const std::int32_t iy0 = oy * g.sh - g.pt;
            for (std::int32_t ox = 0; ox < g.ow; ++ox) {
                const std::int32_t ix0 = ox * g.sw - g.pl;
                const std::size_t out_base = ((uz(b) * uz(g.oh) + uz(oy)) * uz(g.ow) + uz(ox)) * uz(g.oc);
                for (std::int32_t oc = 0; oc < g.oc; ++oc) {
                    const std::int32_t grp = oc / g.ocg;
                    const W* f = filter + uz(oc) * ksz;
                    Acc acc = 0;
                    for (std::int32_t ky = 0; ky < g.kh; ++ky) {
                        const std::int32_t iy = iy0 + ky * g.dh;
                        if (iy < 0 || iy >= g.ih) continue;
                        for (std::int32_t kx = 0; kx < g.kw; ++kx) {
                            const std::int32_t ix = ix0 + kx * g.dw;
                            if (ix < 0 || ix >= g.iw) continue;
                            const In* x = in_b + (uz(iy) * uz(g.iw) + uz(ix)) * uz(g.ic) + uz(grp) * uz(g.icg);
                            const W* w = f + (uz(ky) * uz(g.kw) + uz(kx)) * uz(g.icg);
                            for (std::int32_t c = 0; c < g.icg; ++c)
                                acc += static_cast<Acc>(w[c]) * (static_cast<Acc>(x[c]) + input_offset);
                        }
                    }
                    epi(acc, oc, out_base + uz(oc));
                }
            }
        }
    }
}

/// Pointwise (1x1, stride 1, no padding, one group) convolution: a [pixels x ic] x [oc x ic]^T product.
template <class In, class W, class Acc, class Epi>
inline void conv_pointwise(std::size_t pixels, std::size_t ic, std::size_t oc, const In* input, const W* filter,
                           Acc input_offset, Epi&& epi) noexcept {
    for (std::size_t p = 0; p < pixels; ++p) {
        const In* x = input + p * ic;
        for (std::size_t o = 0; o < oc; ++o) {
            const W* w = filter + o * ic;
            Acc acc = 0;
            for (std::size_t c = 0; c < ic; ++c)
                acc += static_cast<Acc>(w[c]) * (static_cast<Acc>(x[c]) + input_offset);
            epi(acc, static_cast<std::int32_t>(o), p * oc + o);
        }
    }
}

/// Depthwise convolution: filter [1][kh][kw][oc], oc = ic * depth_multiplier, output channel o reads input
/// channel o / depth_multiplier. Output channels run in chunks of 64 accumulators on the stack with the channel
/// loop innermost (the compiler vectorises it on SIMD targets); no scratch.
template <class In, class W, class Acc, class Epi>
inline void depthwise_direct(const conv_geom& g, const In* input, const W* filter, Acc input_offset,
                             Epi&& epi) noexcept {
    constexpr std::int32_t chunk = 64;
    const std::int32_t dm = g.ocg;
    Acc acc[chunk];
    for (std::int32_t b = 0; b < g.n; ++b) {
        const In* in_b = input + uz(b) * uz(g.ih) * uz(g.iw) * uz(g.ic);
        for (std::int32_t oy = 0; oy < g.oh; ++oy) {
            const std::int32_t iy0 = oy * g.sh - g.pt;
            for (std::int32_t ox = 0; ox < g.ow; ++ox) {
                const std::int32_t ix0 = ox * g.sw - g.pl;
                const std::size_t out_base = ((uz(b) * uz(g.oh) + uz(oy)) * uz(g.ow) + uz(ox)) * uz(g.oc);
                for (std::int32_t o0 = 0; o0 < g.oc; o0 += chunk) {
                    const std::int32_t len = g.oc - o0 < chunk ? g.oc - o0 : chunk;
                    for (std::int32_t j = 0; j < len; ++j) acc[j] = 0;
                    for (std::int32_t ky = 0; ky < g.kh; ++ky) {
                        const std::int32_t iy = iy0 + ky * g.dh;
                        if (iy < 0 || iy >= g.ih) continue;
                        for (std::int32_t kx = 0; kx < g.kw; ++kx) {
                            const std::int32_t ix = ix0 + kx * g.dw;
                            if (ix < 0 || ix >= g.iw) continue;
                            const In* x = in_b + (uz(iy) * uz(g.iw) + uz(ix)) * uz(g.ic);
                            const W* w = filter + (uz(ky) * uz(g.kw) + uz(kx)) * uz(g.oc) + uz(o0);
                            if (dm == 1) {
                                const In* xc = x + o0;
                                for (std::int32_t j = 0; j < len; ++j)
                                    acc[j] += static_cast<Acc>(w[j]) * (static_cast<Acc>(xc[j]) + input_offset);
                            } else {
                                for (std::int32_t j = 0; j < len; ++j)
                                    acc[j] +=
                                        static_cast<Acc>(w[j]) * (static_cast<Acc>(x[(o0 + j) / dm]) + input_offset);
                            }
                        }
                    }
                    for (std::int32_t j = 0; j < len; ++j) epi(acc[j], o0 + j, out_base + uz(o0 + j));
                }
            }
        }
    }
}

} // namespace detail
EDGEKERN_NAMESPACE_END
