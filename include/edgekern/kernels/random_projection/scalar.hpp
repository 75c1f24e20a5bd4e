// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/random_projection/scalar.hpp: portable inner loops of random projection (entry generation and
// row dot products); the reference every other backend must match bit for bit on integers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "edgekern/arch/tags.hpp"
#include "edgekern/core/counter_rng.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Distribution of the entries of a projection matrix.
enum class rp_kind : std::uint8_t {
    gaussian, ///< approximately N(0, 1/k) (see random_projection.hpp for the exact integer law)
    sparse,   ///< Achlioptas / Li et al.: +-sqrt(1 / (density k)) with probability density / 2 each, else 0
};

namespace detail {

/// Matrix-free integer entry of `kind` from 32 random bits h (see random_projection.hpp, "Matrix-free entries"):
///  gaussian: (h & 63) + ((h >> 8) & 63) - ((h >> 16) & 63) - ((h >> 24) & 63), in [-126, 126], variance 1365;
///  sparse:   (h >> 8) < threshold ? (h & 1 ? -1 : +1) : 0.
constexpr std::int8_t rp_entry_from_bits(rp_kind kind, std::uint32_t h, std::uint32_t threshold) noexcept {
    if (kind == rp_kind::gaussian) {
        const int a = static_cast<int>(h & 63u) + static_cast<int>((h >> 8) & 63u);
        const int b = static_cast<int>((h >> 16) & 63u) + static_cast<int>((h >> 24) & 63u);
        return static_cast<std::int8_t>(a - b);
    }
    if ((h >> 8) >= threshold) return 0;
    return static_cast<std::int8_t>((h & 1u) ? -1 : 1);
}

/// Entries (row, col0 .. col0 + n - 1) of the matrix-free stream into out[0 .. n).
inline void rp_generate_row(rp_kind kind, std::uint32_t seed, std::uint32_t threshold, std::uint32_t row,
                            std::uint32_t col0, std::size_t n, std::int8_t* out, arch::scalar) noexcept {
    const std::uint32_t key = counter_rng_row_key(seed, row);
    for (std::size_t j = 0; j < n; ++j)
        out[j] = rp_entry_from_bits(kind, counter_rng_bits_keyed(key, col0 + static_cast<std::uint32_t>(j)), threshold);
}

/// acc[r] += sum_j w[r * stride + j] * x[j] for r < rows, j < n; exact in int32 (headroom checked by the caller).
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const std::int8_t* x, std::size_t n,
                        std::int32_t* acc, arch::scalar) noexcept {
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int8_t* wr = w + r * stride;
        std::int32_t s = 0;
        for (std::size_t j = 0; j < n; ++j) s += static_cast<std::int32_t>(wr[j]) * static_cast<std::int32_t>(x[j]);
        acc[r] += s;
    }
}

/// int16 inputs: exact in int64.
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const std::int16_t* x,
                        std::size_t n, std::int64_t* acc, arch::scalar) noexcept {
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int8_t* wr = w + r * stride;
        std::int64_t s = 0;
        for (std::size_t j = 0; j < n; ++j) s += static_cast<std::int32_t>(wr[j]) * static_cast<std::int32_t>(x[j]);
        acc[r] += s;
    }
}

/// float inputs, integer entries (the caller applies the scale).
inline void rp_dot_rows(const std::int8_t* w, std::size_t stride, std::size_t rows, const float* x, std::size_t n,
                        float* acc, arch::scalar) noexcept {
    for (std::size_t r = 0; r < rows; ++r) {
        const std::int8_t* wr = w + r * stride;
        float s = 0.0f;
        for (std::size_t j = 0; j < n; ++j) s += static_cast<float>(wr[j]) * x[j];
        acc[r] += s;
    }
}

/// float inputs, float matrix.
inline void rp_dot_rows(const float* w, std::size_t stride, std::size_t rows, const float* x, std::size_t n, float* acc,
                        arch::scalar) noexcept {
    for (std::size_t r = 0; r < rows; ++r) {
        const float* wr = w + r * stride;
        float s = 0.0f;
        for (std::size_t j = 0; j < n; ++j) s += wr[j] * x[j];
        acc[r] += s;
    }
}

/// The plain output sink: out[v * k + r0 + r] = acc[r]. Its direct() lets a tile kernel write the sums in place.
template <class Acc>
struct rp_store_sink {
    Acc* out;
    std::size_t k;
    void operator()(std::size_t v, std::size_t r0, std::size_t rows, const Acc* acc) const noexcept {
        for (std::size_t r = 0; r < rows; ++r) out[v * k + r0 + r] = acc[r];
    }
    Acc* direct(std::size_t v, std::size_t r0) const noexcept { return out + v * k + r0; }
};

template <class S, class = void>
struct rp_has_direct : std::false_type {};
template <class S>
struct rp_has_direct<S, decltype((void)std::declval<S&>().direct(0, 0))> : std::true_type {};

/// Tile-level kernel (defined in random_projection.hpp; backends add overloads on the last tag).
template <class Acc, class W, class In, class Sink, class Arch>
void rp_apply_tile(const W* w, std::size_t r0, std::size_t rows, std::size_t n_vectors, const In* x, std::size_t d,
                   Sink& sink, Arch, arch::scalar) noexcept;

/// Unpacks n ternary entries starting at entry `col0` of a packed row (2 bits each, entry j in bits 2 (j % 4) of
/// byte j / 4: 00 -> 0, 01 -> +1, 11 -> -1, 10 -> 0).
inline void rp_unpack_ternary(const std::uint8_t* row, std::size_t col0, std::size_t n, std::int8_t* out) noexcept {
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t c = col0 + j;
        const unsigned v = (row[c >> 2] >> (2u * (c & 3u))) & 3u;
        out[j] = static_cast<std::int8_t>((v & 1u) ? 1 - static_cast<int>(v & 2u) : 0);
    }
}

} // namespace detail
EDGEKERN_NAMESPACE_END
