// SPDX-License-Identifier: Apache-2.0
// omp_reference.hpp: dumb float64 OMP oracle straight from the definition (explicit residual, Gram-Schmidt,
// normal equations by Gaussian elimination); shares no code with include/.
#pragma once

#include <cmath>
#include <cstddef>

namespace edgekern_ref {

constexpr std::size_t omp_ref_max = 16;
constexpr std::size_t omp_ref_max_dim = 128;

/// Orthogonal matching pursuit, literally: r = x; repeat { j = argmax_k |<d_k, r>| over unchosen k;
/// c = argmin ||x - D_I c||; r = x - D_I c } until max_atoms chosen, ||r||^2 <= tol (tol >= 0), the new atom lies
/// in the span of the chosen ones, or every correlation vanishes. D is n_atoms x dim (atom rows).
/// Returns the number of atoms; idx/coef receive support and coefficients, err the squared residual norm.
template <class TD, class TX>
std::size_t omp_reference(const TD* d, std::size_t n_atoms, std::size_t dim, const TX* x, std::size_t max_atoms,
                          double tol, std::size_t* idx, double* coef, double& err) {
    double r[omp_ref_max_dim];
    double q[omp_ref_max][omp_ref_max_dim]; // orthonormal basis of the chosen atoms (Gram-Schmidt)
    bool used[1024] = {};
    double xx = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        r[i] = static_cast<double>(x[i]);
        xx += r[i] * r[i];
    }
    err = xx;
    std::size_t n = 0;
    while (n < max_atoms && n < omp_ref_max) {
        std::size_t best = n_atoms;
        double best_abs = 0;
        for (std::size_t k = 0; k < n_atoms; ++k) {
            double c = 0;
            for (std::size_t i = 0; i < dim; ++i) c += static_cast<double>(d[k * dim + i]) * r[i];
            if (!used[k] && std::fabs(c) > best_abs) {
                best_abs = std::fabs(c);
                best = k;
            }
        }
        if (best == n_atoms || best_abs * best_abs <= 1e-20 * (xx > 0 ? xx : 1)) break;
        double v[omp_ref_max_dim];
        double vv0 = 0;
        for (std::size_t i = 0; i < dim; ++i) {
            v[i] = static_cast<double>(d[best * dim + i]);
            vv0 += v[i] * v[i];
        }
        for (int pass = 0; pass < 2; ++pass) // twice is enough (Kahan)
            for (std::size_t m = 0; m < n; ++m) {
                double p = 0;
                for (std::size_t i = 0; i < dim; ++i) p += q[m][i] * v[i];
                for (std::size_t i = 0; i < dim; ++i) v[i] -= p * q[m][i];
            }
        double vv = 0;
        for (std::size_t i = 0; i < dim; ++i) vv += v[i] * v[i];
        if (vv <= 1e-10 * vv0) break;
        for (std::size_t i = 0; i < dim; ++i) q[n][i] = v[i] / std::sqrt(vv);
        used[best] = true;
        idx[n++] = best;
        // coefficients from the normal equations (D_I^T D_I) c = D_I^T x, Gaussian elimination with pivoting
        double a[omp_ref_max][omp_ref_max + 1];
        for (std::size_t s = 0; s < n; ++s) {
            for (std::size_t t = 0; t < n; ++t) {
                double g = 0;
                for (std::size_t i = 0; i < dim; ++i)
                    g += static_cast<double>(d[idx[s] * dim + i]) * static_cast<double>(d[idx[t] * dim + i]);
                a[s][t] = g;
            }
            double b = 0;
            for (std::size_t i = 0; i < dim; ++i)
                b += static_cast<double>(d[idx[s] * dim + i]) * static_cast<double>(x[i]);
            a[s][n] = b;
        }
        for (std::size_t c = 0; c < n; ++c) {
            std::size_t piv = c;
            for (std::size_t s = c + 1; s < n; ++s)
                if (std::fabs(a[s][c]) > std::fabs(a[piv][c])) piv = s;
            for (std::size_t t = 0; t <= n; ++t) {
                const double tmp = a[c][t];
                a[c][t] = a[piv][t];
                a[piv][t] = tmp;
            }
            for (std::size_t s = c + 1; s < n; ++s) {
                const double f = a[s][c] / a[c][c];
                for (std::size_t t = c; t <= n; ++t) a[s][t] -= f * a[c][t];
            }
        }
        for (std::size_t c = n; c-- > 0;) {
            double s = a[c][n];
            for (std::size_t t = c + 1; t < n; ++t) s -= a[c][t] * coef[t];
            coef[c] = s / a[c][c];
        }
        err = 0;
        for (std::size_t i = 0; i < dim; ++i) {
            double rec = 0;
            for (std::size_t m = 0; m < n; ++m) rec += coef[m] * static_cast<double>(d[idx[m] * dim + i]);
            r[i] = static_cast<double>(x[i]) - rec;
            err += r[i] * r[i];
        }
        if (tol >= 0 && err <= tol) break;
    }
    return n;
}

} // namespace edgekern_ref
