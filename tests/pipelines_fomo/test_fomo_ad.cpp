// SPDX-License-Identifier: Apache-2.0
// test_fomo_ad.cpp: FOMO-AD pipeline: learns a texture on the device, flags the cell holding a planted defect,
// features bit-identical across backends and equal to a dumb oracle, save/load, bad input. Small frames on
// Cortex-M (sweep_stride > 1), 96 x 96 on hosts.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "edgekern/pipelines/fomo_ad.hpp"
#include "reference/fomo_ad_reference.hpp"
#include "support/test_support.hpp"

namespace ek = edgekern;

namespace {

constexpr bool small = edgekern_test::sweep_stride > 1;
constexpr std::size_t H = small ? 32 : 96, W = small ? 40 : 96, P = 8, K = 2;
constexpr std::size_t n_train = small ? 4 : 10;
using pipe_t = ek::fomo_ad<H, W, P, K>;
using trainer_t = ek::fomo_ad_trainer<H, W, P, K, 256>;

// Large objects live in static storage (Cortex-M stacks are small).
pipe_t g_pipe;
trainer_t g_trainer;
std::uint8_t g_frame[H * W];

/// A woven-like texture: two crossing sinusoid families, a random shift, gain drift and noise; optionally a bright
/// 6 x 6 blob with its top-left corner at (dx0, dy0).
void make_texture(std::uint64_t seed, std::uint8_t* img, bool defect = false, std::size_t dx0 = 17,
                  std::size_t dy0 = 9) {
    edgekern_test::rng r(seed);
    const float sx = r.uniform_f(0.0f, 7.0f), sy = r.uniform_f(0.0f, 5.0f), gain = r.uniform_f(0.9f, 1.1f);
    for (std::size_t y = 0; y < H; ++y)
        for (std::size_t x = 0; x < W; ++x) {
            const float u = static_cast<float>(x) + sx, v = static_cast<float>(y) + sy;
            float val =
                120.0f + 45.0f * std::sin(6.2831853f * (u + v) / 7.0f) + 30.0f * std::cos(6.2831853f * (u - v) / 5.0f);
            val = val * gain + r.uniform_f(-4.0f, 4.0f);
            if (defect && x >= dx0 && x < dx0 + 6 && y >= dy0 && y < dy0 + 6) val = 250.0f;
            img[y * W + x] = static_cast<std::uint8_t>(val < 0 ? 0 : (val > 255 ? 255 : val));
        }
}

ek::status train_default(pipe_t& p, trainer_t& t, std::size_t n = n_train) {
    ek::status st = p.init();
    if (st != ek::status::ok) return st;
    ek::fomo_ad_train_options o;
    o.em_passes = 2;
    return t.train(
        p, n,
        [](std::size_t i, ek::span<std::uint8_t> f) {
            make_texture(1000 + i, f.data());
            return true;
        },
        o);
}

} // namespace

TEST_CASE("fomo_ad: features match the dumb oracle and are bit-identical on every backend") {
    REQUIRE(g_pipe.init() == ek::status::ok);
    static std::int8_t ref[pipe_t::n_cells * P], got[pipe_t::n_cells * P];
    for (std::uint64_t s = 0; s < 2; ++s) {
        make_texture(77 + s, g_frame, s == 1);
        REQUIRE(fomo_reference::features<H, W, P>(g_frame, g_pipe.options(), ref));
        edgekern_test::for_each_arch([&](auto tag) {
            std::memset(got, 0x55, sizeof got);
            REQUIRE(g_pipe.features(ek::span<const std::uint8_t>(g_frame), ek::span<std::int8_t>(got), tag) ==
                    ek::status::ok);
            CHECK(std::memcmp(got, ref, sizeof got) == 0);
        });
    }
    // The features are not trivially zero/saturated.
    int nz = 0, sat = 0;
    for (std::int8_t v : ref) {
        nz += v != 0;
        sat += (v == 127 || v == -128);
    }
    CHECK(nz > static_cast<int>(sizeof ref / 4));
    CHECK(sat < static_cast<int>(sizeof ref / 20));
}

TEST_CASE("fomo_ad: on-device training flags the defect cell and separates defective frames") {
    REQUIRE(train_default(g_pipe, g_trainer) == ek::status::ok);
    REQUIRE(g_pipe.ready());
    for (std::size_t c = 0; c < pipe_t::n_cells; ++c) {
        CHECK(std::isfinite(g_pipe.calibration_mean()[c]));
        CHECK(g_pipe.calibration_std()[c] > 0.0f);
    }
    static float cells[pipe_t::n_cells];
    float worst_good = -1e30f, best_bad = 1e30f;
    const std::size_t n_eval = small ? 3 : 8;
    for (std::size_t i = 0; i < n_eval; ++i) {
        float s = 0.0f;
        make_texture(5000 + i, g_frame);
        REQUIRE(g_pipe.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(cells), s) == ek::status::ok);
        worst_good = s > worst_good ? s : worst_good;
        make_texture(6000 + i, g_frame, true, 8 + 3 * i, 8 + 2 * i);
        REQUIRE(g_pipe.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(cells), s) == ek::status::ok);
        best_bad = s < best_bad ? s : best_bad;
        // The maximum cell lies on (or next to) the blob.
        std::size_t arg = 0;
        for (std::size_t c = 1; c < pipe_t::n_cells; ++c)
            if (cells[c] > cells[arg]) arg = c;
        const std::size_t cy = arg / pipe_t::cells_w, cx = arg % pipe_t::cells_w;
        const std::size_t by = (8 + 2 * i + 3) / 8, bx = (8 + 3 * i + 3) / 8;
        CHECK(cy + 1 >= by);
        CHECK(cy <= by + 1);
        CHECK(cx + 1 >= bx);
        CHECK(cx <= bx + 1);
    }
    CHECK(best_bad > worst_good);
}

TEST_CASE("fomo_ad: save / load round trip; corrupt and incompatible models are rejected") {
    REQUIRE(train_default(g_pipe, g_trainer) == ek::status::ok);
    static std::byte blob[pipe_t::model_bytes];
    REQUIRE(g_pipe.save(ek::span<std::byte>(blob)) == ek::status::ok);
    static pipe_t other;
    REQUIRE(other.load(ek::span<const std::byte>(blob)) == ek::status::ok);
    make_texture(4242, g_frame, true);
    static float c1[pipe_t::n_cells], c2[pipe_t::n_cells];
    float s1 = 0.0f, s2 = 0.0f;
    REQUIRE(g_pipe.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(c1), s1) == ek::status::ok);
    REQUIRE(other.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(c2), s2) == ek::status::ok);
    CHECK(s1 == s2);
    CHECK(std::memcmp(c1, c2, sizeof c1) == 0);

    // Every single-byte corruption is caught (checksum) and leaves the loaded model in place.
    static std::byte bad[pipe_t::model_bytes];
    for (std::size_t i = 0; i < pipe_t::model_bytes; i += edgekern_test::sweep_stride) {
        std::memcpy(bad, blob, sizeof bad);
        bad[i] ^= std::byte{0x10};
        CHECK(other.load(ek::span<const std::byte>(bad)) != ek::status::ok);
    }
    CHECK(other.ready());
    CHECK(other.load(ek::span<const std::byte>(blob, pipe_t::model_bytes - 1)) == ek::status::invalid_model);
    // A model for another frame size: incompatible.
    static ek::fomo_ad<H + 8, W, P, K> wider;
    REQUIRE(wider.init() == ek::status::ok);
    CHECK(wider.load(ek::span<const std::byte>(blob, pipe_t::model_bytes)) == ek::status::shape_mismatch);
    CHECK_FALSE(wider.ready());
}

TEST_CASE("fomo_ad: bad input") {
    static pipe_t p;
    float s = 0.0f;
    static float cells[pipe_t::n_cells];
    make_texture(1, g_frame);
    CHECK(p.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(cells), s) == ek::status::invalid_argument);
    REQUIRE(p.init() == ek::status::ok);
    CHECK(p.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(cells), s) == ek::status::invalid_model);
    REQUIRE(train_default(p, g_trainer, 3) == ek::status::ok);
    s = 12345.0f;
    cells[0] = 777.0f;
    CHECK(p.score(ek::span<const std::uint8_t>(g_frame, H * W - 1), ek::span<float>(cells), s) ==
          ek::status::shape_mismatch);
    CHECK(p.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(cells, 3), s) == ek::status::buffer_too_small);
    CHECK(s == 12345.0f);
    CHECK(cells[0] == 777.0f);
    // Only the image score.
    CHECK(p.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(), s) == ek::status::ok);
    CHECK(std::isfinite(s));

    ek::fomo_ad_options o;
    o.feature_gain = 0.0f;
    CHECK(p.init(o) == ek::status::invalid_argument);
    o.feature_gain = std::nanf("");
    CHECK(p.init(o) == ek::status::invalid_argument);
    CHECK(p.ready()); // unchanged

    // Degenerate training data: every frame flat, so every cell scores the same -> no finite calibration.
    ek::fomo_ad_train_options to;
    to.em_passes = 1;
    const ek::status st = g_trainer.train(
        p, 3,
        [](std::size_t, ek::span<std::uint8_t> f) {
            std::memset(f.data(), 90, f.size());
            return true;
        },
        to);
    CHECK(st == ek::status::numeric_error);
    CHECK_FALSE(p.ready());
    CHECK(p.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(cells), s) == ek::status::invalid_model);

    // Trainer protocol errors.
    static trainer_t t;
    CHECK(t.begin_pass() == ek::status::invalid_argument);
    REQUIRE(t.start(p) == ek::status::ok);
    CHECK(t.add(ek::span<const std::uint8_t>(g_frame)) == ek::status::invalid_argument);
    REQUIRE(t.begin_pass() == ek::status::ok);
    CHECK(t.add(ek::span<const std::uint8_t>(g_frame, 5)) == ek::status::shape_mismatch);
    CHECK(t.end_pass() == ek::status::invalid_argument); // no frame added

    // A Python-style model with the wrong shape or corrupt parameters.
    const float lw[1] = {0.0f}, mu[P] = {}, pc[P] = {1, 1, 1, 1, 1, 1, 1, 1}, ld[1] = {0.0f};
    ek::gmm_model_view v;
    v.type = ek::gmm_covariance::diag;
    v.n_components = 1;
    v.n_features = P;
    v.log_weights = lw;
    v.means = mu;
    v.precisions_chol = pc;
    v.log_det_chol = ld;
    const float one = 1.0f, ten = 10.0f;
    CHECK(p.load_gmm(v, ek::span<const float>(&ten, 1), ek::span<const float>(&one, 1)) == ek::status::shape_mismatch);
}

TEST_CASE("fomo_ad: a mixture exported from Python (load_gmm) scores like the trained one") {
    REQUIRE(train_default(g_pipe, g_trainer) == ek::status::ok);
    static pipe_t q;
    REQUIRE(q.init() == ek::status::ok);
    const ek::gmm_model_view& v = g_pipe.gmm().view();
    REQUIRE(q.load_gmm(v, g_pipe.calibration_mean(), g_pipe.calibration_std()) == ek::status::ok);
    make_texture(99, g_frame, true);
    float s1 = 0.0f, s2 = 0.0f;
    REQUIRE(g_pipe.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(), s1) == ek::status::ok);
    REQUIRE(q.score(ek::span<const std::uint8_t>(g_frame), ek::span<float>(), s2) == ek::status::ok);
    CHECK(s1 == s2);
    const float one = 1.0f, zero = 0.0f, nan = std::nanf("");
    CHECK(q.load_gmm(v, ek::span<const float>(&one, 1), ek::span<const float>(&zero, 1)) ==
          ek::status::invalid_argument);
    CHECK(q.load_gmm(v, ek::span<const float>(&nan, 1), ek::span<const float>(&one, 1)) == ek::status::non_finite);
    CHECK(q.load_gmm(v, g_pipe.calibration_mean().first(3), g_pipe.calibration_std().first(3)) ==
          ek::status::shape_mismatch);
}
