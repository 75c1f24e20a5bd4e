// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm/score.hpp: float Gaussian-mixture scoring: log-likelihood (one sample, batch, grids) and
// per-component log-responsibilities, for float, int16 and int8 (affine-quantized) inputs.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/gmm/model.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Affine quantization of integer inputs: real = scale * (q - zero_point).
/// @pre scale finite and > 0; |zero_point| <= gmm_max_zero_point (2^23). The zero point may lie outside the input
/// type's range: that is how data far from zero (a sensor offset) is represented without losing resolution.
constexpr std::int32_t gmm_max_zero_point = std::int32_t{1} << 23;
struct gmm_input_quant {
    float scale = 1.0f;
    std::int32_t zero_point = 0;
};

/// A single NHWC feature grid (batch 1): height * width cells of `channels` contiguous values; channels must equal
/// the model's n_features.
struct gmm_grid_shape {
    std::size_t height = 0;
    std::size_t width = 0;
    std::size_t channels = 0;
};

namespace detail {

template <class Arch>
using gmm_enable_if_arch_t = std::enable_if_t<std::is_base_of<arch::scalar, Arch>::value, int>;

/// ln(2 pi)
constexpr float gmm_ln_2pi = 1.83787706640934548f;
/// Column block of the full/tied Mahalanobis loop: a fixed 64-float accumulator on the stack (no scratch).
constexpr std::size_t gmm_block = 64;

/// Reads a float sample.
struct gmm_load_f32 {
    const float* x;
    float operator()(std::size_t i) const noexcept { return x[i]; }
};
/// Reads an affine-quantized sample: scale * (q - zp). (q - zp) is exact in float (|q - zp| < 2^24), so only the
/// product rounds.
template <class T>
struct gmm_load_quant {
    const T* x;
    float scale;
    std::int32_t zero_point;
    float operator()(std::size_t i) const noexcept {
        return scale * static_cast<float>(std::int32_t{x[i]} - zero_point);
    }
};

/// ||(x - mu_k) U_k||^2 in float, direct form (x - mu first: no cancellation when the data sits far from zero).
/// Full/tied: y_j = sum_{i <= j} (x_i - mu_i) U[i][j], computed in column blocks of gmm_block so each row of U
/// is read contiguously; the (x_i - mu_i) are recomputed per block (cheap) instead of needing a scratch buffer.
template <class Load>
inline float gmm_mahalanobis(const gmm_model_view& m, std::size_t k, const Load& x, arch::scalar) noexcept {
    const std::size_t d = m.n_features;
    const float* mu = m.means.data() + k * d;
    const float* p = m.precisions_chol.data();
    switch (m.type) {
    case gmm_covariance::diag: {
        const float* u = p + k * d;
        float s = 0.0f;
        for (std::size_t i = 0; i < d; ++i) {
            const float y = (x(i) - mu[i]) * u[i];
            s += y * y;
        }
        return s;
    }
    case gmm_covariance::spherical: {
        float s = 0.0f;
        for (std::size_t i = 0; i < d; ++i) {
            const float y = x(i) - mu[i];
            s += y * y;
        }
        return s * (p[k] * p[k]);
    }
    case gmm_covariance::full:
    case gmm_covariance::tied: {
        const float* u = m.type == gmm_covariance::full ? p + k * d * d : p;
        float s = 0.0f;
        float acc[gmm_block];
        for (std::size_t j0 = 0; j0 < d; j0 += gmm_block) {
            const std::size_t nb = d - j0 < gmm_block ? d - j0 : gmm_block;
            for (std::size_t j = 0; j < nb; ++j) acc[j] = 0.0f;
            for (std::size_t i = 0; i < j0 + nb; ++i) {
                const float di = x(i) - mu[i];
                const float* row = u + i * d + j0;
                for (std::size_t j = (i > j0 ? i - j0 : 0); j < nb; ++j) acc[j] += di * row[j];
            }
            for (std::size_t j = 0; j < nb; ++j) s += acc[j] * acc[j];
        }
        return s;
    }
    }
    return 0.0f;
}

/// Running log-sum-exp: one pass, no buffer. -inf and NaN terms (Mahalanobis overflow far from the data) count as
/// probability 0.
struct gmm_log_sum_exp {
    float max = -std::numeric_limits<float>::infinity();
    float sum = 0.0f;
    void add(float v) noexcept {
        if (!(v > -std::numeric_limits<float>::infinity())) return;
        if (v > max) {
            sum = sum * std::exp(max - v) + 1.0f;
            max = v;
        } else {
            sum += std::exp(v - max);
        }
    }
    float result() const noexcept { return sum > 0.0f ? max + std::log(sum) : max; }
};

/// ln N(x | mu_k, Sigma_k) + ln pi_k.
template <class Load, class Arch>
inline float gmm_component_log_prob(const gmm_model_view& m, std::size_t k, const Load& x, Arch tag) noexcept {
    const float maha = gmm_mahalanobis(m, k, x, tag);
    return m.log_weights.data()[k] + m.log_det_chol.data()[k] -
           0.5f * (static_cast<float>(m.n_features) * gmm_ln_2pi + maha);
}

template <class Load, class Arch>
inline float gmm_sample_log_likelihood(const gmm_model_view& m, const Load& x, Arch tag) noexcept {
    gmm_log_sum_exp lse;
    for (std::size_t k = 0; k < m.n_components; ++k) lse.add(gmm_component_log_prob(m, k, x, tag));
    return lse.result();
}

/// scale finite and > 0; |zero_point| <= 2^23, so q - zero_point (|.| < 2^24) is exact in float.
inline status gmm_check_quant(gmm_input_quant q) noexcept {
    if (!std::isfinite(q.scale) || !(q.scale > 0.0f)) return status::invalid_quantization;
    if (q.zero_point < -gmm_max_zero_point || q.zero_point > gmm_max_zero_point) return status::invalid_quantization;
    return status::ok;
}

/// Common checks of the batch forms: model, shapes (n samples of d), output size, aliasing.
template <class T, class U>
inline status gmm_check_batch(const gmm_model& model, span<const T> x, std::size_t n_samples, span<U> out,
                              std::size_t out_per_sample) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (n_samples == 0) return status::invalid_shape;
    std::size_t need = 0, need_out = 0;
    if (!checked_mul(n_samples, model.n_features(), need) || !checked_mul(n_samples, out_per_sample, need_out))
        return status::invalid_shape;
    if (!x.data() || !out.data()) return status::null_buffer;
    if (x.size() != need) return status::shape_mismatch;
    if (out.size() < need_out) return status::buffer_too_small;
    if (overlaps(x, out.first(need_out))) return status::aliasing;
    return status::ok;
}

template <class T, class Arch>
inline status gmm_batch_quant(const gmm_model& model, span<const T> x, gmm_input_quant q, std::size_t n_samples,
                              span<float> out, Arch tag) noexcept {
    EDGEKERN_TRY(gmm_check_quant(q));
    EDGEKERN_TRY(gmm_check_batch(model, x, n_samples, out, 1));
    const std::size_t d = model.n_features();
    for (std::size_t s = 0; s < n_samples; ++s)
        out.data()[s] =
            gmm_sample_log_likelihood(model.view(), gmm_load_quant<T>{x.data() + s * d, q.scale, q.zero_point}, tag);
    return status::ok;
}

} // namespace detail

/// Log-likelihood of one sample: ln sum_k pi_k N(x | mu_k, Sigma_k) (scikit-learn's `score_samples`).
/// @param model  a validated model (gmm_validate)
/// @param x      [d] the sample, finite
/// @param out    receives the log-likelihood in nats (-inf when every component's Mahalanobis term overflows)
/// @return ok; invalid_model (model not validated); null_buffer; shape_mismatch (x.size() != d); non_finite.
/// Numerics: float throughout. Direct form ||(x - mu_k) U_k||^2 (no cancellation for data far from zero), then
/// a one-pass stable log-sum-exp over components. Against float64 scikit-learn on float32 parameters the result
/// agrees within rtol 1e-5 (atol 1e-5 nats) on the golden vectors, including data offset by 1e4.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const float> x, float& out, Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (!x.data()) return status::null_buffer;
    if (x.size() != model.n_features()) return status::shape_mismatch;
    if (!detail::gmm_all_finite(x)) return status::non_finite;
    out = detail::gmm_sample_log_likelihood(model.view(), detail::gmm_load_f32{x.data()}, tag);
    return status::ok;
}

/// Log-likelihood of a batch: out[s] = score of sample s.
/// @param x    [n_samples][d] row-major, finite; @param out  >= n_samples floats, not overlapping x
/// @return ok; invalid_model; invalid_shape (n_samples == 0 or n * d overflows); null_buffer; shape_mismatch
///         (x.size() != n * d); buffer_too_small; aliasing; non_finite (checked on the whole batch first).
/// Numerics: as the one-sample form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const float> x, std::size_t n_samples, span<float> out,
                                 Arch tag = {}) noexcept {
    EDGEKERN_TRY(detail::gmm_check_batch(model, x, n_samples, out, 1));
    if (!detail::gmm_all_finite(x)) return status::non_finite;
    const std::size_t d = model.n_features();
    for (std::size_t s = 0; s < n_samples; ++s)
        out.data()[s] = detail::gmm_sample_log_likelihood(model.view(), detail::gmm_load_f32{x.data() + s * d}, tag);
    return status::ok;
}

/// Log-likelihood of one int16 sample with affine quantization (real = scale * (q - zero_point)), scored in float.
/// @return as the float form, plus invalid_quantization (scale not finite and > 0, |zero point| > 2^23).
/// Numerics: dequantization rounds once per element (scale * exact integer); then as the float form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const std::int16_t> x, gmm_input_quant q, float& out,
                                 Arch tag = {}) noexcept {
    float r = 0.0f;
    EDGEKERN_TRY(detail::gmm_batch_quant(model, x, q, 1, span<float>(&r, 1), tag));
    out = r;
    return status::ok;
}
/// int8 form of the above.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const std::int8_t> x, gmm_input_quant q, float& out,
                                 Arch tag = {}) noexcept {
    float r = 0.0f;
    EDGEKERN_TRY(detail::gmm_batch_quant(model, x, q, 1, span<float>(&r, 1), tag));
    out = r;
    return status::ok;
}
/// Batch of int16 samples ([n_samples][d]); checks and results as the float batch form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const std::int16_t> x, gmm_input_quant q,
                                 std::size_t n_samples, span<float> out, Arch tag = {}) noexcept {
    return detail::gmm_batch_quant(model, x, q, n_samples, out, tag);
}
/// Batch of int8 samples ([n_samples][d]); checks and results as the float batch form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const std::int8_t> x, gmm_input_quant q,
                                 std::size_t n_samples, span<float> out, Arch tag = {}) noexcept {
    return detail::gmm_batch_quant(model, x, q, n_samples, out, tag);
}

/// Per-component log-responsibilities ln p(k | x) (scikit-learn's `predict_proba`, in logs) and, optionally, the
/// log-likelihood of each sample.
/// @param x               [n_samples][d], finite
/// @param log_resp        [n_samples][K] receives ln p(k | x_s); exp of a row sums to 1
/// @param log_likelihood  empty, or >= n_samples floats receiving the log-likelihood (as gmm_log_likelihood)
/// @return as the float batch form (buffer_too_small / aliasing for either output).
/// Numerics: ln p(k|x) = (ln pi_k + ln N_k) - logsumexp_j(...), float; a component whose term underflows gets
/// -inf. Golden vectors: exp(log_resp) within 1e-5 absolute of scikit-learn's predict_proba.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_responsibilities(const gmm_model& model, span<const float> x, std::size_t n_samples,
                                       span<float> log_resp, span<float> log_likelihood, Arch tag = {}) noexcept {
    EDGEKERN_TRY(detail::gmm_check_batch(model, x, n_samples, log_resp, model.n_components()));
    if (!log_likelihood.empty()) {
        EDGEKERN_TRY(detail::gmm_check_batch(model, x, n_samples, log_likelihood, 1));
        if (overlaps(log_likelihood.first(n_samples), log_resp.first(n_samples * model.n_components())))
            return status::aliasing;
    }
    if (!detail::gmm_all_finite(x)) return status::non_finite;
    const gmm_model_view& m = model.view();
    const std::size_t d = m.n_features, k_count = m.n_components;
    for (std::size_t s = 0; s < n_samples; ++s) {
        float* r = log_resp.data() + s * k_count;
        const detail::gmm_load_f32 load{x.data() + s * d};
        detail::gmm_log_sum_exp lse;
        for (std::size_t k = 0; k < k_count; ++k) {
            r[k] = detail::gmm_component_log_prob(m, k, load, tag);
            lse.add(r[k]);
        }
        const float ll = lse.result();
        for (std::size_t k = 0; k < k_count; ++k)
            r[k] =
                (r[k] > -std::numeric_limits<float>::infinity()) ? r[k] - ll : -std::numeric_limits<float>::infinity();
        if (!log_likelihood.empty()) log_likelihood.data()[s] = ll;
    }
    return status::ok;
}

/// Scores every cell of an NHWC grid with one shared model (FOMO-AD style): out[h * W + w] = log-likelihood of
/// the channel vector at (h, w).
/// @param grid  [H][W][C] with C == d, finite; @param out  >= H * W floats, not overlapping grid
/// @return as the float batch form; shape_mismatch also when shape.channels != d; invalid_shape when H or W is 0.
/// Numerics: as gmm_log_likelihood.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_score_grid(const gmm_model& model, span<const float> grid, gmm_grid_shape shape, span<float> out,
                             Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    std::size_t cells = 0;
    if (!checked_mul(shape.height, shape.width, cells) || cells == 0) return status::invalid_shape;
    if (shape.channels != model.n_features()) return status::shape_mismatch;
    return gmm_log_likelihood(model, grid, cells, out, tag);
}

/// Scores every cell of an NHWC grid with its own model: out[c] = log-likelihood of cell c under models[c].
/// @param models  H * W validated models, all with n_features == shape.channels (components and covariance types
///                may differ per cell)
/// @return as gmm_score_grid; invalid_model when any model is not validated; shape_mismatch when models.size() !=
///         H * W or a model's d differs.
/// Numerics: as gmm_log_likelihood.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_score_grid(span<const gmm_model> models, span<const float> grid, gmm_grid_shape shape,
                             span<float> out, Arch tag = {}) noexcept {
    std::size_t cells = 0, need = 0;
    if (!checked_mul(shape.height, shape.width, cells) || cells == 0 || shape.channels == 0 ||
        !checked_mul(cells, shape.channels, need))
        return status::invalid_shape;
    if (!models.data() || !grid.data() || !out.data()) return status::null_buffer;
    if (models.size() != cells || grid.size() != need) return status::shape_mismatch;
    if (out.size() < cells) return status::buffer_too_small;
    if (overlaps(grid, out.first(cells))) return status::aliasing;
    for (const gmm_model& m : models) {
        if (!m.valid()) return status::invalid_model;
        if (m.n_features() != shape.channels) return status::shape_mismatch;
    }
    if (!detail::gmm_all_finite(grid)) return status::non_finite;
    const std::size_t d = shape.channels;
    for (std::size_t c = 0; c < cells; ++c)
        out.data()[c] =
            detail::gmm_sample_log_likelihood(models.data()[c].view(), detail::gmm_load_f32{grid.data() + c * d}, tag);
    return status::ok;
}

EDGEKERN_NAMESPACE_END
