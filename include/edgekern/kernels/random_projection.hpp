// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/random_projection.hpp: random projection y = R x (k x d) of vectors and NHWC feature maps, with
// a stored matrix (float, int8, packed ternary) or a matrix-free one regenerated from a seed.
//
// Matrix-free entries (the definition every backend reproduces bit for bit):
//   h = counter_rng_bits(seed, row, col)                      (core/counter_rng.hpp)
//   gaussian: e = (h & 63) + ((h >> 8) & 63) - ((h >> 16) & 63) - ((h >> 24) & 63)
//             an integer in [-126, 126], symmetric, mean 0, variance 4 (64^2 - 1) / 12 = 1365 (a sum of four
//             uniforms: Irwin-Hall shaped, close to normal, lighter tails); real entry = e / sqrt(1365 k).
//   sparse:   e = (h >> 8) < T ? (h & 1 ? -1 : +1) : 0 with T = round(density 2^24) clamped to [1, 2^24];
//             real entry = e / sqrt((T / 2^24) k)  (Achlioptas / Li et al. with the density actually realized).
// So E[(R x)_i^2] = |x|^2 / k exactly for both kinds and ||R x|| estimates ||x|| (Johnson-Lindenstrauss).
// A stored int8 or ternary matrix produced by rp_generate_s8 / rp_generate_ternary from the same description
// gives the same integers, so stored and matrix-free projections are bit-identical.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/counter_rng.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "edgekern/kernels/random_projection/scalar.hpp"
#include "edgekern/kernels/random_projection/sklearn.hpp"
#if defined(EDGEKERN_HAS_AVX2)
#include "edgekern/kernels/random_projection/x86.hpp"
#endif
#if defined(EDGEKERN_HAS_NEON)
#include "edgekern/kernels/random_projection/neon.hpp"
#endif
#if defined(EDGEKERN_HAS_CORTEX_M_DSP)
#include "edgekern/kernels/random_projection/cortex_m_dsp.hpp"
#endif

#if !defined(EDGEKERN_RP_TILE_BYTES)
#if defined(EDGEKERN_HAS_CORTEX_M)
#define EDGEKERN_RP_TILE_BYTES 2048 ///< stack bytes for generated/unpacked matrix rows (Cortex-M)
#else
#define EDGEKERN_RP_TILE_BYTES 16384 ///< stack bytes for generated/unpacked matrix rows (hosts)
#endif
#endif

EDGEKERN_NAMESPACE_BEGIN

/// Where the entries of a projection matrix come from.
enum class rp_storage : std::uint8_t {
    f32,         ///< stored k x d float, row-major (4 k d bytes)
    s8,          ///< stored k x d int8 integers, row-major, times `scale` (k d bytes)
    ternary,     ///< stored packed {-1, 0, +1} at 2 bits per entry, rows of ceil(d / 4) bytes, times `scale`
    matrix_free, ///< regenerated from (seed, row, col) on every call: 0 bytes
};

/// A k x d projection matrix: a description plus (for stored kinds) a view of caller-owned entries.
/// Build it with make_rp_matrix_free / make_rp_stored_* (they validate), not by hand.
struct rp_matrix {
    rp_kind kind = rp_kind::gaussian;
    rp_storage storage = rp_storage::matrix_free;
    std::size_t n_components = 0;    ///< k: output dimension (rows)
    std::size_t n_features = 0;      ///< d: input dimension (columns)
    std::uint32_t seed = 0;          ///< matrix-free stream
    std::uint32_t threshold = 0;     ///< sparse: P(entry != 0) * 2^24
    float scale = 0.0f;              ///< real value of the integer entry 1 (integer storages)
    span<const float> f32;           ///< rp_storage::f32 entries
    span<const std::int8_t> s8;      ///< rp_storage::s8 entries
    span<const std::uint8_t> packed; ///< rp_storage::ternary entries
};

/// Largest k or d accepted (row and column indices of the generator are 32-bit).
constexpr std::size_t rp_max_dim = 0x7FFFFFFF;
/// Longest int8 x int8 reduction that int32 holds exactly: |w x| <= 2^14, so d <= 2^17 - 1.
constexpr std::size_t rp_max_features_s8 = (std::size_t{1} << 17) - 1;

/// scikit-learn's default density for the sparse kind, 1 / sqrt(d). @pre d >= 1.
inline double rp_default_density(std::size_t n_features) noexcept {
    return 1.0 / detail::rp_sqrt(static_cast<double>(n_features));
}

/// Bytes of matrix storage each mode needs for a k x d matrix (0 for matrix-free).
constexpr std::size_t rp_storage_bytes(rp_storage storage, std::size_t k, std::size_t d) noexcept {
    switch (storage) {
    case rp_storage::f32:
        return k * d * sizeof(float);
    case rp_storage::s8:
        return k * d;
    case rp_storage::ternary:
        return k * ((d + 3) / 4);
    case rp_storage::matrix_free:
        return 0;
    }
    return 0;
}

namespace detail {

constexpr bool rp_is_finite(float v) noexcept {
    return v - v == 0.0f; // NaN - NaN and inf - inf are NaN
}
constexpr bool rp_is_finite(double v) noexcept {
    return v - v == 0.0;
}

inline status rp_check_dims(std::size_t k, std::size_t d) noexcept {
    if (k == 0 || d == 0 || k > rp_max_dim || d > rp_max_dim) return status::invalid_shape;
    return status::ok;
}

inline float rp_gaussian_scale(std::size_t k) noexcept {
    return static_cast<float>(1.0 / detail::rp_sqrt(1365.0 * static_cast<double>(k)));
}

inline float rp_sparse_scale(std::uint32_t threshold, std::size_t k) noexcept {
    const double density = static_cast<double>(threshold) / 16777216.0;
    return static_cast<float>(1.0 / detail::rp_sqrt(density * static_cast<double>(k)));
}

} // namespace detail

/// Describes a matrix-free projection: entries regenerated from `seed` (header comment, "Matrix-free entries").
/// @param kind gaussian or sparse. @param k output dimension, 1 <= k <= 2^31 - 1; for the sparse kind k <= d
///        (a projection that does not reduce is almost surely a mistake; use the gaussian kind to expand).
/// @param density sparse only: probability of a non-zero entry, in (0, 1] (rp_default_density(d) is
///        scikit-learn's default); ignored for gaussian.
/// @return ok; invalid_shape (k or d zero or too large); invalid_argument (sparse with k > d); non_finite
///         (density NaN/inf); invalid_argument (density outside (0, 1]). `out` untouched on error.
/// Numerics: the sparse density is realized as round(density 2^24) / 2^24; `scale` makes E[y_i^2] = |x|^2 / k.
inline status make_rp_matrix_free(rp_kind kind, std::size_t k, std::size_t d, std::uint32_t seed, double density,
                                  rp_matrix& out) noexcept {
    EDGEKERN_TRY(detail::rp_check_dims(k, d));
    rp_matrix m;
    m.kind = kind;
    m.storage = rp_storage::matrix_free;
    m.n_components = k;
    m.n_features = d;
    m.seed = seed;
    if (kind == rp_kind::sparse) {
        if (k > d) return status::invalid_argument;
        if (!detail::rp_is_finite(density)) return status::non_finite;
        if (!(density > 0.0 && density <= 1.0)) return status::invalid_argument;
        double t = density * 16777216.0 + 0.5;
        if (t < 1.0) t = 1.0;
        if (t > 16777216.0) t = 16777216.0;
        m.threshold = static_cast<std::uint32_t>(t);
        m.scale = detail::rp_sparse_scale(m.threshold, k);
    } else if (kind == rp_kind::gaussian) {
        m.scale = detail::rp_gaussian_scale(k);
    } else {
        return status::invalid_argument;
    }
    out = m;
    return status::ok;
}

/// Writes the integer entries of a matrix-free description, row-major k x d, into `out` (the stored-int8 form of
/// the same matrix: projecting with it is bit-identical to projecting matrix-free).
/// @pre `mf` came from make_rp_matrix_free. @return ok; invalid_argument (mf is not matrix-free);
///      buffer_too_small (out.size() < k d). `out` untouched on error.
template <class Arch = arch::default_arch>
status rp_generate_s8(const rp_matrix& mf, span<std::int8_t> out, Arch = {}) noexcept {
    if (mf.storage != rp_storage::matrix_free) return status::invalid_argument;
    EDGEKERN_TRY(detail::rp_check_dims(mf.n_components, mf.n_features));
    std::size_t need = 0;
    if (!checked_mul(mf.n_components, mf.n_features, need)) return status::invalid_shape;
    if (out.data() == nullptr) return status::null_buffer;
    if (out.size() < need) return status::buffer_too_small;
    for (std::size_t r = 0; r < mf.n_components; ++r)
        detail::rp_generate_row(mf.kind, mf.seed, mf.threshold, static_cast<std::uint32_t>(r), 0, mf.n_features,
                                out.data() + r * mf.n_features, Arch{});
    return status::ok;
}

/// Packs a sparse matrix-free description into ternary storage: k rows of ceil(d / 4) bytes (entry j of a row in
/// bits 2 (j % 4) of byte j / 4; 00 = 0, 01 = +1, 11 = -1; padding bits 0).
/// @return ok; invalid_argument (not matrix-free, or the gaussian kind, which is not ternary);
///         buffer_too_small (out.size() < rp_storage_bytes(ternary, k, d)). `out` untouched on error.
inline status rp_generate_ternary(const rp_matrix& mf, span<std::uint8_t> out) noexcept {
    if (mf.storage != rp_storage::matrix_free || mf.kind != rp_kind::sparse) return status::invalid_argument;
    EDGEKERN_TRY(detail::rp_check_dims(mf.n_components, mf.n_features));
    const std::size_t row_bytes = (mf.n_features + 3) / 4;
    std::size_t need = 0;
    if (!checked_mul(mf.n_components, row_bytes, need)) return status::invalid_shape;
    if (out.data() == nullptr) return status::null_buffer;
    if (out.size() < need) return status::buffer_too_small;
    for (std::size_t r = 0; r < mf.n_components; ++r) {
        const std::uint32_t key = counter_rng_row_key(mf.seed, static_cast<std::uint32_t>(r));
        std::uint8_t* row = out.data() + r * row_bytes;
        for (std::size_t b = 0; b < row_bytes; ++b) row[b] = 0;
        for (std::size_t j = 0; j < mf.n_features; ++j) {
            const std::int8_t e = detail::rp_entry_from_bits(
                rp_kind::sparse, counter_rng_bits_keyed(key, static_cast<std::uint32_t>(j)), mf.threshold);
            const unsigned code = e == 0 ? 0u : (e > 0 ? 1u : 3u);
            row[j >> 2] = static_cast<std::uint8_t>(row[j >> 2] | (code << (2u * (j & 3u))));
        }
    }
    return status::ok;
}

/// Writes the real entries (integer entry times scale) of a matrix-free description as float, row-major.
/// @return as rp_generate_s8.
inline status rp_generate_f32(const rp_matrix& mf, span<float> out) noexcept {
    if (mf.storage != rp_storage::matrix_free) return status::invalid_argument;
    EDGEKERN_TRY(detail::rp_check_dims(mf.n_components, mf.n_features));
    std::size_t need = 0;
    if (!checked_mul(mf.n_components, mf.n_features, need)) return status::invalid_shape;
    if (out.data() == nullptr) return status::null_buffer;
    if (out.size() < need) return status::buffer_too_small;
    for (std::size_t r = 0; r < mf.n_components; ++r) {
        const std::uint32_t key = counter_rng_row_key(mf.seed, static_cast<std::uint32_t>(r));
        for (std::size_t j = 0; j < mf.n_features; ++j)
            out[r * mf.n_features + j] =
                static_cast<float>(detail::rp_entry_from_bits(
                    mf.kind, counter_rng_bits_keyed(key, static_cast<std::uint32_t>(j)), mf.threshold)) *
                mf.scale;
    }
    return status::ok;
}

/// A stored int8 matrix: `entries` row-major k x d, real value entry * scale.
/// @return ok; invalid_shape; null_buffer; buffer_too_small (entries shorter than k d); non_finite (scale);
///         invalid_argument (scale <= 0). `out` untouched on error.
inline status make_rp_stored_s8(rp_kind kind, std::size_t k, std::size_t d, span<const std::int8_t> entries,
                                float scale, rp_matrix& out) noexcept {
    EDGEKERN_TRY(detail::rp_check_dims(k, d));
    std::size_t need = 0;
    if (!checked_mul(k, d, need)) return status::invalid_shape;
    if (entries.data() == nullptr) return status::null_buffer;
    if (entries.size() < need) return status::buffer_too_small;
    if (!detail::rp_is_finite(scale)) return status::non_finite;
    if (!(scale > 0.0f)) return status::invalid_argument;
    rp_matrix m;
    m.kind = kind;
    m.storage = rp_storage::s8;
    m.n_components = k;
    m.n_features = d;
    m.scale = scale;
    m.s8 = entries.first(need);
    out = m;
    return status::ok;
}

/// A stored packed ternary matrix (layout of rp_generate_ternary), real value entry * scale.
/// @return as make_rp_stored_s8 (buffer_too_small when packed is shorter than k ceil(d / 4)).
inline status make_rp_stored_ternary(std::size_t k, std::size_t d, span<const std::uint8_t> packed, float scale,
                                     rp_matrix& out) noexcept {
    EDGEKERN_TRY(detail::rp_check_dims(k, d));
    std::size_t need = 0;
    if (!checked_mul(k, (d + 3) / 4, need)) return status::invalid_shape;
    if (packed.data() == nullptr) return status::null_buffer;
    if (packed.size() < need) return status::buffer_too_small;
    if (!detail::rp_is_finite(scale)) return status::non_finite;
    if (!(scale > 0.0f)) return status::invalid_argument;
    rp_matrix m;
    m.kind = rp_kind::sparse;
    m.storage = rp_storage::ternary;
    m.n_components = k;
    m.n_features = d;
    m.scale = scale;
    m.packed = packed.first(need);
    out = m;
    return status::ok;
}

/// A stored float matrix, row-major k x d (for instance from sklearn_gaussian_random_matrix).
/// @return ok; invalid_shape; null_buffer; buffer_too_small; non_finite (any entry NaN/inf: checked once here,
///         so projections need not). `out` untouched on error.
inline status make_rp_stored_f32(rp_kind kind, std::size_t k, std::size_t d, span<const float> entries,
                                 rp_matrix& out) noexcept {
    EDGEKERN_TRY(detail::rp_check_dims(k, d));
    std::size_t need = 0;
    if (!checked_mul(k, d, need)) return status::invalid_shape;
    if (entries.data() == nullptr) return status::null_buffer;
    if (entries.size() < need) return status::buffer_too_small;
    for (std::size_t i = 0; i < need; ++i)
        if (!detail::rp_is_finite(entries[i])) return status::non_finite;
    rp_matrix m;
    m.kind = kind;
    m.storage = rp_storage::f32;
    m.n_components = k;
    m.n_features = d;
    m.scale = 1.0f;
    m.f32 = entries.first(need);
    out = m;
    return status::ok;
}

/// The matrix of scikit-learn's `GaussianRandomProjection(n_components=k, random_state=seed)` fitted on d
/// features (`components_`), row-major k x d, bit for bit: MT19937 init_genrand(seed), numpy's legacy polar
/// Box-Muller gauss() (second value cached), entry = 0.0 + (1 / sqrt(k)) * gauss(), filled row-major.
/// @return ok; invalid_shape; null_buffer; buffer_too_small (out.size() < k d). `out` untouched on error.
/// Numerics: bit for bit on glibc targets (x86-64, AArch64 Linux), where the logarithm is glibc's as in numpy and
/// no product is fused. On other C libraries (newlib, Cortex-M) a correctly rounded logarithm replaces it: entries
/// then differ from scikit-learn by at most 1 ulp, in about 0.1-0.3 % of positions (where glibc misrounds).
/// Cost: ~2.5 KB of stack for the generator state and, per pair of entries, one double-double logarithm.
inline status sklearn_gaussian_random_matrix(std::uint32_t seed, std::size_t k, std::size_t d,
                                             span<double> out) noexcept {
    EDGEKERN_TRY(detail::rp_check_dims(k, d));
    std::size_t need = 0;
    if (!checked_mul(k, d, need)) return status::invalid_shape;
    if (out.data() == nullptr) return status::null_buffer;
    if (out.size() < need) return status::buffer_too_small;
    mt19937_state rng(seed);
    const double scale = 1.0 / detail::rp_sqrt(static_cast<double>(k));
    for (std::size_t i = 0; i < need; ++i) out[i] = 0.0 + detail::rp_rounded(scale * rng.next_gauss());
    return status::ok;
}

/// The same matrix rounded to float (each double entry rounded to nearest float).
inline status sklearn_gaussian_random_matrix(std::uint32_t seed, std::size_t k, std::size_t d,
                                             span<float> out) noexcept {
    EDGEKERN_TRY(detail::rp_check_dims(k, d));
    std::size_t need = 0;
    if (!checked_mul(k, d, need)) return status::invalid_shape;
    if (out.data() == nullptr) return status::null_buffer;
    if (out.size() < need) return status::buffer_too_small;
    mt19937_state rng(seed);
    const double scale = 1.0 / detail::rp_sqrt(static_cast<double>(k));
    for (std::size_t i = 0; i < need; ++i)
        out[i] = static_cast<float>(0.0 + detail::rp_rounded(scale * rng.next_gauss()));
    return status::ok;
}

/// Johnson-Lindenstrauss minimum dimension (scikit-learn's johnson_lindenstrauss_min_dim): the smallest k that
/// keeps all pairwise squared distances of n_samples points within a factor (1 +- eps) with good probability:
/// k = floor(4 ln(n_samples) / (eps^2 / 2 - eps^3 / 3)).
/// @param n_samples >= 1. @param eps in (0, 1).
/// @return ok; invalid_argument (n_samples 0 or eps outside (0, 1)); non_finite (eps NaN). `out` untouched on
///         error. Numerics: evaluated in double (rp_log_cr), so results match scikit-learn's float64 formula.
inline status johnson_lindenstrauss_min_dim(std::size_t n_samples, double eps, std::size_t& out) noexcept {
    if (!detail::rp_is_finite(eps)) return status::non_finite;
    if (n_samples == 0 || !(eps > 0.0 && eps < 1.0)) return status::invalid_argument;
    // eps^3 as Python's eps ** 3 gives it (pow: correctly rounded), not the doubly rounded eps * eps * eps.
    const double eps2 = detail::rp_rounded(eps * eps);
    const double eps3 = detail::rp_dd_mul(detail::rp_two_prod(eps, eps), {eps, 0.0}).hi;
    const double den = (eps2 / 2.0) - (eps3 / 3.0);
    const double k = 4.0 * detail::rp_log_cr(static_cast<double>(n_samples)) / den;
    out = static_cast<std::size_t>(k);
    return status::ok;
}

namespace detail {

// ---- the batch driver ---------------------------------------------------------------------------------------------
// Rows are processed in tiles of at most rp_row_tile rows. Stored int8 / float rows are used in place; ternary and
// matrix-free rows are first expanded into a stack tile of EDGEKERN_RP_TILE_BYTES (so one generation serves every
// vector of the batch). When one row does not fit in the tile (d > EDGEKERN_RP_TILE_BYTES), each row is expanded
// chunk by chunk for every vector instead (correct, slower).
constexpr std::size_t rp_row_tile = 16;

template <class Arch>
inline void rp_expand_rows(const rp_matrix& m, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t n,
                           std::int8_t* tile, Arch) noexcept {
    for (std::size_t r = 0; r < rows; ++r) {
        if (m.storage == rp_storage::ternary)
            rp_unpack_ternary(m.packed.data() + (r0 + r) * ((m.n_features + 3) / 4), c0, n, tile + r * n);
        else
            rp_generate_row(m.kind, m.seed, m.threshold, static_cast<std::uint32_t>(r0 + r),
                            static_cast<std::uint32_t>(c0), n, tile + r * n, Arch{});
    }
}

/// Applies rows [r0, r0 + rows) of a matrix (rows of d entries at w, contiguous) to every vector of a batch:
/// sink(v, r0, rows, acc) with acc[r] = sum_j w[r][j] x_v[j]. rows <= 16. The last parameter picks the
/// implementation by tag closeness (backends overload it for a tile-level kernel); Arch is passed on to the dots.
template <class Acc, class W, class In, class Sink, class Arch>
void rp_apply_tile(const W* w, std::size_t r0, std::size_t rows, std::size_t n_vectors, const In* x, std::size_t d,
                   Sink& sink, Arch, arch::scalar) noexcept {
    Acc acc[16];
    for (std::size_t v = 0; v < n_vectors; ++v) {
        for (std::size_t r = 0; r < rows; ++r) acc[r] = Acc{};
        rp_dot_rows(w, d, rows, x + v * d, d, acc, Arch{});
        sink(v, r0, rows, acc);
    }
}

/// Ternary and matrix-free storage: rows expanded into a stack tile (kept out of rp_run, so that stored matrices do
/// not pay for the tile's stack).
template <class In, class Acc, class Sink, class Arch>
void rp_run_expanded(const rp_matrix& m, std::size_t n_vectors, const In* x, Sink& sink, Arch) noexcept {
    const std::size_t k = m.n_components;
    const std::size_t d = m.n_features;
    alignas(64) std::int8_t tile[EDGEKERN_RP_TILE_BYTES];
    if (d <= sizeof(tile)) {
        std::size_t tile_rows = sizeof(tile) / d;
        if (tile_rows > rp_row_tile) tile_rows = rp_row_tile;
        for (std::size_t r0 = 0; r0 < k; r0 += tile_rows) {
            const std::size_t rows = (k - r0 < tile_rows) ? k - r0 : tile_rows;
            rp_expand_rows(m, r0, rows, 0, d, tile, Arch{});
            rp_apply_tile<Acc>(tile, r0, rows, n_vectors, x, d, sink, Arch{}, Arch{});
        }
        return;
    }
    Acc acc[1];
    for (std::size_t v = 0; v < n_vectors; ++v) {
        for (std::size_t r = 0; r < k; ++r) {
            acc[0] = Acc{};
            for (std::size_t c0 = 0; c0 < d; c0 += sizeof(tile)) {
                const std::size_t n = (d - c0 < sizeof(tile)) ? d - c0 : sizeof(tile);
                rp_expand_rows(m, r, 1, c0, n, tile, Arch{});
                rp_dot_rows(tile, n, 1, x + v * d + c0, n, acc, Arch{});
            }
            sink(v, r, 1, acc);
        }
    }
}

/// Runs acc[v][r] = sum_j W[r][j] x_v[j] over the batch and hands each finished tile to sink(v, r0, rows, acc).
template <class In, class Acc, class Sink, class Arch>
void rp_run(const rp_matrix& m, std::size_t n_vectors, const In* x, Sink&& sink, Arch) noexcept {
    const std::size_t k = m.n_components;
    const std::size_t d = m.n_features;
    if (m.storage == rp_storage::s8 || m.storage == rp_storage::f32) {
        for (std::size_t r0 = 0; r0 < k; r0 += rp_row_tile) {
            const std::size_t rows = (k - r0 < rp_row_tile) ? k - r0 : rp_row_tile;
            if constexpr (std::is_same<In, float>::value) {
                if (m.storage == rp_storage::f32) {
                    rp_apply_tile<Acc>(m.f32.data() + r0 * d, r0, rows, n_vectors, x, d, sink, Arch{}, Arch{});
                    continue;
                }
            }
            rp_apply_tile<Acc>(m.s8.data() + r0 * d, r0, rows, n_vectors, x, d, sink, Arch{}, Arch{});
        }
        return;
    }
    rp_run_expanded<In, Acc>(m, n_vectors, x, sink, Arch{});
}

inline status rp_check_matrix(const rp_matrix& m) noexcept {
    EDGEKERN_TRY(rp_check_dims(m.n_components, m.n_features));
    const std::size_t need = rp_storage_bytes(m.storage, m.n_components, m.n_features);
    switch (m.storage) {
    case rp_storage::f32:
        if (m.f32.data() == nullptr) return status::null_buffer;
        if (m.f32.size_bytes() < need) return status::buffer_too_small;
        break;
    case rp_storage::s8:
        if (m.s8.data() == nullptr) return status::null_buffer;
        if (m.s8.size() < need) return status::buffer_too_small;
        break;
    case rp_storage::ternary:
        if (m.packed.data() == nullptr) return status::null_buffer;
        if (m.packed.size() < need) return status::buffer_too_small;
        break;
    case rp_storage::matrix_free:
        if (m.kind == rp_kind::sparse && (m.threshold == 0 || m.threshold > 16777216u)) return status::invalid_argument;
        break;
    default:
        return status::invalid_argument;
    }
    if (!rp_is_finite(m.scale)) return status::non_finite;
    if (!(m.scale > 0.0f)) return status::invalid_argument;
    return status::ok;
}

/// Shared argument checks of every projection entry point.
template <class In, class Out>
status rp_check_call(const rp_matrix& m, std::size_t n_vectors, span<const In> x, span<Out> y) noexcept {
    EDGEKERN_TRY(rp_check_matrix(m));
    if (n_vectors == 0) return status::invalid_shape;
    std::size_t nx = 0, ny = 0;
    if (!checked_mul(n_vectors, m.n_features, nx) || !checked_mul(n_vectors, m.n_components, ny))
        return status::invalid_shape;
    if (x.data() == nullptr || y.data() == nullptr) return status::null_buffer;
    if (x.size() != nx) return status::shape_mismatch;
    if (y.size() < ny) return status::buffer_too_small;
    if (overlaps(x, y.first(ny))) return status::aliasing;
    return status::ok;
}

template <class In>
status rp_check_finite(span<const In> x) noexcept {
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!rp_is_finite(x[i])) return status::non_finite;
    return status::ok;
}

} // namespace detail

/// Projects a batch of int8 vectors: y[v][i] = sum_j E[i][j] x[v][j] with the matrix's INTEGER entries E (the real
/// projection is scale * y; a float matrix is not accepted here).
/// @param m a validated matrix (s8, ternary or matrix-free storage), d <= rp_max_features_s8.
/// @param n_vectors >= 1. @param x n_vectors x d, row-major (NHWC maps: n_vectors = N H W, d = C).
/// @param y n_vectors x k, row-major.
/// @return ok; invalid_shape (n_vectors 0, dims); null_buffer; shape_mismatch (x.size() != n d); buffer_too_small
///         (y shorter than n k); aliasing (x and y overlap); unsupported (float storage); headroom_exceeded
///         (d > rp_max_features_s8); invalid_argument / non_finite (a corrupt matrix description). y untouched on
///         error.
/// Numerics: exact: |E x| <= 2^14 per term and d < 2^17 terms fit int32. Bit-identical on every backend.
template <class Arch = arch::default_arch>
status random_projection_batch(const rp_matrix& m, std::size_t n_vectors, span<const std::int8_t> x,
                               span<std::int32_t> y, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::rp_check_call(m, n_vectors, x, y));
    if (m.storage == rp_storage::f32) return status::unsupported;
    if (m.n_features > rp_max_features_s8) return status::headroom_exceeded;
    detail::rp_run<std::int8_t, std::int32_t>(m, n_vectors, x.data(),
                                              detail::rp_store_sink<std::int32_t>{y.data(), m.n_components}, Arch{});
    return status::ok;
}

/// int16 inputs, exact int64 sums (|E x| <= 2^22 per term). Same contract as the int8 overload, no d limit
/// beyond rp_max_dim.
template <class Arch = arch::default_arch>
status random_projection_batch(const rp_matrix& m, std::size_t n_vectors, span<const std::int16_t> x,
                               span<std::int64_t> y, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::rp_check_call(m, n_vectors, x, y));
    if (m.storage == rp_storage::f32) return status::unsupported;
    detail::rp_run<std::int16_t, std::int64_t>(m, n_vectors, x.data(),
                                               detail::rp_store_sink<std::int64_t>{y.data(), m.n_components}, Arch{});
    return status::ok;
}

/// float inputs: y = R x with the REAL entries (integer entry * scale, or the stored float). Any storage.
/// @return as the int8 overload, plus non_finite (NaN/inf in x); no headroom limit.
/// Numerics: float32 sums; the summation order differs between backends, so results agree to a tolerance
/// (relative error <= d * 2^-23 * sum|R||x| / |y|, i.e. about 1e-5 of the l1 mass for d = 1280), not bit for bit.
template <class Arch = arch::default_arch>
status random_projection_batch(const rp_matrix& m, std::size_t n_vectors, span<const float> x, span<float> y,
                               Arch = {}) noexcept {
    EDGEKERN_TRY(detail::rp_check_call(m, n_vectors, x, y));
    EDGEKERN_TRY(detail::rp_check_finite(x));
    const std::size_t k = m.n_components;
    const float scale = m.storage == rp_storage::f32 ? 1.0f : m.scale;
    float* out = y.data();
    detail::rp_run<float, float>(
        m, n_vectors, x.data(),
        [&](std::size_t v, std::size_t r0, std::size_t rows, const float* acc) noexcept {
            for (std::size_t r = 0; r < rows; ++r) out[v * k + r0 + r] = acc[r] * scale;
        },
        Arch{});
    return status::ok;
}

/// Requantization of projected sums to int8 / int16: out = clamp(requantize(acc) + output_zero_point, min, max).
/// `multiplier`/`shift` come from quantize_multiplier(scale * s_in / s_out) (the matrix scale folded in).
struct rp_requant {
    std::int32_t multiplier = 0;                         ///< Q0.31 in [2^30, 2^31), or 0
    std::int32_t shift = 0;                              ///< in [-31, 30]
    std::int32_t output_zero_point = 0;                  ///< representable in the output type
    std::int32_t activation_min = -128;                  ///< clamp, within the output type, <= activation_max
    std::int32_t activation_max = 127;                   ///< clamp
    rounding_mode mode = rounding_mode::double_rounding; ///< int32 accumulators only (int8 inputs)
};

namespace detail {

template <class Out>
status rp_check_requant(const rp_requant& q) noexcept {
    EDGEKERN_TRY(check_quantized_multiplier(q.multiplier, q.shift));
    constexpr std::int32_t lo = std::numeric_limits<Out>::min();
    constexpr std::int32_t hi = std::numeric_limits<Out>::max();
    if (q.output_zero_point < lo || q.output_zero_point > hi) return status::invalid_quantization;
    if (q.activation_min < lo || q.activation_max > hi) return status::invalid_range;
    if (q.activation_min > q.activation_max) return status::invalid_range;
    return status::ok;
}

template <class Out>
constexpr Out rp_clamp_out(std::int32_t v, const rp_requant& q) noexcept {
    // v is a saturated int32; adding a zero point in [-32768, 32767] is done in int64 to stay defined.
    std::int64_t t = static_cast<std::int64_t>(v) + q.output_zero_point;
    if (t < q.activation_min) t = q.activation_min;
    if (t > q.activation_max) t = q.activation_max;
    return static_cast<Out>(t);
}

} // namespace detail

/// int8 inputs, requantized int8 or int16 outputs (Out = int8_t or int16_t):
/// y[v][i] = clamp(requantize(sum_j E[i][j] x[v][j], multiplier, shift, mode) + output_zero_point, min, max).
/// Inputs are symmetric (zero point 0; subtract an input zero point beforehand or fold it: E (x - z) =
/// E x - z E 1). @return as the int32 overload, plus invalid_quantization (multiplier/shift/zero point) and
/// invalid_range (clamp outside Out or min > max). y untouched on error.
/// Numerics: the int32 sums are exact (bit-identical on every backend), then TFLite's requantization in the
/// chosen rounding mode (fixed/quantize.hpp).
template <class Out, class Arch = arch::default_arch>
std::enable_if_t<std::is_same<Out, std::int8_t>::value || std::is_same<Out, std::int16_t>::value, status>
random_projection_batch(const rp_matrix& m, std::size_t n_vectors, span<const std::int8_t> x, span<Out> y,
                        const rp_requant& q, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::rp_check_call(m, n_vectors, x, y));
    if (m.storage == rp_storage::f32) return status::unsupported;
    if (m.n_features > rp_max_features_s8) return status::headroom_exceeded;
    EDGEKERN_TRY(detail::rp_check_requant<Out>(q));
    const std::size_t k = m.n_components;
    Out* out = y.data();
    detail::rp_run<std::int8_t, std::int32_t>(
        m, n_vectors, x.data(),
        [&](std::size_t v, std::size_t r0, std::size_t rows, const std::int32_t* acc) noexcept {
            for (std::size_t r = 0; r < rows; ++r)
                out[v * k + r0 + r] = detail::rp_clamp_out<Out>(requantize(acc[r], q.multiplier, q.shift, q.mode), q);
        },
        Arch{});
    return status::ok;
}

/// int16 inputs, requantized int16 or int8 outputs through TFLite's int64 16x8 path (requantize_16x8_int64;
/// q.mode is ignored). Same contract as the int8 requantized overload.
template <class Out, class Arch = arch::default_arch>
std::enable_if_t<std::is_same<Out, std::int8_t>::value || std::is_same<Out, std::int16_t>::value, status>
random_projection_batch(const rp_matrix& m, std::size_t n_vectors, span<const std::int16_t> x, span<Out> y,
                        const rp_requant& q, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::rp_check_call(m, n_vectors, x, y));
    if (m.storage == rp_storage::f32) return status::unsupported;
    EDGEKERN_TRY(detail::rp_check_requant<Out>(q));
    const std::size_t k = m.n_components;
    Out* out = y.data();
    detail::rp_run<std::int16_t, std::int64_t>(
        m, n_vectors, x.data(),
        [&](std::size_t v, std::size_t r0, std::size_t rows, const std::int64_t* acc) noexcept {
            for (std::size_t r = 0; r < rows; ++r)
                out[v * k + r0 + r] =
                    detail::rp_clamp_out<Out>(requantize_16x8_int64(acc[r], q.multiplier, q.shift), q);
        },
        Arch{});
    return status::ok;
}

/// One requantized vector (n_vectors = 1).
template <class In, class Out, class Arch = arch::default_arch>
status random_projection(const rp_matrix& m, span<const In> x, span<Out> y, const rp_requant& q, Arch = {}) noexcept {
    return random_projection_batch(m, 1, x, y, q, Arch{});
}

/// A requantized NHWC map (see random_projection_map).
template <class In, class Out, class Arch = arch::default_arch>
status random_projection_map(const rp_matrix& m, std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                             span<const In> x, span<Out> y, const rp_requant& q, Arch = {}) noexcept {
    std::size_t positions = 0;
    if (n == 0 || h == 0 || w == 0 || c == 0 || !checked_product(positions, n, h, w)) return status::invalid_shape;
    if (c != m.n_features) return status::shape_mismatch;
    return random_projection_batch(m, positions, x, y, q, Arch{});
}

/// One vector: random_projection_batch with n_vectors = 1 (x.size() must equal d; y.size() >= k).
template <class In, class Out, class Arch = arch::default_arch,
          class = std::enable_if_t<std::is_base_of<arch::scalar, Arch>::value>>
status random_projection(const rp_matrix& m, span<const In> x, span<Out> y, Arch = {}) noexcept {
    return random_projection_batch(m, 1, x, y, Arch{});
}

/// A whole NHWC feature map (every spatial position projected): x is n x h x w x c with c == d, y is
/// n x h x w x k. @return as random_projection_batch, plus invalid_shape (a zero dim) and shape_mismatch (c != d).
template <class In, class Out, class Arch = arch::default_arch,
          class = std::enable_if_t<std::is_base_of<arch::scalar, Arch>::value>>
status random_projection_map(const rp_matrix& m, std::size_t n, std::size_t h, std::size_t w, std::size_t c,
                             span<const In> x, span<Out> y, Arch = {}) noexcept {
    std::size_t positions = 0;
    if (n == 0 || h == 0 || w == 0 || c == 0 || !checked_product(positions, n, h, w)) return status::invalid_shape;
    if (c != m.n_features) return status::shape_mismatch;
    return random_projection_batch(m, positions, x, y, Arch{});
}

EDGEKERN_NAMESPACE_END
