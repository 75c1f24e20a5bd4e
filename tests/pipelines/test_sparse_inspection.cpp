// SPDX-License-Identifier: Apache-2.0
// test_sparse_inspection.cpp: sparse-modeling inspection pipeline: learns a texture, flags and boxes a planted
// defect, matches a dumb float64 oracle, model save/load, bad input. Small images so it runs on Cortex-M too.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "edgekern/pipelines/sparse_inspection.hpp"
#include "reference/sparse_inspection_reference.hpp"
#include "support/test_support.hpp"

namespace ek = edgekern;

namespace {

constexpr std::size_t W = 96, H = 72, P = 8, A = 16, S = 4;
constexpr std::size_t n_train = 6;
using model_t = ek::sparse_inspection_model<P, A, S>;

/// A woven-like texture: two crossing sinusoid families, a random shift, gain drift and noise.
void make_texture(edgekern_test::rng& r, std::uint8_t* img, bool defect = false, std::size_t dx0 = 40,
                  std::size_t dy0 = 30) {
    const float sx = r.uniform_f(0.0f, 7.0f), sy = r.uniform_f(0.0f, 5.0f), gain = r.uniform_f(0.9f, 1.1f);
    for (std::size_t y = 0; y < H; ++y)
        for (std::size_t x = 0; x < W; ++x) {
            const float u = static_cast<float>(x) + sx, v = static_cast<float>(y) + sy;
            float val =
                120.0f + 45.0f * std::sin(6.2831853f * (u + v) / 7.0f) + 30.0f * std::cos(6.2831853f * (u - v) / 5.0f);
            val = val * gain + r.uniform_f(-4.0f, 4.0f);
            if (defect && x >= dx0 && x < dx0 + 7 && y >= dy0 && y < dy0 + 6) val = 250.0f;
            img[y * W + x] = static_cast<std::uint8_t>(val < 0 ? 0 : (val > 255 ? 255 : val));
        }
}

ek::image_view<std::uint8_t> view_of(const std::uint8_t* p, std::size_t w = W, std::size_t h = H) {
    ek::image_view<std::uint8_t> v;
    v.data = p;
    v.width = w;
    v.height = h;
    v.stride = w;
    return v;
}

constexpr ek::sparse_inspection_train_params train_params() {
    ek::sparse_inspection_train_params p;
    p.scale = 1;
    p.stride = 4;
    p.samples_per_image = 128;
    p.iterations = 4;
    p.threshold_sigmas = 3.0f;
    p.seed = 7;
    return p;
}

constexpr std::size_t train_bytes = ek::sparse_inspection_train_scratch_size<P, A, S>(n_train, W, H, train_params());
constexpr std::size_t inspect_bytes = ek::sparse_inspection_scratch_size<P, A, S>(W, H, 1, 4);
constexpr std::size_t GW = ek::sparse_inspection_grid_extent(W, P, 1, 4);
constexpr std::size_t GH = ek::sparse_inspection_grid_extent(H, P, 1, 4);
static_assert(train_bytes > 0 && inspect_bytes > 0 && GW == 23 && GH == 17, "geometry");

alignas(16) std::uint8_t g_train_ws[train_bytes];
alignas(16) std::uint8_t g_inspect_ws[inspect_bytes];
std::uint8_t g_images[n_train][W * H];
model_t g_model;
bool g_trained = false;

/// Trains the shared model once (every test case uses it).
const model_t& trained_model() {
    if (!g_trained) {
        edgekern_test::rng r(2024);
        ek::image_view<std::uint8_t> views[n_train];
        for (std::size_t i = 0; i < n_train; ++i) {
            make_texture(r, g_images[i]);
            views[i] = view_of(g_images[i]);
        }
        const ek::status st = ek::sparse_inspection_train<P, A, S>(
            ek::span<const ek::image_view<std::uint8_t>>(views, n_train), train_params(), g_model,
            ek::span<std::uint8_t>(g_train_ws, train_bytes));
        REQUIRE(st == ek::status::ok);
        g_trained = true;
    }
    return g_model;
}

struct inspection {
    float heat[GW * GH];
    std::uint8_t mask[GW * GH];
    ek::inspection_box boxes[8];
    ek::sparse_inspection_result result;
};

template <class Arch = ek::arch::default_arch>
ek::status run(const model_t& m, const std::uint8_t* img, inspection& out, Arch arch = {}) {
    return ek::sparse_inspect(m, view_of(img), ek::span<float>(out.heat), ek::span<std::uint8_t>(out.mask),
                              ek::span<ek::inspection_box>(out.boxes), out.result,
                              ek::span<std::uint8_t>(g_inspect_ws, inspect_bytes), arch);
}

std::uint8_t g_test_img[W * H];
inspection g_insp;

} // namespace

TEST_CASE("sparse_inspection: trained model is calibrated and consistent") {
    const model_t& m = trained_model();
    CHECK(m.scale == 1);
    CHECK(m.stride == 4);
    CHECK(m.residual_mean > 0.0f);
    CHECK(m.train_max > m.residual_mean);
    CHECK(m.image_max_mean <= m.train_max);
    CHECK(m.image_max_std >= 0.0f);
    CHECK(m.threshold >= m.train_max);
    CHECK(m.threshold == doctest::Approx(std::fmax(m.train_max, m.image_max_mean + 3.0f * m.image_max_std)));
    for (std::size_t k = 0; k < A; ++k) {
        float s = 0.0f;
        for (std::size_t j = 0; j < P * P; ++j) s += m.dictionary[k * P * P + j] * m.dictionary[k * P * P + j];
        CHECK(s == doctest::Approx(1.0f).epsilon(1e-4));
        CHECK(m.gram[k * A + k] == doctest::Approx(1.0f).epsilon(1e-4));
    }
}

TEST_CASE("sparse_inspection: normal images pass, a planted defect is flagged and boxed") {
    const model_t& m = trained_model();
    edgekern_test::rng r(99);
    for (int i = 0; i < 4; ++i) {
        make_texture(r, g_test_img);
        REQUIRE(run(m, g_test_img, g_insp) == ek::status::ok);
        CHECK_FALSE(g_insp.result.anomalous);
        CHECK(g_insp.result.score < 0.5f);
        CHECK(g_insp.result.boxes == 0);
    }
    make_texture(r, g_test_img, true, 40, 30);
    REQUIRE(run(m, g_test_img, g_insp) == ek::status::ok);
    CHECK(g_insp.result.anomalous);
    CHECK(g_insp.result.score >= 0.5f);
    CHECK(g_insp.result.score < 1.0f);
    CHECK(g_insp.result.score == doctest::Approx(g_insp.result.max_heat / (1.0f + g_insp.result.max_heat)));
    CHECK(g_insp.result.grid_width == GW);
    CHECK(g_insp.result.grid_height == GH);
    REQUIRE(g_insp.result.boxes >= 1);
    const ek::inspection_box& b = g_insp.boxes[0];
    // The strongest box overlaps the defect [40, 47) x [30, 36).
    CHECK(b.x0 < 47u);
    CHECK(b.x1 > 40u);
    CHECK(b.y0 < 36u);
    CHECK(b.y1 > 30u);
    CHECK(b.peak >= 1.0f);
    for (std::size_t i = 1; i < g_insp.result.boxes; ++i) CHECK(g_insp.boxes[i - 1].peak >= g_insp.boxes[i].peak);
}

TEST_CASE("sparse_inspection: heat map and regions match the float64 oracle") {
    const model_t& m = trained_model();
    edgekern_test::rng r(5);
    static double ref_heat[GW * GH];
    for (int trial = 0; trial < 3; ++trial) {
        make_texture(r, g_test_img, trial > 0, static_cast<std::size_t>(10 + 25 * trial),
                     static_cast<std::size_t>(12 + 15 * trial));
        REQUIRE(run(m, g_test_img, g_insp) == ek::status::ok);
        std::size_t gw = 0, gh = 0;
        edgekern_ref::sparse_inspection_heat(g_test_img, W, H, P, 1, 4, m.dictionary, A, S, m.residual_mean,
                                             m.threshold, ref_heat, gw, gh);
        REQUIRE(gw == GW);
        REQUIRE(gh == GH);
        // OMP may pick a different atom on a near-tie of correlations: allow a few cells to differ.
        std::size_t off = 0;
        for (std::size_t i = 0; i < GW * GH; ++i) {
            const double d = std::fabs(static_cast<double>(g_insp.heat[i]) - ref_heat[i]);
            if (d > 0.01 + 0.01 * ref_heat[i]) ++off;
            if (g_insp.heat[i] >= 1.0f) CHECK(g_insp.mask[i] == 1);
            if (g_insp.heat[i] < ek::sparse_inspection_region_heat) CHECK(g_insp.mask[i] == 0);
        }
        CHECK(off * 20 <= GW * GH);
        // Regions of the returned mask, by the oracle's flood fill, equal the returned boxes (as a set).
        edgekern_ref::ref_box rb[8];
        const std::size_t n = edgekern_ref::sparse_inspection_regions(g_insp.mask, GW, GH, P, 1, 4, rb, 8);
        CHECK(n == g_insp.result.regions);
        CHECK(g_insp.result.boxes == (n < 8 ? n : 8));
        if (n <= 8) {
            for (std::size_t i = 0; i < g_insp.result.boxes; ++i) {
                bool found = false;
                for (std::size_t j = 0; j < n; ++j)
                    found = found || (rb[j].x0 == g_insp.boxes[i].x0 && rb[j].y0 == g_insp.boxes[i].y0 &&
                                      rb[j].x1 == g_insp.boxes[i].x1 && rb[j].y1 == g_insp.boxes[i].y1 &&
                                      rb[j].cells == g_insp.boxes[i].cells);
                CHECK(found);
            }
        }
        if (trial > 0) CHECK(n >= 1);
    }
}

TEST_CASE("sparse_inspection: every backend agrees with scalar within float tolerance") {
    const model_t& m = trained_model();
    edgekern_test::rng r(11);
    make_texture(r, g_test_img, true, 60, 40);
    static inspection ref;
    REQUIRE(run(m, g_test_img, ref, ek::arch::scalar{}) == ek::status::ok);
    edgekern_test::for_each_arch([&](auto arch) {
        INFO(decltype(arch)::name);
        REQUIRE(run(m, g_test_img, g_insp, arch) == ek::status::ok);
        for (std::size_t i = 0; i < GW * GH; ++i)
            CHECK(g_insp.heat[i] == doctest::Approx(ref.heat[i]).epsilon(1e-3).scale(1.0));
        CHECK(g_insp.result.anomalous == ref.result.anomalous);
    });
}

TEST_CASE("sparse_inspection: training is deterministic and tolerates a misaligned training set") {
    const model_t& m = trained_model();
    static model_t again;
    edgekern_test::rng r(2024);
    ek::image_view<std::uint8_t> views[n_train];
    static std::uint8_t imgs[n_train][W * H];
    for (std::size_t i = 0; i < n_train; ++i) {
        make_texture(r, imgs[i]);
        views[i] = view_of(imgs[i]);
    }
    REQUIRE(ek::sparse_inspection_train<P, A, S>(ek::span<const ek::image_view<std::uint8_t>>(views, n_train),
                                                 train_params(), again,
                                                 ek::span<std::uint8_t>(g_train_ws, train_bytes)) == ek::status::ok);
    CHECK(std::memcmp(again.dictionary, m.dictionary, sizeof m.dictionary) == 0);
    CHECK(again.threshold == m.threshold);
    // Sub-images cut at different offsets (misaligned by up to 5 pixels, different sizes) train fine.
    for (std::size_t i = 0; i < n_train; ++i) {
        views[i].data = imgs[i] + (i % 3) * W + (i % 5);
        views[i].width = W - 6;
        views[i].height = H - 3 - i % 2;
    }
    CHECK(ek::sparse_inspection_train<P, A, S>(ek::span<const ek::image_view<std::uint8_t>>(views, n_train),
                                               train_params(), again,
                                               ek::span<std::uint8_t>(g_train_ws, train_bytes)) == ek::status::ok);
}

TEST_CASE("sparse_inspection: model save/load round trip and corrupt files") {
    const model_t& m = trained_model();
    constexpr std::size_t nb = ek::sparse_inspection_model_bytes<P, A, S>();
    static std::uint8_t bytes[nb + 8];
    CHECK(ek::sparse_inspection_save(m, ek::span<std::uint8_t>(bytes, nb - 1)) == ek::status::buffer_too_small);
    REQUIRE(ek::sparse_inspection_save(m, ek::span<std::uint8_t>(bytes, nb)) == ek::status::ok);
    CHECK(bytes[0] == 'E');
    CHECK(bytes[3] == 'I');
    static model_t loaded;
    REQUIRE(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb), loaded) == ek::status::ok);
    CHECK(std::memcmp(loaded.dictionary, m.dictionary, sizeof m.dictionary) == 0);
    CHECK(loaded.threshold == m.threshold);
    CHECK(loaded.residual_mean == m.residual_mean);
    edgekern_test::rng r(3);
    make_texture(r, g_test_img, true);
    static inspection a;
    REQUIRE(run(m, g_test_img, a) == ek::status::ok);
    REQUIRE(run(loaded, g_test_img, g_insp) == ek::status::ok);
    CHECK(g_insp.result.score == a.result.score);

    // Truncated, extended, one flipped bit anywhere, other version, other shape: invalid_model, model untouched.
    static model_t victim;
    victim.threshold = 123.0f;
    CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb - 1), victim) == ek::status::invalid_model);
    CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb + 4), victim) == ek::status::invalid_model);
    CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, 10), victim) == ek::status::invalid_model);
    for (std::size_t pos = 0; pos < nb; pos += 1 + nb / 97) {
        bytes[pos] ^= 0x10;
        CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb), victim) != ek::status::ok);
        bytes[pos] ^= 0x10;
    }
    bytes[4] = 2; // version 2
    CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb), victim) == ek::status::invalid_model);
    bytes[4] = 1;
    static ek::sparse_inspection_model<P, A, 3> other_shape;
    CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb), other_shape) ==
          ek::status::invalid_model);
    CHECK(victim.threshold == 123.0f);
    CHECK(ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes, nb), victim) == ek::status::ok);
}

TEST_CASE("sparse_inspection: bad input returns a status and leaves outputs untouched") {
    const model_t& m = trained_model();
    edgekern_test::rng r(8);
    make_texture(r, g_test_img);
    for (auto& h : g_insp.heat) h = -7.0f;
    g_insp.result.score = -1.0f;
    auto untouched = [] { return g_insp.heat[0] == -7.0f && g_insp.result.score == -1.0f; };
    auto call = [&](ek::image_view<std::uint8_t> v, std::size_t ws = inspect_bytes, std::size_t heat_n = GW * GH) {
        return ek::sparse_inspect(m, v, ek::span<float>(g_insp.heat, heat_n), ek::span<std::uint8_t>(),
                                  ek::span<ek::inspection_box>(g_insp.boxes), g_insp.result,
                                  ek::span<std::uint8_t>(g_inspect_ws, ws));
    };
    CHECK(call(view_of(g_test_img, 7, 7)) == ek::status::invalid_shape); // smaller than a patch
    CHECK(call(view_of(g_test_img, 0, H)) == ek::status::invalid_shape);
    CHECK(call(view_of(nullptr)) == ek::status::null_buffer);
    auto bad_stride = view_of(g_test_img);
    bad_stride.stride = W - 1;
    CHECK(call(bad_stride) == ek::status::invalid_argument);
    CHECK(call(view_of(g_test_img), inspect_bytes - 1) == ek::status::buffer_too_small);
    CHECK(call(view_of(g_test_img), inspect_bytes, GW * GH - 1) == ek::status::buffer_too_small);
    CHECK(untouched());
    model_t* broken = &g_model;
    const float keep = broken->threshold;
    broken->threshold = broken->residual_mean;
    CHECK(call(view_of(g_test_img)) == ek::status::invalid_model);
    broken->threshold = keep;
    CHECK(untouched());
    CHECK(call(view_of(g_test_img)) == ek::status::ok);

    // Float images with NaN are rejected.
    static float fimg[W * H];
    for (std::size_t i = 0; i < W * H; ++i) fimg[i] = static_cast<float>(g_test_img[i]) / 255.0f;
    fimg[123] = NAN;
    ek::image_view<float> fv;
    fv.data = fimg;
    fv.width = W;
    fv.height = H;
    fv.stride = W;
    CHECK(ek::sparse_inspect(m, fv, ek::span<float>(g_insp.heat), ek::span<std::uint8_t>(),
                             ek::span<ek::inspection_box>(), g_insp.result,
                             ek::span<std::uint8_t>(g_inspect_ws, inspect_bytes)) == ek::status::non_finite);
    fimg[123] = 0.5f;
    CHECK(ek::sparse_inspect(m, fv, ek::span<float>(g_insp.heat), ek::span<std::uint8_t>(),
                             ek::span<ek::inspection_box>(), g_insp.result,
                             ek::span<std::uint8_t>(g_inspect_ws, inspect_bytes)) == ek::status::ok);
}

TEST_CASE("sparse_inspection: a flat training set or bad parameters cannot train; the model stays untouched") {
    static std::uint8_t black[2][W * H];
    ek::image_view<std::uint8_t> views[2] = {view_of(black[0]), view_of(black[1])};
    static model_t m;
    m.threshold = 42.0f;
    auto p = train_params();
    constexpr std::size_t need = ek::sparse_inspection_train_scratch_size<P, A, S>(2, W, H, train_params());
    static_assert(need <= train_bytes, "scratch");
    auto train = [&](const ek::sparse_inspection_train_params& tp, std::size_t n = 2, std::size_t ws = 0) {
        if (ws == 0) ws = need;
        return ek::sparse_inspection_train<P, A, S>(ek::span<const ek::image_view<std::uint8_t>>(views, n), tp, m,
                                                    ek::span<std::uint8_t>(g_train_ws, ws));
    };
    CHECK(train(p) == ek::status::numeric_error);
    CHECK(train(p, 0) == ek::status::invalid_shape);
    CHECK(train(p, 2, need - 1) == ek::status::buffer_too_small);
    p.stride = 0;
    CHECK(train(p) == ek::status::invalid_argument);
    p = train_params();
    p.scale = 9;
    CHECK(train(p) == ek::status::invalid_argument);
    p = train_params();
    p.threshold_sigmas = -0.5f;
    CHECK(train(p) == ek::status::invalid_argument);
    p = train_params();
    views[1].width = 7;
    CHECK(train(p) == ek::status::invalid_shape);
    CHECK(m.threshold == 42.0f);
}

TEST_CASE("sparse_inspection: suggested scale follows the texture period") {
    // Vertical stripes of period T (and a weak horizontal period 3T): scale = floor(4T / (3 * 8)).
    static std::uint8_t img[W * H];
    const std::size_t periods[] = {6, 12, 18, 30};
    const std::uint32_t expect[] = {1, 2, 3, 5};
    for (int t = 0; t < 4; ++t) {
        const float T = static_cast<float>(periods[t]);
        for (std::size_t y = 0; y < H; ++y)
            for (std::size_t x = 0; x < W; ++x)
                img[y * W + x] =
                    static_cast<std::uint8_t>(128.0f + 80.0f * std::sin(6.2831853f * static_cast<float>(x) / T) +
                                              20.0f * std::sin(6.2831853f * static_cast<float>(y) / (3 * T)));
        CHECK(ek::sparse_inspection_suggest_scale<P>(view_of(img)) == expect[t]);
    }
    static std::uint8_t flat[W * H];
    CHECK(ek::sparse_inspection_suggest_scale<P>(view_of(flat)) == 1u);
}

TEST_CASE("sparse_inspection: per-pixel upsampling interpolates between cell centres") {
    const model_t& m = trained_model();
    static float heat[GW * GH];
    for (std::size_t y = 0; y < GH; ++y)
        for (std::size_t x = 0; x < GW; ++x) heat[y * GW + x] = static_cast<float>(x);
    static float px[W * H];
    REQUIRE(ek::sparse_inspection_upsample(m, ek::span<const float>(heat), GW, GH, W, H, ek::span<float>(px)) ==
            ek::status::ok);
    // Cell centre of column cx is at pixel cx * 4 + 6 (patch centre 4 + half a step for the 2 x 2 smoothing).
    CHECK(px[10 * W + 6] == doctest::Approx(0.125f));
    CHECK(px[10 * W + 0] == doctest::Approx(0.0f));
    CHECK(px[10 * W + 46] == doctest::Approx(10.125f));
    CHECK(px[10 * W + 95] == doctest::Approx(static_cast<float>(GW - 1)));
    CHECK(ek::sparse_inspection_upsample(m, ek::span<const float>(heat), GW, GH, W, H, ek::span<float>(px, 10)) ==
          ek::status::buffer_too_small);
}
