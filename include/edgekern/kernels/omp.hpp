// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/omp.hpp: orthogonal matching pursuit (Batch-OMP) sparse coding, float and fixed-point inputs.
//
// Layouts (all row-major, caller-owned):
//   dictionary  n_atoms x dim: atom k is the contiguous row dictionary[k*dim .. k*dim+dim). This is exactly the
//               memory of scikit-learn's `dictionary_` / `components_` of shape (n_components, n_features), and
//               of the column-major "D (dim x n_atoms)" of the OMP literature (atoms = columns of D).
//   gram        n_atoms x n_atoms, G[a][b] = <atom a, atom b> (omp_gram computes it).
//   signals     n_signals x dim, one signal per row (scikit-learn's X of shape (n_samples, n_features)).
//   codes       n_signals x n_atoms, dense (scikit-learn's sparse_encode output); zeros off the support.
//   residual_sq n_signals (optional): ||x - code D||^2 as tracked by the algorithm.
// Stopping (scikit-learn `orthogonal_mp_gram` semantics): `n_nonzero` atoms at most; `tol` >= 0 is a bound on the
// SQUARED residual norm. With tol alone (n_nonzero = 0) OMP runs until ||r||^2 <= tol or MaxSparsity atoms,
// which is scikit-learn's behaviour ("tol overrides n_nonzero_coefs") when MaxSparsity >= its iteration count;
// with both, it stops at whichever comes first. A dependent atom (Cholesky pivot below omp_pivot_floor),
// exhausted correlations (|alpha|^2 <= omp_correlation_floor ||x||^2) or a non-finite coefficient stop it early,
// keeping the last valid solution: the result is always finite.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/omp/correlate.hpp"
#include "edgekern/kernels/omp/solver.hpp"
#include "edgekern/simd/simd.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Problem shape and stopping rule of OMP.
struct omp_params {
    std::size_t n_atoms = 0;   ///< K, atoms in the dictionary; 1 <= K <= MaxAtoms
    std::size_t dim = 0;       ///< n, length of a signal and of an atom; >= 1
    std::size_t n_nonzero = 0; ///< sparsity: at most this many atoms; 0 = unlimited (needs tol); <= K, <= MaxSparsity
    float tol = -1.0f;         ///< bound on the SQUARED residual norm; < 0 disables it
};

/// Squared atom norms must lie within 1 +- this (float dictionaries) for OMP to accept the dictionary.
constexpr float omp_unit_norm_tolerance = 1e-3f;
/// Same for Q15 dictionaries, whose rounding moves a squared norm by up to about sqrt(dim) * 2^-15.
constexpr float omp_unit_norm_tolerance_q15 = 4e-3f;
/// Signals per tile of the batch encoder: D^T X is computed for this many signals at once.
constexpr std::size_t omp_batch_tile = 16;

/// Floats in the Gram buffer: n_atoms^2.
constexpr std::size_t omp_gram_size(std::size_t n_atoms) noexcept {
    return n_atoms * n_atoms;
}

/// Floats of scratch omp_encode_batch needs, with Kp = n_atoms rounded up to a multiple of omp_atom_pad: the
/// transposed dictionary (dim x Kp), one tile of correlations (omp_batch_tile x Kp) and the Gram matrix with
/// rows padded to Kp (n_atoms x Kp). Independent of the backend.
/// 0 when the size does not fit in size_t.
constexpr std::size_t omp_batch_scratch_size(std::size_t n_atoms, std::size_t dim) noexcept {
    const std::size_t kp = detail::omp_round_up(n_atoms, omp_atom_pad);
    std::size_t rows = 0, out = 0;
    if (kp < n_atoms || !checked_add(dim, omp_batch_tile, rows) || !checked_add(rows, n_atoms, rows) ||
        !checked_mul(rows, kp, out))
        return 0;
    return out;
}

namespace detail {

inline bool omp_all_finite(const float* p, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i])) return false;
    return true;
}

template <class T>
inline float omp_to_float(T v) noexcept {
    return static_cast<float>(v);
}

/// Shape, capacity and stopping-rule checks shared by every entry point.
template <std::size_t MaxAtoms, std::size_t MaxSparsity>
inline status omp_check_params(const omp_params& p) noexcept {
    static_assert(MaxAtoms >= 1 && MaxSparsity >= 1, "capacities must be positive");
    if (p.n_atoms == 0 || p.dim == 0) return status::invalid_shape;
    if (p.n_atoms > MaxAtoms) return status::buffer_too_small;
    if (std::isnan(p.tol) || std::isinf(p.tol)) return status::non_finite;
    if (p.n_nonzero == 0 && p.tol < 0.0f) return status::invalid_argument;
    if (p.n_nonzero > p.n_atoms) return status::invalid_argument;
    if (p.n_nonzero > MaxSparsity) return status::buffer_too_small;
    return status::ok;
}

template <std::size_t MaxSparsity>
constexpr std::size_t omp_max_iter(const omp_params& p) noexcept {
    std::size_t m = p.n_nonzero != 0 ? p.n_nonzero : p.n_atoms;
    if (m > MaxSparsity) m = MaxSparsity;
    if (m > p.n_atoms) m = p.n_atoms;
    return m;
}

/// Float dictionary: finite, sizes, unit atoms.
inline status omp_check_dictionary_f32(span<const float> d, std::size_t n_atoms, std::size_t dim) noexcept {
    if (d.data() == nullptr) return status::null_buffer;
    std::size_t need = 0;
    if (!checked_mul(n_atoms, dim, need)) return status::invalid_shape;
    if (d.size() != need) return status::shape_mismatch;
    if (!omp_all_finite(d.data(), need)) return status::non_finite;
    for (std::size_t k = 0; k < n_atoms; ++k) {
        float s = 0.0f;
        for (std::size_t i = 0; i < dim; ++i) s += d[k * dim + i] * d[k * dim + i];
        if (!std::isfinite(s)) return status::non_finite;
        if (std::fabs(s - 1.0f) > omp_unit_norm_tolerance) return status::invalid_model;
    }
    return status::ok;
}

inline status omp_check_gram(span<const float> g, std::size_t n_atoms, float unit_tol) noexcept {
    if (g.data() == nullptr) return status::null_buffer;
    if (g.size() != n_atoms * n_atoms) return status::shape_mismatch;
    if (!omp_all_finite(g.data(), g.size())) return status::non_finite;
    for (std::size_t k = 0; k < n_atoms; ++k)
        if (std::fabs(g[k * n_atoms + k] - 1.0f) > unit_tol) return status::invalid_model;
    return status::ok;
}

/// Writes one dense code row (zeros + support) and the optional residual.
inline void omp_write_code(float* code, std::size_t n_atoms, const std::size_t* idx, const float* gamma, std::size_t n,
                           float err, float* residual) noexcept {
    std::memset(code, 0, n_atoms * sizeof(float)); // all-zero bits are +0.0f (IEEE 754)
    for (std::size_t m = 0; m < n; ++m) code[idx[m]] = gamma[m];
    if (residual != nullptr) *residual = err;
}

} // namespace detail

/// Checks that a float dictionary (n_atoms x dim, atom rows) is usable by OMP: finite, and every atom of unit l2
/// norm (squared norm within 1 +- omp_unit_norm_tolerance).
/// @return ok; null_buffer; invalid_shape (zero dim); shape_mismatch (size != n_atoms*dim); non_finite;
///         invalid_model (an atom not of unit norm, including zero atoms).
inline status omp_check_dictionary(span<const float> dictionary, std::size_t n_atoms, std::size_t dim) noexcept {
    if (n_atoms == 0 || dim == 0) return status::invalid_shape;
    return detail::omp_check_dictionary_f32(dictionary, n_atoms, dim);
}

/// Scales every atom (row) of `dictionary` to unit l2 norm, in place.
/// Numerics: the norm is accumulated in float over the row and each element divided by it; afterwards each squared
/// norm is 1 within a few float ulps times dim.
/// @return ok; null_buffer; invalid_shape; shape_mismatch; non_finite (NaN/Inf entries); invalid_model (an atom
///         whose norm is zero or below 1e-30: it cannot be normalized). On error nothing is modified.
inline status omp_normalize_atoms(span<float> dictionary, std::size_t n_atoms, std::size_t dim) noexcept {
    if (n_atoms == 0 || dim == 0) return status::invalid_shape;
    if (dictionary.data() == nullptr) return status::null_buffer;
    std::size_t need = 0;
    if (!checked_mul(n_atoms, dim, need)) return status::invalid_shape;
    if (dictionary.size() != need) return status::shape_mismatch;
    if (!detail::omp_all_finite(dictionary.data(), need)) return status::non_finite;
    for (std::size_t k = 0; k < n_atoms; ++k) {
        float s = 0.0f;
        for (std::size_t i = 0; i < dim; ++i) s += dictionary[k * dim + i] * dictionary[k * dim + i];
        if (!(s > 1e-30f) || !std::isfinite(s)) return status::invalid_model;
    }
    for (std::size_t k = 0; k < n_atoms; ++k) {
        float* a = dictionary.data() + k * dim;
        float s = 0.0f;
        for (std::size_t i = 0; i < dim; ++i) s += a[i] * a[i];
        const float inv = 1.0f / std::sqrt(s);
        for (std::size_t i = 0; i < dim; ++i) a[i] *= inv;
    }
    return status::ok;
}

/// Gram matrix G = D D^T of a float dictionary into `gram` (n_atoms x n_atoms, row-major, symmetric).
/// @pre dictionary is n_atoms x dim (atom rows).
/// Numerics: each entry is a float dot product accumulated in index order; G is exactly symmetric.
/// @return ok; null_buffer; invalid_shape; shape_mismatch; non_finite; buffer_too_small (gram shorter than
///         n_atoms^2); aliasing (gram overlaps the dictionary). Does not require unit atoms.
template <class Arch = arch::default_arch>
status omp_gram(span<const float> dictionary, std::size_t n_atoms, std::size_t dim, span<float> gram,
                Arch = {}) noexcept {
    if (n_atoms == 0 || dim == 0) return status::invalid_shape;
    if (dictionary.data() == nullptr || gram.data() == nullptr) return status::null_buffer;
    std::size_t need = 0, gneed = 0;
    if (!checked_mul(n_atoms, dim, need) || !checked_mul(n_atoms, n_atoms, gneed)) return status::invalid_shape;
    if (dictionary.size() != need) return status::shape_mismatch;
    if (gram.size() < gneed) return status::buffer_too_small;
    if (overlaps(dictionary, gram)) return status::aliasing;
    if (!detail::omp_all_finite(dictionary.data(), need)) return status::non_finite;
    const float* d = dictionary.data();
    float* g = gram.data();
    for (std::size_t a = 0; a < n_atoms; ++a)
        for (std::size_t b = a; b < n_atoms; ++b) {
            float s = 0.0f;
            for (std::size_t i = 0; i < dim; ++i) s += d[a * dim + i] * d[b * dim + i];
            g[a * n_atoms + b] = s;
            g[b * n_atoms + a] = s;
        }
    return status::ok;
}

/// OMP sparse code of one float signal over a float dictionary.
///
/// @param dictionary n_atoms x dim, atom rows, unit norm (checked; see omp_normalize_atoms).
/// @param gram       the dictionary's Gram matrix (omp_gram), or an empty span: then the Gram columns that OMP
///                   needs are computed on the fly (s * K * dim extra flops; fine for one signal).
/// @param signal     dim floats, finite.
/// @param p          shape and stopping rule (see the file comment; tol is a SQUARED norm).
/// @param code       n_atoms floats out (dense code).
/// @param residual_sq empty, or >= 1 float: receives ||x - code D||^2 as tracked by OMP.
/// @pre MaxAtoms >= p.n_atoms, MaxSparsity >= p.n_nonzero (MaxSparsity bounds the tol-only mode); both set the
///      stack use: about 4 * (MaxAtoms * (MaxSparsity + 2) + MaxSparsity^2) bytes.
/// Numerics: float arithmetic; against a float64 oracle the support is the same unless two correlations tie to
/// within float rounding, and coefficients agree to about 1e-5 relative for well-conditioned supports (tested
/// against scikit-learn orthogonal_mp_gram).
/// @return ok; null_buffer; invalid_shape; shape_mismatch (dictionary/gram/signal sizes); buffer_too_small
///         (code shorter than n_atoms, n_atoms > MaxAtoms, n_nonzero > MaxSparsity); invalid_argument (no stopping
///         rule, n_nonzero > n_atoms); non_finite (NaN/Inf in signal, dictionary, gram or tol); invalid_model
///         (non-unit atom); aliasing (an output overlapping an input). Outputs untouched on error.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class Arch = arch::default_arch>
status omp_encode(span<const float> dictionary, span<const float> gram, span<const float> signal, const omp_params& p,
                  span<float> code, span<float> residual_sq, Arch = {}) noexcept {
    EDGEKERN_TRY((detail::omp_check_params<MaxAtoms, MaxSparsity>(p)));
    const std::size_t k_atoms = p.n_atoms, dim = p.dim;
    EDGEKERN_TRY(detail::omp_check_dictionary_f32(dictionary, k_atoms, dim));
    if (!gram.empty()) EDGEKERN_TRY(detail::omp_check_gram(gram, k_atoms, omp_unit_norm_tolerance));
    if (signal.data() == nullptr || code.data() == nullptr) return status::null_buffer;
    if (signal.size() != dim) return status::shape_mismatch;
    if (code.size() < k_atoms) return status::buffer_too_small;
    const span<const float> out_code(code.data(), k_atoms);
    if (overlaps(out_code, signal) || overlaps(out_code, dictionary) || overlaps(out_code, gram) ||
        overlaps(residual_sq, signal) || overlaps(residual_sq, dictionary) || overlaps(residual_sq, gram) ||
        overlaps(residual_sq.first(1), out_code))
        return status::aliasing;
    const float xx = detail::omp_sum_squares(signal.data(), dim);
    if (!std::isfinite(xx)) return status::non_finite;

    const float* d = dictionary.data();
    float alpha0[MaxAtoms];
    for (std::size_t k = 0; k < k_atoms; ++k) {
        float s = 0.0f;
        for (std::size_t i = 0; i < dim; ++i) s += d[k * dim + i] * signal[i];
        alpha0[k] = s;
    }
    float colbuf[MaxSparsity][MaxAtoms];
    auto column = [&](std::size_t j, std::size_t slot) noexcept -> const float* {
        if (!gram.empty()) return gram.data() + j * k_atoms;
        float* c = colbuf[slot];
        for (std::size_t k = 0; k < k_atoms; ++k) {
            float s = 0.0f;
            for (std::size_t i = 0; i < dim; ++i) s += d[j * dim + i] * d[k * dim + i];
            c[k] = s;
        }
        return c;
    };
    std::size_t idx[MaxSparsity];
    float gamma[MaxSparsity];
    float err = 0.0f;
    const std::size_t n = detail::omp_solve_one<MaxAtoms, MaxSparsity>(
        alpha0, xx, k_atoms, detail::omp_max_iter<MaxSparsity>(p), p.tol, column, idx, gamma, err);
    detail::omp_write_code(code.data(), k_atoms, idx, gamma, n, err,
                           residual_sq.empty() ? nullptr : residual_sq.data());
    return status::ok;
}

/// Batch-OMP of many float signals over one float dictionary and its precomputed Gram matrix.
///
/// The correlations D x of omp_batch_tile signals at a time are one register-blocked matrix product (xsimd on
/// SSE/AVX2/AVX-512/NEON, scalar elsewhere); then each signal runs the Batch-OMP loop on G.
/// @param dictionary n_atoms x dim, unit atoms (checked).
/// @param gram       n_atoms x n_atoms from omp_gram(dictionary) (@pre: it is that matrix; its diagonal is
///                   checked for unit atoms, the rest is trusted).
/// @param signals    n_signals x dim (rows), finite.
/// @param codes      n_signals x n_atoms out.
/// @param residual_sq empty, or n_signals floats out: squared residual norm per signal.
/// @param scratch    >= omp_batch_scratch_size(n_atoms, dim) floats; contents on return unspecified.
/// Numerics: as omp_encode; SIMD backends differ from scalar only in the rounding of D x (fused multiply-add),
/// about 1e-6 relative; the per-signal loop is the same scalar code on every backend.
/// @return as omp_encode, plus buffer_too_small for codes, residual_sq or scratch, shape_mismatch when
///         signals.size() != n_signals * dim, invalid_shape for n_signals == 0. Outputs untouched on error.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class Arch = arch::default_arch>
status omp_encode_batch(span<const float> dictionary, span<const float> gram, span<const float> signals,
                        std::size_t n_signals, const omp_params& p, span<float> codes, span<float> residual_sq,
                        span<float> scratch, Arch = {}) noexcept {
    EDGEKERN_TRY((detail::omp_check_params<MaxAtoms, MaxSparsity>(p)));
    const std::size_t k_atoms = p.n_atoms, dim = p.dim;
    if (n_signals == 0) return status::invalid_shape;
    EDGEKERN_TRY(detail::omp_check_dictionary_f32(dictionary, k_atoms, dim));
    EDGEKERN_TRY(detail::omp_check_gram(gram, k_atoms, omp_unit_norm_tolerance));
    if (signals.data() == nullptr || codes.data() == nullptr || scratch.data() == nullptr) return status::null_buffer;
    std::size_t n_in = 0, n_out = 0;
    if (!checked_mul(n_signals, dim, n_in) || !checked_mul(n_signals, k_atoms, n_out)) return status::invalid_shape;
    if (signals.size() != n_in) return status::shape_mismatch;
    if (codes.size() < n_out) return status::buffer_too_small;
    if (!residual_sq.empty() && residual_sq.size() < n_signals) return status::buffer_too_small;
    const std::size_t need = omp_batch_scratch_size(k_atoms, dim);
    if (need == 0) return status::invalid_shape;
    if (scratch.size() < need) return status::buffer_too_small;
    const span<const float> c_out(codes.data(), n_out);
    const span<const float> r_out = residual_sq.first(n_signals);
    const span<const float> s_out(scratch.data(), need);
    const span<const float> ins[3] = {dictionary, gram, signals};
    for (const auto& in : ins)
        if (overlaps(c_out, in) || overlaps(r_out, in) || overlaps(s_out, in)) return status::aliasing;
    if (overlaps(c_out, r_out) || overlaps(c_out, s_out) || overlaps(r_out, s_out)) return status::aliasing;
    for (std::size_t s = 0; s < n_signals; ++s) {
        if (!std::isfinite(detail::omp_sum_squares(signals.data() + s * dim, dim))) return status::non_finite;
    }

    const std::size_t kp = detail::omp_round_up(k_atoms, omp_atom_pad);
    float* dt = scratch.data();
    float* corr = dt + dim * kp;
    const float* d = dictionary.data();
    for (std::size_t i = 0; i < dim; ++i)
        for (std::size_t k = 0; k < kp; ++k) dt[i * kp + k] = k < k_atoms ? d[k * dim + i] : 0.0f;
    float* gp = corr + omp_batch_tile * kp;
    for (std::size_t a = 0; a < k_atoms; ++a)
        for (std::size_t k = 0; k < kp; ++k) gp[a * kp + k] = k < k_atoms ? gram[a * k_atoms + k] : 0.0f;
    auto column = [gp, kp](std::size_t j, std::size_t) noexcept -> const float* { return gp + j * kp; };
    const std::size_t max_iter = detail::omp_max_iter<MaxSparsity>(p);
    for (std::size_t t0 = 0; t0 < n_signals; t0 += omp_batch_tile) {
        const std::size_t rows = n_signals - t0 < omp_batch_tile ? n_signals - t0 : omp_batch_tile;
        const float* xt = signals.data() + t0 * dim;
        detail::omp_correlate_tile(dt, kp, dim, xt, rows, corr, Arch{});
        for (std::size_t r = 0; r < rows; ++r) {
            const float* x = xt + r * dim;
            const float xx = detail::omp_sum_squares(x, dim);
            std::size_t idx[MaxSparsity];
            float gamma[MaxSparsity];
            float err = 0.0f;
            const std::size_t n = detail::omp_solve_one<MaxAtoms, MaxSparsity>(corr + r * kp, xx, kp, max_iter, p.tol,
                                                                               column, idx, gamma, err);
            detail::omp_write_code(codes.data() + (t0 + r) * k_atoms, k_atoms, idx, gamma, n, err,
                                   residual_sq.empty() ? nullptr : residual_sq.data() + t0 + r);
        }
    }
    return status::ok;
}

/// Reconstructs signals from dense codes: out[s] = sum_k codes[s][k] * atom k (zero coefficients skipped).
/// @param dictionary n_atoms x dim (any norms); codes n_signals x n_atoms; out >= n_signals x dim floats.
/// Numerics: float multiply-adds in atom order; matches what OMP's tracked residual assumes to ~1e-6 relative.
/// @return ok; null_buffer; invalid_shape; shape_mismatch (dictionary or codes size); buffer_too_small (out);
///         non_finite (a code or atom not finite); aliasing. Outputs untouched on error.
template <class Arch = arch::default_arch>
status omp_reconstruct(span<const float> dictionary, span<const float> codes, std::size_t n_signals,
                       const omp_params& p, span<float> out, Arch = {}) noexcept {
    const std::size_t k_atoms = p.n_atoms, dim = p.dim;
    if (k_atoms == 0 || dim == 0 || n_signals == 0) return status::invalid_shape;
    if (dictionary.data() == nullptr || codes.data() == nullptr || out.data() == nullptr) return status::null_buffer;
    std::size_t nd = 0, nc = 0, no = 0;
    if (!checked_mul(k_atoms, dim, nd) || !checked_mul(n_signals, k_atoms, nc) || !checked_mul(n_signals, dim, no))
        return status::invalid_shape;
    if (dictionary.size() != nd || codes.size() != nc) return status::shape_mismatch;
    if (out.size() < no) return status::buffer_too_small;
    const span<const float> o(out.data(), no);
    if (overlaps(o, dictionary) || overlaps(o, codes)) return status::aliasing;
    if (!detail::omp_all_finite(dictionary.data(), nd) || !detail::omp_all_finite(codes.data(), nc))
        return status::non_finite;
    for (std::size_t s = 0; s < n_signals; ++s) {
        float* y = out.data() + s * dim;
        const float* c = codes.data() + s * k_atoms;
        for (std::size_t i = 0; i < dim; ++i) y[i] = 0.0f;
        for (std::size_t k = 0; k < k_atoms; ++k) {
            if (c[k] == 0.0f) continue;
            const float* a = dictionary.data() + k * dim;
            for (std::size_t i = 0; i < dim; ++i) y[i] += c[k] * a[i];
        }
    }
    return status::ok;
}

// ---- fixed point: Q15 dictionaries, int16 / int8 signals ----------------------------------------------------------

/// Floats of scratch the fixed-point omp_encode_batch needs: the Gram matrix with rows padded to Kp and one tile of
/// correlations, (n_atoms + omp_batch_tile) x Kp with Kp = n_atoms rounded up to omp_atom_pad. 0 on overflow.
constexpr std::size_t omp_batch_scratch_size_q15(std::size_t n_atoms) noexcept {
    const std::size_t kp = detail::omp_round_up(n_atoms, omp_atom_pad);
    std::size_t rows = 0, out = 0;
    if (kp < n_atoms || !checked_add(n_atoms, omp_batch_tile, rows) || !checked_mul(rows, kp, out)) return 0;
    return out;
}

/// Longest int8 signal the int32 accumulator of the int8 path takes exactly: |x| <= 2^7, |d| <= 2^15, so a product
/// is at most 2^22 in magnitude and 511 of them fit (simd::dot_s16_s8_s32_max_length).
constexpr std::size_t omp_max_dim_s8 = simd::dot_s16_s8_s32_max_length;

namespace detail {

/// Exact correlation of a Q15 atom with an integer signal, on the backend's widening dot product (simd/):
/// int16 signals: int64 sums (smlald on Cortex-M DSP, pmaddwd on x86, NEON widening MACs); int8 signals: int32
/// sums, exact for dim <= omp_max_dim_s8. Every backend returns the same integer.
template <class Arch>
inline std::int64_t omp_dot_q15(const std::int16_t* d, const std::int16_t* x, std::size_t n, Arch) noexcept {
    return simd::dot_s16_s64(d, x, n, Arch{});
}
template <class Arch>
inline std::int64_t omp_dot_q15(const std::int16_t* d, const std::int8_t* x, std::size_t n, Arch) noexcept {
    return simd::dot_s16_s8_s32(d, x, n, Arch{});
}
template <class T>
inline std::int64_t omp_sum_squares_int(const T* x, std::size_t n) noexcept {
    std::int64_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc += static_cast<std::int32_t>(x[i]) * static_cast<std::int32_t>(x[i]);
    return acc;
}

inline status omp_check_dictionary_q15(span<const std::int16_t> d, std::size_t n_atoms, std::size_t dim) noexcept {
    if (d.data() == nullptr) return status::null_buffer;
    std::size_t need = 0;
    if (!checked_mul(n_atoms, dim, need)) return status::invalid_shape;
    if (d.size() != need) return status::shape_mismatch;
    for (std::size_t k = 0; k < n_atoms; ++k) {
        const float s = static_cast<float>(omp_sum_squares_int(d.data() + k * dim, dim)) * (1.0f / 1073741824.0f);
        if (std::fabs(s - 1.0f) > omp_unit_norm_tolerance_q15) return status::invalid_model;
    }
    return status::ok;
}

} // namespace detail

/// Quantizes a float dictionary to Q15: q = round(d * 32768) (half away from zero), saturated to [-32768, 32767].
/// @return ok; null_buffer; invalid_shape; shape_mismatch (size != n_atoms*dim); buffer_too_small (out);
///         non_finite. Unit float atoms give Q15 atoms OMP accepts (squared norm within omp_unit_norm_tolerance_q15
///         for dim up to ~1000).
inline status omp_quantize_dictionary_q15(span<const float> dictionary, std::size_t n_atoms, std::size_t dim,
                                          span<std::int16_t> out) noexcept {
    if (n_atoms == 0 || dim == 0) return status::invalid_shape;
    if (dictionary.data() == nullptr || out.data() == nullptr) return status::null_buffer;
    std::size_t need = 0;
    if (!checked_mul(n_atoms, dim, need)) return status::invalid_shape;
    if (dictionary.size() != need) return status::shape_mismatch;
    if (out.size() < need) return status::buffer_too_small;
    if (!detail::omp_all_finite(dictionary.data(), need)) return status::non_finite;
    for (std::size_t i = 0; i < need; ++i) {
        float v = std::round(dictionary[i] * 32768.0f);
        v = v > 32767.0f ? 32767.0f : (v < -32768.0f ? -32768.0f : v);
        out[i] = static_cast<std::int16_t>(v);
    }
    return status::ok;
}

/// Gram matrix of a Q15 dictionary as float: G[a][b] = (sum_i d_a[i] d_b[i]) * 2^-30, the integer sum exact in
/// int64, then one rounding to float. Layout as omp_gram.
/// @return ok; null_buffer; invalid_shape; shape_mismatch; buffer_too_small.
template <class Arch = arch::default_arch>
status omp_gram_q15(span<const std::int16_t> dictionary, std::size_t n_atoms, std::size_t dim, span<float> gram,
                    Arch = {}) noexcept {
    if (n_atoms == 0 || dim == 0) return status::invalid_shape;
    if (dictionary.data() == nullptr || gram.data() == nullptr) return status::null_buffer;
    std::size_t need = 0, gneed = 0;
    if (!checked_mul(n_atoms, dim, need) || !checked_mul(n_atoms, n_atoms, gneed)) return status::invalid_shape;
    if (dictionary.size() != need) return status::shape_mismatch;
    if (gram.size() < gneed) return status::buffer_too_small;
    const std::int16_t* d = dictionary.data();
    for (std::size_t a = 0; a < n_atoms; ++a)
        for (std::size_t b = a; b < n_atoms; ++b) {
            const float g =
                static_cast<float>(detail::omp_dot_q15(d + a * dim, d + b * dim, dim, Arch{})) * (1.0f / 1073741824.0f);
            gram[a * n_atoms + b] = g;
            gram[b * n_atoms + a] = g;
        }
    return status::ok;
}

/// Batch-OMP of integer signals (int16_t or int8_t) over a Q15 dictionary.
///
/// Codes and residual_sq are in the units of the integer signal: x ~= sum_k code[k] * (d_k / 32768); multiply the
/// codes by the signal's real scale to get real coefficients. tol is in squared integer signal units.
/// @param dictionary n_atoms x dim Q15 atoms of unit norm (checked: squared norm within omp_unit_norm_tolerance_q15;
///                   see omp_quantize_dictionary_q15).
/// @param gram       omp_gram_q15(dictionary) (diagonal checked).
/// @param scratch    >= omp_batch_scratch_size_q15(n_atoms) floats.
/// Numerics: the correlations D x and ||x||^2 are exact integers (int16 signals: int64 accumulators; int8: int32,
/// dim <= omp_max_dim_s8), identical on every backend, converted to float with one rounding (x 2^-15, exact).
/// The s-step selection/Cholesky loop is the float loop of the float path. Against float64 OMP on the unquantized
/// float dictionary and signal, tests/kernels/omp/test_omp_fixed.cpp measures and pins the share of signals with
/// the same support and the coefficient error (see docs/kernels/omp.md for the figures).
/// @return as the float omp_encode_batch; headroom_exceeded for int8 signals longer than omp_max_dim_s8.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class Signal, class Arch = arch::default_arch>
status omp_encode_batch(span<const std::int16_t> dictionary, span<const float> gram, span<const Signal> signals,
                        std::size_t n_signals, const omp_params& p, span<float> codes, span<float> residual_sq,
                        span<float> scratch, Arch = {}) noexcept {
    static_assert(std::is_same<Signal, std::int16_t>::value || std::is_same<Signal, std::int8_t>::value,
                  "integer OMP takes int16_t or int8_t signals");
    EDGEKERN_TRY((detail::omp_check_params<MaxAtoms, MaxSparsity>(p)));
    const std::size_t k_atoms = p.n_atoms, dim = p.dim;
    if (n_signals == 0) return status::invalid_shape;
    if (std::is_same<Signal, std::int8_t>::value && dim > omp_max_dim_s8) return status::headroom_exceeded;
    EDGEKERN_TRY(detail::omp_check_dictionary_q15(dictionary, k_atoms, dim));
    EDGEKERN_TRY(detail::omp_check_gram(gram, k_atoms, omp_unit_norm_tolerance_q15));
    if (signals.data() == nullptr || codes.data() == nullptr || scratch.data() == nullptr) return status::null_buffer;
    std::size_t n_in = 0, n_out = 0;
    if (!checked_mul(n_signals, dim, n_in) || !checked_mul(n_signals, k_atoms, n_out)) return status::invalid_shape;
    if (signals.size() != n_in) return status::shape_mismatch;
    if (codes.size() < n_out) return status::buffer_too_small;
    if (!residual_sq.empty() && residual_sq.size() < n_signals) return status::buffer_too_small;
    const std::size_t need = omp_batch_scratch_size_q15(k_atoms);
    if (need == 0) return status::invalid_shape;
    if (scratch.size() < need) return status::buffer_too_small;
    const span<const float> c_out(codes.data(), n_out);
    const span<const float> r_out = residual_sq.first(n_signals);
    const span<const float> s_out(scratch.data(), need);
    if (overlaps(c_out, dictionary) || overlaps(c_out, gram) || overlaps(c_out, signals) ||
        overlaps(r_out, dictionary) || overlaps(r_out, gram) || overlaps(r_out, signals) ||
        overlaps(s_out, dictionary) || overlaps(s_out, gram) || overlaps(s_out, signals) || overlaps(c_out, r_out) ||
        overlaps(c_out, s_out) || overlaps(r_out, s_out))
        return status::aliasing;

    const std::size_t kp = detail::omp_round_up(k_atoms, omp_atom_pad);
    float* gp = scratch.data();
    float* corr = gp + k_atoms * kp;
    for (std::size_t a = 0; a < k_atoms; ++a)
        for (std::size_t k = 0; k < kp; ++k) gp[a * kp + k] = k < k_atoms ? gram[a * k_atoms + k] : 0.0f;
    auto column = [gp, kp](std::size_t j, std::size_t) noexcept -> const float* { return gp + j * kp; };
    const std::size_t max_iter = detail::omp_max_iter<MaxSparsity>(p);
    const std::int16_t* d = dictionary.data();
    for (std::size_t s = 0; s < n_signals; ++s) {
        const Signal* x = signals.data() + s * dim;
        for (std::size_t k = 0; k < kp; ++k)
            corr[k] = k < k_atoms
                          ? static_cast<float>(detail::omp_dot_q15(d + k * dim, x, dim, Arch{})) * (1.0f / 32768.0f)
                          : 0.0f;
        const float xx = static_cast<float>(detail::omp_sum_squares_int(x, dim));
        std::size_t idx[MaxSparsity];
        float gamma[MaxSparsity];
        float err = 0.0f;
        const std::size_t n =
            detail::omp_solve_one<MaxAtoms, MaxSparsity>(corr, xx, kp, max_iter, p.tol, column, idx, gamma, err);
        detail::omp_write_code(codes.data() + s * k_atoms, k_atoms, idx, gamma, n, err,
                               residual_sq.empty() ? nullptr : residual_sq.data() + s);
    }
    return status::ok;
}

EDGEKERN_NAMESPACE_END
