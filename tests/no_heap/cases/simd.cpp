// SPDX-License-Identifier: Apache-2.0
// no-heap cases for simd/: every primitive op, with the build's default backend.
#include <cstdint>

#include "edgekern/simd/simd.hpp"
#include "no_heap_case.hpp"

namespace {
namespace es = edgekern::simd;
using tag = edgekern::arch::default_arch;

// Inputs live in static storage and are made opaque with volatile reads so the calls cannot be folded away.
std::int8_t g_a8[67];
std::int8_t g_b8[67];
std::int16_t g_a16[67];
std::int32_t g_acc[67];
volatile std::int8_t g_seed = 3;
} // namespace

EDGEKERN_NO_HEAP_CASE(simd_dot_products) {
    for (int i = 0; i < 67; ++i) {
        g_a8[i] = static_cast<std::int8_t>(g_seed + i);
        g_b8[i] = static_cast<std::int8_t>(g_seed - i);
        g_a16[i] = static_cast<std::int16_t>(g_seed * 300 - i);
    }
    const std::int32_t d8 = es::dot_s8(g_a8, g_b8, 67, tag{});
    const std::int64_t d16 = es::dot_s16_s64(g_a16, g_a16, 67, tag{});
    const std::int64_t d168 = es::dot_s16_s8(g_a16, g_b8, 67, tag{});
    const std::int32_t d168s = es::dot_s16_s8_s32(g_a16, g_b8, 67, tag{});
    return d8 == es::dot_s8(g_a8, g_b8, 67, edgekern::arch::scalar{}) && d16 > 0 && d168 == d168s;
}

EDGEKERN_NO_HEAP_CASE(simd_mac_and_narrow) {
    for (int i = 0; i < 67; ++i) {
        g_a8[i] = static_cast<std::int8_t>(g_seed * i);
        g_acc[i] = 1000 * i;
    }
    es::mac_s8(g_acc, g_a8, g_seed, 67, tag{});
    std::int8_t out8[67];
    std::int16_t out16[67];
    es::saturate_narrow(g_acc, out8, 67, tag{});
    es::saturate_narrow(g_acc, out16, 67, tag{});
    return out8[66] == 127 && out16[0] == 0 && out16[66] == 32767;
}

EDGEKERN_NO_HEAP_CASE(simd_srdhm_and_requantize) {
    static std::int32_t acc[19], mult[19], shift[19], prod[19];
    for (int i = 0; i < 19; ++i) {
        acc[i] = (g_seed - 10) * 1000 * i;
        mult[i] = (1 << 30) + i * 12345;
        shift[i] = -(i % 9);
    }
    es::sat_rounding_doubling_high_mul(acc, 1 << 30, prod, 19, tag{});
    std::int16_t h[19], hp[19];
    for (int i = 0; i < 19; ++i) h[i] = static_cast<std::int16_t>(-32768 + i);
    es::sat_rounding_doubling_high_mul(h, std::int16_t{-32768}, hp, 19, tag{});
    std::int8_t out8[19];
    std::int16_t out16[19];
    const edgekern::status s8 =
        es::requantize_s32(acc, 19, mult, shift, -1, -128, 127, out8, edgekern::rounding_mode::double_rounding, tag{});
    const edgekern::status s16 = es::requantize_s32(acc, 19, mult, shift, 0, -32768, 32767, out16,
                                                    edgekern::rounding_mode::single_rounding, tag{});
    es::requantize_s32_unchecked(acc, 19, mult, shift, 0, -128, 127, out8, edgekern::rounding_mode::double_rounding,
                                 tag{});
    return s8 == edgekern::status::ok && s16 == edgekern::status::ok && prod[2] == acc[2] / 2 && out16[0] == 0 &&
           hp[0] == 32767 && hp[1] == 32767;
}
