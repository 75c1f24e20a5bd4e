// SPDX-License-Identifier: Apache-2.0
// no-heap cases for sparse coding: omp (float), dictionary helpers.
#include "edgekern/kernels/dictionary_learning.hpp"
#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"
#include "no_heap_case.hpp"

namespace {
constexpr std::size_t k_atoms = 8, k_dim = 4, k_signals = 3;
float g_dict[k_atoms * k_dim];
float g_gram[k_atoms * k_atoms];
float g_sig[k_signals * k_dim];
float g_codes[k_signals * k_atoms];
float g_res[k_signals];
float g_codes9[9 * k_atoms];
float g_scratch[edgekern::omp_batch_scratch_size(k_atoms, k_dim)];

bool omp_setup() {
    for (std::size_t i = 0; i < k_atoms * k_dim; ++i) g_dict[i] = static_cast<float>((i * 7 + 3) % 11) - 5.0f;
    for (std::size_t i = 0; i < k_signals * k_dim; ++i) g_sig[i] = static_cast<float>((i * 5 + 1) % 9) - 4.0f;
    edgekern::span<float> d(g_dict);
    return edgekern::omp_normalize_atoms(d, k_atoms, k_dim) == edgekern::status::ok &&
           edgekern::omp_check_dictionary(edgekern::span<const float>(g_dict), k_atoms, k_dim) ==
               edgekern::status::ok &&
           edgekern::omp_gram(edgekern::span<const float>(g_dict), k_atoms, k_dim, edgekern::span<float>(g_gram)) ==
               edgekern::status::ok;
}
} // namespace

EDGEKERN_NO_HEAP_CASE(omp_f32) {
    if (!omp_setup()) return false;
    edgekern::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = 2;
    const auto st = edgekern::omp_encode_batch<8, 4>(
        edgekern::span<const float>(g_dict), edgekern::span<const float>(g_gram), edgekern::span<const float>(g_sig),
        k_signals, p, edgekern::span<float>(g_codes), edgekern::span<float>(g_res), edgekern::span<float>(g_scratch));
    const auto st1 = edgekern::omp_encode<8, 4>(edgekern::span<const float>(g_dict), edgekern::span<const float>(),
                                                edgekern::span<const float>(g_sig, k_dim), p,
                                                edgekern::span<float>(g_codes, k_atoms), edgekern::span<float>());
    return st == edgekern::status::ok && st1 == edgekern::status::ok;
}

EDGEKERN_NO_HEAP_CASE(patches_extract_reconstruct) {
    if (!omp_setup()) return false;
    static std::uint8_t img[6 * 6];
    for (std::size_t i = 0; i < 36; ++i) img[i] = static_cast<std::uint8_t>(i * 7);
    static float patches[9 * 4], off[9], gain[9], accum[36], recon[9 * 4];
    edgekern::patch_grid g;
    g.height = 6;
    g.width = 6;
    g.patch_h = 2;
    g.patch_w = 2;
    g.stride_y = 2;
    g.stride_x = 2;
    edgekern::patch_params pp;
    pp.normalization = edgekern::patch_normalization::contrast;
    edgekern::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = 2;
    for (float& v : accum) v = 0.0f;
    const bool ok =
        edgekern::extract_patches(edgekern::span<const std::uint8_t>(img), 6, g, pp, 0, 9,
                                  edgekern::span<float>(patches), edgekern::span<float>(off),
                                  edgekern::span<float>(gain)) == edgekern::status::ok &&
        edgekern::omp_encode_batch<8, 4>(edgekern::span<const float>(g_dict), edgekern::span<const float>(g_gram),
                                         edgekern::span<const float>(patches), 9, p, edgekern::span<float>(g_codes9),
                                         edgekern::span<float>(),
                                         edgekern::span<float>(g_scratch)) == edgekern::status::ok &&
        edgekern::omp_reconstruct(edgekern::span<const float>(g_dict), edgekern::span<const float>(g_codes9), 9, p,
                                  edgekern::span<float>(recon)) == edgekern::status::ok &&
        edgekern::patches_accumulate(edgekern::span<const float>(recon), g, 0, 9, edgekern::span<const float>(off),
                                     edgekern::span<const float>(gain),
                                     edgekern::span<float>(accum)) == edgekern::status::ok &&
        edgekern::patches_average(g, edgekern::span<float>(accum)) == edgekern::status::ok;
    return ok;
}

EDGEKERN_NO_HEAP_CASE(omp_q15_s16_s8) {
    if (!omp_setup()) return false;
    static std::int16_t qd[k_atoms * k_dim];
    static std::int16_t x16[k_signals * k_dim];
    static std::int8_t x8[k_signals * k_dim];
    static float gq[k_atoms * k_atoms];
    static float sc[edgekern::omp_batch_scratch_size_q15(k_atoms)];
    for (std::size_t i = 0; i < k_signals * k_dim; ++i) {
        x16[i] = static_cast<std::int16_t>(g_sig[i] * 1000.0f);
        x8[i] = static_cast<std::int8_t>(g_sig[i] * 10.0f);
    }
    edgekern::omp_params p;
    p.n_atoms = k_atoms;
    p.dim = k_dim;
    p.n_nonzero = 2;
    return edgekern::omp_quantize_dictionary_q15(edgekern::span<const float>(g_dict), k_atoms, k_dim,
                                                 edgekern::span<std::int16_t>(qd)) == edgekern::status::ok &&
           edgekern::omp_gram_q15(edgekern::span<const std::int16_t>(qd), k_atoms, k_dim, edgekern::span<float>(gq)) ==
               edgekern::status::ok &&
           edgekern::omp_encode_batch<8, 4>(edgekern::span<const std::int16_t>(qd), edgekern::span<const float>(gq),
                                            edgekern::span<const std::int16_t>(x16), k_signals, p,
                                            edgekern::span<float>(g_codes), edgekern::span<float>(g_res),
                                            edgekern::span<float>(sc)) == edgekern::status::ok &&
           edgekern::omp_encode_batch<8, 4>(edgekern::span<const std::int16_t>(qd), edgekern::span<const float>(gq),
                                            edgekern::span<const std::int8_t>(x8), k_signals, p,
                                            edgekern::span<float>(g_codes), edgekern::span<float>(),
                                            edgekern::span<float>(sc)) == edgekern::status::ok;
}

EDGEKERN_NO_HEAP_CASE(dictionary_learning_ksvd_online) {
    constexpr std::size_t n = 12, k = 4, dim = 4;
    static float x[n * dim], d[k * dim], sc[edgekern::ksvd_scratch_size(k, dim, n, 2)];
    static float st[edgekern::online_dl_state_size(k, dim)], osc[edgekern::online_dl_scratch_size(k, dim, n)];
    static std::uint32_t isc[edgekern::ksvd_index_scratch_size(k, n, 2)];
    for (std::size_t i = 0; i < n * dim; ++i) x[i] = static_cast<float>((i * 7 + 3) % 13) - 6.0f;
    edgekern::dictionary_learning_params p;
    p.n_atoms = k;
    p.dim = dim;
    p.n_nonzero = 2;
    p.n_iter = 2;
    return edgekern::dictionary_init(edgekern::span<const float>(x), n, dim, k, 1, edgekern::span<float>(d)) ==
               edgekern::status::ok &&
           edgekern::ksvd_train<4, 2>(edgekern::span<const float>(x), n, p, edgekern::span<float>(d),
                                      edgekern::span<float>(), edgekern::span<float>(sc),
                                      edgekern::span<std::uint32_t>(isc)) == edgekern::status::ok &&
           edgekern::online_dl_reset(edgekern::span<float>(st), k, dim) == edgekern::status::ok &&
           edgekern::online_dl_update<4, 2>(edgekern::span<float>(d), edgekern::span<float>(st),
                                            edgekern::span<const float>(x), n, p, edgekern::span<float>(),
                                            edgekern::span<float>(osc)) == edgekern::status::ok;
}
