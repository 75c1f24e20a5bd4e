// SPDX-License-Identifier: Apache-2.0
// no-heap cases for pipelines/fomo_ad: init, on-device training (all passes), features, scoring, save/load,
// load_gmm. 16 x 16 frames keep the static objects small for the firmware image.
#include <cstddef>
#include <cstdint>

#include "edgekern/pipelines/fomo_ad.hpp"
#include "no_heap_case.hpp"

namespace {
using nh_pipe = edgekern::fomo_ad<16, 16, 4, 2>;
using nh_trainer = edgekern::fomo_ad_trainer<16, 16, 4, 2, 64>;
nh_pipe g_nh_pipe, g_nh_other;
nh_trainer g_nh_trainer;

void nh_frame(std::size_t i, std::uint8_t* f) {
    std::uint32_t h = 2166136261u ^ static_cast<std::uint32_t>(i);
    for (std::size_t p = 0; p < 256; ++p) {
        h = (h ^ static_cast<std::uint32_t>(p)) * 16777619u;
        f[p] = static_cast<std::uint8_t>(((p % 16) * 13 + (p / 16) * 7) % 200 + (h >> 27));
    }
}
} // namespace

EDGEKERN_NO_HEAP_CASE(fomo_ad_train_score_save_load) {
    edgekern::status st = g_nh_pipe.init();
    if (st != edgekern::status::ok) return false;
    edgekern::fomo_ad_train_options o;
    o.em_passes = 1;
    st = g_nh_trainer.train(
        g_nh_pipe, 4,
        [](std::size_t i, edgekern::span<std::uint8_t> f) {
            nh_frame(i, f.data());
            return true;
        },
        o);
    if (st != edgekern::status::ok) return false;
    static std::uint8_t frame[256];
    static std::int8_t feat[nh_pipe::n_cells * 4];
    static float cells[nh_pipe::n_cells];
    static std::byte blob[nh_pipe::model_bytes];
    float image = 0.0f;
    nh_frame(9, frame);
    st = g_nh_pipe.features(edgekern::span<const std::uint8_t>(frame), edgekern::span<std::int8_t>(feat));
    if (st == edgekern::status::ok)
        st = g_nh_pipe.score(edgekern::span<const std::uint8_t>(frame), edgekern::span<float>(cells), image);
    if (st == edgekern::status::ok) st = g_nh_pipe.save(edgekern::span<std::byte>(blob));
    if (st == edgekern::status::ok) st = g_nh_other.load(edgekern::span<const std::byte>(blob));
    if (st == edgekern::status::ok)
        st = g_nh_other.load_gmm(g_nh_pipe.gmm().view(), g_nh_pipe.calibration_mean(), g_nh_pipe.calibration_std());
    if (st == edgekern::status::ok)
        st = g_nh_other.score(edgekern::span<const std::uint8_t>(frame), edgekern::span<float>(cells), image);
    return st == edgekern::status::ok;
}
