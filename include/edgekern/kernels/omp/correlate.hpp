// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/omp/correlate.hpp: the D^T X tile product of Batch-OMP (scalar and xsimd register-blocked).
//
// Computes C[r][k] = sum_i X[r][i] * DT[i][k] for a tile of signals X (rows of `dim` floats) against the
// transposed, zero-padded dictionary DT (dim rows of `kp` floats, kp a multiple of omp_atom_pad). This is where
// Batch-OMP spends its time (2 * dim * n_atoms flops per signal), so the SIMD version keeps a 4-signal x
// (up to 4 vectors of atoms) block of accumulators in registers and streams DT once per 4 signals.
#pragma once

#include <cstddef>

#include "edgekern/arch/tags.hpp"
#include "edgekern/arch/xsimd_arch.hpp"
#include "edgekern/config.hpp"

#if defined(EDGEKERN_HAS_XSIMD)
#include <xsimd/xsimd.hpp>
#endif

EDGEKERN_NAMESPACE_BEGIN

/// Atom counts are padded to a multiple of this in the transposed dictionary (the widest float vector: 16 lanes),
/// so every backend reads whole vectors and the scratch size does not depend on the backend.
constexpr std::size_t omp_atom_pad = 16;

namespace detail {

constexpr std::size_t omp_round_up(std::size_t n, std::size_t m) noexcept {
    return (n + m - 1) / m * m;
}

/// Scalar block: R signals x 4 atoms kept in 4R float registers over the whole dim (Cortex-M7/M4 FPUs have 32
/// single-precision registers), so each multiply-add costs about 1.5 instructions instead of a load and a store.
template <std::size_t R>
inline void omp_correlate_rows_scalar(const float* EDGEKERN_RESTRICT dt, std::size_t kp, std::size_t dim,
                                      const float* EDGEKERN_RESTRICT x, float* EDGEKERN_RESTRICT c) noexcept {
    for (std::size_t k = 0; k < kp; k += 4) {
        float acc[R][4];
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
            for (std::size_t v = 0; v < 4; ++v) acc[r][v] = 0.0f;
        for (std::size_t i = 0; i < dim; ++i) {
            const float* di = dt + i * kp + k;
            const float d0 = di[0], d1 = di[1], d2 = di[2], d3 = di[3];
#pragma GCC unroll 4
            for (std::size_t r = 0; r < R; ++r) {
                const float xr = x[r * dim + i];
                acc[r][0] += xr * d0;
                acc[r][1] += xr * d1;
                acc[r][2] += xr * d2;
                acc[r][3] += xr * d3;
            }
        }
#pragma GCC unroll 4
        for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 4
            for (std::size_t v = 0; v < 4; ++v) c[r * kp + k + v] = acc[r][v];
    }
}

/// Scalar (and Cortex-M) tile product; every output accumulates over i in increasing order. kp is a multiple of 4.
inline void omp_correlate_tile(const float* EDGEKERN_RESTRICT dt, std::size_t kp, std::size_t dim,
                               const float* EDGEKERN_RESTRICT x, std::size_t n_rows, float* EDGEKERN_RESTRICT c,
                               arch::scalar) noexcept {
    std::size_t r = 0;
    for (; r + 4 <= n_rows; r += 4) omp_correlate_rows_scalar<4>(dt, kp, dim, x + r * dim, c + r * kp);
    for (; r < n_rows; ++r) omp_correlate_rows_scalar<1>(dt, kp, dim, x + r * dim, c + r * kp);
}

#if defined(EDGEKERN_HAS_XSIMD)

/// R signals x CV vectors of atoms, accumulated over the whole dim in registers.
template <class A, std::size_t R, std::size_t CV>
EDGEKERN_FORCE_INLINE void omp_correlate_block(const float* EDGEKERN_RESTRICT dt, std::size_t kp, std::size_t dim,
                                               const float* EDGEKERN_RESTRICT x, float* EDGEKERN_RESTRICT c) noexcept {
    using batch = xsimd::batch<float, A>;
    constexpr std::size_t w = batch::size;
    // The fixed-count loops are fully unrolled so the accumulators live in registers.
    batch acc[R][CV];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 16
        for (std::size_t v = 0; v < CV; ++v) acc[r][v] = batch(0.0f);
    for (std::size_t i = 0; i < dim; ++i) {
        batch d[CV];
#pragma GCC unroll 16
        for (std::size_t v = 0; v < CV; ++v) d[v] = batch::load_unaligned(dt + i * kp + v * w);
#pragma GCC unroll 16
        for (std::size_t r = 0; r < R; ++r) {
            const batch xr(x[r * dim + i]);
#pragma GCC unroll 16
            for (std::size_t v = 0; v < CV; ++v) acc[r][v] = xsimd::fma(xr, d[v], acc[r][v]);
        }
    }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 16
        for (std::size_t v = 0; v < CV; ++v) acc[r][v].store_unaligned(c + r * kp + v * w);
}

template <class A, std::size_t R>
EDGEKERN_FORCE_INLINE void omp_correlate_rows(const float* dt, std::size_t kp, std::size_t dim, const float* x,
                                              float* c) noexcept {
    constexpr std::size_t w = xsimd::batch<float, A>::size;
    // 16 accumulators fit the 32 registers of AVX-512 / NEON with room for loads; 8 for the 16 of AVX2 / SSE.
    constexpr std::size_t max_cv = (w >= 16) ? 4 : 2;
    std::size_t k = 0;
    for (; k + max_cv * w <= kp; k += max_cv * w) omp_correlate_block<A, R, max_cv>(dt + k, kp, dim, x, c + k);
    for (; k + w <= kp; k += w) omp_correlate_block<A, R, 1>(dt + k, kp, dim, x, c + k);
}

template <class Tag>
inline void omp_correlate_tile_xsimd(const float* dt, std::size_t kp, std::size_t dim, const float* x,
                                     std::size_t n_rows, float* c) noexcept {
    using A = arch::xsimd_arch_t<Tag>;
    std::size_t r = 0;
    for (; r + 4 <= n_rows; r += 4) omp_correlate_rows<A, 4>(dt, kp, dim, x + r * dim, c + r * kp);
    for (; r < n_rows; ++r) omp_correlate_rows<A, 1>(dt, kp, dim, x + r * dim, c + r * kp);
}

#if defined(EDGEKERN_HAS_SSE2)
inline void omp_correlate_tile(const float* dt, std::size_t kp, std::size_t dim, const float* x, std::size_t n_rows,
                               float* c, arch::sse2) noexcept {
    omp_correlate_tile_xsimd<arch::sse2>(dt, kp, dim, x, n_rows, c);
}
#endif
#if defined(EDGEKERN_HAS_SSE41)
inline void omp_correlate_tile(const float* dt, std::size_t kp, std::size_t dim, const float* x, std::size_t n_rows,
                               float* c, arch::sse41) noexcept {
    omp_correlate_tile_xsimd<arch::sse41>(dt, kp, dim, x, n_rows, c);
}
#endif
#if defined(EDGEKERN_HAS_AVX2)
inline void omp_correlate_tile(const float* dt, std::size_t kp, std::size_t dim, const float* x, std::size_t n_rows,
                               float* c, arch::avx2) noexcept {
    omp_correlate_tile_xsimd<arch::avx2>(dt, kp, dim, x, n_rows, c);
}
#endif
#if defined(EDGEKERN_HAS_AVX512)
inline void omp_correlate_tile(const float* dt, std::size_t kp, std::size_t dim, const float* x, std::size_t n_rows,
                               float* c, arch::avx512) noexcept {
    omp_correlate_tile_xsimd<arch::avx512>(dt, kp, dim, x, n_rows, c);
}
#endif
#if defined(EDGEKERN_HAS_NEON)
inline void omp_correlate_tile(const float* dt, std::size_t kp, std::size_t dim, const float* x, std::size_t n_rows,
                               float* c, arch::neon) noexcept {
    omp_correlate_tile_xsimd<arch::neon>(dt, kp, dim, x, n_rows, c);
}
#endif
#endif // EDGEKERN_HAS_XSIMD

} // namespace detail
EDGEKERN_NAMESPACE_END
