// SPDX-License-Identifier: Apache-2.0
// gmm_score_exported.cpp: scores samples with a scikit-learn GaussianMixture exported by tools/export_gmm.py
// (examples/gmm_exported_model.hpp, regenerate with `/usr/bin/python3 tools/export_gmm.py --demo
// examples/gmm_exported_model.hpp --namespace gmm_demo`), in float and in int16 fixed point, and checks both
// against scikit-learn's score_samples stored in the header. Exit code 0 when all agree.
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "edgekern/kernels/gmm.hpp"
#include "gmm_exported_model.hpp"

int main() {
    namespace ek = edgekern;
    ek::gmm_model model;
    if (ek::gmm_validate(gmm_demo::model, model) != ek::status::ok) {
        std::printf("exported model rejected\n");
        return 1;
    }
    constexpr std::size_t n = gmm_demo::n_check, d = gmm_demo::n_features;
    float ll[n];
    if (ek::gmm_log_likelihood(model, ek::span<const float>(gmm_demo::check_x), n, ek::span<float>(ll)) !=
        ek::status::ok)
        return 1;

    // Fixed point: int16 inputs with one scale covering the check samples (zero point 0), prepared once.
    float max_abs = 0.0f;
    for (float v : gmm_demo::check_x) max_abs = std::fmax(max_abs, std::fabs(v));
    const ek::gmm_input_quant q{max_abs * 1.01f / 32767.0f, 0};
    static std::int32_t means_q[gmm_demo::n_components * d], factors[sizeof(gmm_demo::precisions_chol) / sizeof(float)],
        consts[gmm_demo::n_components];
    static std::int8_t shifts[gmm_demo::n_components];
    ek::gmm_fixed_model_view fv;
    ek::gmm_fixed_model fixed;
    if (ek::gmm_fixed_from_float(model, q, ek::gmm_fixed_input::s16, means_q, factors, shifts, consts, fv) !=
            ek::status::ok ||
        ek::gmm_validate_fixed(fv, fixed) != ek::status::ok)
        return 1;
    std::int16_t xq[n * d];
    for (std::size_t i = 0; i < n * d; ++i)
        xq[i] = static_cast<std::int16_t>(std::lround(gmm_demo::check_x[i] / q.scale));
    std::int32_t ll_q16[n];
    if (ek::gmm_log_likelihood_fixed(fixed, ek::span<const std::int16_t>(xq), n, ek::span<std::int32_t>(ll_q16)) !=
        ek::status::ok)
        return 1;

    double worst_f = 0.0, worst_q = 0.0;
    std::printf("%-4s %16s %16s %16s\n", "i", "scikit-learn", "edgekern f32", "edgekern q16");
    for (std::size_t i = 0; i < n; ++i) {
        const double want = gmm_demo::check_score[i], q16 = ll_q16[i] / 65536.0;
        std::printf("%-4zu %16.6f %16.6f %16.6f\n", i, want, static_cast<double>(ll[i]), q16);
        worst_f = std::fmax(worst_f, std::fabs(ll[i] - want) / std::fmax(1.0, std::fabs(want)));
        worst_q = std::fmax(worst_q, std::fabs(q16 - want));
    }
    std::printf("max relative error f32: %.3g; max error int16 fixed point: %.4f nats\n", worst_f, worst_q);
    return (worst_f <= 1e-5 && worst_q <= 0.1) ? 0 : 1;
}
