// SPDX-License-Identifier: Apache-2.0
// edgekern/pipelines/fomo_ad.hpp: FOMO-AD visual anomaly detection (int8 features -> pooling -> random projection
// -> Gaussian mixture -> calibrated grid of cell scores), heap-free, trainable on the device.
//
// How it works (docs/pipelines.md, section "FOMO-AD", has the pictures and the measured figures):
//   1. The 8-bit grayscale frame is re-centred to int8 (p - 128) and runs through a fixed three-layer int8 stack
//      built on the conv family (kernels/conv2d.hpp, kernels/depthwise_conv2d.hpp):
//        L1 conv2d 3x3 stride 2 (SAME), 1 -> 16 channels: the eight DC-free Laws texture filters (outer products of
//           L3 = [1 2 1], E3 = [-1 0 1], S3 = [-1 2 -1] except L3 L3: oriented edge / spot / ripple band-pass
//           filters, a quantized 3x3 DCT basis up to scaling), each with both signs, ReLU -> half-wave energies;
//        L2 depthwise 3x3 stride 2 (SAME), binomial low-pass: local energy at the next octave;
//        L3 pointwise 1x1 16 -> 16: per filter, the full-wave energy (pos + neg) and the signed response
//           (pos - neg).
//      Weights are generated from integer formulas at init (no download). A trained alternative (weights from a
//      numpy script, tools/edgekern-fomo/train_filters.py) can replace the bank through fomo_ad::set_filters.
//   2. avg_pool2d 2x2 stride 2: one 16-value descriptor per cell of 8 x 8 frame pixels (a 12 x 12 grid at 96 x 96).
//   3. random_projection_map (matrix-free by default: 0 bytes of matrix) from 16 to ProjDim values, requantized to
//      int8.
//   4. One diagonal-covariance Gaussian mixture with K components, shared by every cell, scores each projected cell
//      with the fixed-point scorer (gmm_log_likelihood_fixed: integer Mahalanobis terms, Q16 nats).
//   5. Calibration: cell score z = (-ln p(x) - mean) / std, with the mean and standard deviation of the training
//      cells' negative log-likelihoods; the image score is the maximum cell score.
// Memory: all activations live in a ping-pong arena of two compile-time-sized int8 buffers inside the object; the
// object is the whole inference state (about 48 KB at 96 x 96). Training uses a separate fomo_ad_trainer object.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/gmm.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "edgekern/kernels/random_projection.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Run-time options of a FOMO-AD pipeline (fixed at init; saved with the model).
struct fomo_ad_options {
    /// Gain of the first layer: out = gain * (filter response / L1 norm of the filter), in gray levels. In
    /// [1/64, 64]; the default keeps typical texture contrast within int8.
    float feature_gain = 4.0f;
    /// Gain of the projection output (real projection value times this, in int8 LSB). In [1/64, 64].
    float projection_gain = 1.0f;
    /// Seed of the matrix-free projection.
    std::uint32_t projection_seed = 0x5EEDu;
    /// Projection matrix entries: gaussian (default) or sparse (needs ProjDim <= 16).
    rp_kind projection_kind = rp_kind::gaussian;
};

/// Options of on-device training (fomo_ad_trainer).
struct fomo_ad_train_options {
    std::size_t em_passes = 3;      ///< streaming EM passes over the frames after the initial fit, 0..100
    std::size_t init_max_iter = 50; ///< EM iterations of the initial fit on the reservoir, >= 1
    float reg_covar = 1e-2f;        ///< added to every variance (int8 LSB^2), >= 0 (keeps std > 0 on flat data)
    std::uint64_t seed = 1;         ///< k-means++ and reservoir sampling seed
};

namespace detail {

/// FNV-1a over bytes (model file checksum).
inline std::uint32_t fomo_fnv1a(const std::byte* p, std::size_t n) noexcept {
    std::uint32_t h = 2166136261u;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<std::uint32_t>(p[i]);
        h *= 16777619u;
    }
    return h;
}

/// The 3-tap Laws vectors: 0 = L3 [1 2 1], 1 = E3 [-1 0 1], 2 = S3 [-1 2 -1].
constexpr std::int32_t fomo_laws3(int v, int i) noexcept {
    return v == 0 ? (i == 1 ? 2 : 1) : (v == 1 ? i - 1 : (i == 1 ? 2 : -1));
}

constexpr std::size_t fomo_max(std::size_t a, std::size_t b) noexcept {
    return a > b ? a : b;
}

// All-zero initial values of the members, so a static pipeline or trainer object lands in .bss, not .data (a
// member with a non-zero default would make the whole object an initialized image in flash and RAM).
constexpr fomo_ad_options fomo_zero_options() noexcept {
    fomo_ad_options o{};
    o.feature_gain = 0.0f;
    o.projection_gain = 0.0f;
    o.projection_seed = 0;
    o.projection_kind = static_cast<rp_kind>(0);
    return o;
}
constexpr fomo_ad_train_options fomo_zero_train_options() noexcept {
    fomo_ad_train_options o{};
    o.em_passes = 0;
    o.init_max_iter = 0;
    o.reg_covar = 0.0f;
    o.seed = 0;
    return o;
}
constexpr gmm_fixed_model_view fomo_zero_fixed_view() noexcept {
    gmm_fixed_model_view v{};
    v.input = static_cast<gmm_fixed_input>(0);
    return v;
}
constexpr rp_matrix fomo_zero_rp() noexcept {
    rp_matrix m{};
    m.storage = static_cast<rp_storage>(0);
    return m;
}
constexpr rp_requant fomo_zero_requant() noexcept {
    rp_requant q{};
    q.activation_min = 0;
    q.activation_max = 0;
    q.mode = static_cast<rounding_mode>(0);
    return q;
}

} // namespace detail

/// Magic and version of the serialized model ("FOAD", 1).
constexpr std::uint32_t fomo_ad_model_magic = 0x44414F46u;
constexpr std::uint32_t fomo_ad_model_version = 1;

template <std::size_t Height, std::size_t Width, std::size_t ProjDim, std::size_t Components,
          std::size_t Reservoir = 1024>
class fomo_ad_trainer;

/// A FOMO-AD pipeline for Height x Width 8-bit grayscale frames.
/// @tparam Height, Width  frame size in pixels, multiples of 8 in [8, 1024]; the cell grid is (H/8) x (W/8).
/// @tparam ProjDim        projected dimension per cell (GMM features), 1..64.
/// @tparam Components     GMM components K, 1..32.
/// Lifetime: init() -> (fomo_ad_trainer, or load(), or load_gmm()) -> score() any number of times.
/// Thread safety: score() writes the internal arena, so one object per thread.
template <std::size_t Height, std::size_t Width, std::size_t ProjDim = 8, std::size_t Components = 4>
class fomo_ad {
    static_assert(Height % 8 == 0 && Width % 8 == 0 && Height >= 8 && Width >= 8 && Height <= 1024 && Width <= 1024,
                  "frame sides must be multiples of 8 in [8, 1024]");
    static_assert(ProjDim >= 1 && ProjDim <= 64, "ProjDim in [1, 64]");
    static_assert(Components >= 1 && Components <= 32, "Components in [1, 32]");

public:
    static constexpr std::size_t height = Height, width = Width, proj_dim = ProjDim, components = Components;
    static constexpr std::size_t bank = 8;            ///< texture filters of L1
    static constexpr std::size_t channels = 2 * bank; ///< activation channels of L1..L3 and of the cell descriptor
    static constexpr std::size_t h1 = Height / 2, w1 = Width / 2; ///< L1 output
    static constexpr std::size_t h2 = Height / 4, w2 = Width / 4; ///< L2 / L3 output
    static constexpr std::size_t cells_h = Height / 8, cells_w = Width / 8, n_cells = cells_h * cells_w;
    static constexpr std::size_t frame_size = Height * Width;
    /// Ping-pong arena: A holds the frame, L2 output and pooled descriptors; B the L1, L3 and projected maps.
    static constexpr std::size_t arena_a_size =
        detail::fomo_max(frame_size, detail::fomo_max(h2* w2* channels, n_cells* channels));
    static constexpr std::size_t arena_b_size =
        detail::fomo_max(h1 * w1 * channels, detail::fomo_max(h2* w2* channels, n_cells* ProjDim));
    /// Size in bytes of a serialized model (save / load).
    static constexpr std::size_t model_bytes =
        4 * 12 + 4 * (Components * (2 + 2 * ProjDim) + 2 * n_cells) + 4 /* checksum */;

    constexpr fomo_ad() noexcept = default;

    /// Builds the filter bank, the layer quantization and the projection description. Clears any model.
    /// @return ok; invalid_argument (a gain outside [1/64, 64] or NaN; sparse projection with ProjDim > 16);
    ///         invalid_quantization (a derived multiplier not representable). The object is unchanged on error.
    status init(const fomo_ad_options& opt = {}) noexcept {
        if (!gain_ok(opt.feature_gain) || !gain_ok(opt.projection_gain)) return status::invalid_argument;
        rp_matrix rp{};
        EDGEKERN_TRY(make_rp_matrix_free(opt.projection_kind, ProjDim, channels, opt.projection_seed,
                                         opt.projection_kind == rp_kind::sparse ? 0.5 : 1.0, rp));
        std::int8_t wf[channels * 9];
        std::int32_t m1[channels], s1[channels];
        for (std::size_t f = 0; f < bank; ++f) {
            // Filter f: outer product of Laws vectors (a, b), skipping (L3, L3) (index 0), scaled to max |w| = 120.
            const int a = static_cast<int>((f + 1) / 3), b = static_cast<int>((f + 1) % 3);
            std::int32_t raw[9], mx = 0, l1 = 0;
            for (int y = 0; y < 3; ++y)
                for (int x = 0; x < 3; ++x) {
                    raw[y * 3 + x] = detail::fomo_laws3(a, y) * detail::fomo_laws3(b, x);
                    const std::int32_t v = raw[y * 3 + x] < 0 ? -raw[y * 3 + x] : raw[y * 3 + x];
                    mx = v > mx ? v : mx;
                }
            const std::int32_t mul = 120 / mx;
            for (int t = 0; t < 9; ++t) {
                const std::int32_t v = raw[t] * mul;
                l1 += v < 0 ? -v : v;
                wf[(2 * f) * 9 + static_cast<std::size_t>(t)] = static_cast<std::int8_t>(v);
                wf[(2 * f + 1) * 9 + static_cast<std::size_t>(t)] = static_cast<std::int8_t>(-v);
            }
            quantized_multiplier q{};
            EDGEKERN_TRY(quantize_multiplier(static_cast<double>(opt.feature_gain) / l1, q));
            m1[2 * f] = m1[2 * f + 1] = q.multiplier;
            s1[2 * f] = s1[2 * f + 1] = q.shift;
        }
        quantized_multiplier q2{}, q3{}, qp{};
        EDGEKERN_TRY(quantize_multiplier(1.0 / 112.0, q2)); // binomial 3x3 times 7: sum 112
        EDGEKERN_TRY(quantize_multiplier(1.0 / 64.0, q3));  // pointwise weights +-64
        EDGEKERN_TRY(quantize_multiplier(static_cast<double>(opt.projection_gain) * static_cast<double>(rp.scale), qp));
        // Commit.
        std::memcpy(w1_, wf, sizeof wf);
        std::memcpy(m1_, m1, sizeof m1);
        std::memcpy(s1_, s1, sizeof s1);
        for (std::size_t c = 0; c < channels; ++c)
            for (int y = 0; y < 3; ++y)
                for (int x = 0; x < 3; ++x)
                    w2_[static_cast<std::size_t>(y * 3 + x) * channels + c] =
                        static_cast<std::int8_t>(7 * detail::fomo_laws3(0, y) * detail::fomo_laws3(0, x));
        for (std::size_t o = 0; o < channels; ++o)
            for (std::size_t i = 0; i < channels; ++i) {
                std::int8_t v = 0;
                const std::size_t f = o % bank;
                if (i == 2 * f) v = 64;
                if (i == 2 * f + 1) v = o < bank ? std::int8_t{64} : std::int8_t{-64};
                w3_[o * channels + i] = v;
            }
        m2_ = q2.multiplier;
        s2_ = q2.shift;
        m3_ = q3.multiplier;
        s3_ = q3.shift;
        rp_ = rp;
        rq_ = rp_requant{}; // int8 output, zero point 0, full clamp, double rounding
        rq_.multiplier = qp.multiplier;
        rq_.shift = qp.shift;
        opt_ = opt;
        clear_model();
        initialized_ = true;
        return status::ok;
    }

    /// Replaces the L1 filter bank (for instance weights trained offline and exported to a header).
    /// @param weights  channels x 3 x 3 int8 (OHWI with I = 1), at least channels * 9 values.
    /// @param multiplier, shift  per-channel requantization (channels entries each, quantize_multiplier output).
    /// @return ok; invalid_argument (not initialized); shape_mismatch; invalid_quantization. Unchanged on error.
    status set_filters(span<const std::int8_t> weights, span<const std::int32_t> multiplier,
                       span<const std::int32_t> shift) noexcept {
        if (!initialized_) return status::invalid_argument;
        if (weights.size() != channels * 9 || multiplier.size() != channels || shift.size() != channels)
            return status::shape_mismatch;
        for (std::size_t c = 0; c < channels; ++c)
            EDGEKERN_TRY(check_quantized_multiplier(multiplier.data()[c], shift.data()[c]));
        std::memcpy(w1_, weights.data(), channels * 9);
        for (std::size_t c = 0; c < channels; ++c) {
            m1_[c] = multiplier.data()[c];
            s1_[c] = shift.data()[c];
        }
        custom_filters_ = true;
        clear_model();
        return status::ok;
    }

    /// Projected int8 features of every cell: out is [cells_h][cells_w][ProjDim].
    /// @param frame  Height * Width 8-bit pixels, row-major. @param out at least n_cells * ProjDim values.
    /// @return ok; invalid_argument (not initialized); null_buffer; shape_mismatch (frame.size() != H * W, the
    ///         "wrong frame size" case); buffer_too_small; aliasing (out overlaps frame). out untouched on error.
    /// Numerics: integer throughout (conv family requantization, exact projection sums): bit-identical on every
    /// backend.
    template <class Arch = arch::default_arch>
    status features(span<const std::uint8_t> frame, span<std::int8_t> out, Arch = {}) noexcept {
        if (!initialized_) return status::invalid_argument;
        if (!frame.data() || !out.data()) return status::null_buffer;
        if (frame.size() != frame_size) return status::shape_mismatch;
        if (out.size() < n_cells * ProjDim) return status::buffer_too_small;
        if (overlaps(span<const std::byte>(reinterpret_cast<const std::byte*>(frame.data()), frame.size()),
                     span<const std::byte>(reinterpret_cast<const std::byte*>(out.data()), n_cells * ProjDim)))
            return status::aliasing;
        EDGEKERN_TRY(run_features(frame.data(), Arch{}));
        std::memcpy(out.data(), b_, n_cells * ProjDim);
        return status::ok;
    }

    /// Scores a frame: cell_scores[cy * cells_w + cx] = calibrated anomaly z-score of that cell (0 = typical of the
    /// training cells, larger = more anomalous); image_score = the maximum cell score.
    /// @param frame  Height * Width pixels. @param cell_scores at least n_cells floats (may be empty if only the
    ///         image score is wanted).
    /// @return ok; invalid_argument (not initialized); invalid_model (no trained or loaded model); null_buffer;
    ///         shape_mismatch (wrong frame size); buffer_too_small (cell_scores non-empty but shorter than n_cells).
    ///         Outputs untouched on error.
    /// Numerics: features and log-likelihoods are integer (Q16 nats, bit-identical on every backend); the final
    /// z-score is one float subtraction and multiplication per cell.
    template <class Arch = arch::default_arch>
    status score(span<const std::uint8_t> frame, span<float> cell_scores, float& image_score, Arch = {}) noexcept {
        if (!initialized_) return status::invalid_argument;
        if (!ready_) return status::invalid_model;
        if (!frame.data()) return status::null_buffer;
        if (frame.size() != frame_size) return status::shape_mismatch;
        if (!cell_scores.empty() && cell_scores.size() < n_cells) return status::buffer_too_small;
        EDGEKERN_TRY(run_features(frame.data(), Arch{}));
        EDGEKERN_TRY(score_projected(Arch{}));
        float mx = -std::numeric_limits<float>::infinity();
        for (std::size_t c = 0; c < n_cells; ++c) {
            const float z = cell_z(c, ll_[c]);
            if (!cell_scores.empty()) cell_scores.data()[c] = z;
            mx = z > mx ? z : mx;
        }
        image_score = mx;
        return status::ok;
    }

    /// True when a model is trained or loaded (score() can run).
    constexpr bool ready() const noexcept { return ready_; }
    constexpr bool initialized() const noexcept { return initialized_; }
    constexpr const fomo_ad_options& options() const noexcept { return opt_; }
    /// Calibration of each cell: mean and standard deviation of its negative log-likelihood (nats) over the
    /// training frames (n_cells values each, row-major grid).
    span<const float> calibration_mean() const noexcept { return span<const float>(nll_mean_, n_cells); }
    span<const float> calibration_std() const noexcept { return span<const float>(nll_std_, n_cells); }
    /// The float mixture (valid once ready()).
    constexpr const gmm_model& gmm() const noexcept { return model_; }

    /// Installs a mixture trained elsewhere (e.g. scikit-learn GaussianMixture(covariance_type="diag") on the
    /// projected cell features, exported as constexpr arrays) and its calibration.
    /// @param view       diag model with K = Components, d = ProjDim; features in int8 LSB of features().
    /// @param nll_mean, nll_std  calibration of the cells' -ln p: 1 value (shared by every cell) or n_cells values;
    ///        finite, std > 0.
    /// @return ok; invalid_argument (not initialized); shape_mismatch (type, K or d differ); non_finite /
    ///         invalid_argument (calibration); gmm_validate's statuses (corrupt parameters). Unchanged on error.
    status load_gmm(const gmm_model_view& view, span<const float> nll_mean, span<const float> nll_std) noexcept {
        if (!initialized_) return status::invalid_argument;
        if (view.type != gmm_covariance::diag || view.n_components != Components || view.n_features != ProjDim)
            return status::shape_mismatch;
        if (!nll_mean.data() || !nll_std.data()) return status::null_buffer;
        if (nll_mean.size() != nll_std.size() || (nll_mean.size() != 1 && nll_mean.size() != n_cells))
            return status::shape_mismatch;
        for (std::size_t c = 0; c < nll_mean.size(); ++c) {
            if (!std::isfinite(nll_mean.data()[c]) || !std::isfinite(nll_std.data()[c])) return status::non_finite;
            if (!(nll_std.data()[c] > 0.0f)) return status::invalid_argument;
        }
        gmm_model check;
        EDGEKERN_TRY(gmm_validate(view, check));
        if (view.log_weights.size() != Components || view.means.size() != Components * ProjDim ||
            view.precisions_chol.size() != Components * ProjDim || view.log_det_chol.size() != Components)
            return status::shape_mismatch;
        float lw[Components], mu[Components * ProjDim], pc[Components * ProjDim], ld[Components];
        std::memcpy(lw, view.log_weights.data(), sizeof lw);
        std::memcpy(mu, view.means.data(), sizeof mu);
        std::memcpy(pc, view.precisions_chol.data(), sizeof pc);
        std::memcpy(ld, view.log_det_chol.data(), sizeof ld);
        return install(lw, mu, pc, ld, nll_mean.data(), nll_std.data(), nll_mean.size());
    }

    /// Serializes options, mixture and calibration into exactly model_bytes bytes (little-endian words +
    /// FNV-1a checksum). @return ok; invalid_model (nothing to save); null_buffer; buffer_too_small.
    status save(span<std::byte> out) const noexcept {
        if (!ready_) return status::invalid_model;
        if (!out.data()) return status::null_buffer;
        if (out.size() < model_bytes) return status::buffer_too_small;
        std::byte buf[model_bytes];
        std::size_t at = 0;
        const auto put = [&](std::uint32_t v) noexcept {
            for (int i = 0; i < 4; ++i) buf[at++] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
        };
        const auto putf = [&](float f) noexcept {
            std::uint32_t u = 0;
            std::memcpy(&u, &f, 4);
            put(u);
        };
        put(fomo_ad_model_magic);
        put(fomo_ad_model_version);
        put(static_cast<std::uint32_t>(Height));
        put(static_cast<std::uint32_t>(Width));
        put(static_cast<std::uint32_t>(ProjDim));
        put(static_cast<std::uint32_t>(Components));
        put(static_cast<std::uint32_t>(channels));
        put(custom_filters_ ? 1u : 0u);
        putf(opt_.feature_gain);
        putf(opt_.projection_gain);
        put(opt_.projection_seed);
        put(static_cast<std::uint32_t>(opt_.projection_kind));
        for (float v : lw_) putf(v);
        for (float v : mu_) putf(v);
        for (float v : pc_) putf(v);
        for (float v : ld_) putf(v);
        for (float v : nll_mean_) putf(v);
        for (float v : nll_std_) putf(v);
        put(detail::fomo_fnv1a(buf, at));
        std::memcpy(out.data(), buf, model_bytes);
        return status::ok;
    }

    /// Loads a model written by save(): re-runs init() with the saved options and installs the mixture.
    /// @return ok; null_buffer; invalid_model (wrong size, magic, version, checksum: a corrupt file; a filter
    ///         bank saved as custom, which is not stored); shape_mismatch (H, W, ProjDim or K differ: an
    ///         incompatible model); init()/gmm_validate statuses. The object is unchanged on error.
    status load(span<const std::byte> in) noexcept {
        if (!in.data()) return status::null_buffer;
        if (in.size() < 4 * 7) return status::invalid_model;
        const std::byte* p = in.data();
        std::size_t at = 0;
        const auto get = [&]() noexcept {
            std::uint32_t v = 0;
            for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(p[at++]) << (8 * i);
            return v;
        };
        const auto getf = [&]() noexcept {
            const std::uint32_t u = get();
            float f = 0.0f;
            std::memcpy(&f, &u, 4);
            return f;
        };
        if (get() != fomo_ad_model_magic || get() != fomo_ad_model_version) return status::invalid_model;
        if (get() != Height || get() != Width || get() != ProjDim || get() != Components || get() != channels)
            return status::shape_mismatch;
        if (in.size() != model_bytes) return status::invalid_model;
        std::uint32_t sum = 0;
        const std::size_t tail = model_bytes - 4;
        for (std::size_t i = 0; i < 4; ++i) sum |= static_cast<std::uint32_t>(p[tail + i]) << (8 * i);
        if (sum != detail::fomo_fnv1a(p, tail)) return status::invalid_model;
        if (get() != 0u) return status::invalid_model;
        fomo_ad_options o;
        o.feature_gain = getf();
        o.projection_gain = getf();
        o.projection_seed = get();
        const std::uint32_t kind = get();
        if (kind > static_cast<std::uint32_t>(rp_kind::sparse)) return status::invalid_model;
        o.projection_kind = static_cast<rp_kind>(kind);
        float lw[Components], mu[Components * ProjDim], pc[Components * ProjDim], ld[Components];
        for (float& v : lw) v = getf();
        for (float& v : mu) v = getf();
        for (float& v : pc) v = getf();
        for (float& v : ld) v = getf();
        float mean[n_cells], sd[n_cells];
        for (float& v : mean) v = getf();
        for (float& v : sd) v = getf();
        for (std::size_t c = 0; c < n_cells; ++c)
            if (!std::isfinite(mean[c]) || !std::isfinite(sd[c]) || !(sd[c] > 0.0f)) return status::invalid_model;
        // Validate everything before touching the object: options (as init does) and the mixture.
        if (!gain_ok(o.feature_gain) || !gain_ok(o.projection_gain)) return status::invalid_model;
        rp_matrix rp{};
        if (make_rp_matrix_free(o.projection_kind, ProjDim, channels, o.projection_seed, 0.5, rp) != status::ok)
            return status::invalid_model;
        EDGEKERN_TRY(check_gmm(lw, mu, pc, ld));
        EDGEKERN_TRY(init(o));
        return install(lw, mu, pc, ld, mean, sd, n_cells);
    }

private:
    template <std::size_t, std::size_t, std::size_t, std::size_t, std::size_t>
    friend class fomo_ad_trainer;

    static constexpr bool gain_ok(float g) noexcept { return g >= 1.0f / 64.0f && g <= 64.0f; }

    void clear_model() noexcept {
        ready_ = false;
        model_ = gmm_model{};
        fview_ = detail::fomo_zero_fixed_view();
    }

    float cell_z(std::size_t c, std::int32_t ll_q16) const noexcept {
        const float nll = -static_cast<float>(ll_q16) * (1.0f / 65536.0f);
        return (nll - nll_mean_[c]) * inv_std_[c];
    }

    /// Validation of float parameters as install_gmm does it, without writing anything.
    static status check_gmm(const float* lw, const float* mu, const float* pc, const float* ld) noexcept {
        gmm_model_view v;
        v.type = gmm_covariance::diag;
        v.n_components = Components;
        v.n_features = ProjDim;
        v.log_weights = span<const float>(lw, Components);
        v.means = span<const float>(mu, Components * ProjDim);
        v.precisions_chol = span<const float>(pc, Components * ProjDim);
        v.log_det_chol = span<const float>(ld, Components);
        gmm_model m;
        EDGEKERN_TRY(gmm_validate(v, m));
        std::int32_t fm[Components * ProjDim], ff[Components * ProjDim], fc[Components];
        std::int8_t fs[Components];
        gmm_fixed_model_view fv;
        return gmm_fixed_from_float(m, gmm_input_quant{1.0f, 0}, gmm_fixed_input::s8, fm, ff, fs, fc, fv);
    }

    /// Installs float parameters (copied into the object), prepares the fixed-point scorer and the calibration.
    status install_gmm(const float* lw, const float* mu, const float* pc, const float* ld) noexcept {
        gmm_model_view v;
        v.type = gmm_covariance::diag;
        v.n_components = Components;
        v.n_features = ProjDim;
        v.log_weights = span<const float>(lw, Components);
        v.means = span<const float>(mu, Components * ProjDim);
        v.precisions_chol = span<const float>(pc, Components * ProjDim);
        v.log_det_chol = span<const float>(ld, Components);
        gmm_model m;
        EDGEKERN_TRY(gmm_validate(v, m));
        std::int32_t fm[Components * ProjDim], ff[Components * ProjDim], fc[Components];
        std::int8_t fs[Components];
        gmm_fixed_model_view fv;
        EDGEKERN_TRY(gmm_fixed_from_float(m, gmm_input_quant{1.0f, 0}, gmm_fixed_input::s8, fm, ff, fs, fc, fv));
        // Commit into the object's storage.
        std::memcpy(lw_, lw, sizeof lw_);
        std::memcpy(mu_, mu, sizeof mu_);
        std::memcpy(pc_, pc, sizeof pc_);
        std::memcpy(ld_, ld, sizeof ld_);
        std::memcpy(fmeans_, fm, sizeof fm);
        std::memcpy(ffactors_, ff, sizeof ff);
        std::memcpy(fconsts_, fc, sizeof fc);
        std::memcpy(fshifts_, fs, sizeof fs);
        v.log_weights = span<const float>(lw_, Components);
        v.means = span<const float>(mu_, Components * ProjDim);
        v.precisions_chol = span<const float>(pc_, Components * ProjDim);
        v.log_det_chol = span<const float>(ld_, Components);
        fv.means = span<const std::int32_t>(fmeans_, Components * ProjDim);
        fv.factors = span<const std::int32_t>(ffactors_, Components * ProjDim);
        fv.factor_shifts = span<const std::int8_t>(fshifts_, Components);
        fv.log_consts = span<const std::int32_t>(fconsts_, Components);
        (void)gmm_validate(v, model_);
        gmm_fixed_model check;
        EDGEKERN_TRY(gmm_validate_fixed(fv, check));
        fview_ = fv;
        return status::ok;
    }

    /// n_cal = 1 (one calibration for every cell) or n_cells.
    status install(const float* lw, const float* mu, const float* pc, const float* ld, const float* mean,
                   const float* sd, std::size_t n_cal) noexcept {
        EDGEKERN_TRY(install_gmm(lw, mu, pc, ld));
        for (std::size_t c = 0; c < n_cells; ++c) {
            const std::size_t j = n_cal == 1 ? 0 : c;
            nll_mean_[c] = mean[j];
            nll_std_[c] = sd[j];
            inv_std_[c] = 1.0f / sd[j];
        }
        ready_ = true;
        return status::ok;
    }

public:
    /// Not copyable: the model views point into the object's own storage.
    fomo_ad(const fomo_ad&) = delete;
    fomo_ad& operator=(const fomo_ad&) = delete;

private:
    /// Frame -> projected int8 cell features in b_[0 .. n_cells * ProjDim).
    template <class Arch>
    status run_features(const std::uint8_t* frame, Arch) noexcept {
        for (std::size_t i = 0; i < frame_size; ++i)
            a_[i] = static_cast<std::int8_t>(static_cast<std::int32_t>(frame[i]) - 128);
        conv2d_params p1;
        p1.in_h = static_cast<std::int32_t>(Height);
        p1.in_w = static_cast<std::int32_t>(Width);
        p1.in_c = 1;
        p1.out_h = static_cast<std::int32_t>(h1);
        p1.out_w = static_cast<std::int32_t>(w1);
        p1.out_c = static_cast<std::int32_t>(channels);
        p1.kernel_h = p1.kernel_w = 3;
        p1.stride_h = p1.stride_w = 2;
        p1.padding = padding_kind::same;
        p1.act_min = 0;
        const std::size_t need1 = conv2d_scratch_size(p1, Arch{});
        if (need1 > scratch_bytes) return status::buffer_too_small;
        EDGEKERN_TRY(conv2d(p1, span<const std::int8_t>(a_, frame_size), span<const std::int8_t>(w1_),
                            span<const std::int32_t>(), span<const std::int32_t>(m1_), span<const std::int32_t>(s1_),
                            span<std::int8_t>(b_, h1 * w1 * channels), span<std::byte>(scratch_, need1), Arch{}));
        depthwise_conv2d_params p2;
        p2.in_h = static_cast<std::int32_t>(h1);
        p2.in_w = static_cast<std::int32_t>(w1);
        p2.in_c = static_cast<std::int32_t>(channels);
        p2.out_h = static_cast<std::int32_t>(h2);
        p2.out_w = static_cast<std::int32_t>(w2);
        p2.kernel_h = p2.kernel_w = 3;
        p2.stride_h = p2.stride_w = 2;
        p2.padding = padding_kind::same;
        p2.act_min = 0;
        EDGEKERN_TRY(depthwise_conv2d(p2, span<const std::int8_t>(b_, h1 * w1 * channels), span<const std::int8_t>(w2_),
                                      span<const std::int32_t>(), span<const std::int32_t>(&m2_, 1),
                                      span<const std::int32_t>(&s2_, 1), span<std::int8_t>(a_, h2 * w2 * channels),
                                      Arch{}));
        conv2d_params p3;
        p3.in_h = p3.out_h = static_cast<std::int32_t>(h2);
        p3.in_w = p3.out_w = static_cast<std::int32_t>(w2);
        p3.in_c = p3.out_c = static_cast<std::int32_t>(channels);
        const std::size_t need3 = conv2d_scratch_size(p3, Arch{});
        if (need3 > scratch_bytes) return status::buffer_too_small;
        EDGEKERN_TRY(conv2d(p3, span<const std::int8_t>(a_, h2 * w2 * channels), span<const std::int8_t>(w3_),
                            span<const std::int32_t>(), span<const std::int32_t>(&m3_, 1),
                            span<const std::int32_t>(&s3_, 1), span<std::int8_t>(b_, h2 * w2 * channels),
                            span<std::byte>(scratch_, need3), Arch{}));
        pool2d_params pp;
        pp.in_h = static_cast<std::int32_t>(h2);
        pp.in_w = static_cast<std::int32_t>(w2);
        pp.channels = static_cast<std::int32_t>(channels);
        pp.out_h = static_cast<std::int32_t>(cells_h);
        pp.out_w = static_cast<std::int32_t>(cells_w);
        pp.filter_h = pp.filter_w = 2;
        pp.stride_h = pp.stride_w = 2;
        EDGEKERN_TRY(avg_pool2d<std::int8_t>(pp, span<const std::int8_t>(b_, h2 * w2 * channels),
                                             span<std::int8_t>(a_, n_cells * channels), Arch{}));
        return random_projection_map<std::int8_t, std::int8_t>(rp_, 1, cells_h, cells_w, channels,
                                                               span<const std::int8_t>(a_, n_cells * channels),
                                                               span<std::int8_t>(b_, n_cells * ProjDim), rq_, Arch{});
    }

    /// Log-likelihood (Q16) of every projected cell in b_ into ll_.
    template <class Arch>
    status score_projected(Arch) noexcept {
        // The validated-model handle is rebuilt per frame from the stored view (O(K d) checks, negligible): keeps the
        // object all-zero at start-up (.bss).
        gmm_fixed_model fixed;
        EDGEKERN_TRY(gmm_validate_fixed(fview_, fixed));
        return gmm_log_likelihood_fixed(fixed, span<const std::int8_t>(b_, n_cells * ProjDim), n_cells,
                                        span<std::int32_t>(ll_), Arch{});
    }

    static constexpr std::size_t scratch_bytes = 4096;

    // Feature extractor.
    std::int8_t w1_[channels * 9]{};
    std::int8_t w2_[9 * channels]{};
    std::int8_t w3_[channels * channels]{};
    std::int32_t m1_[channels]{}, s1_[channels]{};
    std::int32_t m2_ = 0, s2_ = 0, m3_ = 0, s3_ = 0;
    rp_matrix rp_ = detail::fomo_zero_rp();
    rp_requant rq_ = detail::fomo_zero_requant();
    fomo_ad_options opt_ = detail::fomo_zero_options();
    bool initialized_ = false;
    bool custom_filters_ = false;
    bool ready_ = false;
    // Model.
    float lw_[Components]{}, mu_[Components * ProjDim]{}, pc_[Components * ProjDim]{}, ld_[Components]{};
    std::int32_t fmeans_[Components * ProjDim]{}, ffactors_[Components * ProjDim]{}, fconsts_[Components]{};
    std::int8_t fshifts_[Components]{};
    gmm_model model_{};
    gmm_fixed_model_view fview_ = detail::fomo_zero_fixed_view();
    float nll_mean_[n_cells]{}, nll_std_[n_cells]{}, inv_std_[n_cells]{};
    // Ping-pong activation arena and conv scratch.
    std::int8_t a_[arena_a_size]{};
    std::int8_t b_[arena_b_size]{};
    alignas(16) std::byte scratch_[scratch_bytes]{};
    std::int32_t ll_[n_cells]{};
};

/// On-device training of a fomo_ad from a stream of normal frames, without storing the frames. The caller runs
/// passes over the same frames: for each pass, begin_pass(), add() every frame, end_pass(); until done().
///   pass 0: the projected cell features go into a reservoir of Reservoir samples (uniform reservoir sampling);
///           end_pass fits the initial mixture on it with gmm_em_fit (k-means++ + EM, kernels/gmm/em.hpp);
///   passes 1..em_passes: streaming EM over every cell of every frame (gmm_em_accumulate, gmm_em_m_step);
///   last pass: calibration (mean / std of the cells' -ln p under the final fixed-point scorer).
/// The trainer is large (reservoir + EM statistics): keep it static or on the heap of the host, not on a stack.
template <std::size_t Height, std::size_t Width, std::size_t ProjDim, std::size_t Components, std::size_t Reservoir>
class fomo_ad_trainer {
    using pipeline = fomo_ad<Height, Width, ProjDim, Components>;
    static_assert(Reservoir >= Components && Reservoir <= (std::size_t{1} << 20), "reservoir size");
    static constexpr std::size_t d = ProjDim, k = Components, cells = pipeline::n_cells;
    static constexpr std::size_t stats_size = gmm_em_scratch_size(gmm_covariance::diag, Components, ProjDim);

public:
    /// Starts training `target` (which must be initialized); its model is cleared.
    /// @return ok; invalid_argument (target not initialized, or options outside their ranges). Unchanged on error.
    status start(pipeline& target, const fomo_ad_train_options& opt = {}) noexcept {
        if (!target.initialized()) return status::invalid_argument;
        if (opt.em_passes > 100 || opt.init_max_iter == 0 || !std::isfinite(opt.reg_covar) || opt.reg_covar < 0.0f)
            return status::invalid_argument;
        target_ = &target;
        opt_ = opt;
        target.clear_model();
        pass_ = 0;
        in_pass_ = false;
        n_res_ = 0;
        seen_ = 0;
        rng_ = opt.seed ^ 0xA5A5A5A5DEADBEEFull;
        return status::ok;
    }

    /// Total passes over the frames: 2 + em_passes.
    std::size_t passes() const noexcept { return 2 + opt_.em_passes; }
    std::size_t pass() const noexcept { return pass_; }
    bool done() const noexcept { return target_ != nullptr && pass_ >= passes(); }

    /// @return ok; invalid_argument (not started, already done, or a pass already open).
    status begin_pass() noexcept {
        if (target_ == nullptr || done() || in_pass_) return status::invalid_argument;
        if (pass_ >= 1 && pass_ <= opt_.em_passes)
            EDGEKERN_TRY(gmm_em_stats_reset(gmm_covariance::diag, k, d, span<double>(stats_)));
        for (std::size_t c = 0; c < cells; ++c) sum_[c] = sumsq_[c] = 0.0;
        n_pass_ = 0;
        in_pass_ = true;
        return status::ok;
    }

    /// Adds one normal frame to the open pass.
    /// @return ok; invalid_argument (no open pass); the pipeline's statuses for a bad frame (shape_mismatch for
    ///         the wrong size); non_finite (a cell scored -inf: degenerate model). A bad frame adds nothing.
    template <class Arch = arch::default_arch>
    status add(span<const std::uint8_t> frame, Arch = {}) noexcept {
        if (!in_pass_) return status::invalid_argument;
        std::int8_t feat[cells * d];
        EDGEKERN_TRY(target_->features(frame, span<std::int8_t>(feat), Arch{}));
        if (pass_ == 0) {
            for (std::size_t c = 0; c < cells; ++c) {
                ++seen_;
                std::size_t slot = n_res_;
                if (n_res_ == Reservoir) {
                    const std::uint64_t r = next() % seen_;
                    if (r >= Reservoir) continue;
                    slot = static_cast<std::size_t>(r);
                } else {
                    ++n_res_;
                }
                for (std::size_t i = 0; i < d; ++i) res_[slot * d + i] = static_cast<float>(feat[c * d + i]);
            }
        } else if (pass_ <= opt_.em_passes) {
            for (std::size_t i = 0; i < cells * d; ++i) fx_[i] = static_cast<float>(feat[i]);
            EDGEKERN_TRY(gmm_em_accumulate(model_, span<const float>(fx_), cells, span<double>(stats_), Arch{}));
        } else {
            std::memcpy(target_->b_, feat, sizeof feat);
            EDGEKERN_TRY(target_->score_projected(Arch{}));
            for (std::size_t c = 0; c < cells; ++c) {
                if (target_->ll_[c] <= std::numeric_limits<std::int32_t>::min() + 1) return status::non_finite;
                const double nll = -static_cast<double>(target_->ll_[c]) / 65536.0;
                sum_[c] += nll;
                sumsq_[c] += nll * nll;
            }
        }
        ++n_pass_;
        return status::ok;
    }

    /// Closes the pass (fits / updates / calibrates).
    /// @return ok; invalid_argument (no open pass, or a pass without frames); gmm_em_fit / gmm_em_m_step statuses;
    ///         numeric_error (degenerate training data: non-finite parameters, or every training cell scored the
    ///         same, so the calibration std is 0). On numeric_error the pipeline stays without a model.
    status end_pass() noexcept {
        if (!in_pass_) return status::invalid_argument;
        in_pass_ = false;
        if (n_pass_ == 0) return status::invalid_argument;
        if (pass_ == 0) {
            gmm_em_params p;
            p.type = gmm_covariance::diag;
            p.n_components = k;
            p.reg_covar = opt_.reg_covar;
            p.max_iter = opt_.init_max_iter;
            p.seed = opt_.seed;
            if (n_res_ < k) return status::invalid_argument;
            gmm_em_result r;
            EDGEKERN_TRY(gmm_em_fit(span<const float>(res_, n_res_ * d), n_res_, d, p, buffers(), span<double>(stats_),
                                    model_, r));
        } else if (pass_ <= opt_.em_passes) {
            gmm_em_result r;
            EDGEKERN_TRY(gmm_em_m_step(model_, buffers(), opt_.reg_covar, span<double>(stats_), r));
        } else {
            // Per-cell mean and variance over the frames; the variances are shrunk towards their average over
            // the cells (prior weight shrink_frames), so a few training frames still give a usable spread.
            const double n = static_cast<double>(n_pass_);
            double vbar = 0.0, mbar = 0.0;
            for (std::size_t c = 0; c < cells; ++c) {
                const double m = sum_[c] / n;
                const double v = sumsq_[c] / n - m * m;
                vbar += v > 0.0 ? v : 0.0;
                mbar += m;
            }
            vbar /= static_cast<double>(cells);
            mbar /= static_cast<double>(cells);
            if (!std::isfinite(vbar) || !std::isfinite(mbar) || !(vbar > 1e-10 * (1.0 + mbar * mbar))) {
                target_->clear_model(); // degenerate training data: frames do not vary, nothing to calibrate on
                ++pass_;
                return status::numeric_error;
            }
            constexpr double shrink_frames = 4.0;
            for (std::size_t c = 0; c < cells; ++c) {
                const double m = sum_[c] / n;
                double v = sumsq_[c] / n - m * m;
                v = ((v > 0.0 ? v : 0.0) * n + vbar * shrink_frames) / (n + shrink_frames);
                const double sd = std::sqrt(v);
                target_->nll_mean_[c] = static_cast<float>(m);
                target_->nll_std_[c] = static_cast<float>(sd);
                target_->inv_std_[c] = 1.0f / target_->nll_std_[c]; // as install() computes it
            }
            target_->ready_ = true;
        }
        if (pass_ == opt_.em_passes) {
            // Last model update: install it (fixed-point preparation) before the calibration pass.
            if (!gmm_detail_all_finite()) return status::numeric_error;
            const status st = target_->install_gmm(lw_, mu_, pc_, ld_);
            if (st != status::ok) return st == status::invalid_quantization ? status::numeric_error : st;
        }
        ++pass_;
        return status::ok;
    }

    /// Convenience: runs every pass over n_frames frames from `source(i, span<uint8_t> frame) -> bool` (false =
    /// frame unavailable: status::invalid_argument). @return the first failing status, else ok.
    template <class Source, class Arch = arch::default_arch>
    status train(pipeline& target, std::size_t n_frames, Source&& source, const fomo_ad_train_options& opt = {},
                 Arch = {}) noexcept {
        EDGEKERN_TRY(start(target, opt));
        while (!done()) {
            EDGEKERN_TRY(begin_pass());
            for (std::size_t i = 0; i < n_frames; ++i) {
                if (!source(i, span<std::uint8_t>(frame_))) return status::invalid_argument;
                EDGEKERN_TRY(add(span<const std::uint8_t>(frame_), Arch{}));
            }
            EDGEKERN_TRY(end_pass());
        }
        return status::ok;
    }

private:
    std::uint64_t next() noexcept {
        std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    gmm_model_buffers buffers() noexcept {
        gmm_model_buffers b;
        b.log_weights = span<float>(lw_);
        b.means = span<float>(mu_);
        b.precisions_chol = span<float>(pc_);
        b.log_det_chol = span<float>(ld_);
        return b;
    }
    bool gmm_detail_all_finite() const noexcept {
        for (float v : lw_)
            if (!std::isfinite(v)) return false;
        for (float v : mu_)
            if (!std::isfinite(v)) return false;
        for (float v : pc_)
            if (!std::isfinite(v)) return false;
        for (float v : ld_)
            if (!std::isfinite(v)) return false;
        return true;
    }

    pipeline* target_ = nullptr;
    fomo_ad_train_options opt_ = detail::fomo_zero_train_options();
    std::size_t pass_ = 0, n_res_ = 0, n_pass_ = 0;
    std::uint64_t seen_ = 0, rng_ = 0;
    bool in_pass_ = false;
    double sum_[cells]{}, sumsq_[cells]{};
    float lw_[k]{}, mu_[k * d]{}, pc_[k * d]{}, ld_[k]{};
    gmm_model model_{};
    float res_[Reservoir * d]{};
    float fx_[cells * d]{};
    double stats_[stats_size]{};
    std::uint8_t frame_[Height * Width]{};
};

EDGEKERN_NAMESPACE_END
