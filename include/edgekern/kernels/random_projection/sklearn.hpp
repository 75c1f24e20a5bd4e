// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/random_projection/sklearn.hpp: MT19937 and numpy's legacy Gaussian, to regenerate the matrix
// of scikit-learn's GaussianRandomProjection(n_components, random_state=seed) bit for bit from its seed.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN
namespace detail {

// ---- double arithmetic that no compiler may fuse -----------------------------------------------------------------
// GNU C++ modes contract a*b+c into an FMA by default (x86 -march with FMA, AArch64, Cortex-M7 fpv5), which changes
// the rounding. Every product whose rounding matters goes through this barrier: the value must be materialized.
inline double rp_rounded(double x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+m"(x));
#else
    volatile double v = x;
    x = v;
#endif
    return x;
}

/// A double-double value hi + lo with |lo| <= ulp(hi) / 2.
struct rp_dd {
    double hi;
    double lo;
};

inline rp_dd rp_two_sum(double a, double b) noexcept {
    const double s = a + b;
    const double bb = s - a;
    const double e = (a - (s - bb)) + (b - bb);
    return {s, e};
}

inline rp_dd rp_quick_two_sum(double a, double b) noexcept { // |a| >= |b|
    const double s = a + b;
    return {s, b - (s - a)};
}

// Dekker's split: a == hi + lo with 26-bit halves, so their pairwise products are exact (and fusing an exact
// product with an addition cannot change a result); only c = K * a must be rounded before it is used.
inline void rp_split(double a, double& hi, double& lo) noexcept {
    const double c = rp_rounded(134217729.0 * a); // 2^27 + 1
    hi = c - (c - a);
    lo = a - hi;
}

inline rp_dd rp_two_prod(double a, double b) noexcept {
    const double p = rp_rounded(a * b);
    double ah, al, bh, bl;
    rp_split(a, ah, al);
    rp_split(b, bh, bl);
    const double e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return {p, e};
}

inline rp_dd rp_dd_add(rp_dd a, rp_dd b) noexcept {
    rp_dd s = rp_two_sum(a.hi, b.hi);
    const rp_dd t = rp_two_sum(a.lo, b.lo);
    s.lo += t.hi;
    s = rp_quick_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return rp_quick_two_sum(s.hi, s.lo);
}

inline rp_dd rp_dd_mul(rp_dd a, rp_dd b) noexcept {
    rp_dd p = rp_two_prod(a.hi, b.hi);
    p.lo += rp_rounded(a.hi * b.lo) + rp_rounded(a.lo * b.hi);
    return rp_quick_two_sum(p.hi, p.lo);
}

inline rp_dd rp_dd_div(rp_dd a, rp_dd b) noexcept {
    // Two Newton-style correction steps of the quotient: q1 + q2 + q3 carries ~106 bits.
    const double q1 = a.hi / b.hi;
    rp_dd r = rp_dd_add(a, rp_dd_mul({-q1, 0.0}, b));
    const double q2 = r.hi / b.hi;
    r = rp_dd_add(r, rp_dd_mul({-q2, 0.0}, b));
    const double q3 = r.hi / b.hi;
    rp_dd q = rp_quick_two_sum(q1, q2);
    return rp_dd_add(q, {q3, 0.0});
}

/// Natural logarithm of a positive, finite, normal double, correctly rounded except when ln(x) lies within about
/// 2^-100 (relative) of a rounding boundary. Platform libms differ in the last bit (glibc's log is not correctly
/// rounded; newlib's is a different algorithm), so the bit-exact matrix cannot use std::log.
/// Method: x = m 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.1716,
/// summed in double-double up to s^45 (0.1716^44 / 45 < 2^-115).
inline double rp_log_cr(double x) noexcept {
    int e = 0;
    double m = x;
    // frexp without <cmath> (keeps this usable where libm is unwanted): scale into [1, 2) by powers of two.
    while (m >= 2.0) {
        m *= 0.5;
        ++e;
    }
    while (m < 1.0) {
        m *= 2.0;
        --e;
    }
    if (m >= 1.4142135623730951) {
        m *= 0.5;
        ++e;
    }
    const rp_dd num{m - 1.0, 0.0};        // exact (Sterbenz)
    const rp_dd den = rp_two_sum(m, 1.0); // m + 1 exactly as a pair
    const rp_dd s = rp_dd_div(num, den);
    const rp_dd s2 = rp_dd_mul(s, s);
    // Horner over the odd series: sum_{j=0..22} s2^j / (2j + 1).
    rp_dd acc{0.0, 0.0};
    for (int j = 22; j >= 0; --j) {
        const rp_dd inv = rp_dd_div({1.0, 0.0}, {static_cast<double>(2 * j + 1), 0.0});
        acc = rp_dd_add(rp_dd_mul(acc, s2), inv);
    }
    rp_dd ln_m = rp_dd_mul(acc, s);
    ln_m.hi *= 2.0;
    ln_m.lo *= 2.0;
    const rp_dd ln2{0.6931471805599453094, 2.319046813846299558e-17};
    const rp_dd eln2 = rp_dd_mul({static_cast<double>(e), 0.0}, ln2);
    const rp_dd r = rp_dd_add(eln2, ln_m);
    return r.hi + r.lo;
}

/// The logarithm numpy's legacy gauss() sees. numpy calls the C library's log(); glibc's is not correctly rounded
/// (its documented bound is ~0.52 ulp), so on glibc targets the same function is called and the matrix is
/// bit-identical to scikit-learn on that machine (x86-64 and AArch64 share glibc's implementation). Elsewhere
/// (newlib on Cortex-M) the correctly rounded rp_log_cr is used: it differs from glibc by one ulp in the rare
/// inputs where glibc misrounds (about 1 in 400 logarithms; a 1-ulp change in f moves two matrix entries by ~1 ulp).
inline double rp_log_numpy(double x) noexcept {
#if defined(__GLIBC__)
    return std::log(x);
#else
    return rp_log_cr(x);
#endif
}

/// True when rp_log_numpy is the C library's log (then sklearn matrices are reproduced bit for bit).
constexpr bool rp_log_is_libm =
#if defined(__GLIBC__)
    true;
#else
    false;
#endif

inline double rp_sqrt(double x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_sqrt(x); // IEEE correctly rounded on every target (a VFP/SSE instruction or libm's)
#else
    return std::sqrt(x);
#endif
}

} // namespace detail

/// MT19937 (Matsumoto & Nishimura), seeded like numpy's `RandomState(seed)` for an integer seed (init_genrand).
/// 2.5 KB of state; generation is sequential.
class mt19937_state {
public:
    explicit mt19937_state(std::uint32_t seed) noexcept { reseed(seed); }

    /// init_genrand(seed); also forgets a cached Gaussian (as RandomState.seed does).
    void reseed(std::uint32_t seed) noexcept {
        key_[0] = seed;
        for (std::uint32_t i = 1; i < n; ++i) key_[i] = 1812433253u * (key_[i - 1] ^ (key_[i - 1] >> 30)) + i;
        pos_ = n;
        has_gauss_ = false;
        gauss_ = 0.0;
    }

    /// Next 32 random bits (genrand_int32).
    std::uint32_t next_u32() noexcept {
        if (pos_ >= n) twist();
        std::uint32_t y = key_[pos_++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// numpy's random_standard_uniform: 53-bit double in [0, 1) from two draws, (a >> 5, b >> 6).
    double next_double() noexcept {
        const std::uint32_t a = next_u32() >> 5;
        const std::uint32_t b = next_u32() >> 6;
        return (static_cast<double>(a) * 67108864.0 + static_cast<double>(b)) / 9007199254740992.0;
    }

    /// numpy's legacy_gauss: the polar Box-Muller method, caching the second value of each accepted pair.
    /// Bit-identical to numpy where the C library is glibc (products are not fused; see rp_log_numpy elsewhere).
    double next_gauss() noexcept {
        if (has_gauss_) {
            has_gauss_ = false;
            const double g = gauss_;
            gauss_ = 0.0;
            return g;
        }
        double x1, x2, r2;
        do {
            x1 = 2.0 * next_double() - 1.0;
            x2 = 2.0 * next_double() - 1.0;
            r2 = detail::rp_rounded(x1 * x1) + detail::rp_rounded(x2 * x2);
        } while (r2 >= 1.0 || r2 == 0.0);
        const double f = detail::rp_sqrt(-2.0 * detail::rp_log_numpy(r2) / r2);
        gauss_ = detail::rp_rounded(f * x1);
        has_gauss_ = true;
        return detail::rp_rounded(f * x2);
    }

private:
    static constexpr std::uint32_t n = 624;
    static constexpr std::uint32_t m = 397;

    void twist() noexcept {
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t y = (key_[i] & 0x80000000u) | (key_[(i + 1) % n] & 0x7FFFFFFFu);
            key_[i] = key_[(i + m) % n] ^ (y >> 1) ^ ((y & 1u) ? 0x9908B0DFu : 0u);
        }
        pos_ = 0;
    }

    std::uint32_t key_[n];
    std::uint32_t pos_ = n;
    bool has_gauss_ = false;
    double gauss_ = 0.0;
};

EDGEKERN_NAMESPACE_END
