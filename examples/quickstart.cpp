// SPDX-License-Identifier: Apache-2.0
// quickstart.cpp: the README's quick start: what this build dispatches to, then the fixed-point core at work.
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "edgekern/edgekern.hpp"

namespace ek = edgekern;

int main() {
    std::printf("edgekern %s, compiled for %s, CPU level %s\n", EDGEKERN_VERSION_STRING, ek::arch::default_arch::name,
                ek::arch::x86_level_name(ek::arch::detect_x86_level()));

    // 1. The per-channel scale of an int8 conv: s_in * s_w / s_out, as a Q0.31 multiplier and a shift.
    const double s_in = 0.0235, s_w = 0.0042, s_out = 0.0871;
    const double scale = s_in * s_w / s_out;
    ek::quantized_multiplier qm{};
    if (ek::quantize_multiplier(scale, qm) != ek::status::ok) return 1;
    std::printf("\nscale %.9g -> multiplier %ld, shift %ld (represents %.9g)\n", scale,
                static_cast<long>(qm.multiplier), static_cast<long>(qm.shift),
                std::ldexp(static_cast<double>(qm.multiplier), static_cast<int>(qm.shift) - 31));

    // 2. Requantize a few int32 accumulators in both TFLite modes (output zero point -3, int8 clamp).
    const std::int32_t zp_out = -3;
    const std::int32_t accs[] = {0, 1234, -1234, 20000, -20000, 98765, 1 << 20, -(1 << 20)};
    std::printf("\n%10s %14s %8s %8s %8s\n", "acc", "acc*scale", "double", "single", "int8");
    for (std::int32_t acc : accs) {
        const std::int32_t d = ek::requantize(acc, qm.multiplier, qm.shift, ek::rounding_mode::double_rounding);
        const std::int32_t s = ek::requantize(acc, qm.multiplier, qm.shift, ek::rounding_mode::single_rounding);
        const std::int8_t out = ek::saturate_cast<std::int8_t>(ek::saturating_add(d, zp_out));
        std::printf("%10ld %14.4f %8ld %8ld %8d\n", static_cast<long>(acc), acc * scale, static_cast<long>(d),
                    static_cast<long>(s), out);
    }

    // The modes disagree by one on a small fraction of accumulators; find the first few.
    std::printf("double vs single rounding differ at acc =");
    int found = 0;
    for (std::int32_t acc = -1; acc > -1000000 && found < 4; --acc) {
        const std::int32_t d = ek::requantize_double_rounding(acc, qm.multiplier, qm.shift);
        const std::int32_t s = ek::requantize_single_rounding(acc, qm.multiplier, qm.shift);
        if (d != s) {
            std::printf(" %ld (%ld vs %ld, exact %.6f)", static_cast<long>(acc), static_cast<long>(d),
                        static_cast<long>(s), acc * scale);
            ++found;
        }
    }
    std::printf("\n");

    // 3. Affine quantization of a float vector and back.
    const float x[6] = {-1.0f, -0.26f, 0.0f, 0.125f, 0.5f, 3.0f};
    std::int8_t q[6] = {};
    float back[6] = {};
    const float qscale = 1.0f / 64.0f;
    if (ek::quantize(ek::span<const float>(x), qscale, 5, ek::span<std::int8_t>(q)) != ek::status::ok) return 1;
    if (ek::dequantize(ek::span<const std::int8_t>(q), qscale, 5, ek::span<float>(back)) != ek::status::ok) return 1;
    std::printf("\nquantize(scale 1/64, zero point 5):\n");
    for (int i = 0; i < 6; ++i) std::printf("  %8.4f -> %4d -> %8.4f\n", x[i], q[i], back[i]);

    // 4. Q15 arithmetic saturates instead of wrapping.
    const ek::q15 a = ek::q15::from_float(0.75f), b = ek::q15::from_float(-0.5f);
    std::printf("\nq15: 0.75 + 0.75 = %.6f, 0.75 * -0.5 = %.6f, -1 * -1 = %.6f\n", (a + a).to_float(),
                (a * b).to_float(), (ek::q15::min() * ek::q15::min()).to_float());

    // 5. A bad parameter is a status, never undefined behaviour.
    ek::quantized_multiplier untouched{};
    std::printf("quantize_multiplier(-1.0) -> %s\n", ek::status_name(ek::quantize_multiplier(-1.0, untouched)));
    return 0;
}
