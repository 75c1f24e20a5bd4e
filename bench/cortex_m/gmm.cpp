// SPDX-License-Identifier: Apache-2.0
// Cortex-M firmware: instructions per sample of GMM scoring on the emulated Cortex-M7 (float path: the FPU core's
// choice; int16 / int8 fixed point: the FPU-less path), for the FOMO-AD-like shape d = 16, K = 4 and d = 8, K = 1,
// every covariance type. Run with bench/cortex_m/run.sh gmm.
#include <cstddef>
#include <cstdint>

#include "cycle_counter.hpp"
#include "edgekern/kernels/gmm.hpp"

namespace {
namespace ek = edgekern;
constexpr std::size_t max_k = 4, max_d = 16, n = 32;
float weights[max_k], means[max_k * max_d], covs[max_k * max_d * max_d];
float log_w[max_k], prec[max_k * max_d * max_d], log_det[max_k];
double conv_scratch[2 * max_d * max_d];
float x[n * max_d], out_f[n];
std::int16_t x16[n * max_d];
std::int8_t x8[n * max_d];
std::int32_t means_q[max_k * max_d], factors[max_k * max_d * max_d], consts[max_k], out_q[n];
std::int8_t shifts[max_k];
volatile float sink_f;
volatile std::int32_t sink_q;

const char* type_name(ek::gmm_covariance t) {
    switch (t) {
    case ek::gmm_covariance::full:
        return "full";
    case ek::gmm_covariance::tied:
        return "tied";
    case ek::gmm_covariance::diag:
        return "diag";
    case ek::gmm_covariance::spherical:
        return "spherical";
    }
    return "?";
}

/// name = prefix + "/" + core + "/" + type + "_d<d>_k<k>" (no libc)
void make_name(char* buf, const char* prefix, ek::gmm_covariance t, std::size_t d, std::size_t k) {
    auto put = [&](const char* s) {
        while (*s) *buf++ = *s++;
    };
    put(prefix);
    put("/");
    put(EDGEKERN_CM_CORE_NAME);
    put("/");
    put(type_name(t));
    put("_d");
    buf = edgekern_cm::format_u64(d, buf);
    put("_k");
    buf = edgekern_cm::format_u64(k, buf);
    *buf = 0;
}

} // namespace

int main() {
    edgekern_cm::counter counter;
    std::uint32_t s = 12345;
    auto rnd = [&] { // uniform in [0, 1)
        s = s * 1664525u + 1013904223u;
        return static_cast<float>(s >> 8) * (1.0f / 16777216.0f);
    };
    const ek::gmm_covariance types[] = {ek::gmm_covariance::full, ek::gmm_covariance::tied, ek::gmm_covariance::diag,
                                        ek::gmm_covariance::spherical};
    const std::size_t shapes[][2] = {{16, 4}, {8, 1}};
    int status = 0;
    for (const auto& shape : shapes) {
        const std::size_t d = shape[0], k = shape[1];
        for (ek::gmm_covariance t : types) {
            for (std::size_t c = 0; c < k; ++c) weights[c] = 1.0f / static_cast<float>(k);
            for (std::size_t i = 0; i < k * d; ++i) means[i] = rnd() * 8.0f - 4.0f;
            const std::size_t p_size = ek::gmm_precision_size(t, k, d);
            const bool dense = t == ek::gmm_covariance::full || t == ek::gmm_covariance::tied;
            for (std::size_t i = 0; i < p_size; ++i) {
                const std::size_t r = (i / d) % d, col = i % d;
                covs[i] = dense ? (r == col ? 1.0f + rnd() : 0.0f) : 0.5f + rnd();
            }
            ek::gmm_model_view v;
            ek::gmm_model m;
            if (ek::gmm_from_covariances(t, k, d, ek::span<const float>(weights, k),
                                         ek::span<const float>(means, k * d), ek::span<const float>(covs, p_size),
                                         log_w, prec, log_det, conv_scratch, v) != ek::status::ok ||
                ek::gmm_validate(v, m) != ek::status::ok) {
                status = 1;
                continue;
            }
            const ek::gmm_input_quant q16{8.0f / 32767.0f, 0}, q8{8.0f / 127.0f, 0};
            for (std::size_t i = 0; i < n * d; ++i) {
                x[i] = means[(i / d) % k * d + i % d] + rnd() * 2.0f - 1.0f;
                x16[i] = static_cast<std::int16_t>(x[i] / q16.scale);
                x8[i] = static_cast<std::int8_t>(x[i] / q8.scale);
            }
            char name[96];
            make_name(name, "gmm_log_likelihood/f32_f32_f32", t, d, k);
            edgekern_cm::report(name, counter.measure([&] {
                (void)ek::gmm_log_likelihood(m, ek::span<const float>(x, n * d), n, ek::span<float>(out_f));
            }),
                                n);
            sink_f = out_f[3];
            ek::gmm_fixed_model_view fv;
            ek::gmm_fixed_model fm16, fm8;
            if (ek::gmm_fixed_from_float(m, q16, ek::gmm_fixed_input::s16, means_q, factors, shifts, consts, fv) !=
                    ek::status::ok ||
                ek::gmm_validate_fixed(fv, fm16) != ek::status::ok) {
                status = 1;
                continue;
            }
            make_name(name, "gmm_log_likelihood_fixed/s16_s32_s32", t, d, k);
            edgekern_cm::report(name, counter.measure([&] {
                (void)ek::gmm_log_likelihood_fixed(fm16, ek::span<const std::int16_t>(x16, n * d), n,
                                                   ek::span<std::int32_t>(out_q));
            }),
                                n);
            sink_q = out_q[3];
            if (ek::gmm_fixed_from_float(m, q8, ek::gmm_fixed_input::s8, means_q, factors, shifts, consts, fv) !=
                    ek::status::ok ||
                ek::gmm_validate_fixed(fv, fm8) != ek::status::ok) {
                status = 1;
                continue;
            }
            make_name(name, "gmm_log_likelihood_fixed/s8_s32_s32", t, d, k);
            edgekern_cm::report(name, counter.measure([&] {
                (void)ek::gmm_log_likelihood_fixed(fm8, ek::span<const std::int8_t>(x8, n * d), n,
                                                   ek::span<std::int32_t>(out_q));
            }),
                                n);
            sink_q = out_q[3];
        }
    }
    // EM on the device: 256 samples, d = 8, K = 4, full covariance, 10 iterations (tol 0), k-means++ init.
    {
        constexpr std::size_t en = 256, ed = 8, ek_ = 4;
        static float ex[en * ed];
        static double escratch[ek::gmm_em_scratch_size(ek::gmm_covariance::full, ek_, ed)];
        static float elw[ek_], emu[ek_ * ed], eprec[ek_ * ed * ed], eld[ek_];
        for (std::size_t i = 0; i < en * ed; ++i)
            ex[i] = static_cast<float>((i / ed) % ek_) * 6.0f + rnd() * 2.0f - 1.0f;
        ek::gmm_em_params p;
        p.n_components = ek_;
        p.max_iter = 10;
        p.tol = 0.0f;
        ek::gmm_model em_model;
        ek::gmm_em_result res;
        ek::status est = ek::status::ok;
        edgekern_cm::report("gmm_em_fit/f32_f32_f32/" EDGEKERN_CM_CORE_NAME "/full_n256_d8_k4_10iter_per_sample_iter",
                            counter.measure([&] {
                                est = ek::gmm_em_fit(ek::span<const float>(ex), en, ed, p, {elw, emu, eprec, eld},
                                                     escratch, em_model, res);
                            }),
                            en * 10);
        if (est != ek::status::ok || res.n_iter != 10) status = 1;
    }
    return status;
}
