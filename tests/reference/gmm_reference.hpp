// SPDX-License-Identifier: Apache-2.0
// gmm_reference.hpp: dumb float64 Gaussian-mixture oracle straight from the definition (every covariance type
// expanded to a dense d x d precision factor, max-shifted log-sum-exp); shares no code with include/.
#pragma once

#include <cmath>
#include <cstddef>

namespace edgekern_ref {

constexpr std::size_t gmm_ref_max_dim = 64;
constexpr std::size_t gmm_ref_max_k = 32;

/// Dense upper factor of component k: type 0 full [K][d][d], 1 tied [d][d], 2 diag [K][d], 3 spherical [K].
template <class T>
void gmm_ref_dense_factor(int type, const T* prec, std::size_t k, std::size_t d, double* u) {
    for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j) {
            double v = 0.0;
            if (type == 0 && j >= i) v = static_cast<double>(prec[(k * d + i) * d + j]);
            if (type == 1 && j >= i) v = static_cast<double>(prec[i * d + j]);
            if (type == 2 && i == j) v = static_cast<double>(prec[k * d + i]);
            if (type == 3 && i == j) v = static_cast<double>(prec[k]);
            u[i * d + j] = v;
        }
}

/// ln pi_k + ln N(x | mu_k, (U_k U_k^T)^-1) for every k into log_prob[K]; the log-determinant is recomputed from
/// the factor's diagonal (the model's stored log_det is not trusted). x is real-valued (already dequantized).
template <class T>
void gmm_ref_component_log_probs(int type, std::size_t n_components, std::size_t d, const T* log_weights,
                                 const T* means, const T* prec, const double* x, double* log_prob) {
    static double u[gmm_ref_max_dim * gmm_ref_max_dim];
    const double ln_2pi = std::log(2.0 * 3.14159265358979323846);
    for (std::size_t k = 0; k < n_components; ++k) {
        gmm_ref_dense_factor(type, prec, k, d, u);
        double maha = 0.0, log_det = 0.0;
        for (std::size_t j = 0; j < d; ++j) {
            double y = 0.0;
            for (std::size_t i = 0; i < d; ++i) y += (x[i] - static_cast<double>(means[k * d + i])) * u[i * d + j];
            maha += y * y;
            log_det += std::log(u[j * d + j]);
        }
        log_prob[k] = static_cast<double>(log_weights[k]) + log_det - 0.5 * (static_cast<double>(d) * ln_2pi + maha);
    }
}

/// log sum_k exp(v[k]), shifted by the maximum.
inline double gmm_ref_log_sum_exp(const double* v, std::size_t n) {
    double m = v[0];
    for (std::size_t i = 1; i < n; ++i) m = v[i] > m ? v[i] : m;
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += std::exp(v[i] - m);
    return m + std::log(s);
}

/// score_samples for one real-valued sample.
template <class T>
double gmm_ref_log_likelihood(int type, std::size_t n_components, std::size_t d, const T* log_weights, const T* means,
                              const T* prec, const double* x) {
    double lp[gmm_ref_max_k] = {};
    gmm_ref_component_log_probs(type, n_components, d, log_weights, means, prec, x, lp);
    return gmm_ref_log_sum_exp(lp, n_components);
}

} // namespace edgekern_ref
