// SPDX-License-Identifier: Apache-2.0
// sensor_gmm.cpp: vibration anomaly detection with a Gaussian mixture: synthetic accelerometer windows (a motor at
// a drifting speed, harmonics, noise), features = log RMS and log power in 6 spectral bands, a diagonal GMM fitted on
// normal windows only (gmm_em_fit), scored on normal and faulty windows (bearing-fault impulses, imbalance,
// looseness); prints the AUROC per fault kind. Heap-free (static arrays), deterministic.
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "edgekern/kernels/gmm.hpp"

namespace ek = edgekern;

namespace {

constexpr std::size_t n = 256; // samples per window (fs = 2 kHz: 128 ms)
constexpr double fs = 2000.0;
constexpr std::size_t n_bands = 6; // log-spaced bands over 10 .. 1000 Hz
constexpr std::size_t d = 1 + n_bands;
constexpr std::size_t n_train = 300, n_test = 100;
constexpr double pi = 3.14159265358979323846;

struct rng {
    std::uint64_t s;
    double uniform() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * (1.0 / 9007199254740992.0);
    }
    double gauss() {
        const double u = uniform() + 1e-300;
        return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * pi * uniform());
    }
};

enum class fault { none, bearing, imbalance, looseness };

/// One window: shaft at 25..35 Hz with 1x/2x/3x harmonics, a 400 Hz gear mesh and sensor noise; faults add
/// periodic decaying 700 Hz resonance bursts (outer-race bearing defect), a larger 1x (imbalance) or many
/// harmonics with clipping (mechanical looseness).
void window(rng& r, fault f, double* x) {
    const double f0 = 25.0 + 10.0 * r.uniform(), ph = 2 * pi * r.uniform(), gain = 0.8 + 0.4 * r.uniform();
    const double bpf = 3.6 * f0; // bearing pass frequency
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / fs;
        double v = gain * (1.0 * std::sin(2 * pi * f0 * t + ph) + 0.3 * std::sin(4 * pi * f0 * t + 2 * ph) +
                           0.1 * std::sin(6 * pi * f0 * t) + 0.15 * std::sin(2 * pi * 400.0 * t)) +
                   0.2 * r.gauss();
        if (f == fault::bearing) {
            const double tau = std::fmod(t, 1.0 / bpf);
            v += 0.9 * std::exp(-tau * 300.0) * std::sin(2 * pi * 700.0 * tau);
        } else if (f == fault::imbalance) {
            v += 0.9 * gain * std::sin(2 * pi * f0 * t + ph);
        } else if (f == fault::looseness) {
            for (int h = 4; h <= 10; ++h) v += 0.12 * std::sin(2 * pi * h * f0 * t + h);
            v = v > 1.1 ? 1.1 : v;
        }
        x[i] = v;
    }
}

/// log RMS and log band powers (Hann window, direct DFT per bin: fine for 128 bins on a host).
void features(const double* x, float* out) {
    double rms = 0.0;
    for (std::size_t i = 0; i < n; ++i) rms += x[i] * x[i];
    out[0] = static_cast<float>(0.5 * std::log(rms / n + 1e-12));
    static const double edges[n_bands + 1] = {10, 45, 90, 180, 350, 600, 1000};
    double band[n_bands] = {};
    for (std::size_t k = 1; k < n / 2; ++k) {
        double re = 0.0, im = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2 * pi * static_cast<double>(i) / n);
            re += w * x[i] * std::cos(2 * pi * static_cast<double>(k * i) / n);
            im -= w * x[i] * std::sin(2 * pi * static_cast<double>(k * i) / n);
        }
        const double fk = static_cast<double>(k) * fs / n;
        for (std::size_t b = 0; b < n_bands; ++b)
            if (fk >= edges[b] && fk < edges[b + 1]) band[b] += re * re + im * im;
    }
    for (std::size_t b = 0; b < n_bands; ++b) out[1 + b] = static_cast<float>(std::log(band[b] + 1e-9));
}

double auroc(const float* good, const float* bad, std::size_t m) { // P(bad score > good score), ties 1/2
    double s = 0.0;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < m; ++j) s += bad[j] > good[i] ? 1.0 : (bad[j] == good[i] ? 0.5 : 0.0);
    return s / static_cast<double>(m * m);
}

float g_train[n_train * d];
float g_lw[4], g_mu[4 * d], g_pc[4 * d], g_ld[4];
double g_scratch[ek::gmm_em_scratch_size(ek::gmm_covariance::diag, 4, d)];
double g_x[n];

} // namespace

int main() {
    rng r{2024};
    for (std::size_t w = 0; w < n_train; ++w) {
        window(r, fault::none, g_x);
        features(g_x, g_train + w * d);
    }
    ek::gmm_em_params p;
    p.type = ek::gmm_covariance::diag;
    p.n_components = 4;
    p.reg_covar = 1e-3f;
    ek::gmm_model_buffers b{g_lw, g_mu, g_pc, g_ld};
    ek::gmm_model model;
    ek::gmm_em_result res;
    ek::status st = ek::gmm_em_fit(ek::span<const float>(g_train), n_train, d, p, b, g_scratch, model, res);
    if (st != ek::status::ok) {
        std::printf("fit failed: %s\n", ek::status_name(st));
        return 1;
    }
    std::printf("GMM: %zu components, %zu features (log RMS + %zu band powers), EM %zu iterations%s\n", p.n_components,
                d, n_bands, res.n_iter, res.converged ? " (converged)" : "");
    // Anomaly score = -log-likelihood.
    static float good[n_test], bad[n_test];
    float feat[d];
    for (std::size_t w = 0; w < n_test; ++w) {
        window(r, fault::none, g_x);
        features(g_x, feat);
        float ll = 0.0f;
        if (ek::gmm_log_likelihood(model, ek::span<const float>(feat, d), ll) != ek::status::ok) return 1;
        good[w] = -ll;
    }
    const char* names[] = {"bearing", "imbalance", "looseness"};
    const fault kinds[] = {fault::bearing, fault::imbalance, fault::looseness};
    double worst = 1.0;
    for (int k = 0; k < 3; ++k) {
        for (std::size_t w = 0; w < n_test; ++w) {
            window(r, kinds[k], g_x);
            features(g_x, feat);
            float ll = 0.0f;
            if (ek::gmm_log_likelihood(model, ek::span<const float>(feat, d), ll) != ek::status::ok) return 1;
            bad[w] = -ll;
        }
        const double a = auroc(good, bad, n_test);
        worst = a < worst ? a : worst;
        std::printf("fault %-10s AUROC %.4f (%zu normal vs %zu faulty windows)\n", names[k], a, n_test, n_test);
    }
    return worst >= 0.9 ? 0 : 1;
}
