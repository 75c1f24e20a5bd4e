// SPDX-License-Identifier: Apache-2.0
// main.cpp: package consumer: includes the umbrella header of an installed (or add_subdirectory'd) edgekern and
// runs a small requantization through the public API. Exit 0 = the headers compiled and the result is right.
#include <cstdio>

#include <edgekern/edgekern.hpp>

int main() {
    edgekern::quantized_multiplier qm{};
    if (edgekern::quantize_multiplier(0.25, qm) != edgekern::status::ok) return 1;
    // 0.25 = 0.5 * 2^-1: multiplier 2^30, shift -1, so 1000 * 0.25 = 250 exactly.
    const std::int32_t y =
        edgekern::requantize(1000, qm.multiplier, qm.shift, edgekern::rounding_mode::double_rounding);
    // Negative shifts and out-of-range multipliers are rejected, not undefined.
    const bool rejects = edgekern::check_quantized_multiplier(1, 0) == edgekern::status::invalid_quantization;
    std::printf("edgekern %s consumer: requantize(1000, 0.25) = %d\n", EDGEKERN_VERSION_STRING, static_cast<int>(y));
    return (y == 250 && rejects) ? 0 : 1;
}
