// SPDX-License-Identifier: Apache-2.0
// fuzz_omp.cpp: OMP sparse coding and patch extraction under arbitrary dictionaries, signals and parameters:
// omp_normalize_atoms, omp_gram, omp_encode, omp_encode_batch (float, Q15 with int16 and int8 signals),
// omp_reconstruct, omp_quantize_dictionary_q15, omp_gram_q15, extract_patches (u8/s16/float), patches_accumulate,
// patches_average. Invariants: ok -> every code finite, at most n_nonzero (or MaxSparsity) non-zeros, residual
// finite and >= 0; any error -> outputs untouched and the canaries around them intact.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace edgekern;
using edgekern_fuzz::guarded;
using edgekern_fuzz::reader;

constexpr std::size_t max_atoms = 12, max_dim = 16, max_signals = 20, max_sparsity = 6;

std::size_t pick(reader& in, std::size_t lo, std::size_t hi) {
    return static_cast<std::size_t>(in.range(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
}
float value(reader& in, unsigned mode) {
    const float v = in.take<float>();
    if (mode == 0) return v; // anything: NaN, Inf, huge, denormal
    if (!std::isfinite(v)) return 0.5f;
    if (mode == 1) return std::fmod(v, 4.0f);
    if (mode == 2) return v * 1e-38f; // tiny and denormal
    return std::fmod(v, 1e30f);       // huge magnitudes
}
/// A buffer length near `need`: exact most of the time, off by one or empty sometimes.
std::size_t near(reader& in, std::size_t need, std::size_t cap) {
    const unsigned sel = in.take<std::uint8_t>() % 10u;
    std::size_t n = need;
    if (sel == 0) n = 0;
    if (sel == 1 && need > 0) n = need - 1;
    if (sel == 2) n = need + 1;
    return n > cap ? cap : n;
}
bool finite_all(const float* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i])) return false;
    return true;
}
template <class T, std::size_t N>
void check_error_untouched(const guarded<T, N>& g, status st) {
    EDGEKERN_FUZZ_CHECK(g.guards_intact());
    if (st != status::ok) EDGEKERN_FUZZ_CHECK(g.untouched());
}
void check_codes(const float* codes, std::size_t n_signals, std::size_t k, const omp_params& p, const float* res,
                 bool has_res) {
    for (std::size_t s = 0; s < n_signals; ++s) {
        std::size_t nz = 0;
        for (std::size_t a = 0; a < k; ++a) {
            EDGEKERN_FUZZ_CHECK(std::isfinite(codes[s * k + a]));
            nz += codes[s * k + a] != 0.0f;
        }
        EDGEKERN_FUZZ_CHECK(nz <= max_sparsity);
        if (p.n_nonzero != 0) EDGEKERN_FUZZ_CHECK(nz <= p.n_nonzero);
        if (has_res) EDGEKERN_FUZZ_CHECK(std::isfinite(res[s]) && res[s] >= 0.0f);
    }
}

void omp(reader& in) {
    omp_params p;
    p.n_atoms = pick(in, 0, max_atoms + 1);
    p.dim = pick(in, 0, max_dim);
    p.n_nonzero = pick(in, 0, max_sparsity + 1);
    const unsigned tol_sel = in.take<std::uint8_t>() % 6u;
    p.tol = tol_sel == 0 ? -1.0f : (tol_sel == 1 ? in.take<float>() : (tol_sel == 2 ? 0.0f : 1e-3f));
    const unsigned mode = in.take<std::uint8_t>() % 4u;
    const std::size_t kd = p.n_atoms * p.dim;
    static float dict[(max_atoms + 1) * max_dim];
    for (std::size_t i = 0; i < kd; ++i) dict[i] = value(in, mode);
    // normalize (may fail on zero / non-finite atoms: then the dictionary must be as it was)
    const std::size_t nd = near(in, kd, sizeof dict / sizeof dict[0]);
    {
        float before[sizeof dict / sizeof dict[0]];
        std::memcpy(before, dict, sizeof dict);
        const status st = omp_normalize_atoms(span<float>(dict, nd), p.n_atoms, p.dim);
        if (st != status::ok)
            EDGEKERN_FUZZ_CHECK(std::memcmp(before, dict, sizeof dict) == 0);
        else
            for (std::size_t a = 0; a < p.n_atoms; ++a) {
                double s = 0;
                for (std::size_t i = 0; i < p.dim; ++i) s += double(dict[a * p.dim + i]) * dict[a * p.dim + i];
                EDGEKERN_FUZZ_CHECK(std::fabs(s - 1.0) < 1e-3);
            }
    }
    // Gram
    const std::size_t ng = near(in, p.n_atoms * p.n_atoms, max_atoms * max_atoms + 32);
    guarded<float, (max_atoms + 1) * (max_atoms + 1) + 32> gram(ng);
    const status gs = omp_gram(span<const float>(dict, nd), p.n_atoms, p.dim, span<float>(gram.data(), ng));
    check_error_untouched(gram, gs);
    if (gs == status::ok) {
        float big = 0.0f; // a finite dictionary whose entries stay below 1e18 cannot overflow a dot product
        for (std::size_t i = 0; i < kd; ++i) big = std::fmax(big, std::fabs(dict[i]));
        if (big <= 1e18f) EDGEKERN_FUZZ_CHECK(finite_all(gram.data(), p.n_atoms * p.n_atoms));
    }
    const span<const float> gram_span(gram.data(), in.take<std::uint8_t>() % 5u == 0 ? 0 : ng);

    // signals
    const std::size_t n_signals = pick(in, 0, max_signals);
    static float sig[max_signals * max_dim];
    const unsigned smode = in.take<std::uint8_t>() % 4u;
    for (std::size_t i = 0; i < n_signals * p.dim; ++i) sig[i] = value(in, smode);
    const std::size_t ns = near(in, n_signals * p.dim, max_signals * max_dim);

    // single encode
    {
        guarded<float, max_atoms + 2> code(near(in, p.n_atoms, max_atoms + 2));
        guarded<float, 2> res(in.take<std::uint8_t>() & 1u);
        const status st = omp_encode<max_atoms, max_sparsity>(
            span<const float>(dict, nd), gram_span, span<const float>(sig, ns < p.dim ? ns : p.dim), p,
            span<float>(code.data(), code.n), span<float>(res.data(), res.n));
        check_error_untouched(code, st);
        check_error_untouched(res, st);
        if (st == status::ok) check_codes(code.data(), 1, p.n_atoms, p, res.data(), res.n != 0);
    }
    // batch
    {
        guarded<float, (max_atoms + 1) * max_signals + 2> codes(
            near(in, n_signals * p.n_atoms, (max_atoms + 1) * max_signals + 2));
        guarded<float, max_signals + 1> res(in.take<std::uint8_t>() & 1u ? near(in, n_signals, max_signals + 1) : 0);
        static float scratch[4096];
        const std::size_t need = omp_batch_scratch_size(p.n_atoms, p.dim);
        const std::size_t nsc = need > 4096 ? 4096 : (in.take<std::uint8_t>() % 8u == 0 && need ? need - 1 : need);
        const status st = omp_encode_batch<max_atoms, max_sparsity>(
            span<const float>(dict, nd), gram_span, span<const float>(sig, ns), n_signals, p,
            span<float>(codes.data(), codes.n), span<float>(res.data(), res.n), span<float>(scratch, nsc));
        check_error_untouched(codes, st);
        check_error_untouched(res, st);
        if (st == status::ok) {
            check_codes(codes.data(), n_signals, p.n_atoms, p, res.data(), res.n != 0);
            // reconstruct the codes
            guarded<float, max_signals * max_dim + 1> rec(near(in, n_signals * p.dim, max_signals * max_dim + 1));
            const status rs =
                omp_reconstruct(span<const float>(dict, nd), span<const float>(codes.data(), n_signals * p.n_atoms),
                                n_signals, p, span<float>(rec.data(), rec.n));
            check_error_untouched(rec, rs);
            if (rs == status::ok && smode != 3) EDGEKERN_FUZZ_CHECK(finite_all(rec.data(), n_signals * p.dim));
        }
    }
    // Q15
    {
        guarded<std::int16_t, (max_atoms + 1) * max_dim + 1> q(near(in, kd, (max_atoms + 1) * max_dim + 1));
        const status qs = omp_quantize_dictionary_q15(span<const float>(dict, nd), p.n_atoms, p.dim,
                                                      span<std::int16_t>(q.data(), q.n));
        check_error_untouched(q, qs);
        if (qs != status::ok) return;
        guarded<float, (max_atoms + 1) * (max_atoms + 1)> qg(p.n_atoms * p.n_atoms);
        const status qgs =
            omp_gram_q15(span<const std::int16_t>(q.data(), kd), p.n_atoms, p.dim, span<float>(qg.data(), qg.n));
        check_error_untouched(qg, qgs);
        static std::int16_t s16[max_signals * max_dim];
        static std::int8_t s8[max_signals * max_dim];
        const unsigned xm = in.take<std::uint8_t>() % 3u;
        for (std::size_t i = 0; i < n_signals * p.dim; ++i) {
            const auto v = in.take<std::int16_t>();
            s16[i] = xm == 0 ? v : (xm == 1 ? std::int16_t{-32768} : std::int16_t{32767});
            s8[i] = xm == 0 ? static_cast<std::int8_t>(v) : (xm == 1 ? std::int8_t{-128} : std::int8_t{127});
        }
        static float scratch[4096];
        const std::size_t need = omp_batch_scratch_size_q15(p.n_atoms);
        const std::size_t nsc = need > 4096 ? 4096 : need;
        guarded<float, (max_atoms + 1) * max_signals> codes(n_signals * p.n_atoms);
        guarded<float, max_signals> res(n_signals);
        const bool use8 = in.take<std::uint8_t>() & 1u;
        const status st = use8
                              ? omp_encode_batch<max_atoms, max_sparsity>(
                                    span<const std::int16_t>(q.data(), kd), span<const float>(qg.data(), qg.n),
                                    span<const std::int8_t>(s8, ns), n_signals, p, span<float>(codes.data(), codes.n),
                                    span<float>(res.data(), res.n), span<float>(scratch, nsc))
                              : omp_encode_batch<max_atoms, max_sparsity>(
                                    span<const std::int16_t>(q.data(), kd), span<const float>(qg.data(), qg.n),
                                    span<const std::int16_t>(s16, ns), n_signals, p, span<float>(codes.data(), codes.n),
                                    span<float>(res.data(), res.n), span<float>(scratch, nsc));
        check_error_untouched(codes, st);
        check_error_untouched(res, st);
        if (st == status::ok) check_codes(codes.data(), n_signals, p.n_atoms, p, res.data(), true);
    }
}

template <class Pixel>
void patches(reader& in) {
    patch_grid g;
    g.height = pick(in, 0, 12);
    g.width = pick(in, 0, 12);
    g.patch_h = pick(in, 0, 5);
    g.patch_w = pick(in, 0, 5);
    g.stride_y = pick(in, 0, 3);
    g.stride_x = pick(in, 0, 3);
    if (in.take<std::uint8_t>() % 16u == 0) g.height = ~std::size_t{0} / 2; // product overflows size_t
    patch_params pp;
    pp.normalization = static_cast<patch_normalization>(in.range(0, 2));
    const unsigned psel = in.take<std::uint8_t>() % 6u;
    if (psel == 1) pp.scale = in.take<float>();
    if (psel == 2) pp.contrast_eps = in.take<float>();
    if (psel == 3) pp.scale = 1e-40f;
    const std::size_t row_stride = g.width + pick(in, 0, 2) - (in.take<std::uint8_t>() % 8u == 0 ? 1 : 0);
    static Pixel image[16 * 16];
    const bool huge = g.height > 100;
    const std::size_t nimg = huge ? 16 * 16 : near(in, g.height ? (g.height - 1) * row_stride + g.width : 0, 16 * 16);
    bool finite = true;
    for (std::size_t i = 0; i < nimg; ++i) {
        image[i] = in.take<Pixel>();
        if (!std::isfinite(static_cast<float>(image[i])) || std::fabs(static_cast<float>(image[i])) > 1e30f)
            finite = false;
    }
    const std::size_t total = g.count();
    const std::size_t first = pick(in, 0, total + 1);
    const std::size_t count = pick(in, 0, total + 1 - (first > total ? total : first));
    constexpr std::size_t cap = 100 * 25;
    if (count > 100) return;
    const std::size_t need = count * g.patch_size();
    guarded<float, cap + 1> out(near(in, need, cap + 1));
    guarded<float, 101> off(in.take<std::uint8_t>() & 1u ? near(in, count, 101) : 0);
    guarded<float, 101> gain(in.take<std::uint8_t>() & 1u ? near(in, count, 101) : 0);
    const status st =
        extract_patches(span<const Pixel>(image, nimg), row_stride, g, pp, first, count, span<float>(out.data(), out.n),
                        span<float>(off.data(), off.n), span<float>(gain.data(), gain.n));
    check_error_untouched(out, st);
    check_error_untouched(off, st);
    check_error_untouched(gain, st);
    if (st != status::ok) return;
    EDGEKERN_FUZZ_CHECK(!huge);
    const bool sane_params = std::isfinite(pp.scale) && std::fabs(pp.scale) <= 1e3f && pp.contrast_eps >= 1e-20f;
    if (finite && sane_params) EDGEKERN_FUZZ_CHECK(finite_all(out.data(), need));
    // accumulate back and average
    static float accum_buf[16 * 16 + 1];
    const std::size_t na = near(in, g.height * g.width, 16 * 16 + 1);
    std::memset(accum_buf, 0, sizeof accum_buf);
    guarded<float, 16 * 16 + 1> acc(na, 0);
    const status as =
        patches_accumulate(span<const float>(out.data(), need), g, first, count, span<const float>(off.data(), off.n),
                           span<const float>(gain.data(), gain.n), span<float>(acc.data(), acc.n));
    check_error_untouched(acc, as);
    if (as != status::ok) return;
    const status vs = patches_average(g, span<float>(acc.data(), acc.n));
    EDGEKERN_FUZZ_CHECK(vs == status::ok);
    EDGEKERN_FUZZ_CHECK(acc.guards_intact());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    reader in(data, size);
    switch (in.take<std::uint8_t>() % 5u) {
    case 0:
    case 1:
        omp(in);
        break;
    case 2:
        patches<std::uint8_t>(in);
        break;
    case 3:
        patches<std::int16_t>(in);
        break;
    default:
        patches<float>(in);
        break;
    }
    return 0;
}
