// SPDX-License-Identifier: Apache-2.0
// test_patches.cpp: streaming patch extraction, normalization, overlap-averaged reconstruction, patch -> OMP ->
// reconstruction composition.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <algorithm>

#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"
#include "support/test_support.hpp"

namespace ek = edgekern;
using edgekern::span;
using edgekern::status;

namespace {
std::uint8_t g_img[37 * 41];
float g_patches[2000 * 16];
float g_off[2000], g_gain[2000];
float g_accum[37 * 41];
} // namespace

TEST_CASE("extract_patches reads the right pixels, in row-major grid order, in any streamed range") {
    edgekern_test::rng r(5);
    const std::size_t h = 37, w = 41;
    for (auto& v : g_img) v = static_cast<std::uint8_t>(r.uniform(0, 255));
    const std::size_t strides[][2] = {{1, 1}, {2, 3}, {4, 4}, {3, 7}, {36, 40}};
    const std::size_t sizes[][2] = {{1, 1}, {4, 4}, {3, 5}, {1, 4}};
    for (const auto& st : strides)
        for (const auto& sz : sizes) {
            ek::patch_grid g;
            g.height = h;
            g.width = w;
            g.patch_h = sz[0];
            g.patch_w = sz[1];
            g.stride_y = st[0];
            g.stride_x = st[1];
            const std::size_t n = g.count();
            REQUIRE(n == ((h - sz[0]) / st[0] + 1) * ((w - sz[1]) / st[1] + 1));
            ek::patch_params p;
            p.normalization = ek::patch_normalization::none;
            p.scale = 0.5f;
            // stream in uneven chunks
            std::size_t first = 0;
            while (first < n) {
                const std::size_t count = std::min<std::size_t>(n - first, 1 + first % 13);
                REQUIRE(ek::extract_patches(span<const std::uint8_t>(g_img), w, g, p, first, count,
                                            span<float>(g_patches), span<float>(g_off), span<float>()) == status::ok);
                for (std::size_t c = 0; c < count; ++c) {
                    const std::size_t q = first + c, py = q / g.cols(), px = q % g.cols();
                    CHECK(g_off[c] == 0.0f);
                    for (std::size_t y = 0; y < sz[0]; ++y)
                        for (std::size_t x = 0; x < sz[1]; ++x)
                            REQUIRE(g_patches[c * sz[0] * sz[1] + y * sz[1] + x] ==
                                    0.5f * g_img[(py * st[0] + y) * w + px * st[1] + x]);
                }
                first += count;
            }
        }
}

TEST_CASE("extract_patches mean removal and contrast normalization; reconstruction undoes them") {
    edgekern_test::rng r(9);
    const std::size_t h = 37, w = 41;
    for (auto& v : g_img) v = static_cast<std::uint8_t>(r.uniform(0, 255));
    ek::patch_grid g;
    g.height = h;
    g.width = w;
    g.patch_h = 4;
    g.patch_w = 4;
    g.stride_y = 3;
    g.stride_x = 2;
    const std::size_t n = g.count();
    for (auto mode : {ek::patch_normalization::remove_mean, ek::patch_normalization::contrast}) {
        ek::patch_params p;
        p.normalization = mode;
        p.scale = 1.0f / 255.0f;
        REQUIRE(ek::extract_patches(span<const std::uint8_t>(g_img), w, g, p, 0, n, span<float>(g_patches),
                                    span<float>(g_off), span<float>(g_gain)) == status::ok);
        for (std::size_t c = 0; c < n; ++c) {
            double s = 0, ss = 0;
            for (std::size_t i = 0; i < 16; ++i) {
                s += g_patches[c * 16 + i];
                ss += double(g_patches[c * 16 + i]) * g_patches[c * 16 + i];
            }
            CHECK(std::fabs(s) < 1e-5);
            if (mode == ek::patch_normalization::contrast) {
                // unit variance up to eps: var' = var / (var + eps)
                const double var = double(g_gain[c]) * g_gain[c] - p.contrast_eps;
                CHECK(std::fabs(ss / 16 - var / (var + p.contrast_eps)) < 1e-4);
            } else {
                CHECK(g_gain[c] == 1.0f);
            }
        }
        for (auto& v : g_accum) v = 0.0f;
        REQUIRE(ek::patches_accumulate(span<const float>(g_patches, n * 16), g, 0, n, span<const float>(g_off, n),
                                       span<const float>(g_gain, n), span<float>(g_accum)) == status::ok);
        REQUIRE(ek::patches_average(g, span<float>(g_accum)) == status::ok);
        const std::size_t covered_h = (g.rows() - 1) * g.stride_y + g.patch_h;
        const std::size_t covered_w = (g.cols() - 1) * g.stride_x + g.patch_w;
        for (std::size_t y = 0; y < h; ++y)
            for (std::size_t x = 0; x < w; ++x) {
                const float want = (y < covered_h && x < covered_w) ? g_img[y * w + x] / 255.0f : 0.0f;
                REQUIRE(std::fabs(g_accum[y * w + x] - want) < 2e-6f);
            }
    }
}

TEST_CASE("patches_average divides by the brute-force coverage count") {
    const std::size_t h = 23, w = 19;
    ek::patch_grid g;
    g.height = h;
    g.width = w;
    g.patch_h = 5;
    g.patch_w = 3;
    g.stride_y = 3;
    g.stride_x = 4;
    for (auto& v : g_accum) v = 0.0f;
    float ones[5 * 3];
    for (float& v : ones) v = 1.0f;
    for (std::size_t q = 0; q < g.count(); ++q)
        REQUIRE(ek::patches_accumulate(span<const float>(ones), g, q, 1, span<const float>(), span<const float>(),
                                       span<float>(g_accum, h * w)) == status::ok);
    float counts[23 * 19];
    for (std::size_t i = 0; i < h * w; ++i) counts[i] = g_accum[i];
    REQUIRE(ek::patches_average(g, span<float>(g_accum, h * w)) == status::ok);
    for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) {
            int c = 0;
            for (std::size_t py = 0; py < g.rows(); ++py)
                for (std::size_t px = 0; px < g.cols(); ++px)
                    c += (y >= py * 3 && y < py * 3 + 5 && x >= px * 4 && x < px * 4 + 3);
            CHECK(counts[y * w + x] == float(c));
            CHECK(g_accum[y * w + x] == (c ? 1.0f : 0.0f));
        }
}

TEST_CASE("patches bad input: status, outputs untouched") {
    ek::patch_grid g;
    g.height = 8;
    g.width = 8;
    g.patch_h = 4;
    g.patch_w = 4;
    g.stride_y = 4;
    g.stride_x = 4;
    ek::patch_params p;
    float out[4 * 16], off[4];
    for (float& v : out) v = 7.0f;
    for (float& v : off) v = 7.0f;
    span<const std::uint8_t> img(g_img, 64);
    CHECK(ek::extract_patches(img, 8, g, p, 0, 5, span<float>(out), span<float>(off), span<float>()) ==
          status::invalid_argument);
    CHECK(ek::extract_patches(img, 8, g, p, 0, 0, span<float>(out), span<float>(off), span<float>()) ==
          status::invalid_shape);
    CHECK(ek::extract_patches(img, 7, g, p, 0, 4, span<float>(out), span<float>(off), span<float>()) ==
          status::shape_mismatch);
    CHECK(ek::extract_patches(img.first(63), 8, g, p, 0, 4, span<float>(out), span<float>(off), span<float>()) ==
          status::shape_mismatch);
    CHECK(ek::extract_patches(img, 8, g, p, 0, 4, span<float>(out, 63), span<float>(off), span<float>()) ==
          status::buffer_too_small);
    CHECK(ek::extract_patches(img, 8, g, p, 0, 4, span<float>(out), span<float>(off, 3), span<float>()) ==
          status::buffer_too_small);
    auto q = p;
    q.scale = INFINITY;
    CHECK(ek::extract_patches(img, 8, g, q, 0, 4, span<float>(out), span<float>(off), span<float>()) ==
          status::non_finite);
    q = p;
    q.normalization = ek::patch_normalization::contrast;
    q.contrast_eps = 0.0f;
    CHECK(ek::extract_patches(img, 8, g, q, 0, 4, span<float>(out), span<float>(off), span<float>()) ==
          status::invalid_argument);
    float fimg[64] = {};
    fimg[9] = NAN;
    CHECK(ek::extract_patches(span<const float>(fimg), 8, g, p, 0, 4, span<float>(out), span<float>(off),
                              span<float>()) == status::non_finite);
    auto g2 = g;
    g2.stride_x = 0;
    CHECK(ek::extract_patches(img, 8, g2, p, 0, 1, span<float>(out), span<float>(off), span<float>()) ==
          status::invalid_argument);
    g2 = g;
    g2.patch_w = 9;
    CHECK(ek::extract_patches(img, 8, g2, p, 0, 1, span<float>(out), span<float>(off), span<float>()) ==
          status::shape_mismatch);
    for (float v : out) CHECK(v == 7.0f);
    for (float v : off) CHECK(v == 7.0f);
    float acc[63];
    CHECK(ek::patches_accumulate(span<const float>(out), g, 0, 4, span<const float>(), span<const float>(),
                                 span<float>(acc)) == status::shape_mismatch);
    CHECK(ek::patches_average(g, span<float>(acc)) == status::shape_mismatch);
}

TEST_CASE("pipeline composition: patches -> batch OMP -> reconstruction; exact atoms reconstruct exactly") {
    // a dictionary of the 16 unit impulses (plus 8 random atoms): any 4x4 mean-removed patch with sparsity 16 is
    // reconstructed exactly
    const std::size_t k = 24, dim = 16;
    float dict[k * dim] = {};
    edgekern_test::rng r(1);
    for (std::size_t a = 0; a < 16; ++a) dict[a * dim + a] = 1.0f;
    for (std::size_t i = 16 * dim; i < k * dim; ++i) dict[i] = r.uniform_f(-1, 1);
    REQUIRE(ek::omp_normalize_atoms(span<float>(dict), k, dim) == status::ok);
    float gram[k * k];
    REQUIRE(ek::omp_gram(span<const float>(dict), k, dim, span<float>(gram)) == status::ok);
    for (auto& v : g_img) v = static_cast<std::uint8_t>(r.uniform(0, 255));
    ek::patch_grid g;
    g.height = 16;
    g.width = 20;
    g.patch_h = 4;
    g.patch_w = 4;
    g.stride_y = 2;
    g.stride_x = 2;
    ek::patch_params pp;
    pp.scale = 1.0f / 255.0f;
    ek::omp_params op;
    op.n_atoms = k;
    op.dim = dim;
    op.n_nonzero = 16;
    static float codes[8 * k], res[8], recon[8 * dim], scratch[ek::omp_batch_scratch_size(k, dim)];
    for (auto& v : g_accum) v = 0.0f;
    const std::size_t n = g.count();
    for (std::size_t first = 0; first < n; first += 8) {
        const std::size_t count = std::min<std::size_t>(8, n - first);
        REQUIRE(ek::extract_patches(span<const std::uint8_t>(g_img, 16 * 20), 20, g, pp, first, count,
                                    span<float>(g_patches), span<float>(g_off), span<float>()) == status::ok);
        REQUIRE(ek::omp_encode_batch<32, 16>(
                    span<const float>(dict), span<const float>(gram), span<const float>(g_patches, count * dim), count,
                    op, span<float>(codes, count * k), span<float>(res, count), span<float>(scratch)) == status::ok);
        REQUIRE(ek::omp_reconstruct(span<const float>(dict), span<const float>(codes, count * k), count, op,
                                    span<float>(recon)) == status::ok);
        for (std::size_t c = 0; c < count; ++c) {
            double e = 0;
            for (std::size_t i = 0; i < dim; ++i) e += std::pow(double(recon[c * dim + i]) - g_patches[c * dim + i], 2);
            CHECK(e < 1e-8);
            CHECK(res[c] < 1e-6f);
        }
        REQUIRE(ek::patches_accumulate(span<const float>(recon, count * dim), g, first, count,
                                       span<const float>(g_off, count), span<const float>(),
                                       span<float>(g_accum, 320)) == status::ok);
    }
    REQUIRE(ek::patches_average(g, span<float>(g_accum, 320)) == status::ok);
    for (std::size_t i = 0; i < 16 * 20; ++i) CHECK(std::fabs(g_accum[i] - g_img[i] / 255.0f) < 1e-4f);
}
