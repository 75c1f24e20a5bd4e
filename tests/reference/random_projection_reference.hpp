// SPDX-License-Identifier: Apache-2.0
// random_projection_reference.hpp: dumb oracle for random projection, written from the spec in
// docs/kernels/random_projection.md (shares no code with include/): entry law of the matrix-free stream and
// projections in the widest arithmetic (int64 / double).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rp_reference {

/// lowbias32 as specified: x ^= x>>16; x *= 0x7feb352d; x ^= x>>15; x *= 0x846ca68b; x ^= x>>16 (mod 2^32).
inline std::uint32_t mix(std::uint32_t x) {
    std::uint64_t v = x;
    v ^= v >> 16;
    v = (v * 0x7FEB352Dull) & 0xFFFFFFFFull;
    v ^= v >> 15;
    v = (v * 0x846CA68Bull) & 0xFFFFFFFFull;
    v ^= v >> 16;
    return static_cast<std::uint32_t>(v);
}

/// 32 random bits of element (row, col): mix(mix(seed ^ mix(row + 0xA511E9B3)) ^ (col * 0x9E3779B9)).
inline std::uint32_t bits(std::uint32_t seed, std::uint64_t row, std::uint64_t col) {
    const std::uint32_t r = static_cast<std::uint32_t>((row + 0xA511E9B3ull) % 4294967296ull);
    const std::uint32_t key = mix(seed ^ mix(r));
    const std::uint32_t c = static_cast<std::uint32_t>((col * 0x9E3779B9ull) % 4294967296ull);
    return mix(key ^ c);
}

/// Integer entry: gaussian = b0 + b1 - b2 - b3 with b_i the low 6 bits of byte i of the bits;
/// sparse = +-1 (sign: bit 0 set -> -1) when bits / 256 < threshold, else 0.
inline int entry(bool gaussian, std::uint32_t threshold, std::uint32_t seed, std::uint64_t row, std::uint64_t col) {
    const std::uint32_t h = bits(seed, row, col);
    if (gaussian) {
        int b[4];
        for (int i = 0; i < 4; ++i) b[i] = static_cast<int>((h / (1u << (8 * i))) % 64u);
        return b[0] + b[1] - b[2] - b[3];
    }
    if (h / 256u < threshold) return (h % 2u) ? -1 : 1;
    return 0;
}

/// y[i] = sum_j E(i, j) x[j] in int64, E given as a callable entry(i, j).
template <class Entry, class In>
void project_int(Entry&& e, std::size_t k, std::size_t d, const In* x, std::int64_t* y) {
    for (std::size_t i = 0; i < k; ++i) {
        std::int64_t s = 0;
        for (std::size_t j = 0; j < d; ++j) s += static_cast<std::int64_t>(e(i, j)) * static_cast<std::int64_t>(x[j]);
        y[i] = s;
    }
}

/// y[i] = sum_j A(i, j) x[j] in double.
template <class Entry, class In>
void project_real(Entry&& a, std::size_t k, std::size_t d, const In* x, double* y) {
    for (std::size_t i = 0; i < k; ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < d; ++j) s += static_cast<double>(a(i, j)) * static_cast<double>(x[j]);
        y[i] = s;
    }
}

} // namespace rp_reference
