// SPDX-License-Identifier: Apache-2.0
// test_bad_input.cpp: the bad-input matrix: every public entry point x every class of bad input it can receive
// (null/empty spans, zero/negative/huge dims, products overflowing size_t, wrong shapes, non-finite floats, invalid
// quantization, scratch too small, aliasing) -> the documented status, with every output taken from one canary
// arena that must still hold only canary bytes afterwards (nothing written inside or around any output).
// One table row per (function, bad input); the table is printed on failure, so coverage is visible.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "doctest/doctest.h"
#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/elementwise_add.hpp"
#include "edgekern/kernels/fully_connected.hpp"
#include "edgekern/kernels/gmm.hpp"
#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/patches.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "edgekern/kernels/random_projection.hpp"
#include "support/test_support.hpp"

using namespace edgekern;

namespace {

constexpr unsigned char canary = 0xA5;
constexpr std::size_t arena_bytes = 4096;
alignas(64) unsigned char arena[arena_bytes];
void reset_arena() {
    std::memset(arena, canary, sizeof arena);
}
bool arena_intact() {
    for (unsigned char b : arena)
        if (b != canary) return false;
    return true;
}
/// An output of n elements of T in the middle of the canary arena (canaries before, after and inside).
template <class T>
span<T> out(std::size_t n) {
    return span<T>(reinterpret_cast<T*>(arena + 1024), n);
}

// valid inputs shared by the rows (small; everything fits a Cortex-M RAM budget)
alignas(16) std::int8_t x8[64] = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 15, -16};
alignas(16) std::int8_t w8[64] = {3, 1, -1, 2, 0, 1, 1, -3, 2, 2, -2, 1, 0, 1, 1, 1};
alignas(16) std::int16_t x16[64] = {100, -200, 300, -400, 500, -600, 700, -800};
alignas(16) float xf[64] = {0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 1.5f, 0.125f, -2.0f};
alignas(16) float wf[64] = {1.0f, 0.5f, -0.5f, 0.25f, 1.0f, -1.0f, 0.75f, 0.5f};
std::int32_t bias32[4] = {10, -10, 0, 5};
std::int64_t bias64[4] = {10, -10, 0, 5};
std::int32_t mult[1] = {1 << 30};
std::int32_t shift[1] = {-3};
std::int32_t bad_mult[1] = {12345};
std::int32_t bad_shift[1] = {31};
const float nan_f = std::numeric_limits<float>::quiet_NaN();
const float inf_f = std::numeric_limits<float>::infinity();

/// 1x4x4x2 -> 3x3 kernel, valid padding -> 1x2x2x2 (every conv row starts from this and breaks one thing).
conv2d_params conv_ok() {
    conv2d_params p;
    p.in_h = p.in_w = 4;
    p.in_c = 2;
    p.out_c = 2;
    p.kernel_h = p.kernel_w = 3;
    p.out_h = p.out_w = 2;
    return p;
}
depthwise_conv2d_params dw_ok() {
    depthwise_conv2d_params d;
    d.in_h = d.in_w = 4;
    d.in_c = 2;
    d.kernel_h = d.kernel_w = 3;
    d.out_h = d.out_w = 2;
    return d;
}
pool2d_params pool_ok() {
    pool2d_params p;
    p.in_h = p.in_w = 4;
    p.channels = 2;
    p.filter_h = p.filter_w = 2;
    p.stride_h = p.stride_w = 2;
    p.out_h = p.out_w = 2;
    return p;
}
fully_connected_params fc_ok() {
    fully_connected_params f;
    f.in_features = 8;
    f.out_features = 2;
    return f;
}
elementwise_add_params add_ok() {
    elementwise_add_params p;
    p.input1_multiplier = p.input2_multiplier = p.output_multiplier = 1 << 30;
    p.input1_shift = p.input2_shift = -1;
    p.output_shift = -19;
    return p;
}
std::byte scratch_bytes[1 << 14];

status conv_s8(const conv2d_params& p, span<const std::int8_t> in, span<std::int8_t> o, span<const std::int32_t> m,
               span<const std::int32_t> s) {
    return conv2d(
        p, in, span<const std::int8_t>(w8, 36), span<const std::int32_t>(bias32, 2), m, s, o,
        span<std::byte>(scratch_bytes, conv2d_scratch_size(p) <= sizeof scratch_bytes ? conv2d_scratch_size(p) : 0));
}
status conv_s8(const conv2d_params& p) {
    return conv_s8(p, span<const std::int8_t>(x8, 32), out<std::int8_t>(8), span<const std::int32_t>(mult, 1),
                   span<const std::int32_t>(shift, 1));
}

// ---- OMP fixtures: 3 unit atoms in dim 4 ---------------------------------------------------------------------------
float dict[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.6f, 0.8f};
float gram9[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
float sig[8] = {0.5f, 0.25f, 1.0f, -1.0f, 0.1f, 0.2f, 0.3f, 0.4f};
omp_params omp_ok() {
    omp_params p;
    p.n_atoms = 3;
    p.dim = 4;
    p.n_nonzero = 2;
    return p;
}
status encode(span<const float> d, span<const float> s, const omp_params& p, std::size_t code_n = 3) {
    return omp_encode<4, 2>(d, span<const float>(gram9, 9), s, p, out<float>(code_n), span<float>());
}
float omp_scratch[512];
status encode_batch(const omp_params& p, std::size_t n_signals, std::size_t scratch_n) {
    return omp_encode_batch<4, 2>(span<const float>(dict, 12), span<const float>(gram9, 9),
                                  span<const float>(sig, n_signals * 4), n_signals, p, out<float>(n_signals * 3),
                                  span<float>(), span<float>(omp_scratch, scratch_n));
}

// ---- GMM fixtures: diag, K = 2, d = 2 -----------------------------------------------------------------------------
float g_logw[2] = {-0.69314718f, -0.69314718f};
float g_means[4] = {0, 0, 1, 1};
float g_prec[4] = {1, 1, 2, 2};
float g_logdet[2] = {0.0f, 1.38629436f};
gmm_model_view gmm_view_ok() {
    gmm_model_view v;
    v.type = gmm_covariance::diag;
    v.n_components = 2;
    v.n_features = 2;
    v.log_weights = span<const float>(g_logw, 2);
    v.means = span<const float>(g_means, 4);
    v.precisions_chol = span<const float>(g_prec, 4);
    v.log_det_chol = span<const float>(g_logdet, 2);
    return v;
}
gmm_model gmm_ok() {
    gmm_model m;
    const status st = gmm_validate(gmm_view_ok(), m);
    (void)st;
    return m;
}
status validate(const gmm_model_view& v) {
    // the output model lives in the arena: untouched on failure
    gmm_model* m = reinterpret_cast<gmm_model*>(arena + 1024);
    return gmm_validate(v, *m);
}
float gx[8] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
double em_scratch[256];

// ---- random projection fixtures ------------------------------------------------------------------------------------
rp_matrix rp_ok() {
    rp_matrix m;
    const status st = make_rp_matrix_free(rp_kind::gaussian, 2, 8, 7u, 1.0, m);
    (void)st;
    return m;
}
status make_free(rp_kind kind, std::size_t k, std::size_t d, double density) {
    return make_rp_matrix_free(kind, k, d, 1u, density, *reinterpret_cast<rp_matrix*>(arena + 1024));
}

struct row {
    const char* function;
    const char* bad_input;
    status expected;
    status (*run)();
};

// clang-format off
const row table[] = {
    // ---- conv2d (s8) ----
    {"conv2d s8", "empty input span", status::null_buffer, [] { return conv_s8(conv_ok(), span<const std::int8_t>(), out<std::int8_t>(8), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "empty output span", status::null_buffer, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(0), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "null multiplier", status::null_buffer, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(8), span<const std::int32_t>(), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "zero dim (in_h = 0)", status::invalid_shape, [] { auto p = conv_ok(); p.in_h = 0; return conv_s8(p); }},
    {"conv2d s8", "negative dim (in_c = -2)", status::invalid_shape, [] { auto p = conv_ok(); p.in_c = -2; return conv_s8(p); }},
    {"conv2d s8", "stride 0", status::invalid_shape, [] { auto p = conv_ok(); p.stride_h = 0; return conv_s8(p); }},
    {"conv2d s8", "huge dims: product overflows", status::invalid_shape, [] { auto p = conv_ok(); p.batch = p.in_h = p.in_w = p.in_c = INT32_MAX; return conv_s8(p); }},
    {"conv2d s8", "negative explicit pad", status::invalid_shape, [] { auto p = conv_ok(); p.padding = padding_kind::explicit_pad; p.pad_top = -1; return conv_s8(p); }},
    {"conv2d s8", "kernel larger than input (valid)", status::invalid_shape, [] { auto p = conv_ok(); p.kernel_h = 5; return conv_s8(p); }},
    {"conv2d s8", "out_h differs from geometry", status::shape_mismatch, [] { auto p = conv_ok(); p.out_h = 3; return conv_s8(p); }},
    {"conv2d s8", "groups not dividing in_c", status::shape_mismatch, [] { auto p = conv_ok(); p.groups = 3; p.out_c = 3; p.in_c = 2; return conv_s8(p); }},
    {"conv2d s8", "input shorter than shape", status::shape_mismatch, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 31), out<std::int8_t>(8), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "multiplier/shift sizes differ", status::shape_mismatch, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(8), span<const std::int32_t>(bias32, 2), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "input zero point 128", status::invalid_quantization, [] { auto p = conv_ok(); p.input_zero_point = 128; return conv_s8(p); }},
    {"conv2d s8", "output zero point -129", status::invalid_quantization, [] { auto p = conv_ok(); p.output_zero_point = -129; return conv_s8(p); }},
    {"conv2d s8", "multiplier below 2^30", status::invalid_quantization, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(8), span<const std::int32_t>(bad_mult, 1), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "shift 31", status::invalid_quantization, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(8), span<const std::int32_t>(mult, 1), span<const std::int32_t>(bad_shift, 1)); }},
    {"conv2d s8", "act_min > act_max", status::invalid_range, [] { auto p = conv_ok(); p.act_min = 5; p.act_max = 4; return conv_s8(p); }},
    {"conv2d s8", "output too small", status::buffer_too_small, [] { return conv_s8(conv_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(7), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "output aliases input", status::aliasing, [] { static std::int8_t buf[64]; return conv_s8(conv_ok(), span<const std::int8_t>(buf, 32), span<std::int8_t>(buf + 16, 8), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1)); }},
    {"conv2d s8", "reduction 2^16 + 1 (headroom)", status::headroom_exceeded, [] {
        conv2d_params p; p.in_h = p.in_w = 1; p.in_c = 65537; p.out_c = 1; p.out_h = p.out_w = 1;
        static std::int8_t big[65537];
        return conv2d(p, span<const std::int8_t>(big, 65537), span<const std::int8_t>(big, 65537), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(1), span<std::byte>(scratch_bytes, 1024)); }},
    {"conv2d_pack_weights", "packed too small", status::buffer_too_small, [] { return conv2d_pack_weights(conv_ok(), span<const std::int8_t>(w8, 36), out<std::byte>(16)); }},
    {"conv2d_packed", "packed for another geometry", status::shape_mismatch, [] {
        static std::byte packed[1024]; auto p = conv_ok(); auto st = conv2d_pack_weights(p, span<const std::int8_t>(w8, 36), span<std::byte>(packed, 1024)); (void)st;
        p.out_c = 1;
        return conv2d_packed(p, span<const std::int8_t>(x8, 32), span<const std::byte>(packed, 1024), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(8), span<std::byte>(scratch_bytes, 1024)); }},
    // ---- conv2d (s16, f32) ----
    {"conv2d s16/s64", "zero point != 0", status::invalid_quantization, [] { auto p = conv_ok(); p.input_zero_point = 1; return conv2d(p, span<const std::int16_t>(x16, 32), span<const std::int8_t>(w8, 36), span<const std::int64_t>(bias64, 2), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int16_t>(8)); }},
    {"conv2d s16/s32", "reduction 512 (headroom 511)", status::headroom_exceeded, [] {
        conv2d_params p; p.in_h = p.in_w = 1; p.in_c = 512; p.out_c = 1; p.out_h = p.out_w = 1;
        static std::int16_t xi[512]; static std::int8_t wi[512];
        return conv2d(p, span<const std::int16_t>(xi, 512), span<const std::int8_t>(wi, 512), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int16_t>(1)); }},
    {"conv2d s16/s64", "bias size != out_c", status::shape_mismatch, [] { return conv2d(conv_ok(), span<const std::int16_t>(x16, 32), span<const std::int8_t>(w8, 36), span<const std::int64_t>(bias64, 3), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int16_t>(8)); }},
    {"conv2d f32", "NaN clamp bound", status::invalid_range, [] { auto p = conv_ok(); p.float_min = nan_f; return conv2d(p, span<const float>(xf, 32), span<const float>(wf, 36), span<const float>(), out<float>(8)); }},
    {"conv2d f32", "float_min > float_max", status::invalid_range, [] { auto p = conv_ok(); p.float_min = 1; p.float_max = 0; return conv2d(p, span<const float>(xf, 32), span<const float>(wf, 36), span<const float>(), out<float>(8)); }},
    {"conv2d f32", "filter shorter than shape", status::shape_mismatch, [] { return conv2d(conv_ok(), span<const float>(xf, 32), span<const float>(wf, 35), span<const float>(), out<float>(8)); }},
    {"conv2d f32", "empty filter", status::null_buffer, [] { return conv2d(conv_ok(), span<const float>(xf, 32), span<const float>(), span<const float>(), out<float>(8)); }},
    // ---- depthwise ----
    {"depthwise_conv2d s8", "depth multiplier 0", status::invalid_shape, [] { auto d = dw_ok(); d.depth_multiplier = 0; return depthwise_conv2d(d, span<const std::int8_t>(x8, 32), span<const std::int8_t>(w8, 18), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(8)); }},
    {"depthwise_conv2d s8", "filter too short", status::shape_mismatch, [] { return depthwise_conv2d(dw_ok(), span<const std::int8_t>(x8, 32), span<const std::int8_t>(w8, 17), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(8)); }},
    {"depthwise_conv2d s8", "output too small", status::buffer_too_small, [] { return depthwise_conv2d(dw_ok(), span<const std::int8_t>(x8, 32), span<const std::int8_t>(w8, 18), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(7)); }},
    {"depthwise_conv2d s16", "zero point != 0", status::invalid_quantization, [] { auto d = dw_ok(); d.output_zero_point = 3; return depthwise_conv2d(d, span<const std::int16_t>(x16, 32), span<const std::int8_t>(w8, 18), span<const std::int64_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int16_t>(8)); }},
    {"depthwise_conv2d f32", "float_min > float_max", status::invalid_range, [] { auto d = dw_ok(); d.float_min = 2; d.float_max = 1; return depthwise_conv2d(d, span<const float>(xf, 32), span<const float>(wf, 18), span<const float>(), out<float>(8)); }},
    // ---- fully connected ----
    {"fully_connected s8", "weights zero point 300", status::invalid_quantization, [] { auto f = fc_ok(); f.weights_zero_point = 300; return fully_connected(f, span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 16), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(2), span<std::byte>()); }},
    {"fully_connected s8", "in_features 0", status::invalid_shape, [] { auto f = fc_ok(); f.in_features = 0; return fully_connected(f, span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 16), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(2), span<std::byte>()); }},
    {"fully_connected s8", "weights shorter than shape", status::shape_mismatch, [] { auto f = fc_ok(); f.weights_zero_point = 1; return fully_connected(f, span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 15), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(2), span<std::byte>()); }},
    {"fully_connected s8 (wzp)", "in_features 2^15 + 1 (headroom)", status::headroom_exceeded, [] {
        fully_connected_params f; f.in_features = 32769; f.out_features = 1; f.weights_zero_point = 1;
        static std::int8_t big[32769];
        return fully_connected(f, span<const std::int8_t>(big, 32769), span<const std::int8_t>(big, 32769), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int8_t>(1), span<std::byte>()); }},
    {"fully_connected s16/s32", "weights zero point != 0", status::invalid_quantization, [] { auto f = fc_ok(); f.weights_zero_point = 2; return fully_connected(f, span<const std::int16_t>(x16, 8), span<const std::int8_t>(w8, 16), span<const std::int32_t>(), span<const std::int32_t>(mult, 1), span<const std::int32_t>(shift, 1), out<std::int16_t>(2)); }},
    {"fully_connected f32", "output aliases weights", status::aliasing, [] { static float buf[32]; return fully_connected(fc_ok(), span<const float>(xf, 8), span<const float>(buf, 16), span<const float>(), span<float>(buf + 14, 2)); }},
    // ---- pooling ----
    {"avg_pool2d s8", "filter 0", status::invalid_shape, [] { auto p = pool_ok(); p.filter_h = 0; return avg_pool2d(p, span<const std::int8_t>(x8, 32), out<std::int8_t>(8)); }},
    {"avg_pool2d s8", "act_min > act_max", status::invalid_range, [] { auto p = pool_ok(); p.act_min = 1; p.act_max = 0; return avg_pool2d(p, span<const std::int8_t>(x8, 32), out<std::int8_t>(8)); }},
    {"max_pool2d s8", "out_w differs from geometry", status::shape_mismatch, [] { auto p = pool_ok(); p.out_w = 3; return max_pool2d(p, span<const std::int8_t>(x8, 32), out<std::int8_t>(12)); }},
    {"max_pool2d s16", "output too small", status::buffer_too_small, [] { return max_pool2d(pool_ok(), span<const std::int16_t>(x16, 32), out<std::int16_t>(7)); }},
    {"avg_pool2d f32", "NaN clamp bound", status::invalid_range, [] { auto p = pool_ok(); p.float_max = nan_f; return avg_pool2d(p, span<const float>(xf, 32), out<float>(8)); }},
    {"max_pool2d f32", "output aliases input", status::aliasing, [] { static float buf[40]; return max_pool2d(pool_ok(), span<const float>(buf, 32), span<float>(buf + 30, 8)); }},
    // ---- elementwise add ----
    {"elementwise_add s8", "input sizes differ", status::shape_mismatch, [] { return elementwise_add(add_ok(), span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 7), out<std::int8_t>(8)); }},
    {"elementwise_add s8", "left_shift 21", status::invalid_argument, [] { auto p = add_ok(); p.left_shift = 21; return elementwise_add(p, span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 8), out<std::int8_t>(8)); }},
    {"elementwise_add s8", "input shift > 0", status::invalid_quantization, [] { auto p = add_ok(); p.input1_shift = 1; return elementwise_add(p, span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 8), out<std::int8_t>(8)); }},
    {"elementwise_add s8", "act range outside int8", status::invalid_range, [] { auto p = add_ok(); p.act_min = 200; p.act_max = 300; return elementwise_add(p, span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 8), out<std::int8_t>(8)); }},
    {"elementwise_add s8", "output partially overlaps input", status::aliasing, [] { static std::int8_t buf[16]; return elementwise_add(add_ok(), span<const std::int8_t>(buf, 8), span<const std::int8_t>(w8, 8), span<std::int8_t>(buf + 1, 8)); }},
    {"elementwise_add f32", "empty input", status::null_buffer, [] { return elementwise_add(add_ok(), span<const float>(), span<const float>(wf, 8), out<float>(8)); }},
    // ---- OMP ----
    {"omp_gram", "n_atoms 0", status::invalid_shape, [] { return omp_gram(span<const float>(dict, 12), 0, 4, out<float>(9)); }},
    {"omp_gram", "n_atoms * dim overflows size_t", status::invalid_shape, [] { return omp_gram(span<const float>(dict, 12), SIZE_MAX / 2, 3, out<float>(9)); }},
    {"omp_gram", "NaN in dictionary", status::non_finite, [] { static float d[12]; std::memcpy(d, dict, sizeof d); d[5] = nan_f; return omp_gram(span<const float>(d, 12), 3, 4, out<float>(9)); }},
    {"omp_gram", "gram too small", status::buffer_too_small, [] { return omp_gram(span<const float>(dict, 12), 3, 4, out<float>(8)); }},
    {"omp_gram", "gram aliases dictionary", status::aliasing, [] { static float d[24]; std::memcpy(d, dict, sizeof dict); return omp_gram(span<const float>(d, 12), 3, 4, span<float>(d + 6, 9)); }},
    {"omp_normalize_atoms", "zero atom", status::invalid_model, [] { float* d = reinterpret_cast<float*>(arena + 1024); (void)d; static float z[12] = {1, 0, 0, 0}; return omp_normalize_atoms(span<float>(z, 12), 3, 4); }},
    {"omp_encode", "non-unit atom", status::invalid_model, [] { static float d[12]; std::memcpy(d, dict, sizeof d); d[0] = 2; return encode(span<const float>(d, 12), span<const float>(sig, 4), omp_ok()); }},
    {"omp_encode", "no stopping rule", status::invalid_argument, [] { auto p = omp_ok(); p.n_nonzero = 0; p.tol = -1; return encode(span<const float>(dict, 12), span<const float>(sig, 4), p); }},
    {"omp_encode", "n_nonzero > n_atoms", status::invalid_argument, [] { auto p = omp_ok(); p.n_atoms = 1; p.n_nonzero = 2; return omp_encode<4, 2>(span<const float>(dict, 4), span<const float>(), span<const float>(sig, 4), p, out<float>(1), span<float>()); }},
    {"omp_encode", "NaN in signal", status::non_finite, [] { static float s[4] = {0, nan_f, 0, 0}; return encode(span<const float>(dict, 12), span<const float>(s, 4), omp_ok()); }},
    {"omp_encode", "Inf tol", status::non_finite, [] { auto p = omp_ok(); p.tol = inf_f; return encode(span<const float>(dict, 12), span<const float>(sig, 4), p); }},
    {"omp_encode", "n_atoms > MaxAtoms", status::buffer_too_small, [] { auto p = omp_ok(); p.n_atoms = 5; static float d[20]; return omp_encode<4, 2>(span<const float>(d, 20), span<const float>(), span<const float>(sig, 4), p, out<float>(5), span<float>()); }},
    {"omp_encode", "code too small", status::buffer_too_small, [] { return encode(span<const float>(dict, 12), span<const float>(sig, 4), omp_ok(), 2); }},
    {"omp_encode", "signal length != dim", status::shape_mismatch, [] { return encode(span<const float>(dict, 12), span<const float>(sig, 3), omp_ok()); }},
    {"omp_encode_batch", "n_signals 0", status::invalid_shape, [] { return encode_batch(omp_ok(), 0, 512); }},
    {"omp_encode_batch", "scratch too small", status::buffer_too_small, [] { return encode_batch(omp_ok(), 2, omp_batch_scratch_size(3, 4) - 1); }},
    {"omp_encode_batch (int8)", "dim 513 (headroom)", status::headroom_exceeded, [] { auto p = omp_ok(); p.dim = 513; static std::int16_t d[3 * 513]; static std::int8_t s[513]; return omp_encode_batch<4, 2>(span<const std::int16_t>(d, 3 * 513), span<const float>(gram9, 9), span<const std::int8_t>(s, 513), 1, p, out<float>(3), span<float>(), span<float>(omp_scratch, 512)); }},
    {"omp_reconstruct", "NaN code", status::non_finite, [] { static float c[3] = {1, nan_f, 0}; return omp_reconstruct(span<const float>(dict, 12), span<const float>(c, 3), 1, omp_ok(), out<float>(4)); }},
    {"omp_quantize_dictionary_q15", "output too small", status::buffer_too_small, [] { return omp_quantize_dictionary_q15(span<const float>(dict, 12), 3, 4, out<std::int16_t>(11)); }},
    {"omp_gram_q15", "dim 0", status::invalid_shape, [] { static std::int16_t d[12]; return omp_gram_q15(span<const std::int16_t>(d, 12), 3, 0, out<float>(9)); }},
    // ---- patches ----
    {"extract_patches", "stride 0", status::invalid_argument, [] { patch_grid g{4, 4, 2, 2, 0, 1}; return extract_patches(span<const float>(xf, 16), 4, g, patch_params{}, 0, 1, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "patch larger than image", status::shape_mismatch, [] { patch_grid g{4, 4, 5, 2, 1, 1}; return extract_patches(span<const float>(xf, 16), 4, g, patch_params{}, 0, 1, out<float>(10), span<float>(), span<float>()); }},
    {"extract_patches", "height * width overflows", status::invalid_shape, [] { patch_grid g{SIZE_MAX / 2, 4, 2, 2, 1, 1}; return extract_patches(span<const float>(xf, 16), 4, g, patch_params{}, 0, 1, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "count 0", status::invalid_shape, [] { patch_grid g{4, 4, 2, 2, 1, 1}; return extract_patches(span<const float>(xf, 16), 4, g, patch_params{}, 0, 0, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "range beyond the grid", status::invalid_argument, [] { patch_grid g{4, 4, 2, 2, 1, 1}; return extract_patches(span<const float>(xf, 16), 4, g, patch_params{}, 8, 2, out<float>(8), span<float>(), span<float>()); }},
    {"extract_patches", "row_stride < width", status::shape_mismatch, [] { patch_grid g{4, 4, 2, 2, 1, 1}; return extract_patches(span<const float>(xf, 16), 3, g, patch_params{}, 0, 1, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "NaN scale", status::non_finite, [] { patch_grid g{4, 4, 2, 2, 1, 1}; patch_params pp; pp.scale = nan_f; return extract_patches(span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(x8), 16), 4, g, pp, 0, 1, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "contrast eps 0", status::invalid_argument, [] { patch_grid g{4, 4, 2, 2, 1, 1}; patch_params pp; pp.normalization = patch_normalization::contrast; pp.contrast_eps = 0; return extract_patches(span<const std::int16_t>(x16, 16), 4, g, pp, 0, 1, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "Inf pixel", status::non_finite, [] { static float im[16]; im[1] = inf_f; patch_grid g{4, 4, 2, 2, 1, 1}; return extract_patches(span<const float>(im, 16), 4, g, patch_params{}, 0, 1, out<float>(4), span<float>(), span<float>()); }},
    {"extract_patches", "patches too small", status::buffer_too_small, [] { patch_grid g{4, 4, 2, 2, 1, 1}; return extract_patches(span<const float>(xf, 16), 4, g, patch_params{}, 0, 2, out<float>(7), span<float>(), span<float>()); }},
    {"patches_accumulate", "accum size != h * w", status::shape_mismatch, [] { patch_grid g{4, 4, 2, 2, 1, 1}; return patches_accumulate(span<const float>(xf, 4), g, 0, 1, span<const float>(), span<const float>(), out<float>(15)); }},
    {"patches_average", "zero patch dims", status::invalid_shape, [] { patch_grid g{4, 4, 0, 2, 1, 1}; return patches_average(g, out<float>(16)); }},
    // ---- GMM ----
    {"gmm_validate", "K = 0", status::invalid_shape, [] { auto v = gmm_view_ok(); v.n_components = 0; return validate(v); }},
    {"gmm_validate", "K * d overflows", status::invalid_shape, [] { auto v = gmm_view_ok(); v.n_components = SIZE_MAX / 2; v.n_features = 4; return validate(v); }},
    {"gmm_validate", "means span empty", status::null_buffer, [] { auto v = gmm_view_ok(); v.means = span<const float>(); return validate(v); }},
    {"gmm_validate", "means size != K d", status::shape_mismatch, [] { auto v = gmm_view_ok(); v.means = span<const float>(g_means, 3); return validate(v); }},
    {"gmm_validate", "NaN mean", status::non_finite, [] { static float m[4] = {0, nan_f, 1, 1}; auto v = gmm_view_ok(); v.means = span<const float>(m, 4); return validate(v); }},
    {"gmm_validate", "weights not summing to 1", status::invalid_model, [] { static float w[2] = {-0.1f, -0.1f}; auto v = gmm_view_ok(); v.log_weights = span<const float>(w, 2); return validate(v); }},
    {"gmm_validate", "precision diagonal <= 0", status::invalid_model, [] { static float p[4] = {1, -1, 2, 2}; auto v = gmm_view_ok(); v.precisions_chol = span<const float>(p, 4); return validate(v); }},
    {"gmm_log_likelihood", "model not validated", status::invalid_model, [] { return gmm_log_likelihood(gmm_model{}, span<const float>(gx, 4), 2, out<float>(2)); }},
    {"gmm_log_likelihood", "NaN sample", status::non_finite, [] { static float x[4] = {0, 0, nan_f, 0}; return gmm_log_likelihood(gmm_ok(), span<const float>(x, 4), 2, out<float>(2)); }},
    {"gmm_log_likelihood", "x size != n d", status::shape_mismatch, [] { return gmm_log_likelihood(gmm_ok(), span<const float>(gx, 5), 2, out<float>(2)); }},
    {"gmm_log_likelihood", "out too small", status::buffer_too_small, [] { return gmm_log_likelihood(gmm_ok(), span<const float>(gx, 4), 2, out<float>(1)); }},
    {"gmm_log_likelihood", "out aliases x", status::aliasing, [] { static float x[6] = {0.1f, 0.2f, 0.3f, 0.4f}; return gmm_log_likelihood(gmm_ok(), span<const float>(x, 4), 2, span<float>(x + 2, 2)); }},
    {"gmm_log_likelihood (int16)", "scale 0", status::invalid_quantization, [] { gmm_input_quant q; q.scale = 0; return gmm_log_likelihood(gmm_ok(), span<const std::int16_t>(x16, 4), q, 2, out<float>(2)); }},
    {"gmm_log_likelihood (int8)", "zero point > 2^23", status::invalid_quantization, [] { gmm_input_quant q; q.zero_point = (1 << 23) + 1; return gmm_log_likelihood(gmm_ok(), span<const std::int8_t>(x8, 4), q, 2, out<float>(2)); }},
    {"gmm_log_responsibilities", "resp too small", status::buffer_too_small, [] { return gmm_log_responsibilities(gmm_ok(), span<const float>(gx, 4), 2, out<float>(3), span<float>()); }},
    {"gmm_score_grid", "channels != d", status::shape_mismatch, [] { return gmm_score_grid(gmm_ok(), span<const float>(gx, 6), gmm_grid_shape{1, 2, 3}, out<float>(2)); }},
    {"gmm_from_covariances", "covariance not positive definite", status::numeric_error, [] {
        static float w[1] = {1}, mu[2] = {0, 0}, cov[4] = {1, 2, 2, 1}; static double s[8];
        float* o = reinterpret_cast<float*>(arena + 1024); gmm_model_view* v = reinterpret_cast<gmm_model_view*>(arena + 2048);
        return gmm_from_covariances(gmm_covariance::full, 1, 2, span<const float>(w, 1), span<const float>(mu, 2), span<const float>(cov, 4), span<float>(o, 1), span<float>(o + 1, 4), span<float>(o + 5, 1), span<double>(s, 8), *v); }},
    {"gmm_from_covariances", "negative weight", status::invalid_model, [] {
        static float w[2] = {1.5f, -0.5f}, mu[2] = {0, 0}, var[2] = {1, 1};
        float* o = reinterpret_cast<float*>(arena + 1024); gmm_model_view* v = reinterpret_cast<gmm_model_view*>(arena + 2048);
        return gmm_from_covariances(gmm_covariance::spherical, 2, 1, span<const float>(w, 2), span<const float>(mu, 2), span<const float>(var, 2), span<float>(o, 2), span<float>(o + 2, 2), span<float>(o + 4, 2), span<double>(), *v); }},
    {"gmm_fixed_from_float", "scale NaN", status::invalid_quantization, [] {
        gmm_input_quant q; q.scale = nan_f; auto* o = reinterpret_cast<std::int32_t*>(arena + 1024); gmm_fixed_model_view* v = reinterpret_cast<gmm_fixed_model_view*>(arena + 2048);
        return gmm_fixed_from_float(gmm_ok(), q, gmm_fixed_input::s16, span<std::int32_t>(o, 4), span<std::int32_t>(o + 4, 4), span<std::int8_t>(reinterpret_cast<std::int8_t*>(o + 8), 2), span<std::int32_t>(o + 9, 2), *v); }},
    {"gmm_log_likelihood_fixed", "model not validated", status::invalid_model, [] { return gmm_log_likelihood_fixed(gmm_fixed_model{}, span<const std::int16_t>(x16, 4), 2, out<std::int32_t>(2)); }},
    {"gmm_em_fit", "n_samples < K", status::invalid_argument, [] {
        gmm_em_params p; p.type = gmm_covariance::diag; p.n_components = 3;
        float* o = reinterpret_cast<float*>(arena + 1024);
        gmm_model_buffers b{span<float>(o, 3), span<float>(o + 3, 6), span<float>(o + 9, 6), span<float>(o + 15, 3)};
        static gmm_model m; static gmm_em_result r;
        return gmm_em_fit(span<const float>(gx, 4), 2, 2, p, b, span<double>(em_scratch, 256), m, r); }},
    {"gmm_em_fit", "max_iter 0", status::invalid_argument, [] {
        gmm_em_params p; p.type = gmm_covariance::diag; p.n_components = 1; p.max_iter = 0;
        float* o = reinterpret_cast<float*>(arena + 1024);
        gmm_model_buffers b{span<float>(o, 1), span<float>(o + 1, 2), span<float>(o + 3, 2), span<float>(o + 5, 1)};
        static gmm_model m; static gmm_em_result r;
        return gmm_em_fit(span<const float>(gx, 8), 4, 2, p, b, span<double>(em_scratch, 256), m, r); }},
    {"gmm_em_fit", "NaN reg_covar", status::invalid_argument, [] {
        gmm_em_params p; p.type = gmm_covariance::diag; p.n_components = 1; p.reg_covar = nan_f;
        float* o = reinterpret_cast<float*>(arena + 1024);
        gmm_model_buffers b{span<float>(o, 1), span<float>(o + 1, 2), span<float>(o + 3, 2), span<float>(o + 5, 1)};
        static gmm_model m; static gmm_em_result r;
        return gmm_em_fit(span<const float>(gx, 8), 4, 2, p, b, span<double>(em_scratch, 256), m, r); }},
    {"gmm_em_fit", "scratch too small", status::buffer_too_small, [] {
        gmm_em_params p; p.type = gmm_covariance::diag; p.n_components = 1;
        float* o = reinterpret_cast<float*>(arena + 1024);
        gmm_model_buffers b{span<float>(o, 1), span<float>(o + 1, 2), span<float>(o + 3, 2), span<float>(o + 5, 1)};
        static gmm_model m; static gmm_em_result r;
        return gmm_em_fit(span<const float>(gx, 8), 4, 2, p, b, span<double>(em_scratch, gmm_em_scratch_size(gmm_covariance::diag, 1, 2) - 1), m, r); }},
    // ---- random projection ----
    {"make_rp_matrix_free", "k = 0", status::invalid_shape, [] { return make_free(rp_kind::gaussian, 0, 8, 1.0); }},
    {"make_rp_matrix_free", "d > 2^31 - 1", status::invalid_shape, [] { return make_free(rp_kind::gaussian, 2, std::size_t{1} << 31, 1.0); }},
    {"make_rp_matrix_free", "sparse with k > d", status::invalid_argument, [] { return make_free(rp_kind::sparse, 9, 8, 0.5); }},
    {"make_rp_matrix_free", "density 1.5", status::invalid_argument, [] { return make_free(rp_kind::sparse, 2, 8, 1.5); }},
    {"make_rp_matrix_free", "density NaN", status::non_finite, [] { return make_free(rp_kind::sparse, 2, 8, std::nan("")); }},
    {"make_rp_stored_s8", "entries too short", status::buffer_too_small, [] { return make_rp_stored_s8(rp_kind::gaussian, 2, 8, span<const std::int8_t>(w8, 15), 0.1f, *reinterpret_cast<rp_matrix*>(arena + 1024)); }},
    {"make_rp_stored_s8", "scale Inf", status::non_finite, [] { return make_rp_stored_s8(rp_kind::gaussian, 2, 8, span<const std::int8_t>(w8, 16), inf_f, *reinterpret_cast<rp_matrix*>(arena + 1024)); }},
    {"make_rp_stored_ternary", "scale 0", status::invalid_argument, [] { static std::uint8_t t[4]; return make_rp_stored_ternary(2, 8, span<const std::uint8_t>(t, 4), 0.0f, *reinterpret_cast<rp_matrix*>(arena + 1024)); }},
    {"make_rp_stored_f32", "NaN entry", status::non_finite, [] { static float e[16]; e[7] = nan_f; return make_rp_stored_f32(rp_kind::gaussian, 2, 8, span<const float>(e, 16), *reinterpret_cast<rp_matrix*>(arena + 1024)); }},
    {"rp_generate_s8", "not matrix-free", status::invalid_argument, [] { rp_matrix m; auto st = make_rp_stored_s8(rp_kind::gaussian, 2, 8, span<const std::int8_t>(w8, 16), 0.1f, m); (void)st; return rp_generate_s8(m, out<std::int8_t>(16)); }},
    {"rp_generate_ternary", "gaussian kind", status::invalid_argument, [] { return rp_generate_ternary(rp_ok(), out<std::uint8_t>(4)); }},
    {"rp_generate_f32", "output too small", status::buffer_too_small, [] { return rp_generate_f32(rp_ok(), out<float>(15)); }},
    {"random_projection_batch s8->s32", "x size != n d", status::shape_mismatch, [] { return random_projection_batch(rp_ok(), 2, span<const std::int8_t>(x8, 15), out<std::int32_t>(4)); }},
    {"random_projection_batch s8->s32", "y too small", status::buffer_too_small, [] { return random_projection_batch(rp_ok(), 2, span<const std::int8_t>(x8, 16), out<std::int32_t>(3)); }},
    {"random_projection_batch s8->s32", "float storage", status::unsupported, [] { rp_matrix m; auto st = make_rp_stored_f32(rp_kind::gaussian, 2, 8, span<const float>(wf, 16), m); (void)st; return random_projection_batch(m, 1, span<const std::int8_t>(x8, 8), out<std::int32_t>(2)); }},
    {"random_projection_batch s8->s32", "d = 2^17 (headroom)", status::headroom_exceeded, [] { rp_matrix m; auto st = make_rp_matrix_free(rp_kind::gaussian, 1, rp_max_features_s8 + 1, 1u, 1.0, m); (void)st; static std::int8_t big[rp_max_features_s8 + 1]; return random_projection_batch(m, 1, span<const std::int8_t>(big, rp_max_features_s8 + 1), out<std::int32_t>(1)); }},
    {"random_projection_batch s16->s64", "n_vectors 0", status::invalid_shape, [] { return random_projection_batch(rp_ok(), 0, span<const std::int16_t>(x16, 8), out<std::int64_t>(2)); }},
    {"random_projection_batch f32", "NaN input", status::non_finite, [] { static float x[8] = {0, 0, nan_f}; return random_projection_batch(rp_ok(), 1, span<const float>(x, 8), out<float>(2)); }},
    {"random_projection_batch f32", "y aliases x", status::aliasing, [] { static float x[16]; return random_projection_batch(rp_ok(), 1, span<const float>(x, 8), span<float>(x + 7, 2)); }},
    {"random_projection_batch s8->s8", "zero point 200", status::invalid_quantization, [] { rp_requant q; q.multiplier = 1 << 30; q.output_zero_point = 200; return random_projection_batch(rp_ok(), 1, span<const std::int8_t>(x8, 8), out<std::int8_t>(2), q); }},
    {"random_projection_batch s16->s16", "activation_min > activation_max", status::invalid_range, [] { rp_requant q; q.multiplier = 1 << 30; q.activation_min = 5; q.activation_max = 4; return random_projection_batch(rp_ok(), 1, span<const std::int16_t>(x16, 8), out<std::int16_t>(2), q); }},
    {"random_projection_map", "c != d", status::shape_mismatch, [] { return random_projection_map(rp_ok(), 1, 2, 2, 4, span<const std::int8_t>(x8, 16), out<std::int32_t>(8)); }},
    {"random_projection_map", "h = 0", status::invalid_shape, [] { return random_projection_map(rp_ok(), 1, 0, 2, 8, span<const std::int8_t>(x8, 16), out<std::int32_t>(8)); }},
    {"random_projection", "x size != d", status::shape_mismatch, [] { return random_projection(rp_ok(), span<const std::int16_t>(x16, 7), out<std::int64_t>(2)); }},
};
// clang-format on

} // namespace

TEST_CASE("bad-input matrix: every row returns its documented status and writes nothing") {
    std::size_t n = 0;
    for (const row& r : table) {
        reset_arena();
        const status got = r.run();
        const bool untouched = arena_intact();
        const doctest::String what = doctest::String(r.function) + " / " + r.bad_input + ": expected " +
                                     status_name(r.expected) + ", got " + status_name(got);
        INFO(what);
        CHECK(got == r.expected);
        CHECK(untouched);
        ++n;
    }
    MESSAGE("bad-input matrix rows: " << n);
}

TEST_CASE("bad-input matrix: the fixtures are valid (each row breaks exactly one thing)") {
    reset_arena();
    CHECK(conv_s8(conv_ok()) == status::ok);
    CHECK(!arena_intact()); // the valid call writes its output
    reset_arena();
    CHECK(encode(span<const float>(dict, 12), span<const float>(sig, 4), omp_ok()) == status::ok);
    CHECK(encode_batch(omp_ok(), 2, 512) == status::ok);
    CHECK(gmm_ok().valid());
    CHECK(gmm_log_likelihood(gmm_ok(), span<const float>(gx, 4), 2, out<float>(2)) == status::ok);
    CHECK(random_projection_batch(rp_ok(), 2, span<const std::int8_t>(x8, 16), out<std::int32_t>(4)) == status::ok);
    CHECK(elementwise_add(add_ok(), span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 8),
                          out<std::int8_t>(8)) == status::ok);
    CHECK(avg_pool2d(pool_ok(), span<const std::int8_t>(x8, 32), out<std::int8_t>(8)) == status::ok);
    CHECK(depthwise_conv2d(dw_ok(), span<const std::int8_t>(x8, 32), span<const std::int8_t>(w8, 18),
                           span<const std::int32_t>(), span<const std::int32_t>(mult, 1),
                           span<const std::int32_t>(shift, 1), out<std::int8_t>(8)) == status::ok);
    CHECK(fully_connected(fc_ok(), span<const std::int8_t>(x8, 8), span<const std::int8_t>(w8, 16),
                          span<const std::int32_t>(), span<const std::int32_t>(mult, 1),
                          span<const std::int32_t>(shift, 1), out<std::int8_t>(2),
                          span<std::byte>(scratch_bytes, fully_connected_scratch_size(fc_ok()))) == status::ok);
}
