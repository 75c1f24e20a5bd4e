// SPDX-License-Identifier: Apache-2.0
// sparse_inspection_reference.hpp: dumb oracle of the sparse-inspection heat map and region boxes, written from the
// pipeline's description (sparse_inspection.hpp file comment), sharing no code with include/.
//
// Per cell: box-downsample by `scale`, take the PatchSize^2 patch at (cx * stride, cy * stride), remove its mean,
// run textbook OMP in double (greedy atom choice on |<atom, residual>|, least squares on the support by normal
// equations and Gaussian elimination, explicit residual), raw = ||residual||^2; smooth with the 2 x 2 box (clamped);
// heat = max(0, (raw - mean) / (threshold - mean)). Regions: 8-connected components of heat >= 1 by recursive
// flood fill; a region's box in pixels is [x0 * st + off, (x1 + 1) * st + off) with st = stride * scale and
// off = PatchSize / 2 * scale (the centre of a 2 x 2-smoothed cell is half a step right/down of its patch).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace edgekern_ref {

/// Heat of every cell (gw x gh) for a uint8 image; dictionary is atoms x dim (rows are atoms).
inline void sparse_inspection_heat(const std::uint8_t* img, std::size_t width, std::size_t height, std::size_t patch,
                                   std::size_t scale, std::size_t stride, const float* dictionary, std::size_t atoms,
                                   std::size_t sparsity, double mean, double threshold, double* heat, std::size_t& gw,
                                   std::size_t& gh) {
    const std::size_t dw = width / scale, dh = height / scale;
    gw = (dw - patch) / stride + 1;
    gh = (dh - patch) / stride + 1;
    const std::size_t dim = patch * patch;
    double x[1024], r[1024], a[64 * 64], b[64], c[64];
    std::size_t support[64];
    double raw_grid[4096];
    for (std::size_t cy = 0; cy < gh; ++cy)
        for (std::size_t cx = 0; cx < gw; ++cx) {
            double m = 0;
            for (std::size_t i = 0; i < patch; ++i)
                for (std::size_t j = 0; j < patch; ++j) {
                    double s = 0;
                    for (std::size_t u = 0; u < scale; ++u)
                        for (std::size_t v = 0; v < scale; ++v)
                            s += img[((cy * stride + i) * scale + u) * width + (cx * stride + j) * scale + v];
                    x[i * patch + j] = s / static_cast<double>(scale * scale) / 255.0;
                    m += x[i * patch + j];
                }
            m /= static_cast<double>(dim);
            for (std::size_t i = 0; i < dim; ++i) r[i] = x[i] = x[i] - m;
            std::size_t n = 0;
            for (std::size_t it = 0; it < sparsity; ++it) {
                std::size_t best = atoms;
                double best_v = 1e-12;
                for (std::size_t k = 0; k < atoms; ++k) {
                    bool used = false;
                    for (std::size_t q = 0; q < n; ++q) used = used || support[q] == k;
                    if (used) continue;
                    double d = 0;
                    for (std::size_t i = 0; i < dim; ++i) d += dictionary[k * dim + i] * r[i];
                    if (std::fabs(d) > best_v) best_v = std::fabs(d), best = k;
                }
                if (best == atoms) break;
                support[n++] = best;
                // Normal equations A c = b with A = D_S D_S^T, b = D_S x; Gaussian elimination with pivoting.
                for (std::size_t p = 0; p < n; ++p) {
                    b[p] = 0;
                    for (std::size_t i = 0; i < dim; ++i) b[p] += dictionary[support[p] * dim + i] * x[i];
                    for (std::size_t q = 0; q < n; ++q) {
                        double s = 0;
                        for (std::size_t i = 0; i < dim; ++i)
                            s += static_cast<double>(dictionary[support[p] * dim + i]) *
                                 dictionary[support[q] * dim + i];
                        a[p * n + q] = s;
                    }
                }
                for (std::size_t col = 0; col < n; ++col) {
                    std::size_t piv = col;
                    for (std::size_t row = col + 1; row < n; ++row)
                        if (std::fabs(a[row * n + col]) > std::fabs(a[piv * n + col])) piv = row;
                    for (std::size_t q = 0; q < n; ++q) {
                        const double t = a[col * n + q];
                        a[col * n + q] = a[piv * n + q];
                        a[piv * n + q] = t;
                    }
                    const double tb = b[col];
                    b[col] = b[piv];
                    b[piv] = tb;
                    for (std::size_t row = col + 1; row < n; ++row) {
                        const double f = a[row * n + col] / a[col * n + col];
                        for (std::size_t q = col; q < n; ++q) a[row * n + q] -= f * a[col * n + q];
                        b[row] -= f * b[col];
                    }
                }
                for (std::size_t p = n; p-- > 0;) {
                    double s = b[p];
                    for (std::size_t q = p + 1; q < n; ++q) s -= a[p * n + q] * c[q];
                    c[p] = s / a[p * n + p];
                }
                for (std::size_t i = 0; i < dim; ++i) {
                    double s = x[i];
                    for (std::size_t q = 0; q < n; ++q) s -= c[q] * dictionary[support[q] * dim + i];
                    r[i] = s;
                }
            }
            double e = 0;
            for (std::size_t i = 0; i < dim; ++i) e += r[i] * r[i];
            raw_grid[cy * gw + cx] = e;
        }
    for (std::size_t cy = 0; cy < gh; ++cy)
        for (std::size_t cx = 0; cx < gw; ++cx) {
            const std::size_t x1 = cx + 1 < gw ? cx + 1 : cx, y1 = cy + 1 < gh ? cy + 1 : cy;
            const double s = 0.25 * (raw_grid[cy * gw + cx] + raw_grid[cy * gw + x1] + raw_grid[y1 * gw + cx] +
                                     raw_grid[y1 * gw + x1]);
            const double h = (s - mean) / (threshold - mean);
            heat[cy * gw + cx] = h > 0 ? h : 0;
        }
}

struct ref_box {
    std::size_t x0, y0, x1, y1, cells;
};

inline void ref_fill(const std::uint8_t* mask, int* label, std::size_t gw, std::size_t gh, std::size_t x, std::size_t y,
                     int id, ref_box& b) {
    if (!mask[y * gw + x] || label[y * gw + x]) return;
    label[y * gw + x] = id;
    b.x0 = x < b.x0 ? x : b.x0;
    b.y0 = y < b.y0 ? y : b.y0;
    b.x1 = x > b.x1 ? x : b.x1;
    b.y1 = y > b.y1 ? y : b.y1;
    ++b.cells;
    for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
            const long nx = static_cast<long>(x) + dx, ny = static_cast<long>(y) + dy;
            if (nx < 0 || ny < 0 || nx >= static_cast<long>(gw) || ny >= static_cast<long>(gh)) continue;
            ref_fill(mask, label, gw, gh, static_cast<std::size_t>(nx), static_cast<std::size_t>(ny), id, b);
        }
}

/// Connected regions of a binary cell mask; returns their count, boxes in pixels (unsorted, up to max_boxes).
inline std::size_t sparse_inspection_regions(const std::uint8_t* mask, std::size_t gw, std::size_t gh,
                                             std::size_t patch, std::size_t scale, std::size_t stride, ref_box* out,
                                             std::size_t max_boxes) {
    static int label[4096];
    for (std::size_t i = 0; i < gw * gh; ++i) label[i] = 0;
    std::size_t n = 0;
    const std::size_t st = stride * scale, off = patch / 2 * scale;
    for (std::size_t y = 0; y < gh; ++y)
        for (std::size_t x = 0; x < gw; ++x) {
            if (!mask[y * gw + x] || label[y * gw + x]) continue;
            ref_box b{gw, gh, 0, 0, 0};
            ref_fill(mask, label, gw, gh, x, y, static_cast<int>(n + 1), b);
            if (n < max_boxes)
                out[n] =
                    ref_box{b.x0 * st + off, b.y0 * st + off, (b.x1 + 1) * st + off, (b.y1 + 1) * st + off, b.cells};
            ++n;
        }
    return n;
}

} // namespace edgekern_ref
