// SPDX-License-Identifier: Apache-2.0
// Cortex-M firmware: instruction counts of OMP sparse coding per 8x8 patch (64 atoms, sparsity 3): float
// Batch-OMP, Q15 atoms with int16 and int8 signals, and patch extraction (mean removal) from a uint8 image.
#include <cstdint>

#include "cycle_counter.hpp"
#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"

namespace {
using namespace edgekern;
constexpr std::size_t K = 64, D = 64, S = 3, N = 64; // N patches per measured call
constexpr std::size_t IMG_W = 8 * 8, IMG_H = 8 * 8;  // 64 patches of 8x8 at stride 8
std::uint8_t img[IMG_W * IMG_H];
float dict[K * D];
std::int16_t qdict[K * D];
float gram[K * K];
float gram_q[K * K];
float x[N * D];
std::int16_t x16[N * D];
std::int8_t x8[N * D];
float codes[N * K];
float res[N];
float scratch[omp_batch_scratch_size(K, D)];
float scratch_q[omp_batch_scratch_size_q15(K)];
} // namespace

int main() {
    edgekern_cm::counter counter;
    std::uint32_t s = 12345;
    for (auto& v : dict) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<float>(static_cast<std::int32_t>(s >> 8) - (1 << 23)) * (1.0f / 8388608.0f);
    }
    for (std::size_t i = 0; i < IMG_W * IMG_H; ++i) {
        s = s * 1664525u + 1013904223u;
        img[i] = static_cast<std::uint8_t>((((i % IMG_W) / 16 + (i / IMG_W) / 16) & 1 ? 160 : 90) + (s >> 27));
    }
    if (omp_normalize_atoms(span<float>(dict), K, D) != status::ok) return 1;
    if (omp_gram(span<const float>(dict), K, D, span<float>(gram)) != status::ok) return 2;
    if (omp_quantize_dictionary_q15(span<const float>(dict), K, D, span<std::int16_t>(qdict)) != status::ok) return 3;
    if (omp_gram_q15(span<const std::int16_t>(qdict), K, D, span<float>(gram_q)) != status::ok) return 4;
    patch_grid g;
    g.height = IMG_H;
    g.width = IMG_W;
    g.patch_h = 8;
    g.patch_w = 8;
    g.stride_y = 8;
    g.stride_x = 8;
    patch_params pp;
    pp.scale = 1.0f / 255.0f;
    status st = status::ok;
    std::int64_t n = counter.measure([&] {
        st = extract_patches(span<const std::uint8_t>(img), IMG_W, g, pp, 0, N, span<float>(x), span<float>(),
                             span<float>());
    });
    if (st != status::ok) return 5;
    edgekern_cm::report("patches/u8_f32/" EDGEKERN_CM_CORE_NAME "/8x8_remove_mean/per_patch", n, N);
    for (std::size_t i = 0; i < N * D; ++i) {
        x16[i] = static_cast<std::int16_t>(x[i] * 32768.0f);
        x8[i] = static_cast<std::int8_t>(x[i] * 127.0f);
    }
    omp_params p;
    p.n_atoms = K;
    p.dim = D;
    p.n_nonzero = S;
    n = counter.measure([&] {
        st = omp_encode_batch<K, S>(span<const float>(dict), span<const float>(gram), span<const float>(x), N, p,
                                    span<float>(codes), span<float>(res), span<float>(scratch));
    });
    if (st != status::ok) return 6;
    edgekern_cm::report("omp/f32_f32_f32/" EDGEKERN_CM_CORE_NAME "/k64_d64_n3/per_patch", n, N);
    n = counter.measure([&] {
        st = omp_encode_batch<K, S>(span<const std::int16_t>(qdict), span<const float>(gram_q),
                                    span<const std::int16_t>(x16), N, p, span<float>(codes), span<float>(res),
                                    span<float>(scratch_q));
    });
    if (st != status::ok) return 7;
    edgekern_cm::report("omp/s16_s16_f32/" EDGEKERN_CM_CORE_NAME "/k64_d64_n3/per_patch", n, N);
    n = counter.measure([&] {
        st = omp_encode_batch<K, S>(span<const std::int16_t>(qdict), span<const float>(gram_q),
                                    span<const std::int8_t>(x8), N, p, span<float>(codes), span<float>(res),
                                    span<float>(scratch_q));
    });
    if (st != status::ok) return 8;
    edgekern_cm::report("omp/s8_s16_f32/" EDGEKERN_CM_CORE_NAME "/k64_d64_n3/per_patch", n, N);
    return 0;
}
