// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm/simd.hpp: batch float GMM scoring with one sample per SIMD lane (xsimd), written once over
// the xsimd architecture and bound to the SSE2 / SSE4.1 / AVX2 / AVX-512 / NEON tags.
//
// Why lanes = samples: with one sample per lane every model parameter is a broadcast scalar, so the triangular
// full/tied loop, small d (8) and any K use whole vectors with no horizontal reductions, and the log-sum-exp runs
// on vectors too. A block of W samples is transposed (and dequantized for integer inputs) into a stack buffer
// first. Batches with d > 64 or K > 32, and the last n mod W samples, take the per-sample scalar path.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/arch/xsimd_arch.hpp"
#include "edgekern/config.hpp"
#include "edgekern/kernels/gmm/model.hpp"
#include "edgekern/kernels/gmm/scalar.hpp"

#if defined(EDGEKERN_HAS_XSIMD)
#include <xsimd/xsimd.hpp>
#endif

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

#if defined(EDGEKERN_HAS_XSIMD)

// GCC 12 reports the deliberately undefined pass-through operands of AVX-512 intrinsics (_mm512_undefined_*, inside
// xsimd's max/exp) as maybe-uninitialized once inlined here: a false positive, silenced for this block. (Its
// -Wuninitialized report for xsimd's vector log cannot be silenced this way: gmm_log_1_64 replaces that log.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

constexpr std::size_t gmm_lanes_max_features = 64;
constexpr std::size_t gmm_lanes_max_components = 32;

/// ln(s) for s in [1, 64) on vectors, float ops only: two-step range reduction by 4 and 2 (selects), then
/// 2 atanh((s - 1) / (s + 1)) to z^13 on [1, 2) (|z| <= 1/3: truncation < 1e-8). Used for the log-sum-exp, whose
/// sum lies in [1, K] (the largest term is exp(0) = 1) with K <= 32.
template <class A>
inline xsimd::batch<float, A> gmm_log_1_64(xsimd::batch<float, A> s) noexcept {
    using batch = xsimd::batch<float, A>;
    batch acc(0.0f);
    for (int r = 0; r < 3; ++r) {
        const auto ge = s >= batch(4.0f);
        s = xsimd::select(ge, s * batch(0.25f), s);
        acc = xsimd::select(ge, acc + batch(1.38629436f), acc);
    }
    const auto ge2 = s >= batch(2.0f);
    s = xsimd::select(ge2, s * batch(0.5f), s);
    acc = xsimd::select(ge2, acc + batch(0.693147181f), acc);
    const batch z = (s - batch(1.0f)) / (s + batch(1.0f));
    const batch z2 = z * z;
    batch p(2.0f / 13.0f);
    p = xsimd::fma(p, z2, batch(2.0f / 11.0f));
    p = xsimd::fma(p, z2, batch(2.0f / 9.0f));
    p = xsimd::fma(p, z2, batch(2.0f / 7.0f));
    p = xsimd::fma(p, z2, batch(2.0f / 5.0f));
    p = xsimd::fma(p, z2, batch(2.0f / 3.0f));
    p = xsimd::fma(p, z2, batch(2.0f));
    return xsimd::fma(p, z, acc);
}

/// Mahalanobis terms of W consecutive float samples (rows of x) for diag / spherical models with d >= W: each
/// sample's features are read as vectors (no transpose), reduced with hadd into lane l of the result.
/// (xsimd 8.1's haddp permutes lanes on AVX-512, so it is not used.)
template <class A>
inline xsimd::batch<float, A> gmm_maha_rows_diag(const gmm_model_view& m, std::size_t k, const float* x) noexcept {
    using batch = xsimd::batch<float, A>;
    constexpr std::size_t w = batch::size;
    const std::size_t d = m.n_features;
    const float* mu = m.means.data() + k * d;
    const bool diag = m.type == gmm_covariance::diag;
    const float* u = m.precisions_chol.data() + (diag ? k * d : 0);
    alignas(64) float tails[w];
    for (std::size_t l = 0; l < w; ++l) {
        const float* xs = x + l * d;
        batch a(0.0f);
        std::size_t i = 0;
        for (; i + w <= d; i += w) {
            batch y = batch::load_unaligned(xs + i) - batch::load_unaligned(mu + i);
            if (diag) y = y * batch::load_unaligned(u + i);
            a = xsimd::fma(y, y, a);
        }
        float t = 0.0f;
        for (; i < d; ++i) {
            const float y = (xs[i] - mu[i]) * (diag ? u[i] : 1.0f);
            t += y * y;
        }
        tails[l] = t + xsimd::hadd(a);
    }
    batch maha = batch::load_aligned(tails);
    if (!diag) maha = maha * batch(m.precisions_chol.data()[k] * m.precisions_chol.data()[k]);
    return maha;
}

/// Scores samples [s0, s0 + W) (W = lanes) read through `load(sample, feature)`; out[s0 + l].
template <class A, class Load>
inline void gmm_score_lanes(const gmm_model_view& m, const Load& load, std::size_t s0, float* out) noexcept {
    using batch = xsimd::batch<float, A>;
    constexpr std::size_t w = batch::size;
    const std::size_t d = m.n_features, k_count = m.n_components;
    // Row (feature-vector) path for diag/spherical when cheaper than transposing: about K (3d + 8W) operations per
    // block (loads, FMAs and one horizontal add per sample and component) against 2 W d + 2 K d (transpose once,
    // then broadcasts and FMAs): wins for large d and small K.
    const bool rows = Load::contiguous_f32 && d >= w &&
                      (m.type == gmm_covariance::diag || m.type == gmm_covariance::spherical) &&
                      k_count * (3 * d + 8 * w) < 2 * w * d + 2 * k_count * d;
    alignas(64) float xt[gmm_lanes_max_features * w];
    if (!rows)
        for (std::size_t l = 0; l < w; ++l)
            for (std::size_t i = 0; i < d; ++i) xt[i * w + l] = load(s0 + l, i);
    batch diff[gmm_lanes_max_features];
    batch lp[gmm_lanes_max_components];
    lp[0] = batch(0.0f);
    const float* p = m.precisions_chol.data();
    const float half_d_ln_2pi = 0.5f * static_cast<float>(d) * gmm_ln_2pi;
    for (std::size_t k = 0; k < k_count; ++k) {
        batch maha(0.0f);
        if (rows) {
            maha = gmm_maha_rows_diag<A>(m, k, load.row(s0));
        } else {
            const float* mu = m.means.data() + k * d;
            for (std::size_t i = 0; i < d; ++i) diff[i] = batch::load_aligned(xt + i * w) - batch(mu[i]);
            switch (m.type) {
            case gmm_covariance::full:
            case gmm_covariance::tied: {
                const float* u = m.type == gmm_covariance::full ? p + k * d * d : p;
                for (std::size_t j = 0; j < d; ++j) {
                    batch y = diff[0] * batch(u[j]);
                    for (std::size_t i = 1; i <= j; ++i) y = xsimd::fma(diff[i], batch(u[i * d + j]), y);
                    maha = xsimd::fma(y, y, maha);
                }
                break;
            }
            case gmm_covariance::diag: {
                const float* u = p + k * d;
                for (std::size_t i = 0; i < d; ++i) {
                    const batch y = diff[i] * batch(u[i]);
                    maha = xsimd::fma(y, y, maha);
                }
                break;
            }
            case gmm_covariance::spherical: {
                for (std::size_t i = 0; i < d; ++i) maha = xsimd::fma(diff[i], diff[i], maha);
                maha = maha * batch(p[k] * p[k]);
                break;
            }
            }
        }
        const float c = m.log_weights.data()[k] + m.log_det_chol.data()[k] - half_d_ln_2pi;
        const batch v = batch(c) - batch(0.5f) * maha;
        lp[k] = xsimd::select(v == v, v, batch(-std::numeric_limits<float>::infinity())); // NaN (inf - inf) -> -inf
    }
    if (k_count == 1) { // ln(exp(v)) = v: no exp/log
        lp[0].store_unaligned(out + s0);
        return;
    }
    batch mx = lp[0];
    for (std::size_t k = 1; k < k_count; ++k) mx = xsimd::max(mx, lp[k]);
    const batch neg_inf(-std::numeric_limits<float>::infinity());
    const auto all_inf = mx == neg_inf;
    const batch shift = xsimd::select(all_inf, batch(0.0f), mx);
    batch sum(0.0f);
    for (std::size_t k = 0; k < k_count; ++k) sum += xsimd::exp(lp[k] - shift);
    const batch r = xsimd::select(all_inf, neg_inf, shift + gmm_log_1_64<A>(sum));
    r.store_unaligned(out + s0);
}

template <class A, class Load>
inline void gmm_batch_lanes(const gmm_model_view& m, const Load& load, std::size_t n, float* out,
                            arch::scalar tail) noexcept {
    constexpr std::size_t w = xsimd::batch<float, A>::size;
    std::size_t s = 0;
    if (m.n_features <= gmm_lanes_max_features && m.n_components <= gmm_lanes_max_components)
        for (; s + w <= n; s += w) gmm_score_lanes<A>(m, load, s, out);
    for (; s < n; ++s) out[s] = gmm_sample_log_likelihood(m, load.sample(s), tail);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif // EDGEKERN_HAS_XSIMD

/// Sample accessors for the batch kernels: element (s, i), and a per-sample loader for the scalar tail.
struct gmm_batch_load_f32 {
    static constexpr bool contiguous_f32 = true;
    const float* x;
    std::size_t d;
    const float* row(std::size_t s) const noexcept { return x + s * d; }
    float operator()(std::size_t s, std::size_t i) const noexcept { return x[s * d + i]; }
    gmm_load_f32 sample(std::size_t s) const noexcept { return gmm_load_f32{x + s * d}; }
};
template <class T>
struct gmm_batch_load_quant {
    static constexpr bool contiguous_f32 = false;
    const T* x;
    std::size_t d;
    float scale;
    std::int32_t zero_point;
    float operator()(std::size_t s, std::size_t i) const noexcept {
        return scale * static_cast<float>(std::int32_t{x[s * d + i]} - zero_point);
    }
    gmm_load_quant<T> sample(std::size_t s) const noexcept { return gmm_load_quant<T>{x + s * d, scale, zero_point}; }
    const float* row(std::size_t) const noexcept { return nullptr; } // never called: not contiguous float
};

/// Batch scoring, scalar backend: per sample.
template <class Load>
inline void gmm_batch_log_likelihood(const gmm_model_view& m, const Load& load, std::size_t n, float* out,
                                     arch::scalar tag) noexcept {
    for (std::size_t s = 0; s < n; ++s) out[s] = gmm_sample_log_likelihood(m, load.sample(s), tag);
}

#if defined(EDGEKERN_HAS_XSIMD) && defined(EDGEKERN_HAS_SSE2)
template <class Load>
inline void gmm_batch_log_likelihood(const gmm_model_view& m, const Load& load, std::size_t n, float* out,
                                     arch::sse2) noexcept {
    gmm_batch_lanes<arch::xsimd_arch_t<arch::sse2>>(m, load, n, out, arch::scalar{});
}
#endif
#if defined(EDGEKERN_HAS_XSIMD) && defined(EDGEKERN_HAS_AVX2)
template <class Load>
inline void gmm_batch_log_likelihood(const gmm_model_view& m, const Load& load, std::size_t n, float* out,
                                     arch::avx2) noexcept {
    gmm_batch_lanes<arch::xsimd_arch_t<arch::avx2>>(m, load, n, out, arch::scalar{});
}
#endif
#if defined(EDGEKERN_HAS_XSIMD) && defined(EDGEKERN_HAS_AVX512)
template <class Load>
inline void gmm_batch_log_likelihood(const gmm_model_view& m, const Load& load, std::size_t n, float* out,
                                     arch::avx512) noexcept {
    gmm_batch_lanes<arch::xsimd_arch_t<arch::avx512>>(m, load, n, out, arch::scalar{});
}
#endif
#if defined(EDGEKERN_HAS_XSIMD) && defined(EDGEKERN_HAS_NEON)
template <class Load>
inline void gmm_batch_log_likelihood(const gmm_model_view& m, const Load& load, std::size_t n, float* out,
                                     arch::neon) noexcept {
    gmm_batch_lanes<arch::xsimd_arch_t<arch::neon>>(m, load, n, out, arch::scalar{});
}
#endif

} // namespace detail
EDGEKERN_NAMESPACE_END
