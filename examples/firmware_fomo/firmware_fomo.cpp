// SPDX-License-Identifier: Apache-2.0
// firmware_fomo.cpp: FOMO-AD on the emulated Cortex-M7 (qemu-system-arm -M mps2-an500): 96 x 96 grayscale frames,
// the model trained on the device from synthetic normal texture frames (streaming: frames are regenerated each
// pass, never stored), saved to a blob, re-loaded into a fresh inference object (what a device would keep in
// flash), then a few normal and defective frames scored. Reports, over semihosting:
//   EDGEKERN_CM fomo_ad/.../score_96x96 instructions=N work=1 ...   (instructions per frame, bench/cortex_m harness)
//   EDGEKERN_CM fomo_ad/peak_stack_bytes ... / object sizes
// Built and run by examples/firmware_fomo/run.sh (which also prints .text/.data/.bss).
#include <cstddef>
#include <cstdint>

#include "cycle_counter.hpp"
#include "edgekern/pipelines/fomo_ad.hpp"

namespace {
using namespace edgekern;
constexpr std::size_t side = 96, P = 8, K = 4;
using pipe_t = fomo_ad<side, side, P, K>;

pipe_t g_infer; // the inference state: the only RAM a deployed detector needs (plus stack)
std::byte g_model[pipe_t::model_bytes];

/// A woven-like texture with a per-frame shift and noise; defect = a bright 6 x 6 blob at (dx, dy).
void texture(std::uint32_t seed, std::uint8_t* f, bool defect, std::size_t dx = 40, std::size_t dy = 50) {
    std::uint32_t s = seed * 2654435761u + 1u;
    const std::size_t sx = seed % 7, sy = (seed / 7) % 5;
    for (std::size_t y = 0; y < side; ++y)
        for (std::size_t x = 0; x < side; ++x) {
            s = s * 1664525u + 1013904223u;
            const std::size_t u = x + sx, v = y + sy;
            int val = 70 + static_cast<int>(((u + v) % 7) * 18) + static_cast<int>(((u + 2 * 5 - v % 5) % 5) * 12) +
                      static_cast<int>(s >> 28);
            if (defect && x >= dx && x < dx + 6 && y >= dy && y < dy + 6) val = 250;
            f[y * side + x] = static_cast<std::uint8_t>(val);
        }
}

constexpr std::uint32_t paint = 0xC0FFEE11u;

/// Paints `bytes` of free stack below the current stack pointer (integer addresses: the region is no object);
/// returns the lowest painted address.
__attribute__((noinline)) std::uintptr_t paint_stack(std::size_t bytes) {
    volatile std::uint32_t here = 0;
    const std::uintptr_t sp = reinterpret_cast<std::uintptr_t>(&here) & ~std::uintptr_t{3};
    const std::uintptr_t lo = sp - bytes;
    for (std::uintptr_t a = lo; a < sp - 64; a += 4) *reinterpret_cast<volatile std::uint32_t*>(a) = paint;
    return lo;
}
/// Bytes between the deepest overwritten painted word and `top`.
std::size_t used_below(std::uintptr_t lo, std::uintptr_t top) {
    std::uintptr_t a = lo;
    while (a < top && *reinterpret_cast<volatile std::uint32_t*>(a) == paint) a += 4;
    return static_cast<std::size_t>(top - a);
}

void print_value(const char* name, std::uint64_t v) {
    edgekern_cm::report(name, static_cast<std::int64_t>(v), 1);
}

} // namespace

int main() {
    edgekern_cm::counter counter;
    volatile std::uint32_t top_marker = 0;
    const std::uintptr_t top = reinterpret_cast<std::uintptr_t>(&top_marker);
    const std::uintptr_t stack_lo = paint_stack(32 * 1024);
    int failures = 0;
    {
        // Training (a device would do this once, in a maintenance mode); the trainer is temporary.
        static pipe_t trainee;
        static fomo_ad_trainer<side, side, P, K, 256> trainer;
        if (trainee.init() != status::ok) return 1;
        fomo_ad_train_options o;
        o.em_passes = 1;
        const status st = trainer.train(
            trainee, 6,
            [](std::size_t i, span<std::uint8_t> f) {
                texture(static_cast<std::uint32_t>(i), f.data(), false);
                return true;
            },
            o);
        if (st != status::ok) return 2;
        if (trainee.save(span<std::byte>(g_model)) != status::ok) return 3;
    }
    const std::size_t stack_train = used_below(stack_lo, top);
    paint_stack(32 * 1024);
    if (g_infer.load(span<const std::byte>(g_model)) != status::ok) return 4;
    static std::uint8_t frame[side * side];
    static float cells[pipe_t::n_cells];
    float good_max = -1e30f, bad_min = 1e30f;
    for (std::uint32_t i = 0; i < 3; ++i) {
        for (int bad = 0; bad < 2; ++bad) {
            texture(100 + i, frame, bad != 0, 16 + 20 * i, 30 + 10 * i);
            float score = 0.0f;
            status st = status::ok;
            const std::int64_t n = counter.measure(
                [&] { st = g_infer.score(span<const std::uint8_t>(frame), span<float>(cells), score); });
            if (st != status::ok) ++failures;
            if (i == 0 && bad == 0)
                edgekern_cm::report("fomo_ad/u8_s8_f32/" EDGEKERN_CM_CORE_NAME "/score_96x96_p8_k4", n, 1);
            if (bad)
                bad_min = score < bad_min ? score : bad_min;
            else
                good_max = score > good_max ? score : good_max;
            print_value(bad ? "fomo_ad/frame_defect/image_score_x1000" : "fomo_ad/frame_normal/image_score_x1000",
                        static_cast<std::uint64_t>(score > 0 ? score * 1000.0f : 0.0f));
        }
    }
    const std::size_t stack_score = used_below(stack_lo, top);
    print_value("fomo_ad/peak_stack_bytes_training", stack_train);
    print_value("fomo_ad/peak_stack_bytes_scoring", stack_score);
    print_value("fomo_ad/inference_object_bytes", sizeof(pipe_t));
    print_value("fomo_ad/model_blob_bytes", pipe_t::model_bytes);
    print_value("fomo_ad/defects_separated", bad_min > good_max ? 1 : 0);
    return failures == 0 && bad_min > good_max ? 0 : 9;
}
