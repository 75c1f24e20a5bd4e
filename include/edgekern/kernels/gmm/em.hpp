// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm/em.hpp: on-device EM fitting of Gaussian mixtures (scikit-learn semantics: k-means++ init,
// reg_covar, tol, max_iter), fixed workspace, and the streaming form (accumulate sufficient statistics, M-step).
#pragma once

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/gmm/model.hpp"
#include "edgekern/kernels/gmm/score.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// How gmm_em_fit initialises the model.
enum class gmm_em_init : std::uint8_t {
    kmeans_pp, ///< seeded k-means++ then Lloyd iterations; the initial parameters are the M-step of the labels
    given,     ///< the model buffers already hold a model (e.g. scikit-learn's weights_init/means_init/...)
};

/// EM settings; defaults are scikit-learn's GaussianMixture defaults.
struct gmm_em_params {
    gmm_covariance type = gmm_covariance::full;
    std::size_t n_components = 1;
    float reg_covar = 1e-6f;    ///< added to every covariance diagonal; >= 0
    float tol = 1e-3f;          ///< stop when |change of mean log-likelihood| < tol; >= 0
    std::size_t max_iter = 100; ///< EM iterations (M-steps), >= 1
    gmm_em_init init = gmm_em_init::kmeans_pp;
    std::uint64_t seed = 0;            ///< k-means++ seed (splitmix64): same seed, same result on every target
    std::size_t kmeans_max_iter = 100; ///< Lloyd iterations after seeding
};

/// What a fit or an M-step did.
struct gmm_em_result {
    std::size_t n_iter = 0;        ///< M-steps performed (scikit-learn's n_iter_)
    bool converged = false;        ///< |change| < tol was reached
    double lower_bound = 0.0;      ///< mean log-likelihood measured before the last M-step (lower_bound_)
    std::size_t n_reseeded = 0;    ///< components that received (almost) no responsibility and were re-seeded
    std::size_t n_regularized = 0; ///< covariances that needed more than reg_covar to be positive definite
};

/// The caller's writable model buffers (layouts as gmm_model_view). EM writes them in place.
struct gmm_model_buffers {
    span<float> log_weights{};     ///< [K]
    span<float> means{};           ///< [K][d]
    span<float> precisions_chol{}; ///< gmm_precision_size(type, K, d)
    span<float> log_det_chol{};    ///< [K]
};

namespace detail {
/// Layout of the EM workspace (doubles): sufficient statistics, then the M-step's factorisation space.
struct gmm_em_layout {
    std::size_t s0, s1, s2, misc, worst, dx, lp, cov, l, w, total;
};
/// S2 per type: full [K][d][d] (lower triangle), tied [d][d], diag [K][d], spherical [K].
constexpr bool gmm_em_make_layout(gmm_covariance type, std::size_t k, std::size_t d, gmm_em_layout& out) noexcept {
    std::size_t kd = 0, dd = 0, s2 = 0;
    if (!checked_mul(k, d, kd) || !checked_mul(d, d, dd)) return false;
    switch (type) {
    case gmm_covariance::full:
        if (!checked_mul(kd, d, s2)) return false;
        break;
    case gmm_covariance::tied:
        s2 = dd;
        break;
    case gmm_covariance::diag:
        s2 = kd;
        break;
    case gmm_covariance::spherical:
        s2 = k;
        break;
    }
    const bool dense = type == gmm_covariance::full || type == gmm_covariance::tied;
    gmm_em_layout l{};
    std::size_t at = 0;
    const std::size_t sizes[] = {k, kd, s2, 4, d, d, k, dense ? dd : 0, dense ? dd : 0, dense ? dd : 0};
    std::size_t* slots[] = {&l.s0, &l.s1, &l.s2, &l.misc, &l.worst, &l.dx, &l.lp, &l.cov, &l.l, &l.w};
    for (std::size_t i = 0; i < 10; ++i) {
        *slots[i] = at;
        if (!checked_add(at, sizes[i], at)) return false;
    }
    l.total = at;
    out = l;
    return true;
}
} // namespace detail

/// Workspace (in doubles) of gmm_em_fit and of the streaming functions: K + K*d + S2 + 4 + 2d + K (+ 3 d*d for
/// full and tied), S2 = K*d*d (full), d*d (tied), K*d (diag), K (spherical). 0 on overflow or K = 0 / d = 0.
/// Example: full, K = 8, d = 16: 2,512 doubles (20 KB).
constexpr std::size_t gmm_em_scratch_size(gmm_covariance type, std::size_t n_components,
                                          std::size_t n_features) noexcept {
    detail::gmm_em_layout l{};
    if (n_components == 0 || n_features == 0 || !detail::gmm_em_make_layout(type, n_components, n_features, l))
        return 0;
    return l.total;
}

namespace detail {

struct gmm_splitmix64 {
    std::uint64_t state;
    std::uint64_t next() noexcept {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform double in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

inline status gmm_check_buffers(gmm_covariance type, std::size_t k, std::size_t d, const gmm_model_buffers& b,
                                span<double> scratch) noexcept {
    if (k == 0 || d == 0) return status::invalid_shape;
    const std::size_t p_size = gmm_precision_size(type, k, d), need = gmm_em_scratch_size(type, k, d);
    std::size_t kd = 0;
    if (p_size == 0 || need == 0 || !checked_mul(k, d, kd)) return status::invalid_shape;
    if (!b.log_weights.data() || !b.means.data() || !b.precisions_chol.data() || !b.log_det_chol.data() ||
        !scratch.data())
        return status::null_buffer;
    if (b.log_weights.size() < k || b.means.size() < kd || b.precisions_chol.size() < p_size ||
        b.log_det_chol.size() < k || scratch.size() < need)
        return status::buffer_too_small;
    return status::ok;
}

inline gmm_model_view gmm_view_of(gmm_covariance type, std::size_t k, std::size_t d,
                                  const gmm_model_buffers& b) noexcept {
    gmm_model_view v;
    v.type = type;
    v.n_components = k;
    v.n_features = d;
    v.log_weights = span<const float>(b.log_weights.data(), k);
    v.means = span<const float>(b.means.data(), k * d);
    v.precisions_chol = span<const float>(b.precisions_chol.data(), gmm_precision_size(type, k, d));
    v.log_det_chol = span<const float>(b.log_det_chol.data(), k);
    return v;
}

inline void gmm_em_reset(double* s, const gmm_em_layout& l) noexcept {
    for (std::size_t i = 0; i < l.dx; ++i) s[i] = 0.0;
    s[l.misc + 2] = std::numeric_limits<double>::infinity(); // worst log-likelihood so far
}

/// Adds responsibility r of sample x to component k's statistics, centred at c (the current mean).
inline void gmm_em_add(gmm_covariance type, std::size_t k, std::size_t d, const float* x, const float* c, double r,
                       double* s, const gmm_em_layout& l) noexcept {
    double* dx = s + l.dx;
    for (std::size_t i = 0; i < d; ++i) dx[i] = static_cast<double>(x[i]) - static_cast<double>(c[i]);
    s[l.s0 + k] += r;
    double* s1 = s + l.s1 + k * d;
    for (std::size_t i = 0; i < d; ++i) s1[i] += r * dx[i];
    switch (type) {
    case gmm_covariance::full:
    case gmm_covariance::tied: {
        double* s2 = s + l.s2 + (type == gmm_covariance::full ? k * d * d : 0);
        for (std::size_t i = 0; i < d; ++i) {
            const double ri = r * dx[i];
            double* row = s2 + i * d;
            for (std::size_t j = 0; j <= i; ++j) row[j] += ri * dx[j];
        }
        break;
    }
    case gmm_covariance::diag: {
        double* s2 = s + l.s2 + k * d;
        for (std::size_t i = 0; i < d; ++i) s2[i] += r * dx[i] * dx[i];
        break;
    }
    case gmm_covariance::spherical: {
        double q = 0.0;
        for (std::size_t i = 0; i < d; ++i) q += dx[i] * dx[i];
        s[l.s2 + k] += r * q;
        break;
    }
    }
}

/// E-step of one sample against a validated model, accumulated into the statistics.
template <class Arch>
inline void gmm_em_accumulate_one(const gmm_model_view& m, const float* x, double* s, const gmm_em_layout& l,
                                  Arch tag) noexcept {
    const std::size_t k_count = m.n_components, d = m.n_features;
    double* lp = s + l.lp;
    double mx = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < k_count; ++k) {
        lp[k] = static_cast<double>(gmm_component_log_prob(m, k, gmm_load_f32{x}, tag));
        if (lp[k] > mx) mx = lp[k];
    }
    double sum = 0.0;
    for (std::size_t k = 0; k < k_count; ++k) sum += std::exp(lp[k] - mx);
    const double ll = mx + std::log(sum);
    if (!std::isfinite(ll)) return; // a sample no component can explain (overflow): skipped, counted nowhere
    s[l.misc + 0] += ll;
    s[l.misc + 1] += 1.0;
    if (ll < s[l.misc + 2]) {
        s[l.misc + 2] = ll;
        s[l.misc + 3] = 1.0;
        for (std::size_t i = 0; i < d; ++i) s[l.worst + i] = static_cast<double>(x[i]);
    }
    for (std::size_t k = 0; k < k_count; ++k) {
        const double r = std::exp(lp[k] - ll);
        if (r > 0.0) gmm_em_add(m.type, k, d, x, m.means.data() + k * d, r, s, l);
    }
}

/// Covariance block b into l.cov (dense: lower triangle + mirrored; diag/spherical: not used) from the statistics,
/// with reg added to the diagonal. Returns the sum of the diagonal (for re-seeding).
inline double gmm_em_dense_cov(gmm_covariance type, std::size_t b, std::size_t k_count, std::size_t d, double reg,
                               double* s, const gmm_em_layout& l) noexcept {
    const double eps10 = 10.0 * DBL_EPSILON;
    double* cov = s + l.cov;
    const double* s2 = s + l.s2 + (type == gmm_covariance::full ? b * d * d : 0);
    double denom = 0.0;
    for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j <= i; ++j) cov[i * d + j] = s2[i * d + j];
    const std::size_t k0 = type == gmm_covariance::full ? b : 0, k1 = type == gmm_covariance::full ? b + 1 : k_count;
    for (std::size_t k = k0; k < k1; ++k) {
        const double s0 = s[l.s0 + k], nk = s0 + eps10;
        denom += nk;
        const double* s1 = s + l.s1 + k * d;
        // sum r (x - m)(x - m)^T = S2 - S0 delta delta^T with delta = S1 / nk (the centring shift)
        for (std::size_t i = 0; i < d; ++i)
            for (std::size_t j = 0; j <= i; ++j) cov[i * d + j] -= s0 * (s1[i] / nk) * (s1[j] / nk);
    }
    double trace = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            cov[i * d + j] /= denom;
            cov[j * d + i] = cov[i * d + j];
        }
        cov[i * d + i] += reg;
        trace += cov[i * d + i];
    }
    return trace;
}

/// Cholesky of l.cov into l.l, adding growing multiples of the diagonal's mean when it fails. Returns the number of
/// extra regularisation steps (0: plain), or -1 when even a 1e6-fold boost fails.
inline int gmm_em_factor(std::size_t d, double reg, double* s, const gmm_em_layout& l) noexcept {
    double* cov = s + l.cov;
    double mean_diag = 0.0;
    for (std::size_t i = 0; i < d; ++i) mean_diag += std::fabs(cov[i * d + i]);
    mean_diag /= static_cast<double>(d);
    double boost = std::fmax(reg, 1e-6 * mean_diag);
    if (!(boost > 0.0)) boost = 1e-6;
    for (int attempt = 0; attempt < 8; ++attempt) {
        if (gmm_cholesky_lower(cov, d, s + l.l)) return attempt;
        for (std::size_t i = 0; i < d; ++i) cov[i * d + i] += boost;
        boost *= 10.0;
    }
    return -1;
}

/// The M-step: new weights, means, covariances -> precision factors, written into the model buffers (two passes:
/// every factorisation succeeds before anything is written). `m` is the model the statistics were centred on (its
/// means live in b.means and are updated in place).
inline status gmm_em_m_step_impl(gmm_covariance type, std::size_t k_count, std::size_t d, double reg, double* s,
                                 const gmm_em_layout& l, const gmm_model_buffers& b, gmm_model& model,
                                 gmm_em_result& res) noexcept {
    const double eps10 = 10.0 * DBL_EPSILON;
    double n_tot = 0.0;
    for (std::size_t k = 0; k < k_count; ++k) n_tot += s[l.s0 + k];
    if (!(n_tot > 0.0)) return status::invalid_argument; // no sample accumulated
    // A component is empty when it holds less than 1e-6 of a sample's responsibility; it is re-seeded at the
    // worst-explained sample with the average variance of the others.
    const double empty_below = 1e-6;
    const bool dense = type == gmm_covariance::full || type == gmm_covariance::tied;
    double var_sum = 0.0, var_w = 0.0;
    std::size_t n_empty = 0;
    for (std::size_t k = 0; k < k_count; ++k) {
        const double s0 = s[l.s0 + k], nk = s0 + eps10;
        if (s0 < empty_below) {
            ++n_empty;
            continue;
        }
        const double* s1 = s + l.s1 + k * d;
        double tr = 0.0;
        if (type == gmm_covariance::spherical) {
            double dd = 0.0;
            for (std::size_t i = 0; i < d; ++i) dd += (s1[i] / nk) * (s1[i] / nk);
            tr = (s[l.s2 + k] - s0 * dd) / nk;
        } else if (type != gmm_covariance::tied) { // tied components share one covariance: nothing to re-seed
            const double* s2 = s + l.s2 + (type == gmm_covariance::diag ? k * d : k * d * d);
            for (std::size_t i = 0; i < d; ++i) {
                const double sii = type == gmm_covariance::diag ? s2[i] : s2[i * d + i];
                tr += (sii - s0 * (s1[i] / nk) * (s1[i] / nk)) / nk;
            }
        }
        var_sum += s0 * tr / static_cast<double>(d);
        var_w += s0;
    }
    const bool can_reseed = s[l.misc + 3] > 0.0 && n_empty > 0 && n_empty < k_count;
    double reseed_var = var_w > 0.0 ? var_sum / var_w : 1.0;
    if (!(reseed_var > 0.0)) reseed_var = 1.0;
    reseed_var += reg;

    // Pass 1: factorisations must succeed.
    std::size_t n_reg = 0;
    if (dense) {
        const std::size_t blocks = type == gmm_covariance::full ? k_count : 1;
        for (std::size_t blk = 0; blk < blocks; ++blk) {
            if (type == gmm_covariance::full && can_reseed && s[l.s0 + blk] < empty_below) continue;
            gmm_em_dense_cov(type, blk, k_count, d, reg, s, l);
            const int a = gmm_em_factor(d, reg, s, l);
            if (a < 0) return status::numeric_error;
            if (a > 0) ++n_reg;
        }
    }
    // Pass 2: write.
    const double w_extra = can_reseed ? static_cast<double>(n_empty) : 0.0; // a re-seeded component gets one sample
    for (std::size_t k = 0; k < k_count; ++k) {
        const bool reseed = can_reseed && s[l.s0 + k] < empty_below;
        const double nk = s[l.s0 + k] + eps10;
        const double w = (reseed ? 1.0 : nk) / (n_tot + static_cast<double>(k_count) * eps10 + w_extra);
        b.log_weights.data()[k] = static_cast<float>(std::log(w));
    }
    float* prec = b.precisions_chol.data();
    if (type == gmm_covariance::tied) {
        gmm_em_dense_cov(type, 0, k_count, d, reg, s, l);
        (void)gmm_em_factor(d, reg, s, l);
        gmm_precision_from_cholesky(s + l.l, d, s + l.w, prec);
    }
    for (std::size_t k = 0; k < k_count; ++k) {
        const bool reseed = can_reseed && s[l.s0 + k] < empty_below;
        const double s0 = s[l.s0 + k], nk = s0 + eps10;
        const double* s1 = s + l.s1 + k * d;
        float* mean = b.means.data() + k * d;
        switch (type) {
        case gmm_covariance::full:
            if (reseed) {
                for (std::size_t i = 0; i < d; ++i)
                    for (std::size_t j = 0; j < d; ++j)
                        prec[(k * d + i) * d + j] = i == j ? static_cast<float>(1.0 / std::sqrt(reseed_var)) : 0.0f;
            } else {
                gmm_em_dense_cov(type, k, k_count, d, reg, s, l);
                (void)gmm_em_factor(d, reg, s, l);
                gmm_precision_from_cholesky(s + l.l, d, s + l.w, prec + k * d * d);
            }
            break;
        case gmm_covariance::tied:
            break;
        case gmm_covariance::diag:
            for (std::size_t i = 0; i < d; ++i) {
                double v = reseed_var;
                if (!reseed) {
                    const double delta = s1[i] / nk;
                    v = (s[l.s2 + k * d + i] - s0 * delta * delta) / nk + reg;
                    if (!(v > 0.0)) {
                        v = reg > 0.0 ? reg : 1e-12;
                        ++n_reg;
                    }
                }
                prec[k * d + i] = static_cast<float>(1.0 / std::sqrt(v));
            }
            break;
        case gmm_covariance::spherical: {
            double v = reseed_var;
            if (!reseed) {
                double dd = 0.0;
                for (std::size_t i = 0; i < d; ++i) dd += (s1[i] / nk) * (s1[i] / nk);
                v = (s[l.s2 + k] - s0 * dd) / (nk * static_cast<double>(d)) + reg;
                if (!(v > 0.0)) {
                    v = reg > 0.0 ? reg : 1e-12;
                    ++n_reg;
                }
            }
            prec[k] = static_cast<float>(1.0 / std::sqrt(v));
            break;
        }
        }
        for (std::size_t i = 0; i < d; ++i)
            mean[i] = reseed ? static_cast<float>(s[l.worst + i])
                             : static_cast<float>(static_cast<double>(mean[i]) + s1[i] / nk);
    }
    const gmm_model_view v = gmm_view_of(type, k_count, d, b);
    for (std::size_t k = 0; k < k_count; ++k) {
        double ld = 0.0;
        for (std::size_t i = 0; i < d; ++i) ld += std::log(static_cast<double>(gmm_diag_factor(v, k, i)));
        b.log_det_chol.data()[k] = static_cast<float>(ld);
    }
    res.n_reseeded += can_reseed ? n_empty : 0;
    res.n_regularized += n_reg;
    if (gmm_validate(v, model) != status::ok) return status::numeric_error;
    return status::ok;
}

inline double gmm_sq_dist(const float* a, const float* c, std::size_t d) noexcept {
    double q = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
        const double t = static_cast<double>(a[i]) - static_cast<double>(c[i]);
        q += t * t;
    }
    return q;
}
inline std::size_t gmm_nearest(const float* x, const float* centers, std::size_t k_count, std::size_t d,
                               double* best_q = nullptr) noexcept {
    std::size_t best = 0;
    double bq = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < k_count; ++k) {
        const double q = gmm_sq_dist(x, centers + k * d, d);
        if (q < bq) {
            bq = q;
            best = k;
        }
    }
    if (best_q) *best_q = bq;
    return best;
}

/// k-means++ seeding (D^2 sampling, one candidate per centre) and Lloyd iterations; centres in `centers`.
inline void gmm_kmeans_pp(const float* x, std::size_t n, std::size_t d, std::size_t k_count, std::uint64_t seed,
                          std::size_t max_iter, float* centers, double* s, const gmm_em_layout& l) noexcept {
    gmm_splitmix64 rng{seed};
    std::size_t first = static_cast<std::size_t>(rng.next() % n);
    for (std::size_t i = 0; i < d; ++i) centers[i] = x[first * d + i];
    for (std::size_t c = 1; c < k_count; ++c) {
        double total = 0.0;
        for (std::size_t p = 0; p < n; ++p) {
            double q = 0.0;
            (void)gmm_nearest(x + p * d, centers, c, d, &q);
            total += q;
        }
        std::size_t pick = n - 1;
        if (total > 0.0) {
            const double u = rng.uniform() * total;
            double acc = 0.0;
            for (std::size_t p = 0; p < n; ++p) {
                double q = 0.0;
                (void)gmm_nearest(x + p * d, centers, c, d, &q);
                acc += q;
                if (acc > u && q > 0.0) {
                    pick = p;
                    break;
                }
            }
        } else {
            pick = static_cast<std::size_t>(rng.next() % n); // every point is already a centre (duplicates)
        }
        for (std::size_t i = 0; i < d; ++i) centers[c * d + i] = x[pick * d + i];
    }
    double* cnt = s + l.s0;
    double* sum = s + l.s1;
    for (std::size_t it = 0; it < max_iter; ++it) {
        for (std::size_t i = 0; i < k_count; ++i) cnt[i] = 0.0;
        for (std::size_t i = 0; i < k_count * d; ++i) sum[i] = 0.0;
        for (std::size_t p = 0; p < n; ++p) {
            const std::size_t k = gmm_nearest(x + p * d, centers, k_count, d);
            cnt[k] += 1.0;
            for (std::size_t i = 0; i < d; ++i)
                sum[k * d + i] += static_cast<double>(x[p * d + i]) - static_cast<double>(centers[k * d + i]);
        }
        bool moved = false;
        for (std::size_t k = 0; k < k_count; ++k) {
            if (cnt[k] == 0.0) continue;
            for (std::size_t i = 0; i < d; ++i) {
                const float c = static_cast<float>(static_cast<double>(centers[k * d + i]) + sum[k * d + i] / cnt[k]);
                if (c != centers[k * d + i]) moved = true;
                centers[k * d + i] = c;
            }
        }
        if (!moved) break;
    }
}

} // namespace detail

/// Clears streaming statistics: call before accumulating a new pass.
/// @param scratch gmm_em_scratch_size(type, K, d) doubles
/// @return ok; invalid_shape; null_buffer; buffer_too_small.
inline status gmm_em_stats_reset(gmm_covariance type, std::size_t n_components, std::size_t n_features,
                                 span<double> scratch) noexcept {
    detail::gmm_em_layout l{};
    if (n_components == 0 || n_features == 0 || !detail::gmm_em_make_layout(type, n_components, n_features, l))
        return status::invalid_shape;
    if (!scratch.data()) return status::null_buffer;
    if (scratch.size() < l.total) return status::buffer_too_small;
    detail::gmm_em_reset(scratch.data(), l);
    return status::ok;
}

/// Streaming E-step: adds the responsibilities-weighted sufficient statistics of n_samples samples under `model`
/// (the current iterate) to `scratch`. Frames need not be kept: call it per frame, then gmm_em_m_step.
/// @param x  [n_samples][d], finite
/// @return ok; invalid_model (not validated); invalid_shape; null_buffer; shape_mismatch; buffer_too_small;
///         non_finite (nothing accumulated).
/// Numerics: component log-probabilities in float (gmm_log_likelihood), responsibilities and statistics in double,
/// centred at the current means (no cancellation for data far from zero).
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_em_accumulate(const gmm_model& model, span<const float> x, std::size_t n_samples,
                                span<double> scratch, Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    const std::size_t d = model.n_features();
    detail::gmm_em_layout l{};
    if (n_samples == 0 || !detail::gmm_em_make_layout(model.type(), model.n_components(), d, l))
        return status::invalid_shape;
    std::size_t need = 0;
    if (!checked_mul(n_samples, d, need)) return status::invalid_shape;
    if (!x.data() || !scratch.data()) return status::null_buffer;
    if (x.size() != need) return status::shape_mismatch;
    if (scratch.size() < l.total) return status::buffer_too_small;
    if (!detail::gmm_all_finite(x)) return status::non_finite;
    for (std::size_t p = 0; p < n_samples; ++p)
        detail::gmm_em_accumulate_one(model.view(), x.data() + p * d, scratch.data(), l, tag);
    return status::ok;
}

/// Streaming M-step: turns the accumulated statistics into new parameters, written in place into `buffers` (which
/// must be the buffers `model` views: the statistics are centred on its means), and re-validates `model`.
/// @param reg_covar  >= 0, added to covariance diagonals
/// @return ok; invalid_model; invalid_argument (reg_covar < 0 / non-finite, or nothing accumulated);
///         buffer_too_small; shape_mismatch (buffers are not the model's); numeric_error (a covariance stayed
///         indefinite after regularisation). `result.n_reseeded` / `n_regularized` are incremented.
/// Numerics: scikit-learn's M-step (nk += 10 eps, weights nk / sum nk, covariance + reg_covar) in double; a
/// covariance that is not positive definite gets extra diagonal loading (counted in n_regularized); a
/// component with < 1e-6 of a sample is re-seeded at the worst-explained sample (counted in n_reseeded).
inline status gmm_em_m_step(gmm_model& model, gmm_model_buffers buffers, float reg_covar, span<double> scratch,
                            gmm_em_result& result) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (!std::isfinite(reg_covar) || reg_covar < 0.0f) return status::invalid_argument;
    const std::size_t k_count = model.n_components(), d = model.n_features();
    EDGEKERN_TRY(detail::gmm_check_buffers(model.type(), k_count, d, buffers, scratch));
    if (buffers.means.data() != model.view().means.data() ||
        buffers.precisions_chol.data() != model.view().precisions_chol.data())
        return status::shape_mismatch;
    detail::gmm_em_layout l{};
    (void)detail::gmm_em_make_layout(model.type(), k_count, d, l);
    return detail::gmm_em_m_step_impl(model.type(), k_count, d, static_cast<double>(reg_covar), scratch.data(), l,
                                      buffers, model, result);
}

/// Fits a mixture to n_samples samples by EM, as scikit-learn's GaussianMixture.fit (n_init = 1): initialise
/// (k-means++ + Lloyd, or the given model), then repeat {E-step, M-step} until |change of the mean log-likelihood|
/// < tol or max_iter M-steps. The model is written into `buffers`; `model` views them on success.
/// @param x        [n_samples][d], finite; n_samples >= n_components
/// @param buffers  model storage (for init == given it holds the initial model on entry)
/// @param scratch  gmm_em_scratch_size(type, K, d) doubles
/// @return ok (also when max_iter is reached without convergence: see result.converged); invalid_shape;
///         invalid_argument (n_samples < K, max_iter 0, negative/non-finite reg_covar or tol); null_buffer;
///         shape_mismatch; buffer_too_small; non_finite; invalid_model (given init invalid); numeric_error. On a
///         bad-input status nothing is written; numeric_error can leave an intermediate iterate in `buffers`.
/// Numerics: as gmm_em_accumulate / gmm_em_m_step. Cost per iteration ~ n K d^2 (full/tied) or n K d.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_em_fit(span<const float> x, std::size_t n_samples, std::size_t n_features, const gmm_em_params& p,
                         gmm_model_buffers buffers, span<double> scratch, gmm_model& model, gmm_em_result& result,
                         Arch tag = {}) noexcept {
    const std::size_t k_count = p.n_components, d = n_features;
    EDGEKERN_TRY(detail::gmm_check_buffers(p.type, k_count, d, buffers, scratch));
    std::size_t need = 0;
    if (n_samples == 0 || !checked_mul(n_samples, d, need)) return status::invalid_shape;
    if (!x.data()) return status::null_buffer;
    if (x.size() != need) return status::shape_mismatch;
    if (n_samples < k_count || p.max_iter == 0 || !std::isfinite(p.reg_covar) || p.reg_covar < 0.0f ||
        !std::isfinite(p.tol) || p.tol < 0.0f)
        return status::invalid_argument;
    if (!detail::gmm_all_finite(x)) return status::non_finite;
    detail::gmm_em_layout l{};
    (void)detail::gmm_em_make_layout(p.type, k_count, d, l);
    double* s = scratch.data();
    const double reg = static_cast<double>(p.reg_covar);
    gmm_model cur;
    gmm_em_result res;
    if (p.init == gmm_em_init::given) {
        EDGEKERN_TRY(gmm_validate(detail::gmm_view_of(p.type, k_count, d, buffers), cur));
    } else {
        // k-means++ centres into the means buffer, then the M-step of the hard labels (scikit-learn's
        // _initialize with one-hot responsibilities).
        detail::gmm_kmeans_pp(x.data(), n_samples, d, k_count, p.seed, p.kmeans_max_iter, buffers.means.data(), s, l);
        detail::gmm_em_reset(s, l);
        const float* centers = buffers.means.data();
        double far = -1.0;
        for (std::size_t q = 0; q < n_samples; ++q) {
            const float* xq = x.data() + q * d;
            double dist = 0.0;
            const std::size_t k = detail::gmm_nearest(xq, centers, k_count, d, &dist);
            detail::gmm_em_add(p.type, k, d, xq, centers + k * d, 1.0, s, l);
            if (dist > far) { // the sample farthest from its centre re-seeds an empty cluster
                far = dist;
                s[l.misc + 3] = 1.0;
                for (std::size_t i = 0; i < d; ++i) s[l.worst + i] = static_cast<double>(xq[i]);
            }
        }
        EDGEKERN_TRY(detail::gmm_em_m_step_impl(p.type, k_count, d, reg, s, l, buffers, cur, res));
    }
    double lower = -std::numeric_limits<double>::infinity();
    for (std::size_t it = 1; it <= p.max_iter; ++it) {
        const double prev = lower;
        detail::gmm_em_reset(s, l);
        for (std::size_t q = 0; q < n_samples; ++q)
            detail::gmm_em_accumulate_one(cur.view(), x.data() + q * d, s, l, tag);
        if (!(s[l.misc + 1] > 0.0)) return status::numeric_error;
        lower = s[l.misc + 0] / s[l.misc + 1];
        EDGEKERN_TRY(detail::gmm_em_m_step_impl(p.type, k_count, d, reg, s, l, buffers, cur, res));
        res.n_iter = it;
        res.lower_bound = lower;
        if (std::fabs(lower - prev) < static_cast<double>(p.tol)) {
            res.converged = true;
            break;
        }
    }
    model = cur;
    result = res;
    return status::ok;
}

EDGEKERN_NAMESPACE_END
