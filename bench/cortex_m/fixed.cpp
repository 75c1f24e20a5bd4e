// SPDX-License-Identifier: Apache-2.0
// Cortex-M firmware: instruction counts of the scalar fixed-point core (fixed/primitives.hpp, fixed/quantize.hpp)
// per element: requantize in both TFLite modes, the 16x8 int64 path, SRDHM, rounding_shift_right, q15 multiply.
// Run with bench/cortex_m/run.sh fixed.
#include <cstdint>

#include "cycle_counter.hpp"
#include "edgekern/fixed/fixed.hpp"
#include "edgekern/fixed/primitives.hpp"
#include "edgekern/fixed/quantize.hpp"

namespace {
namespace ek = edgekern;
constexpr std::size_t N = 1024;
std::int32_t acc[N], mult[N], shift[N], out[N];
std::int64_t acc64[N];
std::int16_t a16[N], b16[N], out16[N];
volatile std::int64_t sink;
} // namespace

int main() {
    edgekern_cm::counter c;
    std::uint32_t s = 12345;
    for (std::size_t i = 0; i < N; ++i) {
        s = s * 1664525u + 1013904223u;
        acc[i] = static_cast<std::int32_t>(s >> 8) - (1 << 23);
        acc64[i] = static_cast<std::int64_t>(acc[i]) * 4096;
        mult[i] = static_cast<std::int32_t>((1u << 30) + (s >> 3));
        shift[i] = -static_cast<std::int32_t>(s % 12);
        a16[i] = static_cast<std::int16_t>(s >> 16);
        b16[i] = static_cast<std::int16_t>(s >> 4);
    }
    edgekern_cm::report("fixed_requantize/s32_s32_s32/scalar/n1024_double", c.measure([&] {
        for (std::size_t i = 0; i < N; ++i) out[i] = ek::requantize_double_rounding(acc[i], mult[i], shift[i]);
    }),
                        N);
    sink = out[5];
    edgekern_cm::report("fixed_requantize/s32_s32_s32/scalar/n1024_single", c.measure([&] {
        for (std::size_t i = 0; i < N; ++i) out[i] = ek::requantize_single_rounding(acc[i], mult[i], shift[i]);
    }),
                        N);
    sink = out[6];
    edgekern_cm::report("fixed_requantize/s64_s32_s32/scalar/n1024_16x8", c.measure([&] {
        for (std::size_t i = 0; i < N; ++i) out[i] = ek::requantize_16x8_int64(acc64[i], mult[i], shift[i] - 12);
    }),
                        N);
    sink = out[7];
    edgekern_cm::report("fixed_srdhm/s32_s32_s32/scalar/n1024", c.measure([&] {
        for (std::size_t i = 0; i < N; ++i) out[i] = ek::sat_rounding_doubling_high_mul(acc[i], mult[i]);
    }),
                        N);
    sink = out[8];
    edgekern_cm::report("fixed_rounding_shift_right/s32_s32/scalar/n1024", c.measure([&] {
        for (std::size_t i = 0; i < N; ++i) out[i] = ek::rounding_shift_right(acc[i], static_cast<int>(-shift[i]));
    }),
                        N);
    sink = out[9];
    edgekern_cm::report("fixed_q15_mul/s16_s16_s16/scalar/n1024", c.measure([&] {
        for (std::size_t i = 0; i < N; ++i) out16[i] = (ek::q15::from_raw(a16[i]) * ek::q15::from_raw(b16[i])).raw;
    }),
                        N);
    sink = out16[10];
    // Sanity (checked, not timed): single rounding of a known case.
    return ek::requantize_single_rounding(10, 1 << 30, -1) == 3 ? 0 : 1;
}
