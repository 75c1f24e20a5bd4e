// SPDX-License-Identifier: Apache-2.0
// Cortex-M firmware: instruction counts of the simd/ primitive ops, scalar vs cortex_m_dsp (smlad/smlald/ssat),
// per MAC (dot products) or per element (saturate_narrow, requantize). Run with bench/cortex_m/run.sh primitives.
#include <cstdint>

#include "cycle_counter.hpp"
#include "edgekern/simd/simd.hpp"

namespace {
namespace es = edgekern::simd;
namespace ea = edgekern::arch;
constexpr std::size_t N = 1024;
std::int8_t a8[N], b8[N], out8[N];
std::int16_t a16[N];
std::int32_t acc[N], mult[N], shift[N];
volatile std::int64_t sink;

template <class Tag>
void run(edgekern_cm::counter& c, Tag tag, const char* dot8, const char* dot168, const char* dot168s32,
         const char* narrow, const char* rq) {
    std::int32_t r32 = 0;
    std::int64_t r64 = 0;
    edgekern_cm::report(dot8, c.measure([&] { r32 = es::dot_s8(a8, b8, N, tag); }), N);
    sink = r32;
    edgekern_cm::report(dot168, c.measure([&] { r64 = es::dot_s16_s8(a16, b8, N, tag); }), N);
    sink = r64;
    edgekern_cm::report(dot168s32, c.measure([&] { r32 = es::dot_s16_s8_s32(a16, b8, 500, tag); }), 500);
    sink = r32;
    edgekern_cm::report(narrow, c.measure([&] { es::saturate_narrow(acc, out8, N, tag); }), N);
    sink = out8[7];
    edgekern_cm::report(rq, c.measure([&] {
        es::requantize_s32_unchecked(acc, N, mult, shift, -3, -128, 127, out8, edgekern::rounding_mode::double_rounding,
                                     tag);
    }),
                        N);
    sink = out8[9];
}
} // namespace

int main() {
    edgekern_cm::counter counter;
    std::uint32_t s = 12345;
    for (std::size_t i = 0; i < N; ++i) {
        s = s * 1664525u + 1013904223u;
        a8[i] = static_cast<std::int8_t>(s >> 24);
        b8[i] = static_cast<std::int8_t>(s >> 16);
        a16[i] = static_cast<std::int16_t>(s >> 8);
        acc[i] = static_cast<std::int32_t>(s >> 8) - (1 << 23);
        mult[i] = static_cast<std::int32_t>((1u << 30) + (s >> 3));
        shift[i] = -static_cast<std::int32_t>(s % 12);
    }
    run(counter, ea::scalar{}, "dot_s8/s8_s8_s32/scalar/n1024", "dot_s16_s8/s16_s8_s64/scalar/n1024",
        "dot_s16_s8_s32/s16_s8_s32/scalar/n500", "saturate_narrow/s32_s8/scalar/n1024",
        "requantize_s32/s32_s32_s8/scalar/n1024_double");
#if defined(EDGEKERN_HAS_CORTEX_M_DSP)
    run(counter, ea::cortex_m_dsp{}, "dot_s8/s8_s8_s32/cortex_m_dsp/n1024", "dot_s16_s8/s16_s8_s64/cortex_m_dsp/n1024",
        "dot_s16_s8_s32/s16_s8_s32/cortex_m_dsp/n500", "saturate_narrow/s32_s8/cortex_m_dsp/n1024",
        "requantize_s32/s32_s32_s8/cortex_m_dsp/n1024_double");
#endif
    // Both backends must agree (checked, not timed).
    const bool same = es::dot_s8(a8, b8, N, ea::scalar{}) == es::dot_s8(a8, b8, N, ea::default_arch{}) &&
                      es::dot_s16_s8(a16, b8, N, ea::scalar{}) == es::dot_s16_s8(a16, b8, N, ea::default_arch{});
    return same ? 0 : 1;
}
