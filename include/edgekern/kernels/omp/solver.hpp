// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/omp/solver.hpp: the per-signal Batch-OMP loop (greedy selection + progressive Cholesky).
//
// Given alpha0 = D x (correlations of one signal with every atom), ||x||^2 and access to columns of the Gram
// matrix G = D D^T, it runs Batch-OMP (Rubinstein, Zibulevsky, Elad 2008):
//   pick j = argmax |alpha| over atoms not yet chosen;
//   extend the Cholesky factor L of G[I,I] by one row: solve L w = G[I,j], pivot p = G[j,j] - ||w||^2;
//   solve L L^T gamma = alpha0[I];  alpha = alpha0 - G[:,I] gamma;
//   squared residual ||x - D_I gamma||^2 = ||x||^2 - 2 gamma.alpha0[I] + gamma.G[I,I]gamma = ||x||^2 - gamma.alpha0[I]
//   (because G[I,I] gamma = alpha0[I]); the residual itself is never formed.
// The loop is plain scalar code shared by every backend (its cost, ~K*s per iteration, is small next to D x).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// A new atom is accepted only if its squared distance to the span of the atoms already chosen (the Cholesky
/// pivot) exceeds this fraction of its own squared norm; otherwise OMP stops (linear dependence, repeated atom).
constexpr float omp_pivot_floor = 1e-5f;
/// OMP stops when the largest remaining |correlation|^2 is at most this fraction of ||x||^2 (nothing left to
/// explain at float precision; this is also what stops a zero signal with zero atoms).
constexpr float omp_correlation_floor = 1e-10f;

namespace detail {

/// The per-signal loops run over whole blocks of this many floats (a compile-time trip count the compiler turns
/// into vector code at -O2 on every target) and a scalar tail.
constexpr std::size_t omp_block = 16;

/// Index of the first maximum of |a[k]| over k < len, and that maximum. Two passes whose 16-lane bodies compile to
/// vector code with no data-dependent branch: the maximum (order-independent), then per lane the smallest index
/// holding it; a final min over the lanes gives exactly the sequential first argmax.
inline std::size_t omp_argmax_abs(const float* EDGEKERN_RESTRICT a, std::size_t len, float& max_abs) noexcept {
    constexpr std::uint32_t none = 0xFFFFFFFFu;
    const std::size_t blocks = len - len % omp_block;
    float m[omp_block] = {};
    for (std::size_t k = 0; k < blocks; k += omp_block)
        for (std::size_t j = 0; j < omp_block; ++j) {
            const float v = std::fabs(a[k + j]);
            m[j] = v > m[j] ? v : m[j];
        }
    float best = 0.0f;
    for (std::size_t j = 0; j < omp_block; ++j) best = m[j] > best ? m[j] : best;
    for (std::size_t j = 0; j < len % omp_block; ++j) {
        const float v = std::fabs(a[blocks + j]);
        best = v > best ? v : best;
    }
    std::uint32_t id[omp_block];
    for (std::size_t j = 0; j < omp_block; ++j) id[j] = none;
    for (std::size_t k = 0; k < blocks; k += omp_block)
        for (std::size_t j = 0; j < omp_block; ++j) {
            const std::uint32_t c = std::fabs(a[k + j]) == best ? static_cast<std::uint32_t>(k + j) : none;
            id[j] = c < id[j] ? c : id[j];
        }
    std::uint32_t first = none;
    for (std::size_t j = 0; j < omp_block; ++j) first = id[j] < first ? id[j] : first;
    for (std::size_t j = 0; j < len % omp_block; ++j)
        if (std::fabs(a[blocks + j]) == best && blocks + j < first) first = static_cast<std::uint32_t>(blocks + j);
    max_abs = best;
    return first == none ? 0 : first;
}

/// dst[k] = src[k]
inline void omp_copy(float* EDGEKERN_RESTRICT dst, const float* EDGEKERN_RESTRICT src, std::size_t len) noexcept {
    std::size_t k = 0;
    for (; k + omp_block <= len; k += omp_block)
        for (std::size_t j = 0; j < omp_block; ++j) dst[k + j] = src[k + j];
    for (std::size_t j = 0; j < len % omp_block; ++j) dst[k + j] = src[k + j];
}

/// a[k] -= g * x[k]
inline void omp_sub_scaled(float* EDGEKERN_RESTRICT a, const float* EDGEKERN_RESTRICT x, float g,
                           std::size_t len) noexcept {
    std::size_t k = 0;
    for (; k + omp_block <= len; k += omp_block)
        for (std::size_t j = 0; j < omp_block; ++j) a[k + j] -= g * x[k + j];
    for (std::size_t j = 0; j < len % omp_block; ++j) a[k + j] -= g * x[k + j];
}

/// sum x[i]^2 with 16 partial sums (lane j sums i = j mod 16), then the partial sums in order; the same order on
/// every backend.
inline float omp_sum_squares(const float* EDGEKERN_RESTRICT x, std::size_t len) noexcept {
    float s[omp_block] = {};
    std::size_t i = 0;
    for (; i + omp_block <= len; i += omp_block)
        for (std::size_t j = 0; j < omp_block; ++j) s[j] += x[i + j] * x[i + j];
    float r = 0.0f;
    for (std::size_t j = 0; j < len % omp_block; ++j) r += x[i + j] * x[i + j];
    for (std::size_t j = 0; j < omp_block; ++j) r += s[j];
    return r;
}

/// Runs Batch-OMP for one signal. alpha0 and every column hold `len` floats (n_atoms, or n_atoms padded with zeros
/// to a multiple of omp_block by the batch path; len <= MaxAtoms rounded up to omp_block). `column(j, slot)` returns a
/// pointer to the correlations of atom j with every atom (row j of G); `slot` is the position j takes in the active set
/// (for callers that compute columns on demand). Writes the active atoms to idx[0..n) and their coefficients to
/// gamma[0..n); returns n. `err` receives the squared residual norm. Never produces NaN from finite input: a pivot
/// below the floor, a non-finite coefficient or an exhausted correlation stops the loop with the previous (valid)
/// solution.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class ColumnFn>
inline std::size_t omp_solve_one(const float* alpha0, float xx, std::size_t len, std::size_t max_iter, float tol,
                                 ColumnFn&& column, std::size_t* idx, float* gamma, float& err) noexcept {
    constexpr std::size_t cap = (MaxAtoms + omp_block - 1) / omp_block * omp_block;
    float alpha[cap];                      // chosen atoms' entries are kept at exactly 0
    if (len > cap) len = cap;              // callers guarantee len <= cap; this tells the compiler
    float chol[MaxSparsity * MaxSparsity]; // lower triangle, row-major, stride MaxSparsity
    const float* cols[MaxSparsity];
    float rhs[MaxSparsity];
    float y[MaxSparsity];
    float g[MaxSparsity];
    omp_copy(alpha, alpha0, len);
    err = xx;
    const float floor = omp_correlation_floor * xx;
    std::size_t n = 0;
    while (n < max_iter) {
        // chosen atoms hold 0 and so can only win when nothing is left (caught by the floor test)
        float best_abs = 0.0f;
        const std::size_t best = omp_argmax_abs(alpha, len, best_abs);
        if (!(best_abs * best_abs > floor) || !(best_abs > 0.0f)) break;
        const float* col = column(best, n);
        const float gjj = col[best];
        float* row = chol + n * MaxSparsity;
        if (n > 0) {
            // forward substitution L w = G[I, j]; w goes into the new row of L
            float v = 0.0f;
            for (std::size_t m = 0; m < n; ++m) {
                float s = col[idx[m]];
                const float* lm = chol + m * MaxSparsity;
                for (std::size_t q = 0; q < m; ++q) s -= lm[q] * row[q];
                row[m] = s / lm[m];
                v += row[m] * row[m];
            }
            const float pivot = gjj - v;
            if (!(pivot > omp_pivot_floor * gjj)) break; // dependent (or repeated) atom: keep the previous solution
            row[n] = std::sqrt(pivot);
        } else {
            row[0] = std::sqrt(gjj);
        }
        idx[n] = best;
        cols[n] = col;
        rhs[n] = alpha0[best];
        const std::size_t m_act = n + 1;
        // L y = rhs, then L^T g = y
        for (std::size_t m = 0; m < m_act; ++m) {
            float s = rhs[m];
            const float* lm = chol + m * MaxSparsity;
            for (std::size_t q = 0; q < m; ++q) s -= lm[q] * y[q];
            y[m] = s / lm[m];
        }
        bool finite = true;
        for (std::size_t m = m_act; m-- > 0;) {
            float s = y[m];
            for (std::size_t q = m + 1; q < m_act; ++q) s -= chol[q * MaxSparsity + m] * g[q];
            g[m] = s / chol[m * MaxSparsity + m];
            finite = finite && std::isfinite(g[m]);
        }
        if (!finite) break; // gamma from the previous iteration is still in `gamma`
        n = m_act;
        float explained = 0.0f;
        for (std::size_t m = 0; m < n; ++m) {
            gamma[m] = g[m];
            explained += g[m] * rhs[m];
        }
        err = xx - explained;
        if (err < 0.0f) err = 0.0f;
        omp_copy(alpha, alpha0, len);
        for (std::size_t m = 0; m < n; ++m) omp_sub_scaled(alpha, cols[m], g[m], len);
        for (std::size_t m = 0; m < n; ++m) alpha[idx[m]] = 0.0f; // chosen atoms are never chosen again
        if (tol >= 0.0f && err <= tol) break;
    }
    return n;
}

} // namespace detail
EDGEKERN_NAMESPACE_END
