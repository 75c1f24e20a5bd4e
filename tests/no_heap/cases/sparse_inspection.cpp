// SPDX-License-Identifier: Apache-2.0
// no-heap cases for pipelines/sparse_inspection: train on tiny static images, inspect, save, load, upsample.
#include <cstdint>

#include "edgekern/pipelines/sparse_inspection.hpp"
#include "no_heap_case.hpp"

namespace {

constexpr std::size_t si_w = 40, si_h = 32;
using si_model = edgekern::sparse_inspection_model<8, 8, 2>;

constexpr edgekern::sparse_inspection_train_params si_params() {
    edgekern::sparse_inspection_train_params p;
    p.samples_per_image = 32;
    p.iterations = 2;
    return p;
}

alignas(16) std::uint8_t
    si_train_ws[edgekern::sparse_inspection_train_scratch_size<8, 8, 2>(2, si_w, si_h, si_params())];
alignas(16) std::uint8_t si_inspect_ws[edgekern::sparse_inspection_scratch_size<8, 8, 2>(si_w, si_h, 1, 4)];
std::uint8_t si_pixels[2][si_w * si_h];
si_model si_m, si_loaded;
std::uint8_t si_bytes[edgekern::sparse_inspection_model_bytes<8, 8, 2>()];
float si_heat[64], si_px[si_w * si_h];
std::uint8_t si_mask[64];
edgekern::inspection_box si_boxes[4];

} // namespace

EDGEKERN_NO_HEAP_CASE(sparse_inspection_train_inspect_save_load) {
    namespace ek = edgekern;
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t y = 0; y < si_h; ++y)
            for (std::size_t x = 0; x < si_w; ++x)
                si_pixels[i][y * si_w + x] = static_cast<std::uint8_t>(((x + i) % 5) * 40 + ((y * 3 + x) % 7) * 9);
    ek::image_view<std::uint8_t> views[2];
    for (std::size_t i = 0; i < 2; ++i) {
        views[i].data = si_pixels[i];
        views[i].width = si_w;
        views[i].height = si_h;
        views[i].stride = si_w;
    }
    ek::status st = ek::sparse_inspection_train<8, 8, 2>(ek::span<const ek::image_view<std::uint8_t>>(views, 2),
                                                         si_params(), si_m, ek::span<std::uint8_t>(si_train_ws));
    if (st != ek::status::ok) return false;
    st = ek::sparse_inspection_finalize(si_m);
    if (st != ek::status::ok) return false;
    ek::sparse_inspection_result r;
    st = ek::sparse_inspect(si_m, views[0], ek::span<float>(si_heat), ek::span<std::uint8_t>(si_mask),
                            ek::span<ek::inspection_box>(si_boxes), r, ek::span<std::uint8_t>(si_inspect_ws));
    if (st != ek::status::ok) return false;
    st = ek::sparse_inspection_upsample(si_m, ek::span<const float>(si_heat), r.grid_width, r.grid_height, si_w, si_h,
                                        ek::span<float>(si_px));
    if (st != ek::status::ok) return false;
    st = ek::sparse_inspection_save(si_m, ek::span<std::uint8_t>(si_bytes));
    if (st != ek::status::ok) return false;
    std::uint32_t p = 0, a = 0, s = 0;
    st = ek::sparse_inspection_peek(ek::span<const std::uint8_t>(si_bytes), p, a, s);
    if (st != ek::status::ok || p != 8 || a != 8 || s != 2) return false;
    st = ek::sparse_inspection_load(ek::span<const std::uint8_t>(si_bytes), si_loaded);
    return st == ek::status::ok;
}
