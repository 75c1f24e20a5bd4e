// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm/model.hpp: Gaussian-mixture model views (scikit-learn parameterisation), validation, and
// the converter from means/covariances to precision-Cholesky factors.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Covariance structure of a mixture, as scikit-learn's `covariance_type`.
enum class gmm_covariance : std::uint8_t {
    full,      ///< one full d x d covariance per component
    tied,      ///< one full d x d covariance shared by all components
    diag,      ///< one diagonal covariance (d variances) per component
    spherical, ///< one variance per component (sigma_k^2 * I)
};

/// Largest |sum_k exp(log_weights[k]) - 1| a model may have (absolute; float32 rounding of K <= 2^16 weights stays
/// far below it).
constexpr float gmm_weight_sum_tolerance = 1e-4f;

/// Number of precision-factor elements a model of this type holds: full K*d*d, tied d*d, diag K*d, spherical K.
/// Returns 0 when the count overflows size_t.
constexpr std::size_t gmm_precision_size(gmm_covariance type, std::size_t n_components,
                                         std::size_t n_features) noexcept {
    std::size_t n = 0;
    switch (type) {
    case gmm_covariance::full:
        return checked_product(n, n_components, n_features, n_features) ? n : 0;
    case gmm_covariance::tied:
        return checked_product(n, n_features, n_features) ? n : 0;
    case gmm_covariance::diag:
        return checked_product(n, n_components, n_features) ? n : 0;
    case gmm_covariance::spherical:
        return n_components;
    }
    return 0;
}

/// Number of covariance elements the converter reads: same shapes as the precision factors.
constexpr std::size_t gmm_covariance_size(gmm_covariance type, std::size_t n_components,
                                          std::size_t n_features) noexcept {
    return gmm_precision_size(type, n_components, n_features);
}

/// Non-owning view of a Gaussian mixture in scikit-learn's parameterisation. All members are plain spans, so a
/// model can be a `constexpr` object whose arrays live in flash (see tools/export_gmm.py).
///
/// Layouts (row-major, K = n_components, d = n_features):
/// - log_weights   [K]         ln(pi_k)
/// - means         [K][d]      mu_k
/// - precisions_chol           U_k, upper-triangular with U_k U_k^T = inv(Sigma_k) (scikit-learn's
///                             `precisions_cholesky_`): full [K][d][d] (entries below the diagonal are never
///                             read), tied [d][d], diag [K][d] (1/sigma_ki), spherical [K] (1/sigma_k)
/// - log_det_chol  [K]         sum_i ln U_k[i][i] (for spherical: d * ln U_k; for tied the same value K times)
struct gmm_model_view {
    gmm_covariance type = gmm_covariance::full;
    std::size_t n_components = 0;
    std::size_t n_features = 0;
    span<const float> log_weights{};
    span<const float> means{};
    span<const float> precisions_chol{};
    span<const float> log_det_chol{};
};

namespace detail {
inline bool gmm_all_finite(span<const float> v) noexcept {
    for (float x : v)
        if (!std::isfinite(x)) return false;
    return true;
}
/// Diagonal element i of component k's precision factor.
inline float gmm_diag_factor(const gmm_model_view& m, std::size_t k, std::size_t i) noexcept {
    const std::size_t d = m.n_features;
    switch (m.type) {
    case gmm_covariance::full:
        return m.precisions_chol.data()[(k * d + i) * d + i];
    case gmm_covariance::tied:
        return m.precisions_chol.data()[i * d + i];
    case gmm_covariance::diag:
        return m.precisions_chol.data()[k * d + i];
    case gmm_covariance::spherical:
        return m.precisions_chol.data()[k];
    }
    return 0.0f;
}
} // namespace detail

class gmm_model;
inline status gmm_validate(const gmm_model_view& view, gmm_model& out) noexcept;

/// A model view that passed gmm_validate: the only kind the scoring functions accept, so the (O(K d^2)) parameter
/// checks run once per model, not once per sample. Holds a copy of the view (seven words), no data.
class gmm_model {
public:
    constexpr gmm_model() noexcept = default;
    constexpr const gmm_model_view& view() const noexcept { return view_; }
    constexpr std::size_t n_components() const noexcept { return view_.n_components; }
    constexpr std::size_t n_features() const noexcept { return view_.n_features; }
    constexpr gmm_covariance type() const noexcept { return view_.type; }
    /// True after a successful gmm_validate (a default-constructed model is empty and rejected by every kernel).
    constexpr bool valid() const noexcept { return view_.n_components != 0; }

private:
    friend status gmm_validate(const gmm_model_view& view, gmm_model& out) noexcept;
    gmm_model_view view_{};
};

/// Checks a model view and, on success, stores it in `out`.
/// @return ok; invalid_shape (K = 0, d = 0, or element counts overflow); null_buffer (a span has no data);
///         shape_mismatch (a span's size differs from the layout above); non_finite (NaN/inf in any parameter);
///         invalid_model (a precision diagonal <= 0, log_det_chol differing from sum ln diag U by more than
///         1e-4 * (1 + |sum|), or |sum exp(log_weights) - 1| > gmm_weight_sum_tolerance). `out` is untouched on
///         failure.
/// Numerics: the checks run in float; cost O(size of the parameters).
inline status gmm_validate(const gmm_model_view& view, gmm_model& out) noexcept {
    const std::size_t k_count = view.n_components, d = view.n_features;
    if (k_count == 0 || d == 0) return status::invalid_shape;
    const std::size_t p_size = gmm_precision_size(view.type, k_count, d);
    std::size_t kd = 0;
    if (p_size == 0 || !checked_mul(k_count, d, kd)) return status::invalid_shape;
    if (!view.log_weights.data() || !view.means.data() || !view.precisions_chol.data() || !view.log_det_chol.data())
        return status::null_buffer;
    if (view.log_weights.size() != k_count || view.means.size() != kd || view.precisions_chol.size() != p_size ||
        view.log_det_chol.size() != k_count)
        return status::shape_mismatch;
    if (!detail::gmm_all_finite(view.log_weights) || !detail::gmm_all_finite(view.means) ||
        !detail::gmm_all_finite(view.precisions_chol) || !detail::gmm_all_finite(view.log_det_chol))
        return status::non_finite;
    float weight_sum = 0.0f;
    for (std::size_t k = 0; k < k_count; ++k) {
        weight_sum += std::exp(view.log_weights.data()[k]);
        float log_det = 0.0f;
        for (std::size_t i = 0; i < d; ++i) {
            const float u = detail::gmm_diag_factor(view, k, i);
            if (!(u > 0.0f)) return status::invalid_model;
            log_det += std::log(u);
        }
        const float given = view.log_det_chol.data()[k];
        if (std::fabs(given - log_det) > 1e-4f * (1.0f + std::fabs(log_det))) return status::invalid_model;
    }
    if (!(std::fabs(weight_sum - 1.0f) <= gmm_weight_sum_tolerance)) return status::invalid_model;
    out.view_ = view;
    return status::ok;
}

/// Scratch (in doubles) gmm_from_covariances needs: 2*d*d for full and tied (the Cholesky factor and its inverse),
/// 0 for diag and spherical. Returns 0 on overflow.
constexpr std::size_t gmm_from_covariances_scratch_size(gmm_covariance type, std::size_t n_features) noexcept {
    std::size_t n = 0;
    if (type == gmm_covariance::diag || type == gmm_covariance::spherical) return 0;
    return checked_product(n, 2, n_features, n_features) ? n : 0;
}

namespace detail {
/// Cholesky factor L (lower, row-major, L L^T = a) of the d x d matrix a into l, in double; false when a is not
/// positive definite (a pivot <= 0 or non-finite). Reads only the lower triangle of a.
template <class T>
inline bool gmm_cholesky_lower(const T* a, std::size_t d, double* l) noexcept {
    for (std::size_t i = 0; i < d; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            double s = static_cast<double>(a[i * d + j]);
            for (std::size_t p = 0; p < j; ++p) s -= l[i * d + p] * l[j * d + p];
            if (i == j) {
                if (!(s > 0.0) || !std::isfinite(s)) return false;
                l[i * d + i] = std::sqrt(s);
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
        for (std::size_t j = i + 1; j < d; ++j) l[i * d + j] = 0.0;
    }
    return true;
}
/// u = inv(l)^T rounded to float: the upper-triangular precision factor from a lower Cholesky factor. Column c of
/// inv(L) solves L y = e_c by forward substitution (y_r = 0 for r < c) in double, kept in `w` (d*d doubles).
inline void gmm_precision_from_cholesky(const double* l, std::size_t d, double* w, float* u) noexcept {
    for (std::size_t c = 0; c < d; ++c) {
        double* y = w + c * d;
        for (std::size_t r = 0; r < c; ++r) y[r] = 0.0;
        for (std::size_t r = c; r < d; ++r) {
            double s = (r == c) ? 1.0 : 0.0;
            for (std::size_t p = c; p < r; ++p) s -= l[r * d + p] * y[p];
            y[r] = s / l[r * d + r];
        }
        for (std::size_t r = 0; r < d; ++r) u[c * d + r] = static_cast<float>(y[r]); // U[c][r] = inv(L)[r][c]
    }
}
} // namespace detail

/// Builds a model view from weights, means and covariances (scikit-learn's `weights_`, `means_`,
/// `covariances_`): writes log weights, precision-Cholesky factors and their log-determinants into the caller's
/// buffers and points `out` at them (means are referenced, not copied: `means` must outlive the view).
/// @param weights      [K] mixture weights, each > 0, summing to 1 within gmm_weight_sum_tolerance
/// @param means        [K][d]
/// @param covariances  full [K][d][d], tied [d][d] (symmetric; only the lower triangle is read), diag [K][d],
///                     spherical [K] (variances, > 0)
/// @param log_weights_out [K]; @param precisions_chol_out gmm_precision_size(type, K, d);
/// @param log_det_chol_out [K]; @param scratch gmm_from_covariances_scratch_size(type, d) doubles
/// @return ok; invalid_shape; null_buffer; shape_mismatch (input sizes); buffer_too_small (outputs or scratch);
///         non_finite; invalid_model (weights <= 0 or not summing to 1); numeric_error (a covariance not
///         positive definite, or a variance <= 0). On failure no output is written (scratch may be).
/// Numerics: Cholesky and the triangular inverse run in double (soft-float on Cortex-M: a one-time cost of about
/// d^3/2 double operations per component); only the final factors, log weights and log-determinants are rounded
/// to float. Matches scikit-learn's float64 factors to float rounding even at cond(Sigma) ~ 5e5 (golden test).
inline status gmm_from_covariances(gmm_covariance type, std::size_t n_components, std::size_t n_features,
                                   span<const float> weights, span<const float> means, span<const float> covariances,
                                   span<float> log_weights_out, span<float> precisions_chol_out,
                                   span<float> log_det_chol_out, span<double> scratch, gmm_model_view& out) noexcept {
    const std::size_t k_count = n_components, d = n_features;
    if (k_count == 0 || d == 0) return status::invalid_shape;
    const std::size_t p_size = gmm_precision_size(type, k_count, d);
    std::size_t kd = 0;
    if (p_size == 0 || !checked_mul(k_count, d, kd)) return status::invalid_shape;
    const std::size_t s_size = gmm_from_covariances_scratch_size(type, d);
    if (!weights.data() || !means.data() || !covariances.data() || !log_weights_out.data() ||
        !precisions_chol_out.data() || !log_det_chol_out.data() || (s_size != 0 && !scratch.data()))
        return status::null_buffer;
    if (weights.size() != k_count || means.size() != kd || covariances.size() != p_size) return status::shape_mismatch;
    if (log_weights_out.size() < k_count || precisions_chol_out.size() < p_size || log_det_chol_out.size() < k_count ||
        scratch.size() < s_size)
        return status::buffer_too_small;
    if (!detail::gmm_all_finite(weights) || !detail::gmm_all_finite(means) || !detail::gmm_all_finite(covariances))
        return status::non_finite;
    float weight_sum = 0.0f;
    for (float w : weights) {
        if (!(w > 0.0f)) return status::invalid_model;
        weight_sum += w;
    }
    if (!(std::fabs(weight_sum - 1.0f) <= gmm_weight_sum_tolerance)) return status::invalid_model;

    // Pass 1: every factorisation must succeed before any output is written.
    const float* cov = covariances.data();
    if (type == gmm_covariance::diag || type == gmm_covariance::spherical) {
        for (float v : covariances)
            if (!(v > 0.0f)) return status::numeric_error;
    } else {
        const std::size_t blocks = type == gmm_covariance::full ? k_count : 1;
        for (std::size_t k = 0; k < blocks; ++k)
            if (!detail::gmm_cholesky_lower(cov + k * d * d, d, scratch.data())) return status::numeric_error;
    }
    // Pass 2: write. (Full: the factorisation is repeated into scratch per component, as scratch holds one.)
    float* prec = precisions_chol_out.data();
    for (std::size_t k = 0; k < k_count; ++k) log_weights_out.data()[k] = std::log(weights.data()[k]);
    switch (type) {
    case gmm_covariance::full:
        for (std::size_t k = 0; k < k_count; ++k) {
            (void)detail::gmm_cholesky_lower(cov + k * d * d, d, scratch.data());
            detail::gmm_precision_from_cholesky(scratch.data(), d, scratch.data() + d * d, prec + k * d * d);
        }
        break;
    case gmm_covariance::tied:
        (void)detail::gmm_cholesky_lower(cov, d, scratch.data());
        detail::gmm_precision_from_cholesky(scratch.data(), d, scratch.data() + d * d, prec);
        break;
    case gmm_covariance::diag:
    case gmm_covariance::spherical:
        for (std::size_t i = 0; i < p_size; ++i) prec[i] = static_cast<float>(1.0 / std::sqrt(double{cov[i]}));
        break;
    }
    gmm_model_view v;
    v.type = type;
    v.n_components = k_count;
    v.n_features = d;
    v.log_weights = span<const float>(log_weights_out.data(), k_count);
    v.means = span<const float>(means.data(), kd);
    v.precisions_chol = span<const float>(prec, p_size);
    v.log_det_chol = span<const float>(log_det_chol_out.data(), k_count);
    for (std::size_t k = 0; k < k_count; ++k) {
        double s = 0.0;
        for (std::size_t i = 0; i < d; ++i) s += std::log(double{detail::gmm_diag_factor(v, k, i)});
        log_det_chol_out.data()[k] = static_cast<float>(s);
    }
    out = v;
    return status::ok;
}

EDGEKERN_NAMESPACE_END
