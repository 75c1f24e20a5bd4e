// SPDX-License-Identifier: Apache-2.0
// test_omp_fixed.cpp: OMP with Q15 atoms and int16 / int8 signals: exact integer correlations, the share of
// signals whose support matches float64 OMP on the unquantized data, the coefficient error, backends identical.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/kernels/omp.hpp"
#include "reference/omp_reference.hpp"
#include "support/test_support.hpp"

namespace ek = edgekern;
using edgekern::span;
using edgekern::status;

namespace {

constexpr std::size_t k_atoms = 64, k_dim = 64, k_sparsity = 3, k_max_signals = 400;
float f_dict[k_atoms * k_dim];
std::int16_t q_dict[k_atoms * k_dim];
float gram_q[k_atoms * k_atoms];
float f_sig[k_max_signals * k_dim];
std::int16_t s16[k_max_signals * k_dim];
std::int8_t s8[k_max_signals * k_dim];
float codes[k_max_signals * k_atoms];
float codes2[k_max_signals * k_atoms];
float res[k_max_signals];
float scratch[ek::omp_batch_scratch_size_q15(k_atoms)];

void setup(std::size_t n_signals) {
    edgekern_test::rng r(2024);
    for (float& v : f_dict) v = r.uniform_f(-1.0f, 1.0f);
    REQUIRE(ek::omp_normalize_atoms(span<float>(f_dict), k_atoms, k_dim) == status::ok);
    REQUIRE(ek::omp_quantize_dictionary_q15(span<const float>(f_dict), k_atoms, k_dim, span<std::int16_t>(q_dict)) ==
            status::ok);
    REQUIRE(ek::omp_gram_q15(span<const std::int16_t>(q_dict), k_atoms, k_dim, span<float>(gram_q)) == status::ok);
    // sparse signals (3 atoms, coefficients 0.2..1 with random signs) plus 2 % noise, scaled so max |x| = 0.95,
    // quantized to Q15 (int16) and Q7 (int8)
    for (std::size_t t = 0; t < n_signals; ++t) {
        float* x = f_sig + t * k_dim;
        for (std::size_t i = 0; i < k_dim; ++i) x[i] = 0.02f * r.uniform_f(-1.0f, 1.0f);
        for (std::size_t m = 0; m < k_sparsity; ++m) {
            const auto a = static_cast<std::size_t>(r.uniform(0, k_atoms - 1));
            const float c = r.uniform_f(0.2f, 1.0f) * ((r.next() & 1) ? 1.0f : -1.0f);
            for (std::size_t i = 0; i < k_dim; ++i) x[i] += c * f_dict[a * k_dim + i];
        }
        float mx = 0;
        for (std::size_t i = 0; i < k_dim; ++i) mx = std::fmax(mx, std::fabs(x[i]));
        for (std::size_t i = 0; i < k_dim; ++i) {
            x[i] *= 0.95f / mx;
            s16[t * k_dim + i] = static_cast<std::int16_t>(std::lround(x[i] * 32768.0f));
            s8[t * k_dim + i] = static_cast<std::int8_t>(std::lround(x[i] * 128.0f));
        }
    }
}

struct agreement {
    std::size_t same = 0, total = 0;
    double max_coef_err = 0; // max |c - c_ref| over same-support signals, in units of max|x| = 0.95
};

/// Compares fixed-point codes (in integer units; `scale` converts to real) with float64 OMP on the float data.
agreement compare(std::size_t n_signals, float scale) {
    agreement a;
    for (std::size_t t = 0; t < n_signals; ++t) {
        std::size_t idx[edgekern_ref::omp_ref_max];
        double coef[edgekern_ref::omp_ref_max], err = 0, dense[k_atoms] = {};
        const std::size_t m =
            edgekern_ref::omp_reference(f_dict, k_atoms, k_dim, f_sig + t * k_dim, k_sparsity, -1.0, idx, coef, err);
        for (std::size_t j = 0; j < m; ++j) dense[idx[j]] = coef[j];
        ++a.total;
        std::size_t mismatches = 0;
        for (std::size_t k = 0; k < k_atoms; ++k)
            if ((codes[t * k_atoms + k] != 0.0f) != (dense[k] != 0)) ++mismatches;
        if (mismatches != 0) continue;
        ++a.same;
        for (std::size_t k = 0; k < k_atoms; ++k) {
            const double e = std::fabs(double(codes[t * k_atoms + k]) * scale - dense[k]);
            if (e > a.max_coef_err) a.max_coef_err = e;
        }
    }
    return a;
}

} // namespace

TEST_CASE("omp_q15: int16 signals agree with float64 OMP; integer correlations identical on every backend") {
    const std::size_t ns = edgekern_test::sweep_stride > 1 ? 40 : k_max_signals;
    setup(ns);
    ek::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = k_sparsity;
    REQUIRE(ek::omp_encode_batch<k_atoms, k_sparsity>(span<const std::int16_t>(q_dict), span<const float>(gram_q),
                                                      span<const std::int16_t>(s16, ns * k_dim), ns, p,
                                                      span<float>(codes, ns * k_atoms), span<float>(res, ns),
                                                      span<float>(scratch), ek::arch::scalar{}) == status::ok);
    const agreement a = compare(ns, 1.0f / 32768.0f);
    MESSAGE("Q15 atoms, int16 signals: same support as float64 for "
            << a.same << " of " << a.total << " signals; max coefficient error " << a.max_coef_err);
    CHECK(a.same * 1000 >= a.total * 990); // >= 99 %
    CHECK(a.max_coef_err < 2e-3);
    // residual consistent with an explicit reconstruction in integer units
    for (std::size_t t = 0; t < ns; t += 7) {
        double e = 0;
        for (std::size_t i = 0; i < k_dim; ++i) {
            double rec = 0;
            for (std::size_t k = 0; k < k_atoms; ++k) rec += double(codes[t * k_atoms + k]) * q_dict[k * k_dim + i];
            const double d = s16[t * k_dim + i] - rec / 32768.0;
            e += d * d;
        }
        CHECK(std::fabs(e - res[t]) <= 1e-3 * (1.0 + e) + 2e-6 * 1073741824.0 * 1e-3);
    }
    edgekern_test::for_each_arch([&](auto tag) {
        CAPTURE(tag.name);
        REQUIRE(ek::omp_encode_batch<k_atoms, k_sparsity>(span<const std::int16_t>(q_dict), span<const float>(gram_q),
                                                          span<const std::int16_t>(s16, ns * k_dim), ns, p,
                                                          span<float>(codes2, ns * k_atoms), span<float>(),
                                                          span<float>(scratch), tag) == status::ok);
        CHECK(std::memcmp(codes, codes2, ns * k_atoms * sizeof(float)) == 0);
    });
}

TEST_CASE("omp_q15: int8 signals keep most supports; error stated") {
    const std::size_t ns = edgekern_test::sweep_stride > 1 ? 40 : k_max_signals;
    setup(ns);
    ek::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = k_sparsity;
    REQUIRE(ek::omp_encode_batch<k_atoms, k_sparsity>(
                span<const std::int16_t>(q_dict), span<const float>(gram_q), span<const std::int8_t>(s8, ns * k_dim),
                ns, p, span<float>(codes, ns * k_atoms), span<float>(res, ns), span<float>(scratch)) == status::ok);
    const agreement a = compare(ns, 1.0f / 128.0f);
    MESSAGE("Q15 atoms, int8 signals: same support as float64 for "
            << a.same << " of " << a.total << " signals; max coefficient error " << a.max_coef_err);
    CHECK(a.same * 100 >= a.total * 97);
    CHECK(a.max_coef_err < 0.02);
    edgekern_test::for_each_arch([&](auto tag) {
        REQUIRE(ek::omp_encode_batch<k_atoms, k_sparsity>(span<const std::int16_t>(q_dict), span<const float>(gram_q),
                                                          span<const std::int8_t>(s8, ns * k_dim), ns, p,
                                                          span<float>(codes2, ns * k_atoms), span<float>(),
                                                          span<float>(scratch), tag) == status::ok);
        CHECK(std::memcmp(codes, codes2, ns * k_atoms * sizeof(float)) == 0);
    });
}

TEST_CASE("omp_q15 bad input") {
    setup(4);
    ek::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = k_sparsity;
    for (float& c : codes) c = 7.0f;
    auto run = [&](span<const std::int16_t> d, span<const float> g, const ek::omp_params& pp, span<float> sc) {
        return ek::omp_encode_batch<k_atoms, k_sparsity>(d, g, span<const std::int16_t>(s16, 4 * k_dim), 4, pp,
                                                         span<float>(codes, 4 * k_atoms), span<float>(), sc);
    };
    const span<const std::int16_t> d(q_dict);
    const span<const float> g(gram_q);
    CHECK(run(d, g, p, span<float>(scratch).first(ek::omp_batch_scratch_size_q15(k_atoms) - 1)) ==
          status::buffer_too_small);
    CHECK(run(d.first(k_atoms * k_dim - 1), g, p, span<float>(scratch)) == status::shape_mismatch);
    const std::int16_t saved = q_dict[0];
    q_dict[0] = static_cast<std::int16_t>(saved / 2 + 9000);
    CHECK(run(d, g, p, span<float>(scratch)) == status::invalid_model);
    q_dict[0] = saved;
    auto q = p;
    q.n_nonzero = 4;
    CHECK(run(d, g, q, span<float>(scratch)) == status::buffer_too_small); // MaxSparsity 3
    for (float c : codes) CHECK(c == 7.0f);
    // int8 headroom: dim > 511 cannot be proven exact in int32
    static std::int16_t big_d[1 * 513];
    static std::int8_t big_x[513];
    float big_g[1] = {1.0f}, big_c[1], big_s[ek::omp_batch_scratch_size_q15(1)];
    ek::omp_params pb;
    pb.n_atoms = 1;
    pb.dim = 513;
    pb.n_nonzero = 1;
    CHECK(ek::omp_encode_batch<4, 2>(span<const std::int16_t>(big_d), span<const float>(big_g),
                                     span<const std::int8_t>(big_x), 1, pb, span<float>(big_c), span<float>(),
                                     span<float>(big_s)) == status::headroom_exceeded);
    float bad[2] = {NAN, 0.0f};
    std::int16_t qd[2];
    CHECK(ek::omp_quantize_dictionary_q15(span<const float>(bad), 1, 2, span<std::int16_t>(qd)) == status::non_finite);
}

TEST_CASE("omp_q15 on image patches (mean-removed 8x8 of a smooth textured image): support share stated") {
    setup(0);
    // 68x68 image: two sinusoidal gratings + a seeded noise field; 8x8 patches at stride 4 -> 16 x 16 = 256 patches
    edgekern_test::rng r(77);
    static float img[68 * 68];
    for (std::size_t y = 0; y < 68; ++y)
        for (std::size_t x = 0; x < 68; ++x)
            img[y * 68 + x] = 0.5f * std::sin(0.31f * float(x) + 0.17f * float(y)) +
                              0.3f * std::cos(0.05f * float(x * y) / 8.0f) + 0.2f * r.uniform_f(-1.0f, 1.0f);
    std::size_t n = 0;
    float gmax = 0;
    for (std::size_t py = 0; py + 8 <= 68; py += 4)
        for (std::size_t px = 0; px + 8 <= 68; px += 4, ++n) {
            float mean = 0;
            for (std::size_t i = 0; i < 64; ++i) mean += img[(py + i / 8) * 68 + px + i % 8];
            mean /= 64.0f;
            for (std::size_t i = 0; i < 64; ++i) {
                f_sig[n * 64 + i] = img[(py + i / 8) * 68 + px + i % 8] - mean;
                gmax = std::fmax(gmax, std::fabs(f_sig[n * 64 + i]));
            }
        }
    const std::size_t stride = edgekern_test::sweep_stride > 1 ? 8 : 1; // emulated targets: every 8th patch
    std::size_t ns = 0;
    for (std::size_t t = 0; t < n; t += stride, ++ns)
        for (std::size_t i = 0; i < 64; ++i) {
            const float v = f_sig[t * 64 + i] * (0.95f / gmax);
            f_sig[ns * 64 + i] = v;
            s16[ns * 64 + i] = static_cast<std::int16_t>(std::lround(v * 32768.0f));
            s8[ns * 64 + i] = static_cast<std::int8_t>(std::lround(v * 128.0f));
        }
    ek::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = k_sparsity;
    REQUIRE(ek::omp_encode_batch<k_atoms, k_sparsity>(
                span<const std::int16_t>(q_dict), span<const float>(gram_q), span<const std::int16_t>(s16, ns * k_dim),
                ns, p, span<float>(codes, ns * k_atoms), span<float>(), span<float>(scratch)) == status::ok);
    const agreement a16 = compare(ns, 1.0f / 32768.0f);
    REQUIRE(ek::omp_encode_batch<k_atoms, k_sparsity>(
                span<const std::int16_t>(q_dict), span<const float>(gram_q), span<const std::int8_t>(s8, ns * k_dim),
                ns, p, span<float>(codes, ns * k_atoms), span<float>(), span<float>(scratch)) == status::ok);
    const agreement a8 = compare(ns, 1.0f / 128.0f);
    MESSAGE("image patches: int16 same support " << a16.same << "/" << a16.total << " (max coef err "
                                                 << a16.max_coef_err << "), int8 " << a8.same << "/" << a8.total
                                                 << " (max coef err " << a8.max_coef_err << ")");
    CHECK(a16.same * 100 >= a16.total * 97);
    CHECK(a16.max_coef_err < 2e-3);
    CHECK(a8.same * 100 >= a8.total * 85);
    CHECK(a8.max_coef_err < 0.05);
}
