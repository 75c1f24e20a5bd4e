// SPDX-License-Identifier: Apache-2.0
// fuzz_gmm.cpp: Gaussian mixtures under arbitrary parameters and inputs: gmm_from_covariances (all covariance
// types), gmm_validate on arbitrary views, float scoring (one sample, batch, responsibilities, grid), integer
// scoring through gmm_input_quant (int16/int8), gmm_fixed_from_float + gmm_validate_fixed + fixed-point scoring, and
// a small gmm_em_fit. Invariants: ok -> no NaN out of finite inputs, a converted model validates, EM leaves a valid
// model; any bad-input error -> outputs untouched, canaries intact.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/kernels/gmm.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace edgekern;
using edgekern_fuzz::guarded;
using edgekern_fuzz::reader;

constexpr std::size_t max_k = 4, max_d = 6, max_n = 24;

std::size_t pick(reader& in, std::size_t lo, std::size_t hi) {
    return static_cast<std::size_t>(in.range(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
}
float value(reader& in, unsigned mode) {
    const float v = in.take<float>();
    if (mode == 0) return v; // anything
    if (!std::isfinite(v)) return 0.25f;
    if (mode == 1) return std::fmod(v, 8.0f);
    if (mode == 2) return v * 1e-38f; // denormal / tiny
    return std::fmod(v, 1e20f);       // huge
}
bool finite_input(const float* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i])) return false;
    return true;
}
template <class T, std::size_t N>
void check(const guarded<T, N>& g, status st) {
    EDGEKERN_FUZZ_CHECK(g.guards_intact());
    if (st != status::ok && st != status::numeric_error) EDGEKERN_FUZZ_CHECK(g.untouched());
}
std::size_t near(reader& in, std::size_t need, std::size_t cap) {
    const unsigned sel = in.take<std::uint8_t>() % 12u;
    std::size_t n = need;
    if (sel == 0) n = 0;
    if (sel == 1 && need > 0) n = need - 1;
    if (sel == 2) n = need + 1;
    return n > cap ? cap : n;
}

struct model_store {
    float log_w[max_k + 1], means[(max_k + 1) * max_d], prec[(max_k + 1) * max_d * max_d], log_det[max_k + 1];
};

void score_all(reader& in, const gmm_model& m) {
    const std::size_t d = m.n_features(), k = m.n_components();
    const std::size_t n = pick(in, 0, max_n);
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    static float x[max_n * max_d + 1];
    for (std::size_t i = 0; i < n * d; ++i) x[i] = value(in, mode);
    const std::size_t nx = near(in, n * d, max_n * max_d + 1);
    const bool finite = finite_input(x, nx);
    {
        float one = -7.0f;
        const status st = gmm_log_likelihood(m, span<const float>(x, nx < d ? nx : d), one);
        if (st != status::ok)
            EDGEKERN_FUZZ_CHECK(one == -7.0f);
        else
            EDGEKERN_FUZZ_CHECK(!std::isnan(one));
    }
    guarded<float, max_n + 1> out(near(in, n, max_n + 1));
    const status bs = gmm_log_likelihood(m, span<const float>(x, nx), n, span<float>(out.data(), out.n));
    check(out, bs);
    if (bs == status::ok) {
        EDGEKERN_FUZZ_CHECK(finite);
        for (std::size_t i = 0; i < n; ++i) EDGEKERN_FUZZ_CHECK(!std::isnan(out.data()[i]) && out.data()[i] < INFINITY);
    }
    guarded<float, max_n * max_k + 1> resp(near(in, n * k, max_n * max_k + 1));
    guarded<float, max_n + 1> ll(in.take<std::uint8_t>() & 1u ? n : 0);
    const status rs = gmm_log_responsibilities(m, span<const float>(x, nx), n, span<float>(resp.data(), resp.n),
                                               span<float>(ll.data(), ll.n));
    check(resp, rs);
    check(ll, rs);
    if (rs == status::ok)
        for (std::size_t i = 0; i < n * k; ++i)
            EDGEKERN_FUZZ_CHECK(!std::isnan(resp.data()[i]) && resp.data()[i] <= 1e-3f);
    // grid form: n cells as a 1 x n grid
    gmm_grid_shape shape{pick(in, 0, 2), n, d + (in.take<std::uint8_t>() % 8u == 0 ? 1u : 0u)};
    guarded<float, 2 * max_n + 1> grid_out(near(in, shape.height * n, 2 * max_n + 1));
    static float grid[2 * max_n * (max_d + 1)];
    for (std::size_t i = 0; i < sizeof grid / sizeof grid[0]; ++i) grid[i] = x[i % (max_n * max_d)];
    const status gs = gmm_score_grid(m, span<const float>(grid, shape.height * shape.width * shape.channels), shape,
                                     span<float>(grid_out.data(), grid_out.n));
    check(grid_out, gs);
    // quantized integer inputs
    gmm_input_quant q;
    const unsigned qs = in.take<std::uint8_t>() % 6u;
    q.scale = qs == 0 ? in.take<float>() : (qs == 1 ? 1e-3f : 0.05f);
    q.zero_point = qs == 2 ? in.take<std::int32_t>() : static_cast<std::int32_t>(in.range(-300, 300));
    static std::int16_t x16[max_n * max_d];
    static std::int8_t x8[max_n * max_d];
    const unsigned xm = in.take<std::uint8_t>() % 3u;
    for (std::size_t i = 0; i < n * d; ++i) {
        const auto v = in.take<std::int16_t>();
        x16[i] = xm == 0 ? v : (xm == 1 ? std::int16_t{-32768} : std::int16_t{32767});
        x8[i] = xm == 0 ? static_cast<std::int8_t>(v) : (xm == 1 ? std::int8_t{-128} : std::int8_t{127});
    }
    const std::size_t nq = nx > max_n * max_d ? max_n * max_d : nx;
    guarded<float, max_n + 1> qout(out.n);
    const status s16 = gmm_log_likelihood(m, span<const std::int16_t>(x16, nq), q, n, span<float>(qout.data(), qout.n));
    check(qout, s16);
    if (s16 == status::ok)
        for (std::size_t i = 0; i < n; ++i) EDGEKERN_FUZZ_CHECK(!std::isnan(qout.data()[i]));
    guarded<float, max_n + 1> qout8(out.n);
    const status s8 = gmm_log_likelihood(m, span<const std::int8_t>(x8, nq), q, n, span<float>(qout8.data(), qout8.n));
    check(qout8, s8);
    // fixed point
    const gmm_fixed_input fin = in.take<std::uint8_t>() & 1u ? gmm_fixed_input::s8 : gmm_fixed_input::s16;
    const std::size_t psize = gmm_precision_size(m.type(), k, d);
    guarded<std::int32_t, max_k * max_d + 1> fm(near(in, k * d, max_k * max_d + 1));
    guarded<std::int32_t, max_k * max_d * max_d + 1> ff(psize);
    guarded<std::int8_t, max_k + 1> fs(k);
    guarded<std::int32_t, max_k + 1> fl(near(in, k, max_k + 1));
    gmm_fixed_model_view fv;
    const status fst =
        gmm_fixed_from_float(m, q, fin, span<std::int32_t>(fm.data(), fm.n), span<std::int32_t>(ff.data(), ff.n),
                             span<std::int8_t>(fs.data(), fs.n), span<std::int32_t>(fl.data(), fl.n), fv);
    check(fm, fst);
    check(ff, fst);
    check(fs, fst);
    check(fl, fst);
    if (fst != status::ok) return;
    gmm_fixed_model fmodel;
    const status vfs = gmm_validate_fixed(fv, fmodel); // the converter's output must validate...
    if (vfs != status::ok) {
        // ...except for the known finding (docs/robustness.md): a precision factor so small (huge variance) that
        // its fixed-point diagonal rounds to 0 even at the largest shift is accepted by gmm_fixed_from_float but
        // rejected (invalid_model) by gmm_validate_fixed.
        bool zero_diag = false;
        for (std::size_t i = 0; i < psize; ++i) zero_diag = zero_diag || ff.data()[i] == 0;
        EDGEKERN_FUZZ_CHECK(vfs == status::invalid_model && zero_diag);
        return;
    }
    guarded<std::int32_t, max_n + 1> fo(out.n);
    const status fs1 = fin == gmm_fixed_input::s16 ? gmm_log_likelihood_fixed(fmodel, span<const std::int16_t>(x16, nq),
                                                                              n, span<std::int32_t>(fo.data(), fo.n))
                                                   : gmm_log_likelihood_fixed(fmodel, span<const std::int8_t>(x8, nq),
                                                                              n, span<std::int32_t>(fo.data(), fo.n));
    check(fo, fs1);
    std::int32_t one = 12345;
    const status fs2 = gmm_log_likelihood_fixed(fmodel, span<const std::int16_t>(x16, nq < d ? nq : d), one);
    if (fs2 != status::ok) EDGEKERN_FUZZ_CHECK(one == 12345);
}

void from_covariances(reader& in) {
    const auto type = static_cast<gmm_covariance>(in.range(0, 3));
    const std::size_t k = pick(in, 0, max_k), d = pick(in, 0, max_d);
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    float w[max_k + 1], means[(max_k + 1) * max_d], cov[(max_k + 1) * max_d * max_d];
    const unsigned wsel = in.take<std::uint8_t>() % 3u;
    for (std::size_t i = 0; i < k; ++i) w[i] = wsel == 0 ? value(in, 0) : 1.0f / static_cast<float>(k);
    for (std::size_t i = 0; i < k * d; ++i) means[i] = value(in, mode);
    const std::size_t csize = gmm_covariance_size(type, k, d);
    const unsigned csel = in.take<std::uint8_t>() % 3u;
    // covariances: arbitrary, or SPD built as diag-dominant
    for (std::size_t i = 0; i < csize; ++i) cov[i] = value(in, csel == 0 ? 0u : 1u);
    if (csel != 0 && (type == gmm_covariance::full || type == gmm_covariance::tied)) {
        const std::size_t blocks = type == gmm_covariance::full ? k : 1;
        for (std::size_t b = 0; b < blocks; ++b)
            for (std::size_t r = 0; r < d; ++r)
                for (std::size_t c = 0; c < d; ++c) {
                    float& e = cov[b * d * d + r * d + c];
                    e = r == c ? 8.0f * static_cast<float>(d) + std::fabs(e) * (csel == 2 ? 1e6f : 1.0f)
                               : (c > r ? cov[b * d * d + c * d + r] : std::fmod(e, 1.0f));
                }
    } else if (csel != 0) {
        for (std::size_t i = 0; i < csize; ++i) cov[i] = std::fabs(cov[i]) * (csel == 2 ? 1e-30f : 1.0f) + 1e-6f;
    }
    static model_store s;
    guarded<float, max_k + 1> lw(near(in, k, max_k + 1));
    guarded<float, max_k * max_d * max_d + 1> pc(near(in, gmm_precision_size(type, k, d), max_k * max_d * max_d + 1));
    guarded<float, max_k + 1> ld(k);
    static double scratch[2 * max_d * max_d];
    const std::size_t ns = gmm_from_covariances_scratch_size(type, d);
    gmm_model_view view;
    const status st = gmm_from_covariances(
        type, k, d, span<const float>(w, k), span<const float>(means, near(in, k * d, (max_k + 1) * max_d)),
        span<const float>(cov, csize), span<float>(lw.data(), lw.n), span<float>(pc.data(), pc.n),
        span<float>(ld.data(), ld.n), span<double>(scratch, ns > 2 * max_d * max_d ? 0 : ns), view);
    check(lw, st);
    check(pc, st);
    check(ld, st);
    if (st != status::ok) return;
    gmm_model m;
    const status vs = gmm_validate(view, m);
    // a model built by the converter from finite positive-definite input must validate (or be reported
    // non-finite when a factor overflowed float)
    EDGEKERN_FUZZ_CHECK(vs == status::ok || vs == status::non_finite);
    (void)s;
    if (vs == status::ok) score_all(in, m);
}

void arbitrary_view(reader& in) {
    static model_store s;
    gmm_model_view v;
    v.type = static_cast<gmm_covariance>(in.range(0, 3));
    v.n_components = pick(in, 0, max_k);
    v.n_features = pick(in, 0, max_d);
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    const std::size_t k = v.n_components, d = v.n_features, ps = gmm_precision_size(v.type, k, d);
    for (std::size_t i = 0; i < k; ++i) s.log_w[i] = -std::log(static_cast<float>(k));
    if (in.take<std::uint8_t>() % 4u == 0) s.log_w[0] = value(in, mode);
    for (std::size_t i = 0; i < k * d; ++i) s.means[i] = value(in, mode);
    for (std::size_t i = 0; i < ps; ++i) s.prec[i] = value(in, mode);
    for (std::size_t i = 0; i < k; ++i) s.log_det[i] = value(in, mode);
    v.log_weights = span<const float>(s.log_w, near(in, k, max_k + 1));
    v.means = span<const float>(s.means, near(in, k * d, (max_k + 1) * max_d));
    v.precisions_chol = span<const float>(s.prec, near(in, ps, (max_k + 1) * max_d * max_d));
    v.log_det_chol = span<const float>(s.log_det, k);
    gmm_model m;
    const status st = gmm_validate(v, m);
    if (st != status::ok) {
        EDGEKERN_FUZZ_CHECK(!m.valid());
        return;
    }
    score_all(in, m);
}

void em(reader& in) {
    gmm_em_params p;
    p.type = static_cast<gmm_covariance>(in.range(0, 3));
    p.n_components = pick(in, 0, 3);
    p.max_iter = pick(in, 0, 4);
    p.kmeans_max_iter = pick(in, 1, 4);
    p.seed = in.take<std::uint64_t>();
    const unsigned rsel = in.take<std::uint8_t>() % 6u;
    if (rsel == 0) p.reg_covar = in.take<float>();
    if (rsel == 1) p.tol = in.take<float>();
    const std::size_t d = pick(in, 0, 3), n = pick(in, 0, 16);
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    static float x[16 * 3];
    for (std::size_t i = 0; i < n * d; ++i) x[i] = value(in, mode);
    const bool flat = in.take<std::uint8_t>() % 4u == 0; // all samples equal: degenerate covariances
    if (flat)
        for (std::size_t i = 0; i < n * d; ++i) x[i] = x[i % (d ? d : 1)];
    const std::size_t k = p.n_components, ps = gmm_precision_size(p.type, k, d);
    static float lw[4], mu[12], pc[3 * 9 + 1], ld[4];
    gmm_model_buffers b{span<float>(lw, k), span<float>(mu, k * d), span<float>(pc, ps), span<float>(ld, k)};
    static double scratch[4096];
    const std::size_t need = gmm_em_scratch_size(p.type, k, d);
    const std::size_t nsc = need > 4096 ? 4096 : (in.take<std::uint8_t>() % 8u == 0 && need ? need - 1 : need);
    gmm_model m;
    gmm_em_result r;
    const status st = gmm_em_fit(span<const float>(x, n * d), n, d, p, b, span<double>(scratch, nsc), m, r);
    if (st == status::ok) {
        EDGEKERN_FUZZ_CHECK(m.valid() && m.n_components() == k && m.n_features() == d);
        for (std::size_t i = 0; i < k; ++i) EDGEKERN_FUZZ_CHECK(std::isfinite(lw[i]) && std::isfinite(ld[i]));
        for (std::size_t i = 0; i < ps; ++i) EDGEKERN_FUZZ_CHECK(std::isfinite(pc[i]));
        gmm_model again;
        EDGEKERN_FUZZ_CHECK(gmm_validate(m.view(), again) == status::ok);
    } else {
        EDGEKERN_FUZZ_CHECK(!m.valid());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    reader in(data, size);
    switch (in.take<std::uint8_t>() % 8u) {
    case 0:
    case 1:
    case 2:
    case 3:
        from_covariances(in);
        break;
    case 4:
    case 5:
        arbitrary_view(in);
        break;
    default:
        em(in);
        break;
    }
    return 0;
}
