// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm/fixed.hpp: fixed-point Gaussian-mixture scoring for cores without an FPU (int16/int8
// inputs, Q formats, saturating Mahalanobis terms, table-based log-add), and its preparation from a float model.
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
#include "edgekern/kernels/gmm/score.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Input type a fixed-point model is prepared for; it sets the fractional bits F of the means and differences
/// (in units of one input LSB): int16 Q.7, int8 Q.15, so that |q * 2^F| <= 2^22 either way.
enum class gmm_fixed_input : std::uint8_t { s8 = 8, s16 = 16 };
/// F for an input type: 23 - bits (7 for int16, 15 for int8).
constexpr int gmm_fixed_mean_frac_bits(gmm_fixed_input in) noexcept {
    return 23 - static_cast<int>(in);
}
/// Fractional bits of log-likelihoods and per-component constants (nats): Q15.16 in int32.
constexpr int gmm_fixed_log_frac_bits = 16;
/// Largest |W| of a factor block: 24 significant bits (2^23 - 1).
constexpr std::int32_t gmm_fixed_factor_max = (std::int32_t{1} << 23) - 1;
/// Largest |mean| the fixed path represents, in Q.F input LSB: +-2^23, i.e. twice the input range (+-2^16 LSB for
/// int16, +-2^8 for int8), so that |q * 2^F - mean_q| <= 2^22 + 2^23 < 2^24 for any input q.
constexpr std::int32_t gmm_fixed_mean_limit_q = std::int32_t{1} << 23;
/// Largest n_features of the fixed path. Headroom: |diff * W| < 2^24 * 2^23 = 2^47 per term, so an int64 sum of
/// 2^12 terms stays below 2^59 (checked by gmm_validate_fixed).
constexpr std::size_t gmm_fixed_max_features = 4096;

/// Non-owning view of a fixed-point mixture prepared for one input quantization (scale, zero point).
/// Layouts (K components, d features):
/// - input         the input type (int16: F = 7, int8: F = 15)
/// - means         [K][d] int32: (mu / scale + zero_point) * 2^F, i.e. the mean in input LSB, Q.F, clamped to
///                 +-2^23 (twice the input range: a component centred further out is moved to that limit)
/// - factors       same layout as the float precisions_chol (full [K][d][d] upper, tied [d][d], diag [K][d],
///                 spherical [K]): W = round(U * scale * 2^shift) in int32, |W| <= 2^23 - 1 (24 bits)
/// - factor_shifts [K] (tied: K equal values): the shift of each component's block, 0..62
/// - log_consts    [K] int32 Q16 nats: ln pi_k + sum ln diag U_k - d/2 ln(2 pi)
struct gmm_fixed_model_view {
    gmm_covariance type = gmm_covariance::full;
    std::size_t n_components = 0;
    std::size_t n_features = 0;
    gmm_fixed_input input = gmm_fixed_input::s16;
    span<const std::int32_t> means{};
    span<const std::int32_t> factors{};
    span<const std::int8_t> factor_shifts{};
    span<const std::int32_t> log_consts{};
};

class gmm_fixed_model;
inline status gmm_validate_fixed(const gmm_fixed_model_view& view, gmm_fixed_model& out) noexcept;

/// A fixed-point model view that passed gmm_validate_fixed (O(1)-checked by every fixed scoring call).
class gmm_fixed_model {
public:
    constexpr gmm_fixed_model() noexcept = default;
    constexpr const gmm_fixed_model_view& view() const noexcept { return view_; }
    constexpr std::size_t n_components() const noexcept { return view_.n_components; }
    constexpr std::size_t n_features() const noexcept { return view_.n_features; }
    constexpr gmm_fixed_input input() const noexcept { return view_.input; }
    constexpr bool valid() const noexcept { return view_.n_components != 0; }

private:
    friend status gmm_validate_fixed(const gmm_fixed_model_view& view, gmm_fixed_model& out) noexcept;
    gmm_fixed_model_view view_{};
};

/// Checks a fixed-point model view and stores it in `out` on success.
/// @return ok; invalid_shape (K = 0, d = 0, overflow); headroom_exceeded (d > gmm_fixed_max_features);
///         null_buffer; shape_mismatch (span sizes); invalid_model (a shift outside 0..62, a mean beyond
///         +-gmm_fixed_mean_limit_q, a factor beyond +-gmm_fixed_factor_max, a diagonal factor <= 0, or unequal
///         tied shifts). `out` untouched on failure.
inline status gmm_validate_fixed(const gmm_fixed_model_view& view, gmm_fixed_model& out) noexcept {
    const std::size_t k_count = view.n_components, d = view.n_features;
    if (k_count == 0 || d == 0) return status::invalid_shape;
    if (d > gmm_fixed_max_features) return status::headroom_exceeded;
    if (view.input != gmm_fixed_input::s8 && view.input != gmm_fixed_input::s16) return status::invalid_quantization;
    const std::size_t p_size = gmm_precision_size(view.type, k_count, d);
    std::size_t kd = 0;
    if (p_size == 0 || !checked_mul(k_count, d, kd)) return status::invalid_shape;
    if (!view.means.data() || !view.factors.data() || !view.factor_shifts.data() || !view.log_consts.data())
        return status::null_buffer;
    if (view.means.size() != kd || view.factors.size() != p_size || view.factor_shifts.size() != k_count ||
        view.log_consts.size() != k_count)
        return status::shape_mismatch;
    for (std::int32_t m : view.means)
        if (m > gmm_fixed_mean_limit_q || m < -gmm_fixed_mean_limit_q) return status::invalid_model;
    for (std::size_t k = 0; k < k_count; ++k) {
        const std::int8_t s = view.factor_shifts.data()[k];
        if (s < 0 || s > 62) return status::invalid_model;
        if (view.type == gmm_covariance::tied && s != view.factor_shifts.data()[0]) return status::invalid_model;
    }
    for (std::int32_t f : view.factors)
        if (f > gmm_fixed_factor_max || f < -gmm_fixed_factor_max) return status::invalid_model;
    const std::int32_t* w = view.factors.data();
    for (std::size_t k = 0; k < k_count; ++k)
        for (std::size_t i = 0; i < d; ++i) {
            std::int32_t u = 0;
            switch (view.type) {
            case gmm_covariance::full:
                u = w[(k * d + i) * d + i];
                break;
            case gmm_covariance::tied:
                u = w[i * d + i];
                break;
            case gmm_covariance::diag:
                u = w[k * d + i];
                break;
            case gmm_covariance::spherical:
                u = w[k];
                break;
            }
            if (u <= 0) return status::invalid_model;
        }
    out.view_ = view;
    return status::ok;
}

/// Builds a fixed-point model from a validated float model for inputs quantized as real = scale * (q - zp).
/// Runs once (in double; on an FPU-less core prefer running it offline, e.g. through tools/export_gmm.py).
/// @param means_out [K][d]; @param factors_out gmm_precision_size(type, K, d); @param shifts_out [K];
/// @param log_consts_out [K]; `out` points at these buffers.
/// @return ok; invalid_model (float model not validated); invalid_quantization (scale not finite and > 0,
///         |zero point| > 2^23, or a factor block so large (sigma < 2^-15 input LSB) that it cannot be represented:
///         sigma < 2^-23 input LSB); headroom_exceeded (d > gmm_fixed_max_features); null_buffer; buffer_too_small.
///         Outputs untouched on failure.
/// Numerics: every stored value is rounded to nearest once from double; W blocks use the largest shift that keeps
/// max |W| <= 2^23 - 1 (the largest element keeps 24 significant bits); means beyond +-2^16 LSB are clamped.
inline status gmm_fixed_from_float(const gmm_model& model, gmm_input_quant q, gmm_fixed_input input,
                                   span<std::int32_t> means_out, span<std::int32_t> factors_out,
                                   span<std::int8_t> shifts_out, span<std::int32_t> log_consts_out,
                                   gmm_fixed_model_view& out) noexcept {
    if (!model.valid()) return status::invalid_model;
    EDGEKERN_TRY(detail::gmm_check_quant(q));
    const gmm_model_view& m = model.view();
    const std::size_t k_count = m.n_components, d = m.n_features;
    if (d > gmm_fixed_max_features) return status::headroom_exceeded;
    const std::size_t p_size = m.precisions_chol.size(), kd = m.means.size();
    if (!means_out.data() || !factors_out.data() || !shifts_out.data() || !log_consts_out.data())
        return status::null_buffer;
    if (means_out.size() < kd || factors_out.size() < p_size || shifts_out.size() < k_count ||
        log_consts_out.size() < k_count)
        return status::buffer_too_small;
    if (input != gmm_fixed_input::s8 && input != gmm_fixed_input::s16) return status::invalid_quantization;
    const double scale = q.scale;
    const double mean_mul = std::ldexp(1.0, gmm_fixed_mean_frac_bits(input));
    // Block b of the factors: full K blocks of d*d, tied 1 block, diag K blocks of d, spherical K blocks of 1.
    const std::size_t n_blocks = m.type == gmm_covariance::tied ? 1 : k_count;
    const std::size_t block = p_size / n_blocks;
    // Pass 1: check every block is representable before writing.
    for (std::size_t b = 0; b < n_blocks; ++b) {
        double max_abs = 0.0;
        for (std::size_t i = 0; i < block; ++i)
            max_abs = std::fmax(max_abs, std::fabs(double{m.precisions_chol.data()[b * block + i]}) * scale);
        if (max_abs > static_cast<double>(gmm_fixed_factor_max)) return status::invalid_quantization;
    }
    for (std::size_t b = 0; b < n_blocks; ++b) {
        const float* u = m.precisions_chol.data() + b * block;
        double max_abs = 0.0;
        for (std::size_t i = 0; i < block; ++i) max_abs = std::fmax(max_abs, std::fabs(double{u[i]}) * scale);
        int s = 0;
        double v = max_abs;
        while (s < 62 && v * 2.0 <= static_cast<double>(gmm_fixed_factor_max)) {
            v *= 2.0;
            ++s;
        }
        const double mul = scale * std::ldexp(1.0, s);
        for (std::size_t i = 0; i < block; ++i) {
            double w = std::nearbyint(double{u[i]} * mul);
            const double fmax = static_cast<double>(gmm_fixed_factor_max);
            w = w > fmax ? fmax : (w < -fmax ? -fmax : w);
            factors_out.data()[b * block + i] = static_cast<std::int32_t>(w);
        }
        if (m.type == gmm_covariance::tied) {
            for (std::size_t k = 0; k < k_count; ++k) shifts_out.data()[k] = static_cast<std::int8_t>(s);
        } else {
            shifts_out.data()[b] = static_cast<std::int8_t>(s);
        }
    }
    const double lim = static_cast<double>(gmm_fixed_mean_limit_q);
    for (std::size_t i = 0; i < kd; ++i) {
        double mq = std::nearbyint((double{m.means.data()[i]} / scale + static_cast<double>(q.zero_point)) * mean_mul);
        mq = mq > lim ? lim : (mq < -lim ? -lim : mq);
        means_out.data()[i] = static_cast<std::int32_t>(mq);
    }
    const double half_d_ln_2pi = 0.5 * static_cast<double>(d) * 1.83787706640934548;
    for (std::size_t k = 0; k < k_count; ++k) {
        double c = (double{m.log_weights.data()[k]} + double{m.log_det_chol.data()[k]} - half_d_ln_2pi) * 65536.0;
        c = std::nearbyint(c);
        c = c > 2147483647.0 ? 2147483647.0 : (c < -2147483648.0 ? -2147483648.0 : c);
        log_consts_out.data()[k] = static_cast<std::int32_t>(c);
    }
    gmm_fixed_model_view v;
    v.type = m.type;
    v.n_components = k_count;
    v.n_features = d;
    v.input = input;
    v.means = span<const std::int32_t>(means_out.data(), kd);
    v.factors = span<const std::int32_t>(factors_out.data(), p_size);
    v.factor_shifts = span<const std::int8_t>(shifts_out.data(), k_count);
    v.log_consts = span<const std::int32_t>(log_consts_out.data(), k_count);
    out = v;
    return status::ok;
}

namespace detail {

// ---- log-add table: f(t) = ln(1 + e^-t) for t = i / 32, i = 0..512, Q16 (computed at compile time) ----------
constexpr int gmm_log_add_step_bits = 5;                   // 32 entries per nat
constexpr std::size_t gmm_log_add_entries = 16 * 32 + 1;   // t in [0, 16]; f(16) = 1.1e-7 rounds to 0 in Q16
constexpr std::int64_t gmm_log_add_range_q16 = 16 * 65536; // beyond: the smaller term is < 2^-16 of the larger

/// e^-t for t in [0, 16] by a Taylor series at t/64 raised to the 64th power (compile-time only).
constexpr double gmm_const_exp_neg(double t) {
    const double u = t / 64.0;
    double term = 1.0, sum = 1.0;
    for (int n = 1; n < 24; ++n) {
        term *= -u / n;
        sum += term;
    }
    for (int i = 0; i < 6; ++i) sum *= sum;
    return sum;
}
/// ln(z) for z in [1, 2] as 2 atanh((z - 1) / (z + 1)) (compile-time only).
constexpr double gmm_const_ln(double z) {
    const double w = (z - 1.0) / (z + 1.0), w2 = w * w;
    double p = w, sum = 0.0;
    for (int n = 0; n < 40; ++n) {
        sum += p / (2 * n + 1);
        p *= w2;
    }
    return 2.0 * sum;
}
struct gmm_log_add_table {
    std::uint16_t v[gmm_log_add_entries];
};
constexpr gmm_log_add_table gmm_make_log_add_table() {
    gmm_log_add_table t{};
    for (std::size_t i = 0; i < gmm_log_add_entries; ++i) {
        const double f = gmm_const_ln(1.0 + gmm_const_exp_neg(static_cast<double>(i) / 32.0)) * 65536.0;
        t.v[i] = static_cast<std::uint16_t>(f + 0.5);
    }
    return t;
}
/// ln(1 + e^-t) in Q16 at t = i/32 (1 KB of flash).
inline constexpr gmm_log_add_table gmm_log_add_q16 = gmm_make_log_add_table();

inline std::int32_t gmm_sat_s32(std::int64_t v) noexcept {
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : static_cast<std::int32_t>(v));
}

/// ln(e^a + e^b) in Q16: max(a, b) + f(|a - b|), f by linear interpolation in the table. Exact-integer arithmetic,
/// saturating to int32. Error <= 5e-5 nats per call (interpolation h^2/8 * max f'' = 3.1e-5, plus roundings).
inline std::int32_t gmm_log_add_q16_fn(std::int32_t a, std::int32_t b) noexcept {
    const std::int32_t hi = a > b ? a : b;
    const std::int64_t delta = std::int64_t{a > b ? a : b} - std::int64_t{a > b ? b : a};
    if (delta >= gmm_log_add_range_q16) return hi;
    const auto dd = static_cast<std::uint32_t>(delta);
    const std::uint32_t idx = dd >> (16 - gmm_log_add_step_bits);
    const std::uint32_t frac = dd & ((1u << (16 - gmm_log_add_step_bits)) - 1u);
    const std::uint32_t t0 = gmm_log_add_q16.v[idx], t1 = gmm_log_add_q16.v[idx + 1]; // t0 >= t1 (f decreasing)
    const std::uint32_t f =
        t0 - (((t0 - t1) * frac + (1u << (15 - gmm_log_add_step_bits))) >> (16 - gmm_log_add_step_bits));
    return gmm_sat_s32(std::int64_t{hi} + std::int64_t{f});
}

/// v * 2^-n rounded to nearest (ties toward +infinity), saturated to [-(2^31 - 1), 2^31 - 1]; n < 0 shifts left
/// (saturating). @pre |v| < 2^62 (the Mahalanobis accumulators stay below 2^59).
/// Numerics: (v + 2^(n-1)) >> n with an arithmetic right shift of a negative value, which GCC and Clang define
/// (and C++20 requires): every target here computes the same integers.
inline std::int32_t gmm_round_shift_sat(std::int64_t v, int n) noexcept {
    std::int64_t r;
    if (n <= 0) {
        const int l = -n;
        const std::int64_t lim = std::int64_t{INT32_MAX} >> l;
        if (v > lim) return INT32_MAX;
        if (v < -lim) return -INT32_MAX;
        r = v * (std::int64_t{1} << l);
    } else {
        r = (v + (std::int64_t{1} << (n - 1))) >> n;
    }
    return r > INT32_MAX ? INT32_MAX : (r < -INT32_MAX ? -INT32_MAX : static_cast<std::int32_t>(r));
}

inline std::int64_t gmm_sat_add_u62(std::int64_t acc, std::int64_t sq) noexcept {
    return acc > INT64_MAX - sq ? INT64_MAX : acc + sq; // both >= 0
}

/// ||(x - mu_k) U_k||^2 in Q32 (saturating at INT64_MAX), from integer inputs.
/// diff_i = (q_i << 7) - mu_q (int32, |diff| < 2^24); acc_j = sum_i diff_i W_ij exactly in int64;
/// y_j = acc_j * 2^-(shift - 9) in Q16, rounded and saturated to int32 (|y| < 32768 sigma); sum y_j^2 in Q32.
template <class T>
inline std::int64_t gmm_mahalanobis_q32(const gmm_fixed_model_view& m, std::size_t k, const T* x,
                                        arch::scalar) noexcept {
    const std::size_t d = m.n_features;
    const std::int32_t* mu = m.means.data() + k * d;
    const std::int32_t* w = m.factors.data();
    const int frac = gmm_fixed_mean_frac_bits(m.input);
    const int sh = int{m.factor_shifts.data()[k]} + frac - gmm_fixed_log_frac_bits; // acc: Q(F + shift)
    auto diff = [&](std::size_t i) -> std::int32_t { return std::int32_t{x[i]} * (std::int32_t{1} << frac) - mu[i]; };
    std::int64_t s = 0;
    switch (m.type) {
    case gmm_covariance::diag:
    case gmm_covariance::spherical: {
        const bool sph = m.type == gmm_covariance::spherical;
        for (std::size_t i = 0; i < d; ++i) {
            const std::int64_t wi = sph ? w[k] : w[k * d + i];
            const std::int64_t y = gmm_round_shift_sat(std::int64_t{diff(i)} * wi, sh);
            s = gmm_sat_add_u62(s, y * y);
        }
        return s;
    }
    case gmm_covariance::full:
    case gmm_covariance::tied: {
        const std::int32_t* u = m.type == gmm_covariance::full ? w + k * d * d : w;
        if (d <= gmm_block) {
            // Column form: the d differences once, then one int64 accumulator per column held in registers
            // (ldr, ldr, smlal per MAC on Cortex-M). Exact, so the order of the sum does not matter.
            std::int32_t df[gmm_block];
            for (std::size_t i = 0; i < d; ++i) df[i] = diff(i);
            for (std::size_t j = 0; j < d; ++j) {
                std::int64_t a = 0;
                for (std::size_t i = 0; i <= j; ++i) a += std::int64_t{df[i]} * std::int64_t{u[i * d + j]};
                const std::int64_t y = gmm_round_shift_sat(a, sh);
                s = gmm_sat_add_u62(s, y * y);
            }
            return s;
        }
        std::int64_t acc[gmm_block];
        for (std::size_t j0 = 0; j0 < d; j0 += gmm_block) {
            const std::size_t nb = d - j0 < gmm_block ? d - j0 : gmm_block;
            for (std::size_t j = 0; j < nb; ++j) acc[j] = 0;
            for (std::size_t i = 0; i < j0 + nb; ++i) {
                const std::int64_t di = diff(i);
                const std::int32_t* row = u + i * d + j0;
                for (std::size_t j = (i > j0 ? i - j0 : 0); j < nb; ++j) acc[j] += di * row[j];
            }
            for (std::size_t j = 0; j < nb; ++j) {
                const std::int64_t y = gmm_round_shift_sat(acc[j], sh);
                s = gmm_sat_add_u62(s, y * y);
            }
        }
        return s;
    }
    }
    return s;
}

template <class T, class Arch>
inline std::int32_t gmm_component_log_prob_q16(const gmm_fixed_model_view& m, std::size_t k, const T* x,
                                               Arch tag) noexcept {
    const std::int64_t maha_q32 = gmm_mahalanobis_q32(m, k, x, tag);
    // maha / 2 in Q16: >> 17 with rounding (maha >= 0).
    const std::int64_t half_q16 = static_cast<std::int64_t>((static_cast<std::uint64_t>(maha_q32) + (1u << 16)) >> 17);
    return gmm_sat_s32(std::int64_t{m.log_consts.data()[k]} - half_q16);
}

template <class T, class Arch>
inline std::int32_t gmm_sample_log_likelihood_q16(const gmm_fixed_model_view& m, const T* x, Arch tag) noexcept {
    std::int32_t acc = gmm_component_log_prob_q16(m, 0, x, tag);
    for (std::size_t k = 1; k < m.n_components; ++k)
        acc = gmm_log_add_q16_fn(acc, gmm_component_log_prob_q16(m, k, x, tag));
    return acc;
}

template <class T>
constexpr gmm_fixed_input gmm_fixed_input_of() noexcept {
    return sizeof(T) == 1 ? gmm_fixed_input::s8 : gmm_fixed_input::s16;
}

template <class T, class Arch>
inline status gmm_fixed_batch(const gmm_fixed_model& model, span<const T> x, std::size_t n_samples,
                              span<std::int32_t> out, Arch tag) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (n_samples == 0) return status::invalid_shape;
    std::size_t need = 0;
    if (!checked_mul(n_samples, model.n_features(), need)) return status::invalid_shape;
    if (!x.data() || !out.data()) return status::null_buffer;
    if (x.size() != need) return status::shape_mismatch;
    if (model.input() != gmm_fixed_input_of<T>()) return status::invalid_quantization;
    if (out.size() < n_samples) return status::buffer_too_small;
    if (overlaps(x, out.first(n_samples))) return status::aliasing;
    const std::size_t d = model.n_features();
    for (std::size_t s = 0; s < n_samples; ++s)
        out.data()[s] = gmm_sample_log_likelihood_q16(model.view(), x.data() + s * d, tag);
    return status::ok;
}

} // namespace detail

/// Fixed-point log-likelihood of one int16 sample (quantized as the model was prepared for), Q16 nats.
/// @param x    [d] int16 inputs; @param out  receives round(log-likelihood * 2^16), saturated to int32
/// @return ok; invalid_model (not validated); null_buffer; shape_mismatch (x.size() != d); invalid_quantization
///         (the model was prepared for int8 inputs).
/// Numerics: integer-only (int32 x int32 -> int64 MACs, |products| < 2^47; no float), bit-identical on every backend.
/// y_j in Q16 saturates at 32768 sigma, squared terms accumulate in Q32 saturating at 2^63, log-likelihoods saturate at
/// +-32768 nats; components combine with a real log-add (table of ln(1 + e^-t), 1/32-nat steps, linear
/// interpolation), never max. Error vs float64 on the dequantized inputs: <= 0.002 nats (tested, d <= 64, K <= 16,
/// well-conditioned models, int16 and int8 inputs; measured max 2.8e-4 / 4.4e-4, docs/kernels/gmm.md).
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood_fixed(const gmm_fixed_model& model, span<const std::int16_t> x, std::int32_t& out,
                                       Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (!x.data()) return status::null_buffer;
    if (x.size() != model.n_features()) return status::shape_mismatch;
    if (model.input() != detail::gmm_fixed_input_of<std::remove_cv_t<std::remove_reference_t<decltype(x[0])>>>())
        return status::invalid_quantization;
    out = detail::gmm_sample_log_likelihood_q16(model.view(), x.data(), tag);
    return status::ok;
}
/// int8 form of the above (the model prepared for gmm_fixed_input::s8 with the int8 scale and zero point).
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood_fixed(const gmm_fixed_model& model, span<const std::int8_t> x, std::int32_t& out,
                                       Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    if (!x.data()) return status::null_buffer;
    if (x.size() != model.n_features()) return status::shape_mismatch;
    if (model.input() != detail::gmm_fixed_input_of<std::remove_cv_t<std::remove_reference_t<decltype(x[0])>>>())
        return status::invalid_quantization;
    out = detail::gmm_sample_log_likelihood_q16(model.view(), x.data(), tag);
    return status::ok;
}
/// Batch of int16 samples [n_samples][d] -> out[n_samples] Q16 nats.
/// @return ok; invalid_model; invalid_shape (n == 0 or overflow); null_buffer; shape_mismatch;
///         buffer_too_small; aliasing. Numerics: as the one-sample form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood_fixed(const gmm_fixed_model& model, span<const std::int16_t> x, std::size_t n_samples,
                                       span<std::int32_t> out, Arch tag = {}) noexcept {
    return detail::gmm_fixed_batch(model, x, n_samples, out, tag);
}
/// Batch of int8 samples [n_samples][d] -> out[n_samples] Q16 nats; as the int16 batch form.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_log_likelihood_fixed(const gmm_fixed_model& model, span<const std::int8_t> x, std::size_t n_samples,
                                       span<std::int32_t> out, Arch tag = {}) noexcept {
    return detail::gmm_fixed_batch(model, x, n_samples, out, tag);
}

/// Fixed-point scores of every cell of an int8 NHWC grid with one shared model (FOMO-AD on an FPU-less core):
/// out[h * W + w] in Q16 nats. @return as the batch form; invalid_shape when H or W is 0; shape_mismatch when
/// channels != d. Numerics: as gmm_log_likelihood_fixed.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_score_grid_fixed(const gmm_fixed_model& model, span<const std::int8_t> grid, gmm_grid_shape shape,
                                   span<std::int32_t> out, Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    std::size_t cells = 0;
    if (!checked_mul(shape.height, shape.width, cells) || cells == 0) return status::invalid_shape;
    if (shape.channels != model.n_features()) return status::shape_mismatch;
    return detail::gmm_fixed_batch(model, grid, cells, out, tag);
}
/// int16 form of the above.
template <class Arch = arch::default_arch, detail::gmm_enable_if_arch_t<Arch> = 0>
inline status gmm_score_grid_fixed(const gmm_fixed_model& model, span<const std::int16_t> grid, gmm_grid_shape shape,
                                   span<std::int32_t> out, Arch tag = {}) noexcept {
    if (!model.valid()) return status::invalid_model;
    std::size_t cells = 0;
    if (!checked_mul(shape.height, shape.width, cells) || cells == 0) return status::invalid_shape;
    if (shape.channels != model.n_features()) return status::shape_mismatch;
    return detail::gmm_fixed_batch(model, grid, cells, out, tag);
}

EDGEKERN_NAMESPACE_END
