// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/dictionary_learning.hpp: on-device dictionary learning for OMP: seeded initialization, K-SVD
// with the approximate (one power step) atom update, and an online mini-batch learner with O(K^2 + K n) state.
//
// Layouts as in omp.hpp: dictionary n_atoms x dim (atom rows, unit norm), signals n_signals x dim (rows).
// Everything runs in caller-provided workspace; sizes come from the constexpr *_scratch_size functions.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/kernels/omp.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Parameters shared by both learners.
struct dictionary_learning_params {
    std::size_t n_atoms = 0;        ///< K, 1..MaxAtoms
    std::size_t dim = 0;            ///< n, signal length
    std::size_t n_nonzero = 0;      ///< OMP sparsity while learning, 1..min(K, MaxSparsity)
    std::size_t n_iter = 10;        ///< K-SVD: iterations (coding + atom update); online: ignored
    float coherence_limit = 0.99f;  ///< an atom whose |<d_j, d_k>| exceeds this is replaced; >= 1 disables
    std::uint64_t seed = 0x5EEDull; ///< initialization / replacement choices
    float forget_max = 0.8f; ///< online: cap on the per-batch decay of A and B, in (0, 1]; 1 = sklearn's schedule
};

namespace detail {

/// splitmix64, the library's small deterministic generator (identical on every target).
inline std::uint64_t dl_splitmix(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// atom = x / ||x|| if ||x||^2 > tiny; returns false otherwise.
inline bool dl_set_normalized(float* atom, const float* x, std::size_t dim) noexcept {
    const float s = omp_sum_squares(x, dim);
    if (!(s > 1e-20f) || !std::isfinite(s)) return false;
    const float inv = 1.0f / std::sqrt(s);
    for (std::size_t i = 0; i < dim; ++i) atom[i] = x[i] * inv;
    return true;
}

/// Deterministic fallback atom: a unit vector from the generator (used when no usable signal is left).
inline void dl_random_atom(float* atom, std::size_t dim, std::uint64_t& rng) noexcept {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) {
        atom[i] = static_cast<float>(dl_splitmix(rng) >> 40) * (1.0f / 16777216.0f) - 0.5f;
        s += atom[i] * atom[i];
    }
    if (!(s > 0.0f)) {
        atom[0] = 1.0f;
        s = 1.0f;
    }
    const float inv = 1.0f / std::sqrt(s);
    for (std::size_t i = 0; i < dim; ++i) atom[i] *= inv;
}

inline status dl_check(const dictionary_learning_params& p, std::size_t max_atoms, std::size_t max_sparsity) noexcept {
    if (p.n_atoms == 0 || p.dim == 0) return status::invalid_shape;
    if (p.n_atoms > max_atoms || p.n_nonzero > max_sparsity) return status::buffer_too_small;
    if (p.n_nonzero == 0 || p.n_nonzero > p.n_atoms) return status::invalid_argument;
    if (std::isnan(p.coherence_limit)) return status::non_finite;
    if (std::isnan(p.forget_max)) return status::non_finite;
    if (!(p.coherence_limit > 0.0f) || !(p.forget_max > 0.0f) || p.forget_max > 1.0f) return status::invalid_argument;
    return status::ok;
}

/// Index of the largest err[i] >= 0 (n if none); marks it used (-1).
inline std::size_t dl_take_worst(float* err, std::size_t n) noexcept {
    std::size_t best = n;
    float bv = -1.0f;
    for (std::size_t i = 0; i < n; ++i)
        if (err[i] > bv) {
            bv = err[i];
            best = i;
        }
    if (best < n) err[best] = -1.0f;
    return best;
}

inline void dl_replace_atom(float* atom, std::size_t dim, const float* x, float* err, std::size_t n,
                            std::uint64_t& rng) noexcept {
    for (;;) {
        const std::size_t w = dl_take_worst(err, n);
        if (w == n) break;
        if (dl_set_normalized(atom, x + w * dim, dim)) return;
    }
    dl_random_atom(atom, dim, rng);
}

/// Replaces atoms that are too coherent with an earlier atom by the next worst-represented signal (largest
/// err[i] >= 0; err[i] is set to -1 once used) or by a random unit vector.
inline void dl_clear_coherent(float* d, std::size_t k_atoms, std::size_t dim, float limit, const float* x, float* err,
                              std::size_t n, std::uint64_t& rng) noexcept {
    if (limit >= 1.0f) return;
    for (std::size_t j = 1; j < k_atoms; ++j) {
        for (int attempt = 0; attempt < 4; ++attempt) {
            bool coherent = false;
            for (std::size_t k = 0; k < j && !coherent; ++k) {
                float c = 0.0f;
                for (std::size_t i = 0; i < dim; ++i) c += d[j * dim + i] * d[k * dim + i];
                coherent = std::fabs(c) > limit;
            }
            if (!coherent) break;
            dl_replace_atom(d + j * dim, dim, x, err, n, rng);
        }
    }
}

} // namespace detail

/// Deterministic seeded initialization: n_atoms distinct signals in a seeded order (start and step coprime to
/// n_signals drawn from splitmix64(seed)), each scaled to unit norm; signals with zero norm are skipped, and if too
/// few usable signals exist, seeded random unit atoms fill in.
/// @param signals n_signals x dim; @param dictionary n_atoms x dim out.
/// @return ok; null_buffer; invalid_shape; shape_mismatch (signals.size() != n_signals*dim); buffer_too_small
///         (dictionary); non_finite (a signal with NaN/Inf); aliasing. Output untouched on error.
inline status dictionary_init(span<const float> signals, std::size_t n_signals, std::size_t dim, std::size_t n_atoms,
                              std::uint64_t seed, span<float> dictionary) noexcept {
    if (n_signals == 0 || dim == 0 || n_atoms == 0) return status::invalid_shape;
    if (signals.data() == nullptr || dictionary.data() == nullptr) return status::null_buffer;
    std::size_t nin = 0, nd = 0;
    if (!checked_mul(n_signals, dim, nin) || !checked_mul(n_atoms, dim, nd)) return status::invalid_shape;
    if (signals.size() != nin) return status::shape_mismatch;
    if (dictionary.size() < nd) return status::buffer_too_small;
    if (overlaps(dictionary.first(nd), signals)) return status::aliasing;
    if (!detail::omp_all_finite(signals.data(), nin)) return status::non_finite;
    std::uint64_t rng = seed;
    float* d = dictionary.data();
    // visit signals in the order start, start + step, ... (mod n_signals) with step coprime to n_signals: a seeded
    // permutation, so picks are distinct without any bookkeeping
    const std::size_t start = static_cast<std::size_t>(detail::dl_splitmix(rng) % n_signals);
    std::size_t step = 1 + static_cast<std::size_t>(detail::dl_splitmix(rng) % n_signals);
    for (;; ++step) {
        std::size_t a = step, b = n_signals;
        while (b != 0) {
            const std::size_t r = a % b;
            a = b;
            b = r;
        }
        if (a == 1) break;
    }
    std::size_t filled = 0;
    for (std::size_t v = 0; v < n_signals && filled < n_atoms; ++v) {
        const std::size_t i = static_cast<std::size_t>((start + (v % n_signals) * (step % n_signals)) % n_signals);
        if (detail::dl_set_normalized(d + filled * dim, signals.data() + i * dim, dim)) ++filled;
    }
    for (; filled < n_atoms; ++filled) detail::dl_random_atom(d + filled * dim, dim, rng);
    return status::ok;
}

// ---- K-SVD ----------------------------------------------------------------------------------------------------------

/// Float scratch of ksvd_train: Gram (K^2) + omp_batch_scratch_size + a coding chunk (256 x (K + 1)) + sparse
/// coefficients (N x s) + per-signal errors (N) + two dim-vectors. 0 on overflow.
constexpr std::size_t ksvd_scratch_size(std::size_t n_atoms, std::size_t dim, std::size_t n_signals,
                                        std::size_t n_nonzero) noexcept {
    std::size_t total = 0, t = 0;
    const std::size_t omp = omp_batch_scratch_size(n_atoms, dim);
    if (omp == 0 || !checked_mul(n_atoms, n_atoms, total) || !checked_add(total, omp, total)) return 0;
    if (!checked_mul(256, n_atoms + 1, t) || !checked_add(total, t, total)) return 0;
    if (!checked_mul(n_signals, n_nonzero + 1, t) || !checked_add(total, t, total)) return 0;
    if (!checked_add(total, 2 * dim, total) || 2 * dim < dim) return 0;
    return total;
}
/// uint32 scratch of ksvd_train: supports (N x s) + atom -> user lists (N x s) + list offsets (K + 1) + cursors (K).
constexpr std::size_t ksvd_index_scratch_size(std::size_t n_atoms, std::size_t n_signals,
                                              std::size_t n_nonzero) noexcept {
    std::size_t t = 0;
    if (!checked_mul(n_signals, 2 * n_nonzero, t) || !checked_add(t, 2 * n_atoms + 1, t)) return 0;
    return t;
}

/// K-SVD with the approximate atom update (Rubinstein, Zibulevsky, Elad 2008; OMP-Box's default), in place.
///
/// Each iteration: Batch-OMP codes every signal with `n_nonzero` atoms; then, atom by atom (using the atoms already
/// updated in this sweep), with I the signals that use atom j, g their coefficients and E the residual of those
/// signals without atom j: d_j = E g / ||E g||, g = E^T d_j (one power-iteration step towards the top singular
/// pair of E). An atom no signal uses (dead) is replaced by the worst-represented signal (largest OMP residual,
/// normalized); after the sweep, atoms more coherent than coherence_limit with an earlier atom are replaced the
/// same way.
/// @param signals    n_signals x dim, finite (typically mean-removed patches).
/// @param dictionary n_atoms x dim, in: unit atoms (e.g. dictionary_init), out: the learned unit atoms.
/// @param error_history empty, or >= n_iter floats: mean squared OMP residual over the signals at each iteration's
///                   coding stage (before that iteration's update).
/// @param scratch / index_scratch >= ksvd_scratch_size / ksvd_index_scratch_size elements.
/// Numerics: float throughout; deterministic for a given build, seed and backend (backends differ only in the
/// rounding of D^T X, so learned dictionaries match between backends only to float tolerance).
/// @return ok; null_buffer; invalid_shape; shape_mismatch; buffer_too_small (scratch, capacities);
///         invalid_argument (n_nonzero 0 or > K, coherence_limit <= 0, n_signals >= 2^32 / n_nonzero);
///         non_finite; invalid_model (dictionary atoms not unit); aliasing. Dictionary untouched on error.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class Arch = arch::default_arch>
status ksvd_train(span<const float> signals, std::size_t n_signals, const dictionary_learning_params& p,
                  span<float> dictionary, span<float> error_history, span<float> scratch,
                  span<std::uint32_t> index_scratch, Arch = {}) noexcept {
    EDGEKERN_TRY(detail::dl_check(p, MaxAtoms, MaxSparsity));
    const std::size_t k_atoms = p.n_atoms, dim = p.dim, s = p.n_nonzero;
    if (n_signals == 0) return status::invalid_shape;
    if (signals.data() == nullptr || dictionary.data() == nullptr || scratch.data() == nullptr ||
        index_scratch.data() == nullptr)
        return status::null_buffer;
    std::size_t nin = 0, nd = 0;
    if (!checked_mul(n_signals, dim, nin) || !checked_mul(k_atoms, dim, nd)) return status::invalid_shape;
    if (signals.size() != nin || dictionary.size() != nd) return status::shape_mismatch;
    if (n_signals * s >= 0xFFFFFFFFull) return status::invalid_argument;
    const std::size_t need = ksvd_scratch_size(k_atoms, dim, n_signals, s);
    const std::size_t need_i = ksvd_index_scratch_size(k_atoms, n_signals, s);
    if (need == 0 || need_i == 0) return status::invalid_shape;
    if (scratch.size() < need || index_scratch.size() < need_i) return status::buffer_too_small;
    if (!error_history.empty() && error_history.size() < p.n_iter) return status::buffer_too_small;
    const span<const float> hist = error_history.first(p.n_iter);
    if (overlaps(dictionary, signals) || overlaps(scratch.first(need), signals) ||
        overlaps(scratch.first(need), dictionary) || overlaps(hist, signals) || overlaps(hist, dictionary) ||
        overlaps(hist, scratch.first(need)) || overlaps(index_scratch.first(need_i), signals) ||
        overlaps(index_scratch.first(need_i), dictionary) || overlaps(index_scratch.first(need_i), hist))
        return status::aliasing;
    EDGEKERN_TRY(detail::omp_check_dictionary_f32(span<const float>(dictionary), k_atoms, dim));
    for (std::size_t i = 0; i < n_signals; ++i)
        if (!std::isfinite(detail::omp_sum_squares(signals.data() + i * dim, dim))) return status::non_finite;

    constexpr std::size_t chunk = 256;
    float* gram = scratch.data();
    float* omp_ws = gram + k_atoms * k_atoms;
    const std::size_t omp_n = omp_batch_scratch_size(k_atoms, dim);
    float* chunk_codes = omp_ws + omp_n;              // chunk x K
    float* chunk_res = chunk_codes + chunk * k_atoms; // chunk
    float* coef = chunk_res + chunk;                  // N x s
    float* err = coef + n_signals * s;                // N
    float* atom = err + n_signals;                    // dim
    float* ebuf = atom + dim;                         // dim
    std::uint32_t* support = index_scratch.data();    // N x s, value K = empty slot
    std::uint32_t* users = support + n_signals * s;   // N x s entries: signal * s + slot, grouped by atom
    std::uint32_t* offsets = users + n_signals * s;   // K + 1
    std::uint32_t* cursor = offsets + k_atoms + 1;    // K
    const float* x = signals.data();
    float* d = dictionary.data();
    std::uint64_t rng = p.seed;
    omp_params op;
    op.n_atoms = k_atoms;
    op.dim = dim;
    op.n_nonzero = s;

    for (std::size_t it = 0; it < p.n_iter; ++it) {
        // ---- sparse coding stage
        EDGEKERN_TRY(omp_gram(span<const float>(d, nd), k_atoms, dim, span<float>(gram, k_atoms * k_atoms), Arch{}));
        EDGEKERN_TRY(
            detail::omp_check_gram(span<const float>(gram, k_atoms * k_atoms), k_atoms, omp_unit_norm_tolerance));
        double err_sum = 0.0;
        for (std::size_t c0 = 0; c0 < n_signals; c0 += chunk) {
            const std::size_t rows = n_signals - c0 < chunk ? n_signals - c0 : chunk;
            EDGEKERN_TRY((omp_encode_batch<MaxAtoms, MaxSparsity>(
                span<const float>(d, nd), span<const float>(gram, k_atoms * k_atoms),
                span<const float>(x + c0 * dim, rows * dim), rows, op, span<float>(chunk_codes, rows * k_atoms),
                span<float>(chunk_res, rows), span<float>(omp_ws, omp_n), Arch{})));
            for (std::size_t r = 0; r < rows; ++r) {
                const std::size_t i = c0 + r;
                std::size_t m = 0;
                for (std::size_t k = 0; k < k_atoms && m < s; ++k)
                    if (chunk_codes[r * k_atoms + k] != 0.0f) {
                        support[i * s + m] = static_cast<std::uint32_t>(k);
                        coef[i * s + m] = chunk_codes[r * k_atoms + k];
                        ++m;
                    }
                for (; m < s; ++m) {
                    support[i * s + m] = static_cast<std::uint32_t>(k_atoms);
                    coef[i * s + m] = 0.0f;
                }
                err[i] = chunk_res[r];
                err_sum += static_cast<double>(chunk_res[r]);
            }
        }
        if (!error_history.empty()) error_history[it] = static_cast<float>(err_sum / static_cast<double>(n_signals));
        // ---- atom -> users lists (counting sort)
        for (std::size_t k = 0; k <= k_atoms; ++k) offsets[k] = 0;
        for (std::size_t e = 0; e < n_signals * s; ++e)
            if (support[e] < k_atoms) ++offsets[support[e] + 1];
        for (std::size_t k = 0; k < k_atoms; ++k) offsets[k + 1] += offsets[k];
        for (std::size_t k = 0; k < k_atoms; ++k) cursor[k] = offsets[k];
        for (std::size_t e = 0; e < n_signals * s; ++e)
            if (support[e] < k_atoms) users[cursor[support[e]]++] = static_cast<std::uint32_t>(e);
        // ---- atom update stage (approximate K-SVD)
        for (std::size_t j = 0; j < k_atoms; ++j) {
            const std::size_t u0 = offsets[j], u1 = offsets[j + 1];
            if (u0 == u1) { // dead atom
                detail::dl_replace_atom(d + j * dim, dim, x, err, n_signals, rng);
                continue;
            }
            // residual of signal i without atom j: e_i = x_i - sum_{m != slot} coef[i,m] d_{support[i,m]}
            auto residual = [&](std::size_t e_idx, float* out) noexcept {
                const std::size_t i = e_idx / s, slot = e_idx % s;
                for (std::size_t q = 0; q < dim; ++q) out[q] = x[i * dim + q];
                for (std::size_t m = 0; m < s; ++m) {
                    const std::uint32_t k = support[i * s + m];
                    if (m == slot || k >= k_atoms) continue;
                    detail::omp_sub_scaled(out, d + k * dim, coef[i * s + m], dim);
                }
            };
            for (std::size_t q = 0; q < dim; ++q) atom[q] = 0.0f;
            for (std::size_t u = u0; u < u1; ++u) {
                residual(users[u], ebuf);
                const float g = coef[users[u]];
                for (std::size_t q = 0; q < dim; ++q) atom[q] += g * ebuf[q];
            }
            const float nrm2 = detail::omp_sum_squares(atom, dim);
            if (!(nrm2 > 1e-20f) || !std::isfinite(nrm2)) {
                detail::dl_replace_atom(d + j * dim, dim, x, err, n_signals, rng);
                continue;
            }
            const float inv = 1.0f / std::sqrt(nrm2);
            for (std::size_t q = 0; q < dim; ++q) d[j * dim + q] = atom[q] * inv;
            for (std::size_t u = u0; u < u1; ++u) {
                residual(users[u], ebuf);
                float g = 0.0f;
                for (std::size_t q = 0; q < dim; ++q) g += ebuf[q] * d[j * dim + q];
                coef[users[u]] = g;
            }
        }
        detail::dl_clear_coherent(d, k_atoms, dim, p.coherence_limit, x, err, n_signals, rng);
    }
    return status::ok;
}

// ---- online (mini-batch) dictionary learning ----------------------------------------------------------------------

/// Floats of learner state: A = sum a a^T (K x K), B = sum x a^T (K x dim, row k = sum a_k x) and a step counter.
constexpr std::size_t online_dl_state_size(std::size_t n_atoms, std::size_t dim) noexcept {
    std::size_t a = 0, b = 0, t = 0;
    if (!checked_mul(n_atoms, n_atoms, a) || !checked_mul(n_atoms, dim, b) || !checked_add(a, b, t) ||
        !checked_add(t, 1, t))
        return 0;
    return t;
}
/// Floats of scratch for one online_dl_update call with up to batch_size signals: Gram + OMP scratch + codes
/// (batch x K) + residuals (batch) + one atom (dim).
constexpr std::size_t online_dl_scratch_size(std::size_t n_atoms, std::size_t dim, std::size_t batch_size) noexcept {
    std::size_t total = 0, t = 0;
    const std::size_t omp = omp_batch_scratch_size(n_atoms, dim);
    if (omp == 0 || !checked_mul(n_atoms, n_atoms, total) || !checked_add(total, omp, total)) return 0;
    if (!checked_mul(batch_size, n_atoms + 1, t) || !checked_add(total, t, total) || !checked_add(total, dim, total))
        return 0;
    return total;
}

/// Zeroes the learner state (A, B, step counter).
/// @return ok; invalid_shape; null_buffer; buffer_too_small.
inline status online_dl_reset(span<float> state, std::size_t n_atoms, std::size_t dim) noexcept {
    const std::size_t need = online_dl_state_size(n_atoms, dim);
    if (n_atoms == 0 || dim == 0 || need == 0) return status::invalid_shape;
    if (state.data() == nullptr) return status::null_buffer;
    if (state.size() < need) return status::buffer_too_small;
    for (std::size_t i = 0; i < need; ++i) state[i] = 0.0f;
    return status::ok;
}

/// One step of online dictionary learning (Mairal, Bach, Ponce, Sapiro 2009) on a mini-batch, in place.
///
/// Codes the batch with Batch-OMP (n_nonzero atoms), decays the sufficient statistics with scikit-learn's
/// MiniBatchDictionaryLearning schedule (theta = (t+1) b for t < b - 1, else b^2 + t + 1 - b; beta =
/// (theta + 1 - b) / (theta + 1), b = batch size, t = step counter from 0) capped at forget_max (with the
/// uncapped schedule A and B remember the codes of the first, poor dictionaries for too long), adds A += a a^T, B += a
/// x^T, then one block-coordinate sweep over the atoms: u_j = d_j + (B_j - sum_k A_jk d_k) / A_jj, d_j = u_j / ||u_j||
/// (unit atoms, as OMP needs). An atom with A_jj ~ 0 (unused so far) or a vanishing u_j is replaced by the batch signal
/// with the largest residual; atoms more coherent than coherence_limit with an earlier one likewise. State is O(K^2 + K
/// dim), independent of how many signals stream through.
/// @param dictionary n_atoms x dim, unit atoms (dictionary_init), updated.
/// @param state      online_dl_state_size floats (online_dl_reset first).
/// @param batch      batch_size x dim signals, finite.
/// @param batch_error empty or 1 float: mean squared OMP residual of the batch before the update.
/// @return as ksvd_train (n_iter ignored). Dictionary and state untouched on error.
template <std::size_t MaxAtoms, std::size_t MaxSparsity, class Arch = arch::default_arch>
status online_dl_update(span<float> dictionary, span<float> state, span<const float> batch, std::size_t batch_size,
                        const dictionary_learning_params& p, span<float> batch_error, span<float> scratch,
                        Arch = {}) noexcept {
    EDGEKERN_TRY(detail::dl_check(p, MaxAtoms, MaxSparsity));
    const std::size_t k_atoms = p.n_atoms, dim = p.dim;
    if (batch_size == 0) return status::invalid_shape;
    if (dictionary.data() == nullptr || state.data() == nullptr || batch.data() == nullptr || scratch.data() == nullptr)
        return status::null_buffer;
    std::size_t nin = 0, nd = 0;
    if (!checked_mul(batch_size, dim, nin) || !checked_mul(k_atoms, dim, nd)) return status::invalid_shape;
    if (batch.size() != nin || dictionary.size() != nd) return status::shape_mismatch;
    const std::size_t need_s = online_dl_state_size(k_atoms, dim),
                      need = online_dl_scratch_size(k_atoms, dim, batch_size);
    if (need_s == 0 || need == 0) return status::invalid_shape;
    if (state.size() < need_s || scratch.size() < need) return status::buffer_too_small;
    const span<const float> st(state.data(), need_s), sc(scratch.data(), need), be = batch_error.first(1);
    if (overlaps(dictionary, batch) || overlaps(dictionary, st) || overlaps(dictionary, sc) || overlaps(st, batch) ||
        overlaps(st, sc) || overlaps(sc, batch) || overlaps(be, dictionary) || overlaps(be, st) || overlaps(be, sc) ||
        overlaps(be, batch))
        return status::aliasing;
    EDGEKERN_TRY(detail::omp_check_dictionary_f32(span<const float>(dictionary), k_atoms, dim));
    if (!detail::omp_all_finite(state.data(), need_s)) return status::non_finite;
    for (std::size_t i = 0; i < batch_size; ++i)
        if (!std::isfinite(detail::omp_sum_squares(batch.data() + i * dim, dim))) return status::non_finite;

    float* gram = scratch.data();
    float* omp_ws = gram + k_atoms * k_atoms;
    const std::size_t omp_n = omp_batch_scratch_size(k_atoms, dim);
    float* codes = omp_ws + omp_n;
    float* res = codes + batch_size * k_atoms;
    float* u = res + batch_size;
    float* d = dictionary.data();
    float* a_mat = state.data();
    float* b_mat = a_mat + k_atoms * k_atoms;
    float& step = b_mat[k_atoms * dim];
    const float* x = batch.data();
    omp_params op;
    op.n_atoms = k_atoms;
    op.dim = dim;
    op.n_nonzero = p.n_nonzero;
    EDGEKERN_TRY(omp_gram(span<const float>(d, nd), k_atoms, dim, span<float>(gram, k_atoms * k_atoms), Arch{}));
    EDGEKERN_TRY(detail::omp_check_gram(span<const float>(gram, k_atoms * k_atoms), k_atoms, omp_unit_norm_tolerance));
    EDGEKERN_TRY((omp_encode_batch<MaxAtoms, MaxSparsity>(
        span<const float>(d, nd), span<const float>(gram, k_atoms * k_atoms), batch, batch_size, op,
        span<float>(codes, batch_size * k_atoms), span<float>(res, batch_size), span<float>(omp_ws, omp_n), Arch{})));
    double err_sum = 0.0;
    for (std::size_t i = 0; i < batch_size; ++i) err_sum += static_cast<double>(res[i]);
    if (!batch_error.empty()) batch_error[0] = static_cast<float>(err_sum / static_cast<double>(batch_size));

    // sufficient statistics with scikit-learn's forgetting schedule
    const float b = static_cast<float>(batch_size), t = step;
    const float theta = t < b - 1.0f ? (t + 1.0f) * b : b * b + t + 1.0f - b;
    float beta = (theta + 1.0f - b) / (theta + 1.0f);
    if (beta > p.forget_max) beta = p.forget_max; // forget codes computed with the early, poor atoms faster
    for (std::size_t i = 0; i < k_atoms * k_atoms + k_atoms * dim; ++i) a_mat[i] *= beta;
    for (std::size_t i = 0; i < batch_size; ++i) {
        const float* c = codes + i * k_atoms;
        for (std::size_t k = 0; k < k_atoms; ++k) {
            if (c[k] == 0.0f) continue;
            for (std::size_t l = 0; l < k_atoms; ++l)
                if (c[l] != 0.0f) a_mat[k * k_atoms + l] += c[k] * c[l];
            detail::omp_sub_scaled(b_mat + k * dim, x + i * dim, -c[k], dim);
        }
    }
    step = t + 1.0f;
    // one block-coordinate sweep
    std::uint64_t rng = p.seed ^ static_cast<std::uint64_t>(t);
    for (std::size_t j = 0; j < k_atoms; ++j) {
        const float ajj = a_mat[j * k_atoms + j];
        bool replace = !(ajj > 1e-6f);
        if (!replace) {
            for (std::size_t q = 0; q < dim; ++q) u[q] = b_mat[j * dim + q];
            for (std::size_t k = 0; k < k_atoms; ++k) {
                const float ajk = a_mat[j * k_atoms + k];
                if (ajk != 0.0f) detail::omp_sub_scaled(u, d + k * dim, ajk, dim);
            }
            const float inv_a = 1.0f / ajj;
            for (std::size_t q = 0; q < dim; ++q) u[q] = d[j * dim + q] + u[q] * inv_a;
            replace = !detail::dl_set_normalized(d + j * dim, u, dim);
        }
        if (replace) {
            detail::dl_replace_atom(d + j * dim, dim, x, res, batch_size, rng);
            for (std::size_t k = 0; k < k_atoms; ++k) a_mat[j * k_atoms + k] = a_mat[k * k_atoms + j] = 0.0f;
            for (std::size_t q = 0; q < dim; ++q) b_mat[j * dim + q] = 0.0f;
        }
    }
    detail::dl_clear_coherent(d, k_atoms, dim, p.coherence_limit, x, res, batch_size, rng);
    return status::ok;
}

EDGEKERN_NAMESPACE_END
