// SPDX-License-Identifier: Apache-2.0
// no-heap cases for kernels/gmm: converter, validation, float scoring (all input types), responsibilities, grids.
#include <cstdint>

#include "edgekern/kernels/gmm.hpp"
#include "no_heap_case.hpp"

namespace {
// A 2-component, 2-feature model built by the converter from covariances.
struct nh_model {
    float log_w[2];
    float prec[8];
    float log_det[2];
    edgekern::gmm_model model;
    edgekern::status st = edgekern::status::invalid_model;
    nh_model() {
        static const float weights[] = {0.4f, 0.6f};
        static const float means[] = {0.0f, 0.0f, 2.0f, 1.0f};
        static const float cov[] = {1.0f, 0.2f, 0.2f, 0.5f, 2.0f, 0.0f, 0.0f, 1.0f};
        double scratch[8];
        edgekern::gmm_model_view v;
        st = edgekern::gmm_from_covariances(edgekern::gmm_covariance::full, 2, 2, weights, means, cov, log_w, prec,
                                            log_det, scratch, v);
        if (st == edgekern::status::ok) st = edgekern::gmm_validate(v, model);
    }
};
} // namespace

EDGEKERN_NO_HEAP_CASE(gmm_convert_validate_score_f32) {
    nh_model m;
    if (m.st != edgekern::status::ok) return false;
    const float x[] = {0.5f, 0.25f, 1.0f, 1.0f};
    float one = 0.0f, batch[2], resp[4], ll[2];
    edgekern::status st = edgekern::gmm_log_likelihood(m.model, edgekern::span<const float>(x, 2), one);
    if (st == edgekern::status::ok) st = edgekern::gmm_log_likelihood(m.model, x, 2, batch);
    if (st == edgekern::status::ok) st = edgekern::gmm_log_responsibilities(m.model, x, 2, resp, ll);
    return st == edgekern::status::ok;
}

EDGEKERN_NO_HEAP_CASE(gmm_score_quantized_inputs_and_grids) {
    nh_model m;
    if (m.st != edgekern::status::ok) return false;
    const std::int16_t x16[] = {100, -20, 3, 7};
    const std::int8_t x8[] = {10, -2, 3, 7};
    const float grid[] = {0.5f, 0.25f, 1.0f, 1.0f};
    float one = 0.0f, batch[2], cells[2];
    edgekern::status st =
        edgekern::gmm_log_likelihood(m.model, edgekern::span<const std::int16_t>(x16, 2), {0.01f, 0}, one);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood(m.model, edgekern::span<const std::int16_t>(x16), {0.01f, 0}, 2, batch);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood(m.model, edgekern::span<const std::int8_t>(x8, 2), {0.1f, 1}, one);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood(m.model, edgekern::span<const std::int8_t>(x8), {0.1f, 1}, 2, batch);
    if (st == edgekern::status::ok) st = edgekern::gmm_score_grid(m.model, grid, {1, 2, 2}, cells);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_score_grid(m.model, edgekern::span<const std::int8_t>(x8), {0.1f, 1}, {1, 2, 2}, cells);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_score_grid(m.model, edgekern::span<const std::int16_t>(x16), {0.01f, 0}, {1, 2, 2}, cells);
    const edgekern::gmm_model per_cell[] = {m.model, m.model};
    if (st == edgekern::status::ok)
        st = edgekern::gmm_score_grid(edgekern::span<const edgekern::gmm_model>(per_cell), grid, {1, 2, 2}, cells);
    return st == edgekern::status::ok;
}

EDGEKERN_NO_HEAP_CASE(gmm_fixed_prepare_validate_score) {
    nh_model m;
    if (m.st != edgekern::status::ok) return false;
    std::int32_t means[4], factors[8], consts[2], out[2], one = 0;
    std::int8_t shifts[2];
    edgekern::gmm_fixed_model_view v;
    edgekern::gmm_fixed_model fm16, fm8;
    edgekern::status st = edgekern::gmm_fixed_from_float(m.model, {0.001f, 0}, edgekern::gmm_fixed_input::s16, means,
                                                         factors, shifts, consts, v);
    if (st == edgekern::status::ok) st = edgekern::gmm_validate_fixed(v, fm16);
    const std::int16_t x16[] = {100, -20, 3, 7};
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood_fixed(fm16, edgekern::span<const std::int16_t>(x16, 2), one);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood_fixed(fm16, edgekern::span<const std::int16_t>(x16), 2, out);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_score_grid_fixed(fm16, edgekern::span<const std::int16_t>(x16), {1, 2, 2}, out);
    std::int32_t means8[4], factors8[8], consts8[2];
    std::int8_t shifts8[2];
    if (st == edgekern::status::ok)
        st = edgekern::gmm_fixed_from_float(m.model, {0.05f, 0}, edgekern::gmm_fixed_input::s8, means8, factors8,
                                            shifts8, consts8, v);
    if (st == edgekern::status::ok) st = edgekern::gmm_validate_fixed(v, fm8);
    const std::int8_t x8[] = {10, -2, 3, 7};
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood_fixed(fm8, edgekern::span<const std::int8_t>(x8, 2), one);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_log_likelihood_fixed(fm8, edgekern::span<const std::int8_t>(x8), 2, out);
    if (st == edgekern::status::ok)
        st = edgekern::gmm_score_grid_fixed(fm8, edgekern::span<const std::int8_t>(x8), {1, 2, 2}, out);
    return st == edgekern::status::ok;
}

EDGEKERN_NO_HEAP_CASE(gmm_em_fit_and_streaming) {
    static const float x[] = {0.0f, 0.1f, 0.2f, -0.1f, 0.1f, 0.0f, 5.0f, 5.1f, 5.2f, 4.9f, 4.8f, 5.0f};
    float log_w[2], means[4], prec[8], log_det[2];
    static double scratch[edgekern::gmm_em_scratch_size(edgekern::gmm_covariance::full, 2, 2)];
    edgekern::gmm_em_params p;
    p.n_components = 2;
    edgekern::gmm_model model;
    edgekern::gmm_em_result res;
    const edgekern::gmm_model_buffers buf{log_w, means, prec, log_det};
    edgekern::status st = edgekern::gmm_em_fit(x, 6, 2, p, buf, scratch, model, res);
    if (st == edgekern::status::ok) st = edgekern::gmm_em_stats_reset(edgekern::gmm_covariance::full, 2, 2, scratch);
    if (st == edgekern::status::ok) st = edgekern::gmm_em_accumulate(model, x, 6, scratch);
    if (st == edgekern::status::ok) st = edgekern::gmm_em_m_step(model, buf, 1e-6f, scratch, res);
    return st == edgekern::status::ok;
}
