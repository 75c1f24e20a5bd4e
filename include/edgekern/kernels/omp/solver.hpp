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

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// A new atom is accepted only if its squared distance to the span of the atoms already chosen (the Cholesky
/// pivot) exceeds this fraction of its own squared norm; otherwise OMP stops (linear dependence, repeated atom).
constexpr float omp_pivot_floor = 1e-5f;
/// OMP stops when the largest remaining |correlation|^2 is at most this fraction of ||x||^2 (nothing left to
/// explain at float precision; this is also what stops a zero signal with zero atoms).
constexpr float omp_correlation_floor = 1e-10f;

namespace detail {

/// Runs Batch-OMP for one signal. `column(j, slot)` returns a pointer to the n_atoms correlations of atom j with
/// every atom (row j of G); `slot` is the position j takes in the active set (for callers that compute columns on
/// demand). Writes the active atoms to idx[0..n) and their coefficients to gamma[0..n); returns n. `err` receives
/// the squared residual norm. Never produces NaN from finite input: a pivot below the floor, a non-finite
/// coefficient or an exhausted correlation stops the loop with the previous (valid) solution.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class ColumnFn>
inline std::size_t omp_solve_one(const float* alpha0, float xx, std::size_t n_atoms, std::size_t max_iter, float tol,
                                 ColumnFn&& column, std::size_t* idx, float* gamma, float& err) noexcept {
    float alpha[MaxAtoms];
    bool used[MaxAtoms];
    float chol[MaxSparsity * MaxSparsity]; // lower triangle, row-major, stride MaxSparsity
    const float* cols[MaxSparsity];
    float rhs[MaxSparsity];
    float y[MaxSparsity];
    float g[MaxSparsity];
    for (std::size_t k = 0; k < n_atoms; ++k) {
        alpha[k] = alpha0[k];
        used[k] = false;
    }
    err = xx;
    const float floor = omp_correlation_floor * xx;
    std::size_t n = 0;
    while (n < max_iter) {
        std::size_t best = n_atoms;
        float best_abs = 0.0f;
        for (std::size_t k = 0; k < n_atoms; ++k) {
            const float a = std::fabs(alpha[k]);
            if (!used[k] && a > best_abs) {
                best_abs = a;
                best = k;
            }
        }
        if (best == n_atoms || best_abs * best_abs <= floor) break;
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
        used[best] = true;
        n = m_act;
        float explained = 0.0f;
        for (std::size_t m = 0; m < n; ++m) {
            gamma[m] = g[m];
            explained += g[m] * rhs[m];
        }
        err = xx - explained;
        if (err < 0.0f) err = 0.0f;
        for (std::size_t k = 0; k < n_atoms; ++k) {
            float a = alpha0[k];
            for (std::size_t m = 0; m < n; ++m) a -= g[m] * cols[m][k];
            alpha[k] = a;
        }
        if (tol >= 0.0f && err <= tol) break;
    }
    return n;
}

} // namespace detail
EDGEKERN_NAMESPACE_END
