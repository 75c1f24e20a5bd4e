// SPDX-License-Identifier: Apache-2.0
// edgekern/core/counter_rng.hpp: a counter-based (stateless) generator: random bits as a pure function of
// (seed, row, column), identical on every target, cheap enough to vectorize.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// A 32-bit integer hash with good avalanche (the "lowbias32" xorshift-multiply construction: two odd
/// multiplications between three xorshifts). A bijection on uint32, so distinct inputs never collide.
/// Only 32-bit shifts, xors and low multiplications: every SIMD ISA has them (pmulld, vmulq_u32, mul).
constexpr std::uint32_t hash32(std::uint32_t x) noexcept {
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return x;
}

/// Odd constant (2^32 / golden ratio) that spreads consecutive column indices over the whole 32-bit range.
constexpr std::uint32_t counter_rng_column_step = 0x9E3779B9u;

/// Per-row key: mixes the seed and the row index. Row indices are taken modulo 2^32.
constexpr std::uint32_t counter_rng_row_key(std::uint32_t seed, std::uint32_t row) noexcept {
    return hash32(seed ^ hash32(row + 0xA511E9B3u));
}

/// 32 random bits for element (row, col) of the stream `seed`:
/// `hash32(row_key(seed, row) ^ (col * 0x9E3779B9))` (all arithmetic modulo 2^32).
/// Pure function: a matrix-free kernel regenerates any element in any order, on any backend.
constexpr std::uint32_t counter_rng_bits(std::uint32_t seed, std::uint32_t row, std::uint32_t col) noexcept {
    return hash32(counter_rng_row_key(seed, row) ^ (col * counter_rng_column_step));
}

/// The same with the row key already computed (inner loops walk one row).
constexpr std::uint32_t counter_rng_bits_keyed(std::uint32_t row_key, std::uint32_t col) noexcept {
    return hash32(row_key ^ (col * counter_rng_column_step));
}

EDGEKERN_NAMESPACE_END
