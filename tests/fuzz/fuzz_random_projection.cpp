// SPDX-License-Identifier: Apache-2.0
// fuzz_random_projection.cpp: random projection under arbitrary descriptions and inputs: make_rp_matrix_free,
// make_rp_stored_{s8,ternary,f32}, rp_generate_{s8,ternary,f32}, random_projection_batch (int8 -> int32, int16 ->
// int64, float, requantized int8/int16 outputs), random_projection and random_projection_map. Integer results are
// compared with the dumb oracle of tests/reference (matrix-free entries from the specified hash, stored entries
// decoded here); float results of finite bounded inputs must be finite; errors leave outputs untouched.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "edgekern/kernels/random_projection.hpp"
#include "fuzz_support.hpp"
#include "reference/conv_reference.hpp"
#include "reference/random_projection_reference.hpp"

namespace {

using namespace edgekern;
using edgekern_fuzz::guarded;
using edgekern_fuzz::reader;

constexpr std::size_t max_k = 12, max_d = 40, max_n = 4;

std::size_t pick(reader& in, std::size_t lo, std::size_t hi) {
    return static_cast<std::size_t>(in.range(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
}
std::size_t near(reader& in, std::size_t need, std::size_t cap) {
    const unsigned sel = in.take<std::uint8_t>() % 10u;
    std::size_t n = need;
    if (sel == 0) n = 0;
    if (sel == 1 && need > 0) n = need - 1;
    if (sel == 2) n = need + 1;
    return n > cap ? cap : n;
}
template <class T, std::size_t N>
void check(const guarded<T, N>& g, status st) {
    EDGEKERN_FUZZ_CHECK(g.guards_intact());
    if (st != status::ok) EDGEKERN_FUZZ_CHECK(g.untouched());
}

std::int8_t s8_entries[max_k * max_d + 1];
std::uint8_t ternary[max_k * ((max_d + 3) / 4) + 1];
float f32_entries[max_k * max_d + 1];

/// The integer entry (i, j) of m, decoded independently of the library.
int entry(const rp_matrix& m, std::size_t i, std::size_t j) {
    switch (m.storage) {
    case rp_storage::matrix_free:
        return rp_reference::entry(m.kind == rp_kind::gaussian, m.threshold, m.seed, i, j);
    case rp_storage::s8:
        return s8_entries[i * m.n_features + j];
    case rp_storage::ternary: {
        const unsigned code =
            (static_cast<unsigned>(ternary[i * ((m.n_features + 3) / 4) + j / 4]) >> (2u * (j % 4u))) & 3u;
        return code == 1 ? 1 : (code == 3 ? -1 : 0);
    }
    default:
        return 0;
    }
}

void run(reader& in) {
    const std::size_t k = pick(in, 0, max_k), d = pick(in, 0, max_d);
    const auto kind = in.take<std::uint8_t>() & 1u ? rp_kind::sparse : rp_kind::gaussian;
    rp_matrix m;
    rp_matrix before = m;
    status st = status::ok;
    const unsigned storage = in.take<std::uint8_t>() % 5u;
    const std::uint32_t seed = in.take<std::uint32_t>();
    double density = in.take<std::uint8_t>() % 4u == 0 ? in.take<double>() : 1.0 / std::sqrt(d ? double(d) : 1.0);
    if (storage == 0) {
        st = make_rp_matrix_free(kind, k, d, seed, density, m);
    } else if (storage == 1 || storage == 4) {
        // stored int8: arbitrary bytes, or the generator's own entries of a matrix-free description
        rp_matrix mf;
        if (storage == 4 && make_rp_matrix_free(kind, k, d, seed, density, mf) == status::ok) {
            guarded<std::int8_t, max_k * max_d + 1> gen(near(in, k * d, max_k * max_d + 1));
            const status gs = rp_generate_s8(mf, span<std::int8_t>(gen.data(), gen.n));
            check(gen, gs);
            if (gs != status::ok) return;
            std::memcpy(s8_entries, gen.data(), k * d);
            for (std::size_t i = 0; i < k * d; ++i)
                EDGEKERN_FUZZ_CHECK(s8_entries[i] ==
                                    rp_reference::entry(kind == rp_kind::gaussian, mf.threshold, seed, i / d, i % d));
        } else {
            for (std::size_t i = 0; i < k * d; ++i) s8_entries[i] = in.take<std::int8_t>();
        }
        const float scale = in.take<std::uint8_t>() % 4u == 0 ? in.take<float>() : 0.125f;
        st = make_rp_stored_s8(kind, k, d, span<const std::int8_t>(s8_entries, near(in, k * d, max_k * max_d + 1)),
                               scale, m);
    } else if (storage == 2) {
        rp_matrix mf;
        const std::size_t tb = k * ((d + 3) / 4);
        if (in.take<std::uint8_t>() & 1u &&
            make_rp_matrix_free(rp_kind::sparse, k, d, seed, density, mf) == status::ok) {
            guarded<std::uint8_t, max_k*((max_d + 3) / 4) + 1> gen(near(in, tb, sizeof ternary));
            const status gs = rp_generate_ternary(mf, span<std::uint8_t>(gen.data(), gen.n));
            check(gen, gs);
            if (gs != status::ok) return;
            std::memcpy(ternary, gen.data(), tb);
        } else {
            for (std::size_t i = 0; i < tb; ++i) ternary[i] = in.take<std::uint8_t>();
        }
        st = make_rp_stored_ternary(k, d, span<const std::uint8_t>(ternary, near(in, tb, sizeof ternary)), 0.5f, m);
    } else {
        rp_matrix mf;
        if (in.take<std::uint8_t>() & 1u && make_rp_matrix_free(kind, k, d, seed, density, mf) == status::ok) {
            guarded<float, max_k * max_d + 1> gen(near(in, k * d, max_k * max_d + 1));
            const status gs = rp_generate_f32(mf, span<float>(gen.data(), gen.n));
            check(gen, gs);
            if (gs != status::ok) return;
            std::memcpy(f32_entries, gen.data(), k * d * sizeof(float));
        } else {
            for (std::size_t i = 0; i < k * d; ++i) f32_entries[i] = in.take<float>();
        }
        st = make_rp_stored_f32(kind, k, d, span<const float>(f32_entries, near(in, k * d, max_k * max_d + 1)), m);
    }
    if (st != status::ok) {
        EDGEKERN_FUZZ_CHECK(std::memcmp(&m, &before, sizeof m) == 0); // description untouched
        return;
    }
    EDGEKERN_FUZZ_CHECK(m.n_components == k && m.n_features == d);

    const std::size_t n = pick(in, 0, max_n);
    static std::int8_t x8[max_n * max_d + 1];
    static std::int16_t x16[max_n * max_d + 1];
    static float xf[max_n * max_d + 1];
    const unsigned xm = in.take<std::uint8_t>() % 4u;
    bool finite = true;
    for (std::size_t i = 0; i < n * d + 1; ++i) {
        const auto v = in.take<std::int16_t>();
        x16[i] = xm == 1 ? std::int16_t{-32768} : (xm == 2 ? std::int16_t{32767} : v);
        x8[i] = xm == 1 ? std::int8_t{-128} : (xm == 2 ? std::int8_t{127} : static_cast<std::int8_t>(v));
        xf[i] = xm == 3 ? in.take<float>() : static_cast<float>(v) * (xm == 0 ? 1e-40f : 1.0f);
        if (!std::isfinite(xf[i]) || std::fabs(xf[i]) > 1e30f) finite = false;
    }
    const std::size_t nx = near(in, n * d, max_n * max_d + 1);
    const bool integer = m.storage != rp_storage::f32;
    const unsigned which = in.take<std::uint8_t>() % 6u;
    if (which == 0) {
        guarded<std::int32_t, max_n * max_k + 1> y(near(in, n * k, max_n * max_k + 1));
        const status s =
            random_projection_batch(m, n, span<const std::int8_t>(x8, nx), span<std::int32_t>(y.data(), y.n));
        check(y, s);
        if (s != status::ok) return;
        EDGEKERN_FUZZ_CHECK(integer);
        for (std::size_t v = 0; v < n; ++v) {
            std::int64_t ref[max_k];
            rp_reference::project_int([&](std::size_t i, std::size_t j) { return entry(m, i, j); }, k, d, x8 + v * d,
                                      ref);
            for (std::size_t i = 0; i < k; ++i) EDGEKERN_FUZZ_CHECK(y.data()[v * k + i] == ref[i]);
        }
    } else if (which == 1) {
        guarded<std::int64_t, max_n * max_k + 1> y(near(in, n * k, max_n * max_k + 1));
        const status s =
            random_projection_batch(m, n, span<const std::int16_t>(x16, nx), span<std::int64_t>(y.data(), y.n));
        check(y, s);
        if (s != status::ok) return;
        for (std::size_t v = 0; v < n; ++v) {
            std::int64_t ref[max_k];
            rp_reference::project_int([&](std::size_t i, std::size_t j) { return entry(m, i, j); }, k, d, x16 + v * d,
                                      ref);
            for (std::size_t i = 0; i < k; ++i) EDGEKERN_FUZZ_CHECK(y.data()[v * k + i] == ref[i]);
        }
    } else if (which == 2) {
        guarded<float, max_n * max_k + 1> y(near(in, n * k, max_n * max_k + 1));
        const status s = random_projection_batch(m, n, span<const float>(xf, nx), span<float>(y.data(), y.n));
        check(y, s);
        if (s != status::ok) return;
        bool entries_ok = true;
        if (m.storage != rp_storage::f32 && !(m.scale <= 1e30f)) entries_ok = false; // huge scale may overflow
        if (m.storage == rp_storage::f32)
            for (std::size_t i = 0; i < k * d; ++i) entries_ok = entries_ok && std::fabs(f32_entries[i]) <= 1e30f;
        if (finite && entries_ok && xm != 3)
            for (std::size_t i = 0; i < n * k; ++i) EDGEKERN_FUZZ_CHECK(std::isfinite(y.data()[i]));
    } else {
        rp_requant q;
        q.multiplier = in.take<std::int32_t>();
        if (in.take<std::uint8_t>() % 4u != 0)
            q.multiplier =
                static_cast<std::int32_t>((static_cast<std::uint32_t>(q.multiplier) & 0x3FFFFFFFu) | 0x40000000u);
        q.shift = static_cast<std::int32_t>(in.range(-33, 31));
        q.output_zero_point = static_cast<std::int32_t>(in.range(-200, 200));
        q.activation_min = static_cast<std::int32_t>(in.range(-33000, 200));
        q.activation_max = static_cast<std::int32_t>(in.range(-200, 33000));
        q.mode = in.take<std::uint8_t>() & 1u ? rounding_mode::single_rounding : rounding_mode::double_rounding;
        const bool out16 = which == 4;
        const bool in16 = which == 5;
        guarded<std::int16_t, max_n * max_k + 1> y16(near(in, n * k, max_n * max_k + 1));
        guarded<std::int8_t, max_n * max_k + 1> y8(y16.n);
        status s;
        if (which == 5) // int16 inputs, map form with n x 1 x 1 positions
            s = random_projection_map(m, n, 1, 1, d, span<const std::int16_t>(x16, nx),
                                      span<std::int8_t>(y8.data(), y8.n), q);
        else if (out16)
            s = random_projection_batch(m, n, span<const std::int8_t>(x8, nx), span<std::int16_t>(y16.data(), y16.n),
                                        q);
        else
            s = random_projection_batch(m, n, span<const std::int8_t>(x8, nx), span<std::int8_t>(y8.data(), y8.n), q);
        check(y16, s);
        check(y8, s);
        if (s != status::ok) return;
        const int lo = q.activation_min, hi = q.activation_max;
        for (std::size_t v = 0; v < n; ++v) {
            std::int64_t ref[max_k];
            if (in16)
                rp_reference::project_int([&](std::size_t i, std::size_t j) { return entry(m, i, j); }, k, d,
                                          x16 + v * d, ref);
            else
                rp_reference::project_int([&](std::size_t i, std::size_t j) { return entry(m, i, j); }, k, d,
                                          x8 + v * d, ref);
            for (std::size_t i = 0; i < k; ++i) {
                if (in16 && q.shift > 14) continue; // the oracle's 16x8 formula is defined for shift <= 14
                const std::int32_t r = in16 ? conv_ref::mbqm64(ref[i], q.multiplier, q.shift)
                                            : conv_ref::mbqm(static_cast<std::int32_t>(ref[i]), q.multiplier, q.shift,
                                                             q.mode == rounding_mode::single_rounding);
                long long e = static_cast<long long>(r) + q.output_zero_point;
                e = e < lo ? lo : (e > hi ? hi : e);
                const int got = out16 ? y16.data()[v * k + i] : y8.data()[v * k + i];
                EDGEKERN_FUZZ_CHECK(got == e);
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    reader in(data, size);
    in.take<std::uint8_t>(); // selector byte (seed layout shared with the other harnesses)
    run(in);
    return 0;
}
