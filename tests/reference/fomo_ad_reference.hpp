// SPDX-License-Identifier: Apache-2.0
// fomo_ad_reference.hpp: dumb oracle of the FOMO-AD feature extractor, written from the description at the top of
// include/edgekern/pipelines/fomo_ad.hpp and docs/pipelines.md (shares no code with include/): direct loops in
// int64, TFLite double-rounding requantization and the matrix-free projection entries from the other oracles.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "reference/random_projection_reference.hpp"
#include "reference/requantize_reference.hpp"

namespace fomo_reference {

/// Laws vectors L3 = [1 2 1], E3 = [-1 0 1], S3 = [-1 2 -1].
inline int laws(int v, int i) {
    static const int t[3][3] = {{1, 2, 1}, {-1, 0, 1}, {-1, 2, -1}};
    return t[v][i];
}

inline std::int64_t requant(std::int64_t acc, double real, std::int64_t lo, std::int64_t hi) {
    std::int32_t m = 0, s = 0;
    if (!edgekern_ref::ref_quantize_multiplier(real, m, s)) return 0;
    const std::int64_t v = edgekern_ref::ref_requantize_double(static_cast<std::int32_t>(acc), m, s);
    return v < lo ? lo : (v > hi ? hi : v);
}

/// Projected int8 cell features [H/8][W/8][P]. Returns false on an unsupported option.
template <std::size_t H, std::size_t W, std::size_t P, class Options>
bool features(const std::uint8_t* frame, const Options& opt, std::int8_t* out) {
    const std::size_t C = 16;
    // L1: conv 3x3 stride 2 SAME (pads: top/left 0, bottom/right 1), 16 channels = +-8 Laws filters, ReLU.
    const std::size_t h1 = H / 2, w1 = W / 2;
    std::vector<std::int64_t> a1(h1 * w1 * C);
    for (std::size_t f = 0; f < 8; ++f) {
        const int av = static_cast<int>((f + 1) / 3), bv = static_cast<int>((f + 1) % 3);
        int w[9], mx = 0, l1 = 0;
        for (int i = 0; i < 9; ++i) {
            w[i] = laws(av, i / 3) * laws(bv, i % 3);
            mx = std::abs(w[i]) > mx ? std::abs(w[i]) : mx;
        }
        for (int i = 0; i < 9; ++i) {
            w[i] *= 120 / mx;
            l1 += std::abs(w[i]);
        }
        for (int sign = 0; sign < 2; ++sign)
            for (std::size_t y = 0; y < h1; ++y)
                for (std::size_t x = 0; x < w1; ++x) {
                    std::int64_t acc = 0;
                    for (int ky = 0; ky < 3; ++ky)
                        for (int kx = 0; kx < 3; ++kx) {
                            const std::size_t iy = 2 * y + static_cast<std::size_t>(ky);
                            const std::size_t ix = 2 * x + static_cast<std::size_t>(kx);
                            if (iy >= H || ix >= W) continue;
                            const std::int64_t px = static_cast<std::int64_t>(frame[iy * W + ix]) - 128;
                            acc += (sign ? -w[ky * 3 + kx] : w[ky * 3 + kx]) * px;
                        }
                    a1[(y * w1 + x) * C + 2 * f + static_cast<std::size_t>(sign)] =
                        requant(acc, static_cast<double>(opt.feature_gain) / l1, 0, 127);
                }
    }
    // L2: depthwise 3x3 stride 2 SAME, weights 7 * [1 2 1] x [1 2 1], scale 1/112, ReLU.
    const std::size_t h2 = H / 4, w2 = W / 4;
    std::vector<std::int64_t> a2(h2 * w2 * C), a3(h2 * w2 * C);
    for (std::size_t y = 0; y < h2; ++y)
        for (std::size_t x = 0; x < w2; ++x)
            for (std::size_t c = 0; c < C; ++c) {
                std::int64_t acc = 0;
                for (int ky = 0; ky < 3; ++ky)
                    for (int kx = 0; kx < 3; ++kx) {
                        const std::size_t iy = 2 * y + static_cast<std::size_t>(ky);
                        const std::size_t ix = 2 * x + static_cast<std::size_t>(kx);
                        if (iy >= h1 || ix >= w1) continue;
                        acc += 7 * laws(0, ky) * laws(0, kx) * a1[(iy * w1 + ix) * C + c];
                    }
                a2[(y * w2 + x) * C + c] = requant(acc, 1.0 / 112.0, 0, 127);
            }
    // L3: pointwise: out f = 64 (pos_f + neg_f), out 8 + f = 64 (pos_f - neg_f), scale 1/64, no clamp.
    for (std::size_t p = 0; p < h2 * w2; ++p)
        for (std::size_t f = 0; f < 8; ++f) {
            const std::int64_t pos = a2[p * C + 2 * f], neg = a2[p * C + 2 * f + 1];
            a3[p * C + f] = requant(64 * (pos + neg), 1.0 / 64.0, -128, 127);
            a3[p * C + 8 + f] = requant(64 * (pos - neg), 1.0 / 64.0, -128, 127);
        }
    // Average pool 2x2 stride 2, rounded half away from zero.
    const std::size_t ch = H / 8, cw = W / 8;
    std::vector<std::int64_t> pooled(ch * cw * C);
    for (std::size_t y = 0; y < ch; ++y)
        for (std::size_t x = 0; x < cw; ++x)
            for (std::size_t c = 0; c < C; ++c) {
                std::int64_t s = 0;
                for (std::size_t dy = 0; dy < 2; ++dy)
                    for (std::size_t dx = 0; dx < 2; ++dx) s += a3[((2 * y + dy) * w2 + 2 * x + dx) * C + c];
                pooled[(y * cw + x) * C + c] = s >= 0 ? (s + 2) / 4 : -((-s + 2) / 4);
            }
    // Matrix-free projection 16 -> P with the gaussian entries, real scale 1 / sqrt(1365 P), requantized to int8.
    if (static_cast<int>(opt.projection_kind) != 0) return false;
    const double scale = static_cast<double>(static_cast<float>(1.0 / std::sqrt(1365.0 * static_cast<double>(P))));
    for (std::size_t c = 0; c < ch * cw; ++c) {
        std::int64_t y[P];
        rp_reference::project_int(
            [&](std::size_t i, std::size_t j) { return rp_reference::entry(true, 0, opt.projection_seed, i, j); }, P, C,
            &pooled[c * C], y);
        for (std::size_t i = 0; i < P; ++i)
            out[c * P + i] =
                static_cast<std::int8_t>(requant(y[i], static_cast<double>(opt.projection_gain) * scale, -128, 127));
    }
    return true;
}

} // namespace fomo_reference
