// SPDX-License-Identifier: Apache-2.0
// Cortex-M firmware: instruction counts of random projection, 12x12x96 int8 map -> 16 dims (the FOMO-AD shape),
// stored int8 matrix and matrix-free (gaussian), plus the sparse matrix-free and packed ternary variants.
#include <cstdint>
#include <initializer_list>

#include "cycle_counter.hpp"
#include "edgekern/kernels/random_projection.hpp"

namespace {
using namespace edgekern;
constexpr std::size_t H = 12, W = 12, C = 96, K = 16;
std::int8_t x[H * W * C];
std::int8_t w8[K * C];
std::uint8_t packed[K * ((C + 3) / 4)];
std::int32_t y[H * W * K];
std::int32_t y_ref[H * W * K];
std::int16_t x16[H * W * C];
std::int64_t y64[H * W * K];
// Out of line: GCC sizes inline asm by its line count, so 2 KB of nops inside main() would break literal pools.
__attribute__((noinline)) void thousand_nops() {
    __asm__ volatile(".rept 1000\n\tnop\n\t.endr" ::: "memory");
}

} // namespace

int main() {
    edgekern_cm::counter counter;
    std::uint32_t s = 12345;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<std::int8_t>(s >> 24);
    }
    const std::uint64_t macs = H * W * C * K;
    int failures = 0;
    for (int kind = 0; kind < 2; ++kind) {
        const rp_kind kd = kind == 0 ? rp_kind::gaussian : rp_kind::sparse;
        const char* kn = kind == 0 ? "gaussian" : "sparse";
        rp_matrix mf, ms, mt;
        if (make_rp_matrix_free(kd, K, C, 7, rp_default_density(C), mf) != status::ok) return 1;
        if (rp_generate_s8(mf, span<std::int8_t>(w8)) != status::ok) return 2;
        if (make_rp_stored_s8(kd, K, C, span<const std::int8_t>(w8), mf.scale, ms) != status::ok) return 3;
        status st = status::ok;
        std::int64_t n = counter.measure(
            [&] { st = random_projection_map(ms, 1, H, W, C, span<const std::int8_t>(x), span<std::int32_t>(y_ref)); });
        if (st != status::ok) return 4;
        char name[96];
        auto cat = [&](const char* a, const char* b, const char* c) {
            char* p = name;
            for (const char* q : {a, b, c})
                while (*q) *p++ = *q++;
            *p = 0;
        };
        cat("random_projection/s8_s8_s32/" EDGEKERN_CM_CORE_NAME "/12x12x96->16/stored_s8/", kn, "");
        edgekern_cm::report(name, n, macs);
        n = counter.measure(
            [&] { st = random_projection_map(mf, 1, H, W, C, span<const std::int8_t>(x), span<std::int32_t>(y)); });
        if (st != status::ok) return 5;
        for (std::size_t i = 0; i < H * W * K; ++i) failures += y[i] != y_ref[i];
        cat("random_projection/s8_s8_s32/" EDGEKERN_CM_CORE_NAME "/12x12x96->16/matrix_free/", kn, "");
        edgekern_cm::report(name, n, macs);
        if (kind == 1) {
            if (rp_generate_ternary(mf, span<std::uint8_t>(packed)) != status::ok) return 6;
            if (make_rp_stored_ternary(K, C, span<const std::uint8_t>(packed), mf.scale, mt) != status::ok) return 7;
            n = counter.measure(
                [&] { st = random_projection_map(mt, 1, H, W, C, span<const std::int8_t>(x), span<std::int32_t>(y)); });
            if (st != status::ok) return 8;
            for (std::size_t i = 0; i < H * W * K; ++i) failures += y[i] != y_ref[i];
            edgekern_cm::report("random_projection/s8_s8_s32/" EDGEKERN_CM_CORE_NAME "/12x12x96->16/ternary/sparse", n,
                                macs);
        }
    }
    // int16 inputs (exact int64 sums), stored int8 gaussian matrix
    {
        for (std::size_t i = 0; i < H * W * C; ++i) x16[i] = static_cast<std::int16_t>(x[i] * 129);
        rp_matrix mf, ms;
        if (make_rp_matrix_free(rp_kind::gaussian, K, C, 7, 0.0, mf) != status::ok) return 10;
        if (rp_generate_s8(mf, span<std::int8_t>(w8)) != status::ok) return 11;
        if (make_rp_stored_s8(rp_kind::gaussian, K, C, span<const std::int8_t>(w8), mf.scale, ms) != status::ok)
            return 12;
        status st = status::ok;
        const std::int64_t n = counter.measure([&] {
            st = random_projection_map(ms, 1, H, W, C, span<const std::int16_t>(x16), span<std::int64_t>(y64));
        });
        if (st != status::ok) return 13;
        // check against the int8 result of the same matrix: x16 = 129 x8 exactly, so y64 = 129 y
        if (random_projection_map(ms, 1, H, W, C, span<const std::int8_t>(x), span<std::int32_t>(y)) != status::ok)
            return 14;
        for (std::size_t i = 0; i < H * W * K; ++i) failures += y64[i] != static_cast<std::int64_t>(y[i]) * 129;
        edgekern_cm::report("random_projection/s16_s8_s64/" EDGEKERN_CM_CORE_NAME "/12x12x96->16/stored_s8/gaussian", n,
                            macs);
    }
    // calibration check: a call to 1000 nops (bl + 1000 nop + bx lr, plus what the compiler puts around the call;
    // bench/cortex_m/trace_count.py gives the exact count from an instruction trace)
    const std::int64_t nops = counter.measure([] { thousand_nops(); });
    edgekern_cm::report("calibration/call_1000_nops", nops, 1000);
    return failures == 0 ? 0 : 9;
}
