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
#include "edgekern/kernels/gmm/scalar.hpp"
#include "edgekern/kernels/gmm/simd.hpp"

EDGEKERN_NAMESPACE_BEGIN

namespace detail {

template <class T, class Arch>
inline status gmm_batch_quant(const gmm_model& model, span<const T> x, gmm_input_quant q, std::size_t n_samples,
                              span<float> out, Arch tag) noexcept {
    EDGEKERN_TRY(gmm_check_quant(q));
    EDGEKERN_TRY(gmm_check_batch(model, x, n_samples, out, 1));
    gmm_batch_log_likelihood(model.view(), gmm_batch_load_quant<T>{x.data(), model.n_features(), q.scale, q.zero_point},
                             n_samples, out.data(), tag);
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
/// Numerics: as the one-sample form. With xsimd (SSE2/SSE4.1/AVX2/AVX-512/NEON tags) blocks of W samples run one
/// sample per lane (gmm/simd.hpp): same tolerances, but results may differ from the one-sample form in the last
/// bits (summation order, vector exp, float-only log).
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood(const gmm_model& model, span<const float> x, std::size_t n_samples, span<float> out,
                                 Arch tag = {}) noexcept {
    EDGEKERN_TRY(detail::gmm_check_batch(model, x, n_samples, out, 1));
    if (!detail::gmm_all_finite(x)) return status::non_finite;
    detail::gmm_batch_log_likelihood(model.view(), detail::gmm_batch_load_f32{x.data(), model.n_features()}, n_samples,
                                     out.data(), tag);
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

namespace detail {
inline status gmm_grid_cells(const gmm_model& model, gmm_grid_shape shape, std::size_t& cells) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (!checked_mul(shape.height, shape.width, cells) || cells == 0) return status::invalid_shape;
    if (shape.channels != model.n_features()) return status::shape_mismatch;
    return status::ok;
}
} // namespace detail

/// Scores every cell of an int8 NHWC grid (e.g. a quantized feature map, real = scale * (q - zero_point)) with one
/// shared model, in float. @return as gmm_score_grid plus invalid_quantization. Numerics: as the int8 batch form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_score_grid(const gmm_model& model, span<const std::int8_t> grid, gmm_input_quant q,
                             gmm_grid_shape shape, span<float> out, Arch tag = {}) noexcept {
    std::size_t cells = 0;
    EDGEKERN_TRY(detail::gmm_grid_cells(model, shape, cells));
    return detail::gmm_batch_quant(model, grid, q, cells, out, tag);
}
/// int16 form of the above.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_score_grid(const gmm_model& model, span<const std::int16_t> grid, gmm_input_quant q,
                             gmm_grid_shape shape, span<float> out, Arch tag = {}) noexcept {
    std::size_t cells = 0;
    EDGEKERN_TRY(detail::gmm_grid_cells(model, shape, cells));
    return detail::gmm_batch_quant(model, grid, q, cells, out, tag);
}

EDGEKERN_NAMESPACE_END
