// SPDX-License-Identifier: Apache-2.0
// dispatch_kernels.cc: the ISA-specific side of the runtime-dispatch test: compiled once per x86 level by
// edgekern_add_dispatched_sources (tests/dispatch/CMakeLists.txt), so every function exists once per level with
// the level's default_arch. (Extension .cc keeps it out of the tests/ suite glob, which takes *.cpp.)
#include "dispatch_api.hpp"
#include "edgekern/arch/tags.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "edgekern/simd/simd.hpp"

namespace dispatch_test {

const char* EDGEKERN_DISPATCH_EXPORT(arch_name)() noexcept {
    return edgekern::arch::default_arch::name;
}

std::int32_t EDGEKERN_DISPATCH_EXPORT(dot_s8)(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
    return edgekern::simd::dot_s8(a, b, n, edgekern::arch::default_arch{});
}

std::int64_t EDGEKERN_DISPATCH_EXPORT(dot_s16_s8)(const std::int16_t* a, const std::int8_t* b, std::size_t n) noexcept {
    return edgekern::simd::dot_s16_s8(a, b, n, edgekern::arch::default_arch{});
}

edgekern::status EDGEKERN_DISPATCH_EXPORT(requantize_s8)(const std::int32_t* acc, std::size_t n,
                                                         const std::int32_t* multiplier, const std::int32_t* shift,
                                                         std::int32_t zero_point, std::int8_t* out) noexcept {
    return edgekern::simd::requantize_s32(acc, n, multiplier, shift, zero_point, -128, 127, out,
                                          edgekern::rounding_mode::double_rounding);
}

} // namespace dispatch_test
