// SPDX-License-Identifier: Apache-2.0
// dispatch_api.hpp: the entry points of the runtime-dispatch test, declared for both sides: dispatch_kernels.cc
// (compiled once per x86 level) defines them; test_dispatch.cpp selects and calls them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgekern/arch/dispatch.hpp"
#include "edgekern/core/status.hpp"

namespace dispatch_test {
EDGEKERN_DISPATCH_DECLARE(const char*, arch_name, ())
EDGEKERN_DISPATCH_DECLARE(std::int32_t, dot_s8, (const std::int8_t* a, const std::int8_t* b, std::size_t n))
EDGEKERN_DISPATCH_DECLARE(std::int64_t, dot_s16_s8, (const std::int16_t* a, const std::int8_t* b, std::size_t n))
EDGEKERN_DISPATCH_DECLARE(edgekern::status, requantize_s8,
                          (const std::int32_t* acc, std::size_t n, const std::int32_t* multiplier,
                           const std::int32_t* shift, std::int32_t zero_point, std::int8_t* out))
} // namespace dispatch_test
