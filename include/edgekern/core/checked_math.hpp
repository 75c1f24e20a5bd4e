// SPDX-License-Identifier: Apache-2.0
// edgekern/core/checked_math.hpp: overflow-checked size arithmetic for shape validation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// out = a * b; returns false (out untouched) when the product does not fit in size_t.
constexpr bool checked_mul(std::size_t a, std::size_t b, std::size_t& out) noexcept {
    if (a != 0 && b > SIZE_MAX / a) return false;
    out = a * b;
    return true;
}

/// out = a + b; returns false (out untouched) when the sum does not fit in size_t.
constexpr bool checked_add(std::size_t a, std::size_t b, std::size_t& out) noexcept {
    if (b > SIZE_MAX - a) return false;
    out = a + b;
    return true;
}

/// Product of all arguments into out; false (out untouched) on overflow.
template <class... Ts>
constexpr bool checked_product(std::size_t& out, std::size_t first, Ts... rest) noexcept {
    std::size_t acc = first;
    const std::size_t factors[] = {static_cast<std::size_t>(rest)..., 1};
    for (std::size_t f : factors)
        if (!checked_mul(acc, f, acc)) return false;
    out = acc;
    return true;
}

EDGEKERN_NAMESPACE_END
