// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/pooling.hpp: average and max 2-D pooling over NHWC tensors (s8, s16, f32), TFLite-exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/conv2d/common.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Parameters of avg_pool2d / max_pool2d. Input NHWC [batch][in_h][in_w][channels], output
/// [batch][out_h][out_w][channels]; input and output share scale and zero point (TFLite), so no requantization.
/// Ranges: dims >= 1; filter >= 1; stride >= 1; explicit pads in [0, filter) so that no window lies entirely in
/// the padding; out_h/out_w must match the geometry (conv2d_output_extent with dilation 1).
struct pool2d_params {
    std::int32_t batch = 1;
    std::int32_t in_h = 0, in_w = 0, channels = 0;
    std::int32_t out_h = 0, out_w = 0;
    std::int32_t filter_h = 1, filter_w = 1;
    std::int32_t stride_h = 1, stride_w = 1;
    padding_kind padding = padding_kind::valid;
    std::int32_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
    std::int32_t act_min = std::numeric_limits<std::int32_t>::min(); ///< integer clamp (intersected with type)
    std::int32_t act_max = std::numeric_limits<std::int32_t>::max();
    float float_min = -std::numeric_limits<float>::infinity();
    float float_max = std::numeric_limits<float>::infinity();
};
using avg_pool2d_params = pool2d_params;
using max_pool2d_params = pool2d_params;

namespace detail {

struct pool_geom {
    std::int32_t n, ih, iw, c, oh, ow, fh, fw, sh, sw, pt, pl;
};

template <class T>
inline status check_pool(const pool2d_params& p, span<const T> input, span<T> output, pool_geom& g) noexcept {
    if (input.empty() || output.empty()) return status::null_buffer;
    if (p.batch <= 0 || p.in_h <= 0 || p.in_w <= 0 || p.channels <= 0 || p.out_h <= 0 || p.out_w <= 0 ||
        p.filter_h <= 0 || p.filter_w <= 0 || p.stride_h <= 0 || p.stride_w <= 0)
        return status::invalid_shape;
    if (p.padding == padding_kind::explicit_pad &&
        (p.pad_top < 0 || p.pad_bottom < 0 || p.pad_left < 0 || p.pad_right < 0 || p.pad_top >= p.filter_h ||
         p.pad_bottom >= p.filter_h || p.pad_left >= p.filter_w || p.pad_right >= p.filter_w))
        return status::invalid_shape;
    if (std::int64_t{p.filter_h} * p.filter_w > (std::int64_t{1} << 16)) return status::headroom_exceeded;
    std::size_t in_size = 0, out_size = 0;
    if (!checked_product(in_size, uz(p.batch), uz(p.in_h), uz(p.in_w), uz(p.channels)) ||
        !checked_product(out_size, uz(p.batch), uz(p.out_h), uz(p.out_w), uz(p.channels)))
        return status::invalid_shape;
    std::int32_t oh = 0, ow = 0, pt = 0, pl = 0;
    if (!conv_axis(p.in_h, p.filter_h, p.stride_h, 1, p.padding, p.pad_top, p.pad_bottom, oh, pt) ||
        !conv_axis(p.in_w, p.filter_w, p.stride_w, 1, p.padding, p.pad_left, p.pad_right, ow, pl))
        return status::invalid_shape;
    if (oh != p.out_h || ow != p.out_w) return status::shape_mismatch;
    if (input.size() < in_size) return status::shape_mismatch;
    g = pool_geom{p.batch, p.in_h, p.in_w, p.channels, oh, ow, p.filter_h, p.filter_w, p.stride_h, p.stride_w, pt, pl};
    if (output.size() < out_size) return status::buffer_too_small;
    if (overlaps(output, input)) return status::aliasing;
    return status::ok;
}

template <class T>
constexpr status pool_clamp(const pool2d_params& p, std::int32_t& lo, std::int32_t& hi) noexcept {
    if (p.act_min > p.act_max) return status::invalid_range;
    constexpr std::int32_t tmin = std::numeric_limits<T>::min(), tmax = std::numeric_limits<T>::max();
    if (p.act_min > tmax || p.act_max < tmin) return status::invalid_range;
    lo = p.act_min < tmin ? tmin : p.act_min;
    hi = p.act_max > tmax ? tmax : p.act_max;
    return status::ok;
}

/// Walks every output pixel; f(window y0, y1, x0, x1 (clipped), in pixel row pointer base, out index base).
template <class T, class F>
inline void pool_walk(const pool_geom& g, const T* input, F&& f) noexcept {
    for (std::int32_t b = 0; b < g.n; ++b)
        for (std::int32_t oy = 0; oy < g.oh; ++oy) {
            const std::int32_t ys = oy * g.sh - g.pt;
            const std::int32_t y0 = ys < 0 ? 0 : ys, y1 = ys + g.fh > g.ih ? g.ih : ys + g.fh;
            for (std::int32_t ox = 0; ox < g.ow; ++ox) {
                const std::int32_t xs = ox * g.sw - g.pl;
                const std::int32_t x0 = xs < 0 ? 0 : xs, x1 = xs + g.fw > g.iw ? g.iw : xs + g.fw;
                const T* in_b = input + uz(b) * uz(g.ih) * uz(g.iw) * uz(g.c);
                const std::size_t out_base = ((uz(b) * uz(g.oh) + uz(oy)) * uz(g.ow) + uz(ox)) * uz(g.c);
                f(in_b, y0, y1, x0, x1, out_base);
            }
        }
}

/// Integer average: TFLite rounds half away from zero: (sum +- count/2) / count with truncating division.
template <class T>
inline void avg_pool_int(const pool_geom& g, const T* input, std::int32_t lo, std::int32_t hi, T* output) noexcept {
    pool_walk(
        g, input,
        [&](const T* in_b, std::int32_t y0, std::int32_t y1, std::int32_t x0, std::int32_t x1, std::size_t out_base) {
            const std::int32_t count = (y1 - y0) * (x1 - x0);
            for (std::int32_t c0 = 0; c0 < g.c; c0 += 64) {
                const std::int32_t len = g.c - c0 < 64 ? g.c - c0 : 64;
                std::int32_t sum[64];
                for (std::int32_t j = 0; j < len; ++j) sum[j] = 0;
                for (std::int32_t y = y0; y < y1; ++y)
                    for (std::int32_t x = x0; x < x1; ++x) {
                        const T* px = in_b + (uz(y) * uz(g.iw) + uz(x)) * uz(g.c) + uz(c0);
                        for (std::int32_t j = 0; j < len; ++j) sum[j] += px[j];
                    }
                for (std::int32_t j = 0; j < len; ++j) {
                    std::int32_t a = sum[j] > 0 ? (sum[j] + count / 2) / count : (sum[j] - count / 2) / count;
                    a = a < lo ? lo : (a > hi ? hi : a);
                    output[out_base + uz(c0 + j)] = static_cast<T>(a);
                }
            }
        });
}

template <class T, class Clamp>
inline void max_pool_any(const pool_geom& g, const T* input, Clamp&& clamp, T* output) noexcept {
    pool_walk(
        g, input,
        [&](const T* in_b, std::int32_t y0, std::int32_t y1, std::int32_t x0, std::int32_t x1, std::size_t out_base) {
            for (std::int32_t c = 0; c < g.c; ++c) {
                T m = in_b[(uz(y0) * uz(g.iw) + uz(x0)) * uz(g.c) + uz(c)];
                for (std::int32_t y = y0; y < y1; ++y)
                    for (std::int32_t x = x0; x < x1; ++x) {
                        const T v = in_b[(uz(y) * uz(g.iw) + uz(x)) * uz(g.c) + uz(c)];
                        m = v > m ? v : m;
                    }
                output[out_base + uz(c)] = clamp(m);
            }
        });
}

} // namespace detail

/// Scratch bytes of the pooling kernels: none.
template <class Arch = arch::default_arch>
constexpr std::size_t pool2d_scratch_size(const pool2d_params&, Arch = {}) noexcept {
    return 0;
}

/// Average pooling, s8 or s16 (TFLite AveragePool): mean of the in-bounds taps of each window (padding taps are
/// not counted), rounded half away from zero, clamped to [act_min, act_max] intersected with the type range.
/// @return ok, null_buffer, invalid_shape, shape_mismatch, headroom_exceeded (window > 2^16 taps),
///         invalid_range, buffer_too_small or aliasing; output untouched on error.
/// Numerics: exact int32 sum (|sum| <= 2^16 * 2^15); one rounding.
template <class T, class Arch = arch::default_arch,
          class = std::enable_if_t<std::is_same<T, std::int8_t>::value || std::is_same<T, std::int16_t>::value>>
status avg_pool2d(const pool2d_params& p, span<const T> input, span<T> output, Arch = {}) noexcept {
    detail::pool_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::pool_clamp<T>(p, lo, hi));
    EDGEKERN_TRY(detail::check_pool(p, input, output, g));
    detail::avg_pool_int(g, input.data(), lo, hi, output.data());
    return status::ok;
}

/// Average pooling, float: sum / count of the in-bounds taps, clamped to [float_min, float_max].
/// Numerics: float sum in window order, one division; |err| <= count * 2^-24 * max |x| vs float64.
template <class Arch = arch::default_arch>
status avg_pool2d(const pool2d_params& p, span<const float> input, span<float> output, Arch = {}) noexcept {
    if (!(p.float_min <= p.float_max)) return status::invalid_range;
    detail::pool_geom g{};
    EDGEKERN_TRY(detail::check_pool(p, input, output, g));
    float* out = output.data();
    detail::pool_walk(
        g, input.data(),
        [&](const float* in_b, std::int32_t y0, std::int32_t y1, std::int32_t x0, std::int32_t x1,
            std::size_t out_base) {
            const float count = static_cast<float>((y1 - y0) * (x1 - x0));
            for (std::int32_t c = 0; c < g.c; ++c) {
                float s = 0.0f;
                for (std::int32_t y = y0; y < y1; ++y)
                    for (std::int32_t x = x0; x < x1; ++x)
                        s += in_b[(detail::uz(y) * detail::uz(g.iw) + detail::uz(x)) * detail::uz(g.c) + detail::uz(c)];
                float a = s / count;
                a = a < p.float_min ? p.float_min : (a > p.float_max ? p.float_max : a);
                out[out_base + detail::uz(c)] = a;
            }
        });
    return status::ok;
}

/// Max pooling, s8 or s16 (TFLite MaxPool): max of the in-bounds taps, clamped.
/// @return as avg_pool2d. Numerics: exact.
template <class T, class Arch = arch::default_arch,
          class = std::enable_if_t<std::is_same<T, std::int8_t>::value || std::is_same<T, std::int16_t>::value>>
status max_pool2d(const pool2d_params& p, span<const T> input, span<T> output, Arch = {}) noexcept {
    detail::pool_geom g{};
    std::int32_t lo = 0, hi = 0;
    EDGEKERN_TRY(detail::pool_clamp<T>(p, lo, hi));
    EDGEKERN_TRY(detail::check_pool(p, input, output, g));
    detail::max_pool_any(
        g, input.data(), [lo, hi](T v) { return static_cast<T>(v < lo ? lo : (v > hi ? hi : std::int32_t{v})); },
        output.data());
    return status::ok;
}

/// Max pooling, float, clamped to [float_min, float_max]. Numerics: exact (NaN inputs are not propagated).
template <class Arch = arch::default_arch>
status max_pool2d(const pool2d_params& p, span<const float> input, span<float> output, Arch = {}) noexcept {
    if (!(p.float_min <= p.float_max)) return status::invalid_range;
    detail::pool_geom g{};
    EDGEKERN_TRY(detail::check_pool(p, input, output, g));
    const float lo = p.float_min, hi = p.float_max;
    detail::max_pool_any(
        g, input.data(), [lo, hi](float v) { return v < lo ? lo : (v > hi ? hi : v); }, output.data());
    return status::ok;
}

EDGEKERN_NAMESPACE_END
