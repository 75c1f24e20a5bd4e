// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/patches.hpp: streaming patch extraction (with per-patch normalization) and overlap-averaged
// reconstruction, the glue between images and sparse coding.
//
// A patch_grid places patch_h x patch_w windows at (py * stride_y, px * stride_x) for py < rows, px < cols, where
// rows = (height - patch_h) / stride_y + 1 (windows never leave the image; with a stride that does not tile the
// image the last columns/rows of pixels are not covered). Patches are numbered row-major over the grid:
// index = py * cols + px. Extraction works on any range [first, first + count) of that numbering, so a caller can
// stream an image through a small tile buffer: no patch matrix of the whole image is ever materialized.
// A patch is stored row-major (patch_h rows of patch_w floats): the layout of scikit-learn's
// extract_patches_2d(...).reshape(n, -1) for a single-channel image.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Geometry of a grid of patches over a single-channel image.
struct patch_grid {
    std::size_t height = 0;   ///< image rows, >= patch_h
    std::size_t width = 0;    ///< image columns, >= patch_w
    std::size_t patch_h = 0;  ///< >= 1
    std::size_t patch_w = 0;  ///< >= 1
    std::size_t stride_y = 1; ///< >= 1
    std::size_t stride_x = 1; ///< >= 1

    constexpr bool valid() const noexcept {
        return patch_h >= 1 && patch_w >= 1 && stride_y >= 1 && stride_x >= 1 && height >= patch_h && width >= patch_w;
    }
    constexpr std::size_t rows() const noexcept { return valid() ? (height - patch_h) / stride_y + 1 : 0; }
    constexpr std::size_t cols() const noexcept { return valid() ? (width - patch_w) / stride_x + 1 : 0; }
    constexpr std::size_t count() const noexcept { return rows() * cols(); }
    constexpr std::size_t patch_size() const noexcept { return patch_h * patch_w; }
};

/// What extraction does to each patch after reading it (values are first multiplied by patch_params::scale).
enum class patch_normalization : std::uint8_t {
    none,        ///< x
    remove_mean, ///< x - mean(x); the mean is reported as the patch offset
    contrast,    ///< (x - mean(x)) / sqrt(var(x) + contrast_eps); offset = mean, gain = sqrt(var + eps)
};

struct patch_params {
    patch_normalization normalization = patch_normalization::remove_mean;
    float scale = 1.0f;         ///< pixel values are multiplied by this first (e.g. 1/255), finite
    float contrast_eps = 1e-4f; ///< > 0, in squared (scaled) pixel units; keeps flat patches finite
};

namespace detail {

inline status patch_check_grid(const patch_grid& g) noexcept {
    if (g.patch_h == 0 || g.patch_w == 0 || g.height == 0 || g.width == 0) return status::invalid_shape;
    if (g.stride_y == 0 || g.stride_x == 0) return status::invalid_argument;
    if (g.height < g.patch_h || g.width < g.patch_w) return status::shape_mismatch;
    std::size_t n = 0;
    if (!checked_mul(g.height, g.width, n)) return status::invalid_shape;
    return status::ok;
}

inline status patch_check_range(const patch_grid& g, std::size_t first, std::size_t count) noexcept {
    if (count == 0) return status::invalid_shape;
    if (first > g.count() || count > g.count() - first) return status::invalid_argument;
    return status::ok;
}

/// Number of grid positions i < n whose window [i*s, i*s + p) contains coordinate y.
constexpr std::size_t patch_cover(std::size_t y, std::size_t p, std::size_t s, std::size_t n) noexcept {
    const std::size_t hi = y / s < n - 1 ? y / s : n - 1;           // last i with i*s <= y
    const std::size_t lo = y + 1 > p ? (y + 1 - p + s - 1) / s : 0; // first i with i*s + p > y
    return hi >= lo && lo * s <= y ? hi - lo + 1 : 0;
}

} // namespace detail

/// Extracts patches [first, first + count) of the grid from `image` into `patches` (count x patch_size floats),
/// normalizing each as `p.normalization` says.
/// @param image      single-channel image, row r starts at image[r * row_stride]; Pixel is uint8_t, int16_t or
///                   float. @pre row_stride >= width; image.size() >= (height - 1) * row_stride + width.
/// @param offsets    empty, or >= count floats: the subtracted mean of each patch (0 for `none`).
/// @param gains      empty, or >= count floats: the divisor of each patch (1 unless `contrast`).
/// Numerics: mean and variance in float, two passes over the patch; contrast gain sqrt(var + eps) with var the
/// population variance. reconstruct(x') = x' * gain + offset undoes it up to float rounding.
/// @return ok; invalid_shape (zero dims, count 0); invalid_argument (stride 0, range beyond the grid, eps <= 0);
///         shape_mismatch (patch larger than the image, row_stride < width, image too short); buffer_too_small;
///         non_finite (scale, eps or a float pixel not finite); null_buffer; aliasing. Outputs untouched on error.
template <class Pixel, class Arch = arch::default_arch>
status extract_patches(span<const Pixel> image, std::size_t row_stride, const patch_grid& g, const patch_params& p,
                       std::size_t first, std::size_t count, span<float> patches, span<float> offsets,
                       span<float> gains, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::patch_check_grid(g));
    EDGEKERN_TRY(detail::patch_check_range(g, first, count));
    if (!std::isfinite(p.scale) || !std::isfinite(p.contrast_eps)) return status::non_finite;
    if (p.normalization == patch_normalization::contrast && !(p.contrast_eps > 0.0f)) return status::invalid_argument;
    if (image.data() == nullptr || patches.data() == nullptr) return status::null_buffer;
    if (row_stride < g.width) return status::shape_mismatch;
    std::size_t img_need = 0, out_need = 0;
    if (!checked_mul(g.height - 1, row_stride, img_need) || !checked_add(img_need, g.width, img_need))
        return status::invalid_shape;
    if (image.size() < img_need) return status::shape_mismatch;
    const std::size_t ps = g.patch_size();
    if (!checked_mul(count, ps, out_need)) return status::invalid_shape;
    if (patches.size() < out_need) return status::buffer_too_small;
    if ((!offsets.empty() && offsets.size() < count) || (!gains.empty() && gains.size() < count))
        return status::buffer_too_small;
    const span<float> out(patches.data(), out_need), off = offsets.first(count), gn = gains.first(count);
    if (overlaps(out, image) || overlaps(off, image) || overlaps(gn, image) || overlaps(out, off) ||
        overlaps(out, gn) || overlaps(off, gn))
        return status::aliasing;
    const std::size_t cols = g.cols();
    const Pixel* img = image.data();
    if (!std::is_integral<Pixel>::value) {
        for (std::size_t q = first; q < first + count; ++q) {
            const Pixel* src = img + (q / cols) * g.stride_y * row_stride + (q % cols) * g.stride_x;
            for (std::size_t y = 0; y < g.patch_h; ++y)
                for (std::size_t x = 0; x < g.patch_w; ++x)
                    if (!std::isfinite(static_cast<float>(src[y * row_stride + x]))) return status::non_finite;
        }
    }
    const float inv_n = 1.0f / static_cast<float>(ps);
    for (std::size_t c = 0; c < count; ++c) {
        const std::size_t q = first + c;
        const Pixel* src = img + (q / cols) * g.stride_y * row_stride + (q % cols) * g.stride_x;
        float* dst = out.data() + c * ps;
        float sum = 0.0f;
        for (std::size_t y = 0; y < g.patch_h; ++y)
            for (std::size_t x = 0; x < g.patch_w; ++x) {
                const float v = static_cast<float>(src[y * row_stride + x]) * p.scale;
                dst[y * g.patch_w + x] = v;
                sum += v;
            }
        float mean = 0.0f, gain = 1.0f;
        if (p.normalization != patch_normalization::none) {
            mean = sum * inv_n;
            float var = 0.0f;
            for (std::size_t i = 0; i < ps; ++i) {
                dst[i] -= mean;
                var += dst[i] * dst[i];
            }
            if (p.normalization == patch_normalization::contrast) {
                gain = std::sqrt(var * inv_n + p.contrast_eps);
                const float inv = 1.0f / gain;
                for (std::size_t i = 0; i < ps; ++i) dst[i] *= inv;
            }
        }
        if (!off.empty()) off[c] = mean;
        if (!gn.empty()) gn[c] = gain;
    }
    return status::ok;
}

/// Adds patches [first, first + count) back into `accum` (height x width floats, row stride width), undoing the
/// normalization: pixel += patch * gain + offset. Call it for every range, then patches_average.
/// @param offsets, gains empty (offset 0, gain 1) or >= count floats, as produced by extract_patches.
/// @return ok; invalid_shape; invalid_argument; shape_mismatch (accum.size() != height * width, patch larger
///         than image); buffer_too_small (patches shorter than count * patch_size); null_buffer; aliasing.
template <class Arch = arch::default_arch>
status patches_accumulate(span<const float> patches, const patch_grid& g, std::size_t first, std::size_t count,
                          span<const float> offsets, span<const float> gains, span<float> accum, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::patch_check_grid(g));
    EDGEKERN_TRY(detail::patch_check_range(g, first, count));
    if (patches.data() == nullptr || accum.data() == nullptr) return status::null_buffer;
    if (accum.size() != g.height * g.width) return status::shape_mismatch;
    const std::size_t ps = g.patch_size();
    std::size_t need = 0;
    if (!checked_mul(count, ps, need)) return status::invalid_shape;
    if (patches.size() < need) return status::buffer_too_small;
    if ((!offsets.empty() && offsets.size() < count) || (!gains.empty() && gains.size() < count))
        return status::buffer_too_small;
    if (overlaps(accum, patches) || overlaps(accum, offsets) || overlaps(accum, gains)) return status::aliasing;
    const std::size_t cols = g.cols();
    for (std::size_t c = 0; c < count; ++c) {
        const std::size_t q = first + c;
        float* dst = accum.data() + (q / cols) * g.stride_y * g.width + (q % cols) * g.stride_x;
        const float* src = patches.data() + c * ps;
        const float off = offsets.empty() ? 0.0f : offsets[c];
        const float gain = gains.empty() ? 1.0f : gains[c];
        for (std::size_t y = 0; y < g.patch_h; ++y)
            for (std::size_t x = 0; x < g.patch_w; ++x) dst[y * g.width + x] += src[y * g.patch_w + x] * gain + off;
    }
    return status::ok;
}

/// Divides every pixel of `accum` by the number of grid patches covering it (overlap averaging). Pixels no patch
/// covers (right/bottom margins when the stride does not tile the image) are set to 0.
/// Numerics: one float division per pixel by an exact small integer.
/// @return ok; invalid_shape; invalid_argument; shape_mismatch; null_buffer.
template <class Arch = arch::default_arch>
status patches_average(const patch_grid& g, span<float> accum, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::patch_check_grid(g));
    if (accum.data() == nullptr) return status::null_buffer;
    if (accum.size() != g.height * g.width) return status::shape_mismatch;
    const std::size_t rows = g.rows(), cols = g.cols();
    for (std::size_t y = 0; y < g.height; ++y) {
        const std::size_t cy = detail::patch_cover(y, g.patch_h, g.stride_y, rows);
        for (std::size_t x = 0; x < g.width; ++x) {
            const std::size_t c = cy * detail::patch_cover(x, g.patch_w, g.stride_x, cols);
            float& v = accum[y * g.width + x];
            v = c == 0 ? 0.0f : v / static_cast<float>(c);
        }
    }
    return status::ok;
}

EDGEKERN_NAMESPACE_END
