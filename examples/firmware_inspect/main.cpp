// SPDX-License-Identifier: Apache-2.0
// main.cpp: Cortex-M7 firmware example: the sparse inspection pipeline with its model in flash (a header written by
// `edgekern-inspect export`) inspects a 320x240 demo image (also in flash) and prints the score and the boxes.
// Build: cmake --preset cortex-m7-qemu -B build/m7 -DEDGEKERN_BUILD_EXAMPLES=ON
//        cmake --build build/m7 --target edgekern_firmware_inspect   (prints .text/.data/.bss and the stack report)
// Run:   qemu-system-arm -M mps2-an500 -cpu cortex-m7 -nographic -monitor none -serial none
//          -semihosting-config enable=on,target=native -kernel build/m7/examples/firmware_inspect/<name>.elf
#include <cstdint>
#include <cstdio>

#include "demo_image.hpp"
#include "edgekern/pipelines/sparse_inspection.hpp"
#include "inspection_model.hpp"

namespace {

namespace ek = edgekern;
using model_t = ek::sparse_inspection_model<inspection_model_patch, inspection_model_atoms, inspection_model_sparsity>;

model_t g_model; // the loaded model (dictionary + Gram) in RAM
constexpr std::size_t ws_bytes =
    ek::sparse_inspection_scratch_size<inspection_model_patch, inspection_model_atoms, inspection_model_sparsity>(
        demo_image_width, demo_image_height, 1, 4);
static_assert(ws_bytes > 0, "image too small for the model");
alignas(16) std::uint8_t g_ws[ws_bytes];
float g_heat[ek::sparse_inspection_grid_extent(demo_image_width, inspection_model_patch, 1, 4) *
             ek::sparse_inspection_grid_extent(demo_image_height, inspection_model_patch, 1, 4)];
ek::inspection_box g_boxes[8];

} // namespace

/// The inspect path (its stack use is what -fstack-usage reports for this function and its callees).
__attribute__((noinline)) ek::status inspect_demo(ek::sparse_inspection_result& r) {
    ek::image_view<std::uint8_t> img;
    img.data = demo_image;
    img.width = demo_image_width;
    img.height = demo_image_height;
    img.stride = demo_image_width;
    return ek::sparse_inspect(g_model, img, ek::span<float>(g_heat), ek::span<std::uint8_t>(),
                              ek::span<ek::inspection_box>(g_boxes), r, ek::span<std::uint8_t>(g_ws));
}

int main() {
    ek::status st =
        ek::sparse_inspection_load(ek::span<const std::uint8_t>(inspection_model, sizeof inspection_model), g_model);
    if (st != ek::status::ok) {
        std::printf("model load failed: %s\n", ek::status_name(st));
        return 1;
    }
    if (g_model.scale != 1 || g_model.stride != 4) {
        std::printf("model geometry differs from the workspace plan (scale %u stride %u)\n",
                    static_cast<unsigned>(g_model.scale), static_cast<unsigned>(g_model.stride));
        return 1;
    }
    ek::sparse_inspection_result r;
    st = inspect_demo(r);
    if (st != ek::status::ok) {
        std::printf("inspect failed: %s\n", ek::status_name(st));
        return 1;
    }
    std::printf("edgekern firmware_inspect (%s): %ux%u image, score %d.%03d, %s, %u region(s)\n",
                ek::arch::default_arch::name, demo_image_width, demo_image_height, static_cast<int>(r.score),
                static_cast<int>(r.score * 1000.0f) % 1000, r.anomalous ? "ANOMALOUS" : "normal",
                static_cast<unsigned>(r.regions));
    for (std::size_t i = 0; i < r.boxes; ++i)
        std::printf("  box %u: x %u y %u w %u h %u\n", static_cast<unsigned>(i), static_cast<unsigned>(g_boxes[i].x0),
                    static_cast<unsigned>(g_boxes[i].y0), static_cast<unsigned>(g_boxes[i].x1 - g_boxes[i].x0),
                    static_cast<unsigned>(g_boxes[i].y1 - g_boxes[i].y0));
    return r.anomalous ? 0 : 2; // the demo image has a foreign object: anomalous is the expected result
}
