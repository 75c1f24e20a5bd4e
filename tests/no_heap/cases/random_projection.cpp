// SPDX-License-Identifier: Apache-2.0
// no-heap cases for kernels/random_projection: every public entry point (matrix descriptions, generators, the
// sklearn matrix, JL dimension, int8/int16/float/requantized projections of vectors and maps).
#include "edgekern/kernels/random_projection.hpp"
#include "no_heap_case.hpp"

namespace {
using namespace edgekern;
constexpr std::size_t k = 4, d = 12;
std::int8_t x8[2 * d];
std::int16_t x16[2 * d];
float xf[2 * d];
std::int8_t w8[k * d];
std::uint8_t packed[k * ((d + 3) / 4)];
float wf[k * d];
double wd[k * d];
std::int32_t y32[2 * k];
std::int64_t y64[2 * k];
float yf[2 * k];
std::int8_t y8[2 * k];
std::int16_t y16[2 * k];
} // namespace

EDGEKERN_NO_HEAP_CASE(random_projection_matrices) {
    rp_matrix g, s, ms8, mt, mf;
    bool ok_all = make_rp_matrix_free(rp_kind::gaussian, k, d, 7, 0.0, g) == status::ok &&
                  make_rp_matrix_free(rp_kind::sparse, k, d, 7, rp_default_density(d), s) == status::ok &&
                  rp_generate_s8(g, span<std::int8_t>(w8)) == status::ok &&
                  rp_generate_ternary(s, span<std::uint8_t>(packed)) == status::ok &&
                  rp_generate_f32(g, span<float>(wf)) == status::ok &&
                  make_rp_stored_s8(rp_kind::gaussian, k, d, span<const std::int8_t>(w8), g.scale, ms8) == status::ok &&
                  make_rp_stored_ternary(k, d, span<const std::uint8_t>(packed), s.scale, mt) == status::ok &&
                  make_rp_stored_f32(rp_kind::gaussian, k, d, span<const float>(wf), mf) == status::ok &&
                  sklearn_gaussian_random_matrix(42, k, d, span<double>(wd)) == status::ok &&
                  sklearn_gaussian_random_matrix(42, k, d, span<float>(wf)) == status::ok;
    std::size_t jl = 0;
    ok_all = ok_all && johnson_lindenstrauss_min_dim(1000, 0.5, jl) == status::ok && jl == 331;
    return ok_all;
}

EDGEKERN_NO_HEAP_CASE(random_projection_project) {
    rp_matrix g, s;
    if (make_rp_matrix_free(rp_kind::gaussian, k, d, 7, 0.0, g) != status::ok) return false;
    if (make_rp_matrix_free(rp_kind::sparse, k, d, 7, 0.5, s) != status::ok) return false;
    for (std::size_t i = 0; i < 2 * d; ++i) {
        x8[i] = static_cast<std::int8_t>(i * 7);
        x16[i] = static_cast<std::int16_t>(i * 300);
        xf[i] = static_cast<float>(i) * 0.25f;
    }
    quantized_multiplier qm{};
    if (quantize_multiplier(1.0 / 256.0, qm) != status::ok) return false;
    rp_requant q;
    q.multiplier = qm.multiplier;
    q.shift = qm.shift;
    rp_requant q16 = q;
    q16.activation_min = -32768;
    q16.activation_max = 32767;
    return random_projection(g, span<const std::int8_t>(x8, d), span<std::int32_t>(y32)) == status::ok &&
           random_projection_batch(s, 2, span<const std::int8_t>(x8), span<std::int32_t>(y32)) == status::ok &&
           random_projection_batch(g, 2, span<const std::int16_t>(x16), span<std::int64_t>(y64)) == status::ok &&
           random_projection_batch(g, 2, span<const float>(xf), span<float>(yf)) == status::ok &&
           random_projection_batch(g, 2, span<const std::int8_t>(x8), span<std::int8_t>(y8), q) == status::ok &&
           random_projection_batch(g, 2, span<const std::int16_t>(x16), span<std::int16_t>(y16), q16) == status::ok &&
           random_projection_map(g, 1, 1, 2, d, span<const std::int8_t>(x8), span<std::int32_t>(y32)) == status::ok &&
           random_projection_map(g, 1, 2, 1, d, span<const std::int8_t>(x8), span<std::int8_t>(y8), q) == status::ok;
}
