// SPDX-License-Identifier: Apache-2.0
// gmm_score_exported.cpp: scores samples with a scikit-learn GaussianMixture exported by tools/export_gmm.py
// (examples/gmm_exported_model.hpp, regenerate with `/usr/bin/python3 tools/export_gmm.py --demo
// examples/gmm_exported_model.hpp --namespace gmm_demo`), in float and with the exported int16 fixed-point model,
// checks both against scikit-learn's score_samples stored in the header and the exported fixed model against
// gmm_fixed_from_float (bit for bit). Exit code 0 when all agree.
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

    // Fixed point: the exporter also wrote the int16 fixed-point model (no double math on the device). Check it is
    // exactly what gmm_fixed_from_float prepares, then score with the exported (flash) one.
    const ek::gmm_input_quant q{gmm_demo::fixed_scale, gmm_demo::fixed_zero_point};
    static std::int32_t means_q[gmm_demo::n_components * d], factors[sizeof(gmm_demo::precisions_chol) / sizeof(float)],
        consts[gmm_demo::n_components];
    static std::int8_t shifts[gmm_demo::n_components];
    ek::gmm_fixed_model_view fv;
    ek::gmm_fixed_model fixed;
    if (ek::gmm_fixed_from_float(model, q, ek::gmm_fixed_input::s16, means_q, factors, shifts, consts, fv) !=
            ek::status::ok ||
        ek::gmm_validate_fixed(gmm_demo::fixed_model, fixed) != ek::status::ok)
        return 1;
    bool same = true;
    for (std::size_t i = 0; i < sizeof(means_q) / sizeof(means_q[0]); ++i)
        same &= means_q[i] == gmm_demo::fixed_means[i];
    for (std::size_t i = 0; i < sizeof(factors) / sizeof(factors[0]); ++i)
        same &= factors[i] == gmm_demo::fixed_factors[i];
    for (std::size_t i = 0; i < gmm_demo::n_components; ++i)
        same &= shifts[i] == gmm_demo::fixed_factor_shifts[i] && consts[i] == gmm_demo::fixed_log_consts[i];
    std::printf("exported fixed-point model %s gmm_fixed_from_float\n", same ? "equals" : "DIFFERS FROM");
    std::int16_t xq[n * d];
    for (std::size_t i = 0; i < n * d; ++i)
        xq[i] = static_cast<std::int16_t>(std::lround(gmm_demo::check_x[i] / q.scale) + q.zero_point);
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
    return (same && worst_f <= 1e-5 && worst_q <= 0.1) ? 0 : 1;
}
