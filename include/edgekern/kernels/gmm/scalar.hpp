// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm/scalar.hpp: the scalar float GMM kernels (direct-form Mahalanobis terms, one-pass
// log-sum-exp) and the input types shared by every float scoring entry point.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
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
        if (d <= gmm_block) {
            // Column form (d <= 64): differences once, one register accumulator per column. Each y_j sums the
            // same products in the same order (i = 0..j) as the blocked row form below, so results are identical.
            float df[gmm_block];
            for (std::size_t i = 0; i < d; ++i) df[i] = x(i) - mu[i];
            for (std::size_t j = 0; j < d; ++j) {
                float y = 0.0f;
                for (std::size_t i = 0; i <= j; ++i) y += df[i] * u[i * d + j];
                s += y * y;
            }
            return s;
        }
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

} // namespace detail

EDGEKERN_NAMESPACE_END
