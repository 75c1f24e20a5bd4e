// SPDX-License-Identifier: Apache-2.0
// edgekern/pipelines/sparse_inspection.hpp: sparse-modeling visual inspection (learn "normal" patches, flag and box
// what a sparse code over the learned dictionary cannot reconstruct), heap-free.
//
// How it works (docs/pipelines.md has pictures):
//   1. The image is box-downsampled by `scale` (1..8) on the fly, band by band: no image-sized buffer is needed.
//   2. Patches of PatchSize x PatchSize (downsampled) pixels are taken on a grid of `stride` pixels; each patch has
//      its mean removed (so lighting offsets and slow drift do not matter) and is sparse-coded with OMP over the
//      dictionary (Atoms unit atoms, at most Sparsity non-zeros). Its squared residual ||x - D c||^2 is the raw
//      anomaly of that grid cell. A texture shifted by a few pixels is still made of the same patches, so small
//      misalignments between images change nothing.
//   3. The residual grid is smoothed with a 2 x 2 box (cells overlap, so a defect covers several) and mapped to a
//      calibrated heat h = max(0, (r - mean) / (threshold - mean)), with mean and threshold measured on the
//      training images: h >= 1 is anomalous. Image score = h_max / (1 + h_max) in [0, 1); 0.5 is the threshold.
//   4. Regions grow by hysteresis: 8-connected cells with h >= 0.5 around cells with h >= 1. They form the binary
//      mask and become bounding boxes (a fixed maximum, strongest first).
// Training (sparse_inspection_train) samples patches from N normal images, learns the dictionary (approximate
// K-SVD of kernels/dictionary_learning.hpp on Batch-OMP codes), then runs step 2-3 on every training image to measure
// the residual statistics.
//
// Model file format (sparse_inspection_save / _load), little-endian, all fields 4 bytes:
//   "EKSI" magic | u32 format version (1) | u32 patch | u32 atoms | u32 sparsity | u32 scale | u32 stride |
//   f32 residual_mean | f32 image_max_mean | f32 image_max_std | f32 train_max | f32 threshold |
//   f32 dictionary[atoms * patch^2] |
//   u32 CRC-32 (IEEE, of every preceding byte). The Gram matrix is recomputed on load.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/dictionary_learning.hpp"
#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// A caller-owned grayscale image: `height` rows of `width` pixels, row r starting at data + r * stride.
/// Pixel is std::uint8_t (0..255), std::uint16_t (0..65535) or float (any finite range; 1.0 ~ full scale).
template <class Pixel>
struct image_view {
    const Pixel* data = nullptr;
    std::size_t width = 0;
    std::size_t height = 0;
    std::size_t stride = 0; ///< elements between row starts; >= width
};

/// A bounding box of one anomalous region, in source-image pixels: [x0, x1) x [y0, y1).
struct inspection_box {
    std::uint32_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float peak = 0.0f;       ///< largest calibrated heat in the region (>= 1)
    std::uint32_t cells = 0; ///< grid cells in the region
};

/// Run-time settings of training. Defaults suit textures whose period is a few patches wide at the chosen scale.
struct sparse_inspection_train_params {
    std::uint32_t scale = 1;                ///< box-downsampling factor, 1..8
    std::uint32_t stride = 4;               ///< patch grid step in downsampled pixels, 1..PatchSize
    std::uint32_t samples_per_image = 1024; ///< patches sampled per training image for dictionary learning, >= 1
    std::uint32_t iterations = 15;          ///< dictionary-learning iterations, 1..100
    float threshold_sigmas = 3.5f; ///< threshold = max(train max, mean + sigmas * sd of the per-image maxima); 0..100
    std::uint64_t seed = 1;        ///< sampling and initialisation seed (the result is deterministic)
};

/// A trained model (sizes fixed at compile time; ~4 * Atoms * (PatchSize^2 + Atoms) bytes).
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity>
struct sparse_inspection_model {
    static_assert(PatchSize >= 2 && PatchSize <= 32, "PatchSize must be in [2, 32]");
    static_assert(Atoms >= 2 && Atoms <= 1024, "Atoms must be in [2, 1024]");
    static_assert(Sparsity >= 1 && Sparsity <= Atoms, "Sparsity must be in [1, Atoms]");
    static constexpr std::size_t patch = PatchSize;
    static constexpr std::size_t atoms = Atoms;
    static constexpr std::size_t sparsity = Sparsity;
    static constexpr std::size_t dim = PatchSize * PatchSize;

    std::uint32_t scale = 1;
    std::uint32_t stride = 4;
    float residual_mean = 0.0f;         ///< mean smoothed squared residual over the training images
    float image_max_mean = 0.0f;        ///< mean over the training images of their largest smoothed residual
    float image_max_std = 0.0f;         ///< standard deviation of those per-image maxima
    float train_max = 0.0f;             ///< largest smoothed squared residual seen in training
    float threshold = 0.0f;             ///< smoothed squared residual at which a cell becomes anomalous (heat 1)
    float dictionary[Atoms * dim] = {}; ///< Atoms rows of dim floats, unit norm (patches scaled to [0, 1] pixels)
    float gram[Atoms * Atoms] = {};     ///< dictionary * dictionary^T (derived)
};

/// What sparse_inspect found in one image.
struct sparse_inspection_result {
    float score = 0.0f;          ///< h_max / (1 + h_max), in [0, 1); >= 0.5 means anomalous
    bool anomalous = false;      ///< some cell reached heat 1
    float max_heat = 0.0f;       ///< h_max
    std::size_t regions = 0;     ///< connected anomalous regions found (may exceed the boxes returned)
    std::size_t boxes = 0;       ///< boxes written (min(regions, boxes.size()))
    std::size_t grid_width = 0;  ///< heat-map columns
    std::size_t grid_height = 0; ///< heat-map rows
};

/// Heat at which a cell joins a region grown from a cell of heat >= 1 (hysteresis, as in edge detectors).
constexpr float sparse_inspection_region_heat = 0.5f;

/// Heat-map geometry: cells per row/column for an image of `extent` pixels, or 0 when the image is smaller than
/// one (downsampled) patch or a parameter is 0.
constexpr std::size_t sparse_inspection_grid_extent(std::size_t extent, std::size_t patch, std::uint32_t scale,
                                                    std::uint32_t stride) noexcept {
    if (scale == 0 || stride == 0) return 0;
    const std::size_t down = extent / scale;
    return down < patch ? 0 : (down - patch) / stride + 1;
}

namespace detail {

constexpr std::size_t si_align(std::size_t n) noexcept {
    return (n + 15u) & ~std::size_t{15u};
}

/// Grid rows per OMP call: whole rows, at most 128 patches (or one row when a row is longer).
constexpr std::size_t si_batch_rows(std::size_t gw, std::size_t gh) noexcept {
    const std::size_t r = gw >= 128 ? 1 : 128 / gw;
    return r < gh ? r : gh;
}

/// Byte offsets of the inspect workspace.
struct si_layout {
    std::size_t gw, gh, rows, band, patches, codes, omp, grid, labels, total;
};

constexpr si_layout si_plan(std::size_t width, std::size_t height, std::size_t patch, std::size_t atoms,
                            std::uint32_t scale, std::uint32_t stride) noexcept {
    si_layout l{0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const std::size_t gw = sparse_inspection_grid_extent(width, patch, scale, stride);
    const std::size_t gh = sparse_inspection_grid_extent(height, patch, scale, stride);
    // Region labels store cell index + 3 in 32 bits: keep the grid below 2^30 cells.
    if (gw == 0 || gh == 0 || gw > (std::size_t{1} << 15) || gh > (std::size_t{1} << 15)) return l;
    const std::size_t dim = patch * patch, rows = si_batch_rows(gw, gh);
    std::size_t off = 0;
    l.gw = gw;
    l.gh = gh;
    l.rows = rows;
    l.band = off;
    off += si_align(patch * (width / scale) * sizeof(float)); // one band of downsampled rows
    // Capacity of one batch of grid rows: max(128, gw) patches, so a smaller image never needs more than a larger.
    const std::size_t cap = gw >= 128 ? gw : 128;
    l.patches = off;
    off += si_align(cap * dim * sizeof(float)); // patches of one batch of grid rows
    l.codes = off;
    off += si_align(cap * atoms * sizeof(float)); // their codes
    l.omp = off;
    off += si_align(omp_batch_scratch_size(atoms, dim) * sizeof(float)); // OMP workspace
    l.grid = off;
    off += si_align(gw * gh * sizeof(float)); // residual grid, then heat
    l.labels = off;
    off += si_align(gw * gh * sizeof(std::uint32_t)); // region labels
    l.total = off;
    return l;
}

/// Pixel -> float in "full scale = 1" units.
template <class Pixel>
struct si_pixel_scale;
template <>
struct si_pixel_scale<std::uint8_t> {
    static constexpr float value = 1.0f / 255.0f;
};
template <>
struct si_pixel_scale<std::uint16_t> {
    static constexpr float value = 1.0f / 65535.0f;
};
template <>
struct si_pixel_scale<float> {
    static constexpr float value = 1.0f;
};

template <class Pixel>
inline status si_check_image(const image_view<Pixel>& img, std::size_t patch, std::uint32_t scale,
                             std::uint32_t stride) noexcept {
    if (img.data == nullptr) return status::null_buffer;
    if (img.width == 0 || img.height == 0) return status::invalid_shape;
    if (img.stride < img.width) return status::invalid_argument;
    if (sparse_inspection_grid_extent(img.width, patch, scale, stride) == 0 ||
        sparse_inspection_grid_extent(img.height, patch, scale, stride) == 0)
        return status::invalid_shape;
    std::size_t n = 0;
    if (!checked_product(n, img.stride, img.height)) return status::invalid_shape;
    return status::ok;
}

template <class Pixel>
inline bool si_finite_image(const image_view<Pixel>& img) noexcept {
    if (!std::is_floating_point<Pixel>::value) return true;
    for (std::size_t y = 0; y < img.height; ++y)
        for (std::size_t x = 0; x < img.width; ++x)
            if (!std::isfinite(static_cast<float>(img.data[y * img.stride + x]))) return false;
    return true;
}

/// Fills `band` (patch rows of down_w floats) with downsampled rows [row0, row0 + patch) of the image.
template <class Pixel>
inline void si_fill_band(const image_view<Pixel>& img, std::uint32_t scale, std::size_t row0, std::size_t patch,
                         float* band) noexcept {
    const std::size_t down_w = img.width / scale;
    const float k = si_pixel_scale<Pixel>::value / static_cast<float>(scale * scale);
    for (std::size_t r = 0; r < patch; ++r) {
        float* out = band + r * down_w;
        const std::size_t y0 = (row0 + r) * scale;
        if (scale == 1) {
            const Pixel* in = img.data + y0 * img.stride;
            for (std::size_t x = 0; x < down_w; ++x) out[x] = static_cast<float>(in[x]) * k;
            continue;
        }
        for (std::size_t x = 0; x < down_w; ++x) out[x] = 0.0f;
        for (std::size_t dy = 0; dy < scale; ++dy) {
            const Pixel* in = img.data + (y0 + dy) * img.stride;
            for (std::size_t x = 0; x < down_w; ++x) {
                float s = 0.0f;
                for (std::size_t dx = 0; dx < scale; ++dx) s += static_cast<float>(in[x * scale + dx]);
                out[x] += s;
            }
        }
        for (std::size_t x = 0; x < down_w; ++x) out[x] *= k;
    }
}

/// Raw squared-residual grid (l.gw x l.gh) of an image into the workspace `ws` carved by si_plan.
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity, class Pixel, class Arch>
inline status si_residual_grid(const float* dictionary, const float* gram, std::uint32_t scale, std::uint32_t stride,
                               const image_view<Pixel>& img, const si_layout& l, std::uint8_t* ws, Arch arch) noexcept {
    constexpr std::size_t dim = PatchSize * PatchSize;
    const std::size_t down_w = img.width / scale, gw = l.gw, gh = l.gh;
    float* band = reinterpret_cast<float*>(ws + l.band);
    float* patches = reinterpret_cast<float*>(ws + l.patches);
    float* codes = reinterpret_cast<float*>(ws + l.codes);
    float* grid = reinterpret_cast<float*>(ws + l.grid);
    const span<float> omp_ws(reinterpret_cast<float*>(ws + l.omp), omp_batch_scratch_size(Atoms, dim));
    omp_params p;
    p.n_atoms = Atoms;
    p.dim = dim;
    p.n_nonzero = Sparsity;
    // One band = the PatchSize downsampled rows of one grid row; its patches are a 1-row patch grid.
    patch_grid pg;
    pg.height = PatchSize;
    pg.width = down_w;
    pg.patch_h = PatchSize;
    pg.patch_w = PatchSize;
    pg.stride_y = 1;
    pg.stride_x = stride;
    patch_params pp;
    pp.normalization = patch_normalization::remove_mean;
    for (std::size_t gy0 = 0; gy0 < gh; gy0 += l.rows) {
        const std::size_t rows = gh - gy0 < l.rows ? gh - gy0 : l.rows;
        for (std::size_t r = 0; r < rows; ++r) {
            si_fill_band(img, scale, (gy0 + r) * stride, PatchSize, band);
            EDGEKERN_TRY(extract_patches(span<const float>(band, PatchSize * down_w), down_w, pg, pp, 0, gw,
                                         span<float>(patches + r * gw * dim, gw * dim), span<float>(), span<float>(),
                                         arch));
        }
        EDGEKERN_TRY((omp_encode_batch<Atoms, Sparsity>(
            span<const float>(dictionary, Atoms * dim), span<const float>(gram, Atoms * Atoms),
            span<const float>(patches, rows * gw * dim), rows * gw, p, span<float>(codes, rows * gw * Atoms),
            span<float>(grid + gy0 * gw, rows * gw), omp_ws, arch)));
    }
    return status::ok;
}

/// In-place 2 x 2 box smoothing (each cell averaged with its right, lower and lower-right neighbours, clamped at
/// the border): cells overlap, so a real defect raises a neighbourhood while noise raises single cells.
inline void si_smooth(float* grid, std::size_t gw, std::size_t gh) noexcept {
    for (std::size_t y = 0; y < gh; ++y) {
        const std::size_t y1 = y + 1 < gh ? y + 1 : y;
        for (std::size_t x = 0; x < gw; ++x) {
            const std::size_t x1 = x + 1 < gw ? x + 1 : x;
            grid[y * gw + x] = 0.25f * (grid[y * gw + x] + grid[y * gw + x1] + grid[y1 * gw + x] + grid[y1 * gw + x1]);
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF), bitwise: small and table-free.
inline std::uint32_t si_crc32(const std::uint8_t* p, std::size_t n, std::uint32_t crc = 0) noexcept {
    crc = ~crc;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/// Bytes before the dictionary in the model file: 7 u32 fields + 5 f32 fields.
constexpr std::size_t si_header_bytes = 48;

inline void si_put_u32(std::uint8_t* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint32_t si_get_u32(const std::uint8_t* p) noexcept {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
inline void si_put_f32(std::uint8_t* p, float v) noexcept {
    std::uint32_t u = 0;
    std::memcpy(&u, &v, 4);
    si_put_u32(p, u);
}
inline float si_get_f32(const std::uint8_t* p) noexcept {
    const std::uint32_t u = si_get_u32(p);
    float v = 0.0f;
    std::memcpy(&v, &u, 4);
    return v;
}

/// splitmix64, for deterministic patch sampling.
struct si_rng {
    std::uint64_t s;
    std::uint64_t next() noexcept {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) noexcept { return static_cast<std::size_t>(next() % n); }
};

} // namespace detail

namespace detail {

/// Dominant period (pixels) of `count` lines of `len` pixels (element i of line l at base[l * line_step + i *
/// elem_step]) from their mean autocorrelation: the first local maximum (after it has gone negative) within 90 % of
/// the highest one, if that is at least 0.2 of the variance. 0 when there is none (no periodic structure).
template <class Pixel>
inline std::size_t si_period(const Pixel* base, std::size_t count, std::size_t line_step, std::size_t len,
                             std::size_t elem_step) noexcept {
    constexpr std::size_t max_lag = 256;
    float ac[max_lag + 1] = {};
    const std::size_t lags = len / 3 < max_lag ? len / 3 : max_lag;
    if (lags < 3) return 0;
    const std::size_t lines = count < 32 ? count : 32;
    for (std::size_t l = 0; l < lines; ++l) {
        const Pixel* p = base + (l * count / lines) * line_step;
        float mean = 0.0f;
        for (std::size_t i = 0; i < len; ++i) mean += static_cast<float>(p[i * elem_step]);
        mean /= static_cast<float>(len);
        for (std::size_t lag = 0; lag <= lags; ++lag) {
            float acc = 0.0f;
            for (std::size_t i = 0; i + lag < len; ++i)
                acc += (static_cast<float>(p[i * elem_step]) - mean) *
                       (static_cast<float>(p[(i + lag) * elem_step]) - mean);
            ac[lag] += acc / static_cast<float>(len - lag);
        }
    }
    if (!(ac[0] > 0.0f)) return 0;
    // Local maxima after the first negative value; the period is the first whose height is within 90 % of the
    // highest one (sub-periods such as the thread spacing of a weave are lower; harmonics come later).
    bool went_negative = false;
    float best = 0.2f * ac[0];
    for (std::size_t lag = 1; lag < lags; ++lag) {
        if (ac[lag] < 0.0f) went_negative = true;
        if (went_negative && ac[lag] > best && ac[lag] >= ac[lag - 1] && ac[lag] >= ac[lag + 1]) best = ac[lag];
    }
    went_negative = false;
    for (std::size_t lag = 1; lag < lags; ++lag) {
        if (ac[lag] < 0.0f) went_negative = true;
        if (went_negative && ac[lag] >= 0.9f * best && ac[lag] >= ac[lag - 1] && ac[lag] >= ac[lag + 1]) return lag;
    }
    return 0;
}

} // namespace detail

/// Suggests the downsampling factor for a texture: its dominant period (autocorrelation of up to 32 rows and 32
/// columns; the shorter of the two periods) should span about 3/4 of a patch after downsampling, so that a patch
/// sees a whole period. scale = clamp(period / (0.75 * PatchSize), 1, 8); 1 when no period is found (random
/// textures) or the image is invalid. Heap-free; O(64 * n * min(n / 3, 256)) for an n-pixel side.
template <std::size_t PatchSize, class Pixel>
std::uint32_t sparse_inspection_suggest_scale(const image_view<Pixel>& img) noexcept {
    if (img.data == nullptr || img.width < 8 || img.height < 8 || img.stride < img.width) return 1;
    const std::size_t px = detail::si_period(img.data, img.height, img.stride, img.width, 1);
    const std::size_t py = detail::si_period(img.data, img.width, 1, img.height, img.stride);
    std::size_t period = px == 0 ? py : (py == 0 ? px : (px < py ? px : py));
    if (period == 0) return 1;
    const std::size_t scale = (4 * period) / (3 * PatchSize);
    return static_cast<std::uint32_t>(scale < 1 ? 1 : (scale > 8 ? 8 : scale));
}

/// Bytes of workspace sparse_inspect needs for a width x height image (0 when the image is smaller than one patch
/// after downsampling or a size overflows). Depends only on the geometry, not on the pixel type.
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity>
constexpr std::size_t sparse_inspection_scratch_size(std::size_t width, std::size_t height, std::uint32_t scale,
                                                     std::uint32_t stride) noexcept {
    return detail::si_plan(width, height, PatchSize, Atoms, scale, stride).total;
}

/// Serialized model size in bytes (see the file comment for the format).
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity>
constexpr std::size_t sparse_inspection_model_bytes() noexcept {
    return detail::si_header_bytes + 4u * (Atoms * PatchSize * PatchSize + 1u);
}

/// Current model file format version.
constexpr std::uint32_t sparse_inspection_format_version = 1;

/// Recomputes the Gram matrix from the dictionary and checks the model's invariants.
/// @return ok; invalid_model (scale/stride outside range, non-unit atoms, threshold <= mean, ...); non_finite.
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity, class Arch = arch::default_arch>
status sparse_inspection_finalize(sparse_inspection_model<PatchSize, Atoms, Sparsity>& m, Arch = {}) noexcept {
    constexpr std::size_t dim = PatchSize * PatchSize;
    if (m.scale < 1 || m.scale > 8 || m.stride < 1 || m.stride > PatchSize) return status::invalid_model;
    if (!std::isfinite(m.residual_mean) || !std::isfinite(m.image_max_mean) || !std::isfinite(m.image_max_std) ||
        !std::isfinite(m.train_max) || !std::isfinite(m.threshold))
        return status::non_finite;
    if (!(m.residual_mean >= 0.0f) || !(m.threshold > m.residual_mean)) return status::invalid_model;
    const status st = omp_check_dictionary(span<const float>(m.dictionary, Atoms * dim), Atoms, dim);
    if (st != status::ok) return st == status::non_finite ? st : status::invalid_model;
    return omp_gram(span<const float>(m.dictionary, Atoms * dim), Atoms, dim, span<float>(m.gram, Atoms * Atoms),
                    Arch{});
}

/// Inspects one image.
///
/// @param model    a trained (or loaded) model.
/// @param image    any size with at least PatchSize * scale pixels in each direction.
/// @param heatmap  grid_width * grid_height floats out (row-major): calibrated heat per cell, >= 0, 1 = threshold;
///                 cell (cx, cy) is the patch at downsampled (cx * stride, cy * stride). Empty = not wanted.
/// @param mask     grid_width * grid_height bytes out: 1 for cells of an anomalous region (heat >= 1, plus the
///                 8-connected cells of heat >= sparse_inspection_region_heat around them), else 0. Empty = not wanted.
/// @param boxes    up to boxes.size() regions, strongest peak first. May be empty.
/// @param result   summary out.
/// @param scratch  >= sparse_inspection_scratch_size(width, height, scale, stride) bytes, 16-byte aligned
///                 (contents on return unspecified).
/// @pre the model passed sparse_inspection_finalize (train and load do that).
/// Numerics: float arithmetic throughout (pixels scaled to full scale 1); OMP as omp_encode_batch. Scores from
/// different backends differ by float rounding of the correlations only (~1e-6 relative).
/// @return ok; null_buffer; invalid_shape (image smaller than a patch, zero size); invalid_argument (stride < width);
///         non_finite (float image with NaN/Inf); buffer_too_small (heatmap, mask or scratch too short);
///         misaligned scratch gives invalid_argument; invalid_model (model not finalized). Outputs untouched on error.
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity, class Pixel, class Arch = arch::default_arch>
status sparse_inspect(const sparse_inspection_model<PatchSize, Atoms, Sparsity>& model, const image_view<Pixel>& image,
                      span<float> heatmap, span<std::uint8_t> mask, span<inspection_box> boxes,
                      sparse_inspection_result& result, span<std::uint8_t> scratch, Arch arch = {}) noexcept {
    if (model.scale < 1 || model.scale > 8 || model.stride < 1 || model.stride > PatchSize ||
        !(model.threshold > model.residual_mean))
        return status::invalid_model;
    EDGEKERN_TRY(detail::si_check_image(image, PatchSize, model.scale, model.stride));
    const detail::si_layout lay =
        detail::si_plan(image.width, image.height, PatchSize, Atoms, model.scale, model.stride);
    if (lay.total == 0) return status::invalid_shape;
    const std::size_t gw = lay.gw, gh = lay.gh, cells = gw * gh;
    if (scratch.data() == nullptr) return status::null_buffer;
    if (scratch.size() < lay.total) return status::buffer_too_small;
    if ((reinterpret_cast<std::uintptr_t>(scratch.data()) & 15u) != 0) return status::invalid_argument;
    if (!heatmap.empty() && heatmap.size() < cells) return status::buffer_too_small;
    if (!mask.empty() && mask.size() < cells) return status::buffer_too_small;
    if (!detail::si_finite_image(image)) return status::non_finite;

    float* grid = reinterpret_cast<float*>(scratch.data() + lay.grid);
    std::uint32_t* labels = reinterpret_cast<std::uint32_t*>(scratch.data() + lay.labels);
    EDGEKERN_TRY((detail::si_residual_grid<PatchSize, Atoms, Sparsity>(
        model.dictionary, model.gram, model.scale, model.stride, image, lay, scratch.data(), arch)));
    detail::si_smooth(grid, gw, gh);
    // Calibrated heat, in place.
    const float inv = 1.0f / (model.threshold - model.residual_mean);
    float hmax = 0.0f;
    for (std::size_t i = 0; i < cells; ++i) {
        float h = (grid[i] - model.residual_mean) * inv;
        h = h > 0.0f ? h : 0.0f;
        grid[i] = h;
        if (h > hmax) hmax = h;
    }
    // Regions by hysteresis: 8-connected cells with heat >= sparse_inspection_region_heat that contain at least one
    // cell with heat >= 1 (a faint scratch stays one region instead of breaking into pieces).
    // labels: 0 candidate not yet visited, 1 background, 2 / >= 3 queued (see below), region_mark in a region.
    constexpr std::uint32_t region_mark = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < cells; ++i) labels[i] = grid[i] >= sparse_inspection_region_heat ? 0u : 1u;
    std::size_t regions = 0, n_boxes = 0;
    const std::uint32_t st_px = model.stride * model.scale;
    // A smoothed cell averages patches cx and cx + 1: its centre is at cx * stride + PatchSize / 2 + stride / 2
    // (downsampled), so its box is the stride-wide square [cx * stride + PatchSize / 2, ... + stride).
    const std::uint32_t off_px = static_cast<std::uint32_t>(PatchSize / 2) * model.scale;
    for (std::size_t seed = 0; seed < cells; ++seed) {
        if (labels[seed] != 0u || grid[seed] < 1.0f) continue;
        ++regions;
        // Iterative flood fill whose stack lives in the label array itself: a queued cell's label holds the index
        // (+3) of the cell queued before it (2 = bottom of the stack), so no memory beyond the labels is needed.
        std::size_t top = seed;
        labels[seed] = 2u;
        std::size_t x0 = gw, y0 = gh, x1 = 0, y1 = 0, count = 0;
        float peak = 0.0f;
        bool have = true;
        while (have) {
            const std::size_t cur = top;
            const std::uint32_t link = labels[cur];
            labels[cur] = region_mark;
            if (link >= 3u)
                top = link - 3u;
            else
                have = false;
            const std::size_t cx = cur % gw, cy = cur / gw;
            x0 = cx < x0 ? cx : x0;
            y0 = cy < y0 ? cy : y0;
            x1 = cx > x1 ? cx : x1;
            y1 = cy > y1 ? cy : y1;
            ++count;
            if (grid[cur] > peak) peak = grid[cur];
            const std::size_t ya = cy > 0 ? cy - 1 : cy, yb = cy + 1 < gh ? cy + 1 : cy;
            const std::size_t xa = cx > 0 ? cx - 1 : cx, xb = cx + 1 < gw ? cx + 1 : cx;
            for (std::size_t ny = ya; ny <= yb; ++ny)
                for (std::size_t nx = xa; nx <= xb; ++nx) {
                    const std::size_t nb = ny * gw + nx;
                    if (labels[nb] != 0u) continue;
                    labels[nb] = have ? static_cast<std::uint32_t>(top + 3u) : 2u;
                    top = nb;
                    have = true;
                }
        }
        inspection_box b;
        b.x0 = static_cast<std::uint32_t>(x0) * st_px + off_px;
        b.y0 = static_cast<std::uint32_t>(y0) * st_px + off_px;
        b.x1 = static_cast<std::uint32_t>(x1 + 1) * st_px + off_px;
        b.y1 = static_cast<std::uint32_t>(y1 + 1) * st_px + off_px;
        b.peak = peak;
        b.cells = static_cast<std::uint32_t>(count);
        // Keep the strongest boxes.size() regions, sorted by peak (insertion into a short array).
        std::size_t pos = n_boxes;
        while (pos > 0 && boxes[pos - 1].peak < b.peak) --pos;
        if (pos < boxes.size()) {
            const std::size_t last = n_boxes < boxes.size() ? n_boxes : boxes.size() - 1;
            for (std::size_t i = last; i > pos; --i) boxes[i] = boxes[i - 1];
            boxes[pos] = b;
            if (n_boxes < boxes.size()) ++n_boxes;
        }
    }
    if (!heatmap.empty())
        for (std::size_t i = 0; i < cells; ++i) heatmap[i] = grid[i];
    if (!mask.empty())
        for (std::size_t i = 0; i < cells; ++i) mask[i] = labels[i] == region_mark ? 1u : 0u;
    result.max_heat = hmax;
    result.score = hmax / (1.0f + hmax);
    result.anomalous = hmax >= 1.0f;
    result.regions = regions;
    result.boxes = n_boxes;
    result.grid_width = gw;
    result.grid_height = gh;
    return status::ok;
}

namespace detail {

/// Byte layout of the training workspace.
struct si_train_layout {
    std::size_t samples, dictionary, gram, ksvd, ksvd_index, inspect, total;
};

constexpr si_train_layout si_train_plan(std::size_t n_images, std::size_t max_w, std::size_t max_h, std::size_t patch,
                                        std::size_t atoms, std::size_t sparsity,
                                        const sparse_inspection_train_params& p) noexcept {
    si_train_layout l{0, 0, 0, 0, 0, 0, 0};
    const std::size_t dim = patch * patch;
    std::size_t n = 0, b_samples = 0, b_ksvd = 0, b_index = 0;
    if (!checked_mul(n_images, static_cast<std::size_t>(p.samples_per_image), n) || n == 0) return l;
    const std::size_t ksvd_f = ksvd_scratch_size(atoms, dim, n, sparsity);
    const std::size_t ksvd_u = ksvd_index_scratch_size(atoms, n, sparsity);
    if (ksvd_f == 0 || ksvd_u == 0) return l;
    if (!checked_product(b_samples, n, dim, sizeof(float)) || !checked_mul(ksvd_f, sizeof(float), b_ksvd) ||
        !checked_mul(ksvd_u, sizeof(std::uint32_t), b_index))
        return l;
    const std::size_t insp = si_plan(max_w, max_h, patch, atoms, p.scale, p.stride).total;
    if (insp == 0) return l;
    std::size_t off = 0;
    l.samples = off;
    off += si_align(b_samples);
    l.dictionary = off;
    off += si_align(atoms * dim * sizeof(float));
    l.gram = off;
    off += si_align(atoms * atoms * sizeof(float));
    l.ksvd = off;
    off += si_align(b_ksvd);
    l.ksvd_index = off;
    off += si_align(b_index);
    l.inspect = off;
    off += insp;
    l.total = off;
    return l;
}

} // namespace detail

/// Bytes of workspace sparse_inspection_train needs for `n_images` images of at most max_width x max_height
/// pixels (0 when a size overflows or the images are smaller than a patch). Dominated by
/// n_images * samples_per_image * (PatchSize^2 + 3 * Sparsity + 1) floats (patches, K-SVD codes and lists).
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity>
constexpr std::size_t sparse_inspection_train_scratch_size(std::size_t n_images, std::size_t max_width,
                                                           std::size_t max_height,
                                                           const sparse_inspection_train_params& params) noexcept {
    return detail::si_train_plan(n_images, max_width, max_height, PatchSize, Atoms, Sparsity, params).total;
}

/// Learns a model from normal (defect-free) images.
///
/// Steps: sample params.samples_per_image mean-removed patches per image at random grid positions (seeded);
/// initialise the dictionary with distinct sampled patches (dictionary_init) and run params.iterations of approximate
/// K-SVD (ksvd_train, kernels/dictionary_learning.hpp); finally inspect every training image to measure the smoothed
/// residual statistics. The per-image maxima of normal images behave like an extreme-value sample: the threshold is
/// their mean plus threshold_sigmas standard deviations (and at least the largest value seen), so a new normal image
/// rarely exceeds it while a defect, which adds its whole energy to a few cells, does.
/// @param images   1..any normal images; each at least PatchSize * scale pixels in both directions; sizes may
///                 differ (and may be slightly misaligned: patches are position-free).
/// @param params   see sparse_inspection_train_params for ranges.
/// @param model    out.
/// @param scratch  >= sparse_inspection_train_scratch_size(images.size(), max width, max height, params) bytes,
///                 16-byte aligned.
/// Numerics: float; deterministic for a given seed and backend (backends differ by float rounding of correlations).
/// @return ok; null_buffer; invalid_shape (no images, an image smaller than a patch); invalid_argument (a
///         parameter out of range, misaligned scratch); buffer_too_small (scratch); non_finite; numeric_error (the
///         training set has no texture, e.g. all black: nothing to learn, no threshold to calibrate).
///         The model is untouched on error.
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity, class Pixel, class Arch = arch::default_arch>
status sparse_inspection_train(span<const image_view<Pixel>> images, const sparse_inspection_train_params& params,
                               sparse_inspection_model<PatchSize, Atoms, Sparsity>& model, span<std::uint8_t> scratch,
                               Arch arch = {}) noexcept {
    constexpr std::size_t dim = PatchSize * PatchSize;
    if (images.data() == nullptr || images.empty()) return images.empty() ? status::invalid_shape : status::null_buffer;
    if (params.scale < 1 || params.scale > 8 || params.stride < 1 || params.stride > PatchSize ||
        params.samples_per_image < 1 || params.iterations < 1 || params.iterations > 100 ||
        !(params.threshold_sigmas >= 0.0f && params.threshold_sigmas <= 100.0f))
        return status::invalid_argument;
    std::size_t max_w = 0, max_h = 0;
    for (const auto& img : images) {
        EDGEKERN_TRY(detail::si_check_image(img, PatchSize, params.scale, params.stride));
        max_w = img.width > max_w ? img.width : max_w;
        max_h = img.height > max_h ? img.height : max_h;
    }
    const detail::si_train_layout lay =
        detail::si_train_plan(images.size(), max_w, max_h, PatchSize, Atoms, Sparsity, params);
    if (lay.total == 0) return status::invalid_shape;
    if (scratch.data() == nullptr) return status::null_buffer;
    if (scratch.size() < lay.total) return status::buffer_too_small;
    if ((reinterpret_cast<std::uintptr_t>(scratch.data()) & 15u) != 0) return status::invalid_argument;
    for (const auto& img : images)
        if (!detail::si_finite_image(img)) return status::non_finite;

    std::uint8_t* ws = scratch.data();
    const std::size_t n = images.size() * params.samples_per_image;
    float* x = reinterpret_cast<float*>(ws + lay.samples);
    float* d = reinterpret_cast<float*>(ws + lay.dictionary);
    float* gram = reinterpret_cast<float*>(ws + lay.gram);

    // 1. Sample patches: bands of downsampled rows at random heights, several random columns per band (any
    // position, not only grid ones, so the dictionary sees every phase of the texture).
    detail::si_rng rng{params.seed};
    float energy = 0.0f;
    {
        float* band = reinterpret_cast<float*>(ws + lay.inspect); // the calibration workspace is free until step 4
        patch_params pp;
        pp.normalization = patch_normalization::remove_mean;
        constexpr std::size_t per_band = 8;
        for (std::size_t i = 0; i < images.size(); ++i) {
            const auto& img = images[i];
            const std::size_t down_w = img.width / params.scale, down_h = img.height / params.scale;
            patch_grid pg;
            pg.height = PatchSize;
            pg.width = down_w;
            pg.patch_h = PatchSize;
            pg.patch_w = PatchSize;
            const std::size_t cols = pg.cols();
            for (std::size_t s = 0; s < params.samples_per_image; ++s) {
                if (s % per_band == 0)
                    detail::si_fill_band(img, params.scale, rng.below(down_h - PatchSize + 1), PatchSize, band);
                float* out = x + (i * params.samples_per_image + s) * dim;
                EDGEKERN_TRY(extract_patches(span<const float>(band, PatchSize * down_w), down_w, pg, pp,
                                             rng.below(cols), 1, span<float>(out, dim), span<float>(), span<float>(),
                                             arch));
                for (std::size_t j = 0; j < dim; ++j) energy += out[j] * out[j];
            }
        }
    }
    const float mean_energy = energy / static_cast<float>(n);
    if (!(mean_energy > 1e-8f * static_cast<float>(dim))) return status::numeric_error; // flat images

    // 2-3. Dictionary: seeded initialization from the samples, then approximate K-SVD (dictionary_learning.hpp).
    {
        dictionary_learning_params dp;
        dp.n_atoms = Atoms;
        dp.dim = dim;
        dp.n_nonzero = Sparsity;
        dp.n_iter = params.iterations;
        dp.seed = params.seed;
        const span<const float> signals(x, n * dim);
        EDGEKERN_TRY(dictionary_init(signals, n, dim, Atoms, params.seed, span<float>(d, Atoms * dim)));
        EDGEKERN_TRY((ksvd_train<Atoms, Sparsity>(
            signals, n, dp, span<float>(d, Atoms * dim), span<float>(),
            span<float>(reinterpret_cast<float*>(ws + lay.ksvd), ksvd_scratch_size(Atoms, dim, n, Sparsity)),
            span<std::uint32_t>(reinterpret_cast<std::uint32_t*>(ws + lay.ksvd_index),
                                ksvd_index_scratch_size(Atoms, n, Sparsity)),
            arch)));
    }
    EDGEKERN_TRY(omp_normalize_atoms(span<float>(d, Atoms * dim), Atoms, dim));
    EDGEKERN_TRY(omp_gram(span<const float>(d, Atoms * dim), Atoms, dim, span<float>(gram, Atoms * Atoms), arch));

    // 4. Calibration on every training image.
    double sum = 0.0, count = 0.0, max_sum = 0.0, max_sum2 = 0.0;
    float top = 0.0f;
    std::uint8_t* insp = ws + lay.inspect;
    for (const auto& img : images) {
        const detail::si_layout il =
            detail::si_plan(img.width, img.height, PatchSize, Atoms, params.scale, params.stride);
        const std::size_t gw = il.gw, gh = il.gh;
        float* grid = reinterpret_cast<float*>(insp + il.grid);
        EDGEKERN_TRY((detail::si_residual_grid<PatchSize, Atoms, Sparsity>(d, gram, params.scale, params.stride, img,
                                                                           il, insp, arch)));
        detail::si_smooth(grid, gw, gh);
        float image_max = 0.0f;
        for (std::size_t c = 0; c < gw * gh; ++c) {
            sum += grid[c];
            if (grid[c] > image_max) image_max = grid[c];
        }
        count += static_cast<double>(gw * gh);
        max_sum += image_max;
        max_sum2 += static_cast<double>(image_max) * image_max;
        if (image_max > top) top = image_max;
    }
    const double n_img = static_cast<double>(images.size());
    const float fmean = static_cast<float>(sum / count);
    const double max_mean = max_sum / n_img;
    double max_var = max_sum2 / n_img - max_mean * max_mean;
    max_var = max_var > 0.0 ? max_var : 0.0;
    const float max_sd = static_cast<float>(std::sqrt(max_var));
    float threshold = static_cast<float>(max_mean) + params.threshold_sigmas * max_sd;
    threshold = threshold > top ? threshold : top;
    if (!(threshold > fmean * (1.0f + 1e-6f)) || !(top > 0.0f) || !std::isfinite(threshold))
        return status::numeric_error;
    model.scale = params.scale;
    model.stride = params.stride;
    model.residual_mean = fmean;
    model.image_max_mean = static_cast<float>(max_mean);
    model.image_max_std = max_sd;
    model.train_max = top;
    model.threshold = threshold;
    for (std::size_t i = 0; i < Atoms * dim; ++i) model.dictionary[i] = d[i];
    for (std::size_t i = 0; i < Atoms * Atoms; ++i) model.gram[i] = gram[i];
    return status::ok;
}

/// Serializes a model into `out` (format in the file comment).
/// @return ok; null_buffer; buffer_too_small (out shorter than sparse_inspection_model_bytes()).
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity>
status sparse_inspection_save(const sparse_inspection_model<PatchSize, Atoms, Sparsity>& m,
                              span<std::uint8_t> out) noexcept {
    constexpr std::size_t bytes = sparse_inspection_model_bytes<PatchSize, Atoms, Sparsity>();
    if (out.data() == nullptr) return status::null_buffer;
    if (out.size() < bytes) return status::buffer_too_small;
    std::uint8_t* p = out.data();
    p[0] = 'E', p[1] = 'K', p[2] = 'S', p[3] = 'I';
    detail::si_put_u32(p + 4, sparse_inspection_format_version);
    detail::si_put_u32(p + 8, static_cast<std::uint32_t>(PatchSize));
    detail::si_put_u32(p + 12, static_cast<std::uint32_t>(Atoms));
    detail::si_put_u32(p + 16, static_cast<std::uint32_t>(Sparsity));
    detail::si_put_u32(p + 20, m.scale);
    detail::si_put_u32(p + 24, m.stride);
    detail::si_put_f32(p + 28, m.residual_mean);
    detail::si_put_f32(p + 32, m.image_max_mean);
    detail::si_put_f32(p + 36, m.image_max_std);
    detail::si_put_f32(p + 40, m.train_max);
    detail::si_put_f32(p + 44, m.threshold);
    for (std::size_t i = 0; i < Atoms * PatchSize * PatchSize; ++i)
        detail::si_put_f32(p + detail::si_header_bytes + 4 * i, m.dictionary[i]);
    detail::si_put_u32(p + bytes - 4, detail::si_crc32(p, bytes - 4));
    return status::ok;
}

/// Reads the shape fields of a serialized model without loading it (to pick the matching template instance).
/// @return ok; null_buffer; invalid_model (too short, bad magic or version).
inline status sparse_inspection_peek(span<const std::uint8_t> in, std::uint32_t& patch, std::uint32_t& atoms,
                                     std::uint32_t& sparsity) noexcept {
    if (in.data() == nullptr) return status::null_buffer;
    if (in.size() < detail::si_header_bytes + 4 || in[0] != 'E' || in[1] != 'K' || in[2] != 'S' || in[3] != 'I')
        return status::invalid_model;
    if (detail::si_get_u32(in.data() + 4) != sparse_inspection_format_version) return status::invalid_model;
    patch = detail::si_get_u32(in.data() + 8);
    atoms = detail::si_get_u32(in.data() + 12);
    sparsity = detail::si_get_u32(in.data() + 16);
    return status::ok;
}

/// Loads a serialized model: checks magic, version, shape (must equal the template's), size and CRC, then the
/// model's invariants (unit atoms, threshold above the mean), and recomputes the Gram matrix.
/// @return ok; null_buffer; invalid_model (anything wrong with the bytes: wrong magic/version/shape, truncated,
///         checksum mismatch, non-unit atoms, inconsistent calibration); non_finite. `model` untouched on error.
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity, class Arch = arch::default_arch>
status sparse_inspection_load(span<const std::uint8_t> in, sparse_inspection_model<PatchSize, Atoms, Sparsity>& model,
                              Arch arch = {}) noexcept {
    constexpr std::size_t bytes = sparse_inspection_model_bytes<PatchSize, Atoms, Sparsity>();
    std::uint32_t patch = 0, atoms = 0, sparsity = 0;
    EDGEKERN_TRY(sparse_inspection_peek(in, patch, atoms, sparsity));
    if (patch != PatchSize || atoms != Atoms || sparsity != Sparsity || in.size() != bytes)
        return status::invalid_model;
    const std::uint8_t* p = in.data();
    if (detail::si_get_u32(p + bytes - 4) != detail::si_crc32(p, bytes - 4)) return status::invalid_model;
    // Validate in a local copy of the scalar fields first, then the dictionary through the finalize checks.
    const std::uint32_t scale = detail::si_get_u32(p + 20), stride = detail::si_get_u32(p + 24);
    const float mean = detail::si_get_f32(p + 28), max_mean = detail::si_get_f32(p + 32),
                max_sd = detail::si_get_f32(p + 36), tmax = detail::si_get_f32(p + 40),
                thr = detail::si_get_f32(p + 44);
    if (!std::isfinite(mean) || !std::isfinite(max_mean) || !std::isfinite(max_sd) || !std::isfinite(tmax) ||
        !std::isfinite(thr))
        return status::non_finite;
    if (scale < 1 || scale > 8 || stride < 1 || stride > PatchSize || !(mean >= 0.0f) || !(thr > mean))
        return status::invalid_model;
    constexpr std::size_t dim = PatchSize * PatchSize;
    for (std::size_t k = 0; k < Atoms; ++k) {
        float s = 0.0f;
        for (std::size_t j = 0; j < dim; ++j) {
            const float v = detail::si_get_f32(p + detail::si_header_bytes + 4 * (k * dim + j));
            if (!std::isfinite(v)) return status::non_finite;
            s += v * v;
        }
        if (std::fabs(s - 1.0f) > omp_unit_norm_tolerance) return status::invalid_model;
    }
    model.scale = scale;
    model.stride = stride;
    model.residual_mean = mean;
    model.image_max_mean = max_mean;
    model.image_max_std = max_sd;
    model.train_max = tmax;
    model.threshold = thr;
    for (std::size_t i = 0; i < Atoms * dim; ++i)
        model.dictionary[i] = detail::si_get_f32(p + detail::si_header_bytes + 4 * i);
    return omp_gram(span<const float>(model.dictionary, Atoms * dim), Atoms, dim,
                    span<float>(model.gram, Atoms * Atoms), arch);
}

/// Per-pixel heat (width x height floats, row-major) from the cell heat map of sparse_inspect, by bilinear
/// interpolation between cell centres (clamped at the borders). For overlays and pixel-level evaluation.
/// @return ok; null_buffer; invalid_shape (grid or image empty); buffer_too_small (heatmap or out too short).
template <std::size_t PatchSize, std::size_t Atoms, std::size_t Sparsity>
status sparse_inspection_upsample(const sparse_inspection_model<PatchSize, Atoms, Sparsity>& m,
                                  span<const float> heatmap, std::size_t grid_width, std::size_t grid_height,
                                  std::size_t width, std::size_t height, span<float> out) noexcept {
    if (heatmap.data() == nullptr || out.data() == nullptr) return status::null_buffer;
    if (grid_width == 0 || grid_height == 0 || width == 0 || height == 0) return status::invalid_shape;
    if (heatmap.size() < grid_width * grid_height || out.size() < width * height) return status::buffer_too_small;
    // Smoothed cell (cx, cy) is centred at downsampled (cx * stride + PatchSize / 2 + stride / 2): the 2 x 2 box
    // shifts it by half a step.
    const float step = static_cast<float>(m.stride * m.scale);
    const float c0 =
        (static_cast<float>(PatchSize) * 0.5f + static_cast<float>(m.stride) * 0.5f) * static_cast<float>(m.scale);
    for (std::size_t y = 0; y < height; ++y) {
        float fy = (static_cast<float>(y) + 0.5f - c0) / step;
        fy = fy < 0.0f ? 0.0f : (fy > static_cast<float>(grid_height - 1) ? static_cast<float>(grid_height - 1) : fy);
        const std::size_t y0 = static_cast<std::size_t>(fy);
        const std::size_t y1 = y0 + 1 < grid_height ? y0 + 1 : y0;
        const float wy = fy - static_cast<float>(y0);
        for (std::size_t x = 0; x < width; ++x) {
            float fx = (static_cast<float>(x) + 0.5f - c0) / step;
            fx = fx < 0.0f ? 0.0f : (fx > static_cast<float>(grid_width - 1) ? static_cast<float>(grid_width - 1) : fx);
            const std::size_t x0 = static_cast<std::size_t>(fx);
            const std::size_t x1 = x0 + 1 < grid_width ? x0 + 1 : x0;
            const float wx = fx - static_cast<float>(x0);
            const float top = heatmap[y0 * grid_width + x0] * (1 - wx) + heatmap[y0 * grid_width + x1] * wx;
            const float bot = heatmap[y1 * grid_width + x0] * (1 - wx) + heatmap[y1 * grid_width + x1] * wx;
            out[y * width + x] = top * (1 - wy) + bot * wy;
        }
    }
    return status::ok;
}

EDGEKERN_NAMESPACE_END
