// SPDX-License-Identifier: Apache-2.0
// gmm_test_util.hpp: helpers shared by the GMM test files: random well-conditioned models in caller storage.
#pragma once

#include <cmath>
#include <cstddef>

#include "edgekern/kernels/gmm.hpp"
#include "support/test_support.hpp"

namespace edgekern_test {

constexpr edgekern::gmm_covariance all_gmm_types[] = {edgekern::gmm_covariance::full, edgekern::gmm_covariance::tied,
                                                      edgekern::gmm_covariance::diag,
                                                      edgekern::gmm_covariance::spherical};

/// A random well-conditioned model in caller storage (K <= 16, d <= 64): U diagonal in [0.4, 2], upper
/// off-diagonals in +-0.3 / sqrt(d / 8 + 1), means offset + U(-3, 3).
struct random_model {
    float log_w[16];
    float means[16 * 64];
    float prec[16 * 64 * 64];
    float log_det[16];
    edgekern::gmm_model_view view;
    /// Fills the arrays (instances are large: make them static, not stack objects, for the Cortex-M runs).
    void fill(edgekern_test::rng& r, edgekern::gmm_covariance type, std::size_t k_count, std::size_t d, float offset) {
        float w_sum = 0.0f;
        float w[16];
        for (std::size_t k = 0; k < k_count; ++k) {
            w[k] = r.uniform_f(0.2f, 1.0f);
            w_sum += w[k];
        }
        for (std::size_t k = 0; k < k_count; ++k) log_w[k] = std::log(w[k] / w_sum);
        for (std::size_t i = 0; i < k_count * d; ++i) means[i] = offset + r.uniform_f(-3.0f, 3.0f);
        const std::size_t p_size = edgekern::gmm_precision_size(type, k_count, d);
        const float offdiag = 1.0f / std::sqrt(static_cast<float>(d) / 8.0f + 1.0f);
        const bool dense = type == edgekern::gmm_covariance::full || type == edgekern::gmm_covariance::tied;
        for (std::size_t i = 0; i < p_size; ++i) {
            if (dense) {
                const std::size_t row = (i / d) % d, col = i % d;
                prec[i] =
                    row == col ? r.uniform_f(0.4f, 2.0f) : (col > row ? r.uniform_f(-0.3f, 0.3f) * offdiag : 0.0f);
            } else {
                prec[i] = r.uniform_f(0.4f, 2.0f);
            }
        }
        for (std::size_t k = 0; k < k_count; ++k) {
            double s = 0.0;
            for (std::size_t i = 0; i < d; ++i) {
                float u = 0.0f;
                if (type == edgekern::gmm_covariance::full) u = prec[(k * d + i) * d + i];
                if (type == edgekern::gmm_covariance::tied) u = prec[i * d + i];
                if (type == edgekern::gmm_covariance::diag) u = prec[k * d + i];
                if (type == edgekern::gmm_covariance::spherical) u = prec[k];
                s += std::log(static_cast<double>(u));
            }
            log_det[k] = static_cast<float>(s);
        }
        view.type = type;
        view.n_components = k_count;
        view.n_features = d;
        view.log_weights = edgekern::span<const float>(log_w, k_count);
        view.means = edgekern::span<const float>(means, k_count * d);
        view.precisions_chol = edgekern::span<const float>(prec, p_size);
        view.log_det_chol = edgekern::span<const float>(log_det, k_count);
    }
};

/// Two program-wide model slots (each ~270 KB): test cases borrow them instead of owning static models, so the
/// Cortex-M image fits its RAM.
inline random_model& model_slot(int i) {
    static random_model slots[2];
    return slots[i & 1];
}

} // namespace edgekern_test
