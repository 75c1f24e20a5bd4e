// SPDX-License-Identifier: Apache-2.0
// no-heap cases for fixed/: every primitive, fixed<> operation, quantize_multiplier, requantize and quantize.
#include <cstdint>

#include "edgekern/fixed/fixed.hpp"
#include "edgekern/fixed/primitives.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "no_heap_case.hpp"

namespace {
// volatile so that the calls below run at run time rather than being folded away
volatile std::int32_t g_acc = 123456;
volatile double g_scale = 0.0123;
volatile float g_x = 0.75f;
} // namespace

EDGEKERN_NO_HEAP_CASE(fixed_primitives) {
    namespace ek = edgekern;
    const std::int32_t a = g_acc;
    const auto a16 = static_cast<std::int16_t>(a & 0x7FFF);
    const auto a8 = static_cast<std::int8_t>(a & 0x7F);
    std::int64_t sum = ek::rounding_shift_right(a, 3) + ek::rounding_divide_by_pot(a, 2) +
                       ek::rounding_shift_right(std::int64_t{a}, 5) + ek::sat_rounding_doubling_high_mul(a, a) +
                       ek::sat_rounding_doubling_high_mul(a16, a16) + ek::widening_mul(a, a) +
                       ek::widening_mul(a16, a16) + ek::saturating_add(a8, a8) + ek::saturating_sub(a8, a8) +
                       ek::saturating_add(a16, a16) + ek::saturating_sub(a16, a16) + ek::saturating_add(a, a) +
                       ek::saturating_sub(a, a) + ek::saturating_add(std::int64_t{a}, std::int64_t{a}) +
                       ek::saturating_sub(std::int64_t{a}, std::int64_t{a}) + ek::saturate_cast<std::int8_t>(a);
    const ek::q15 x = ek::q15::from_float(g_x), y = ek::q15::from_raw(a16);
    const ek::q31 z = ek::q31::from_raw(a) * ek::q31::from_float(0.5f);
    const ek::q7 w = ek::q7::from_float(g_x) - ek::q7::from_raw(a8);
    sum += (x * y).raw + (x + y).raw + (-x).raw + z.raw + w.raw + static_cast<std::int64_t>(x.to_float() * 4.0f);
    return sum != 0;
}

EDGEKERN_NO_HEAP_CASE(fixed_requantize) {
    namespace ek = edgekern;
    ek::quantized_multiplier q{};
    if (ek::quantize_multiplier(g_scale, q) != ek::status::ok) return false;
    if (ek::check_quantized_multiplier(q.multiplier, q.shift) != ek::status::ok) return false;
    const std::int32_t acc = g_acc;
    const std::int32_t d = ek::requantize_double_rounding(acc, q.multiplier, q.shift);
    const std::int32_t s = ek::requantize_single_rounding(acc, q.multiplier, q.shift);
    const std::int32_t m = ek::requantize(acc, q.multiplier, q.shift, ek::rounding_mode::single_rounding);
    const std::int32_t w = ek::requantize_16x8_int64(std::int64_t{acc} << 8, q.multiplier, q.shift);
    return d != 0 && s == m && w != 0;
}

EDGEKERN_NO_HEAP_CASE(fixed_quantize) {
    namespace ek = edgekern;
    static float in[4] = {0.0f, 0.5f, -0.25f, 1.0f};
    static std::int8_t q8[4];
    static float back[4];
    in[0] = g_x;
    std::int16_t one = 0;
    float f = 0.0f;
    if (ek::quantize(g_x, 0.01f, 3, one) != ek::status::ok) return false;
    if (ek::dequantize(one, 0.01f, 3, f) != ek::status::ok) return false;
    if (ek::quantize(ek::span<const float>(in), 0.01f, -5, ek::span<std::int8_t>(q8)) != ek::status::ok) return false;
    return ek::dequantize(ek::span<const std::int8_t>(q8), 0.01f, -5, ek::span<float>(back)) == ek::status::ok &&
           back[0] > 0.5f;
}
