// SPDX-License-Identifier: Apache-2.0
// Tests for core/: status names, span semantics, checked shape arithmetic, arch tags.
#include <cstdint>
#include <cstring>

#include "edgekern/arch/cpu_features.hpp"
#include "edgekern/arch/tags.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "support/test_support.hpp"

using edgekern::span;
using edgekern::status;

TEST_CASE("status names are distinct and stable") {
    const status all[] = {status::ok,
                          status::null_buffer,
                          status::invalid_shape,
                          status::shape_mismatch,
                          status::invalid_argument,
                          status::invalid_quantization,
                          status::invalid_range,
                          status::headroom_exceeded,
                          status::buffer_too_small,
                          status::aliasing,
                          status::non_finite,
                          status::numeric_error,
                          status::invalid_model,
                          status::unsupported};
    for (std::size_t i = 0; i < sizeof(all) / sizeof(all[0]); ++i) {
        CHECK(std::strcmp(edgekern::status_name(all[i]), "unknown") != 0);
        for (std::size_t j = 0; j < i; ++j)
            CHECK(std::strcmp(edgekern::status_name(all[i]), edgekern::status_name(all[j])) != 0);
    }
    CHECK(std::strcmp(edgekern::status_name(status::ok), "ok") == 0);
    CHECK(edgekern::ok(status::ok));
    CHECK_FALSE(edgekern::ok(status::buffer_too_small));
}

namespace {
status first_failure(status a, status b) {
    EDGEKERN_TRY(a);
    EDGEKERN_TRY(b);
    return status::ok;
}
} // namespace

TEST_CASE("EDGEKERN_TRY propagates the first failure") {
    CHECK(first_failure(status::ok, status::ok) == status::ok);
    CHECK(first_failure(status::aliasing, status::non_finite) == status::aliasing);
    CHECK(first_failure(status::ok, status::non_finite) == status::non_finite);
}

TEST_CASE("span views, converts and clamps subspans") {
    int a[5] = {1, 2, 3, 4, 5};
    span<int> s(a);
    CHECK(s.size() == 5);
    CHECK(s.size_bytes() == 5 * sizeof(int));
    span<const int> c = s;
    CHECK(c.data() == a);
    CHECK(s.subspan(1, 2).size() == 2);
    CHECK(s.subspan(1, 2)[0] == 2);
    CHECK(s.subspan(4, 10).size() == 1);
    CHECK(s.subspan(9, 1).empty());
    CHECK(span<int>().empty());
    CHECK(span<int>().data() == nullptr);
    int sum = 0;
    for (int v : s) sum += v;
    CHECK(sum == 15);
}

TEST_CASE("overlaps detects shared bytes only") {
    std::int16_t buf[10] = {};
    span<std::int16_t> all(buf);
    CHECK(edgekern::overlaps(all.subspan(0, 5), all.subspan(4, 3)));
    CHECK_FALSE(edgekern::overlaps(all.subspan(0, 5), all.subspan(5, 5)));
    CHECK_FALSE(edgekern::overlaps(all.subspan(0, 0), all));
    // Different element types over the same bytes.
    span<std::int8_t> bytes(reinterpret_cast<std::int8_t*>(buf) + 9, 1);
    CHECK(edgekern::overlaps(all.subspan(4, 1), bytes));
    CHECK_FALSE(edgekern::overlaps(all.subspan(5, 1), bytes));
}

TEST_CASE("checked arithmetic reports overflow and leaves the output untouched") {
    std::size_t out = 7;
    CHECK(edgekern::checked_mul(3, 5, out));
    CHECK(out == 15);
    out = 7;
    CHECK_FALSE(edgekern::checked_mul(SIZE_MAX / 2 + 1, 2, out));
    CHECK(out == 7);
    CHECK_FALSE(edgekern::checked_add(SIZE_MAX, 1, out));
    CHECK(out == 7);
    CHECK(edgekern::checked_product(out, 2, 3, 5, 7));
    CHECK(out == 210);
    out = 7;
    CHECK_FALSE(edgekern::checked_product(out, SIZE_MAX / 3, 2, 2));
    CHECK(out == 7);
    constexpr std::size_t compile_time = [] {
        std::size_t r = 0;
        return edgekern::checked_product(r, 4, 5, 6) ? r : 0;
    }();
    static_assert(compile_time == 120, "checked_product is usable in constant expressions");
}

TEST_CASE("default_arch is available and inherits from scalar") {
    namespace a = edgekern::arch;
    CHECK(a::available_v<a::default_arch>);
    CHECK(std::is_base_of<a::scalar, a::default_arch>::value);
    CHECK(std::is_base_of<a::avx2, a::avx512vnni>::value);
    CHECK(std::is_base_of<a::cortex_m_dsp, a::cortex_m_mve>::value);
    int count = 0;
    edgekern_test::for_each_arch([&](auto tag) {
        CHECK(a::available_v<decltype(tag)>);
        ++count;
    });
    CHECK(count >= 1);
    MESSAGE("default_arch: " << doctest::String(a::default_arch::name));
}

TEST_CASE("run-time x86 level is at least the compile-time one") {
    namespace a = edgekern::arch;
    const a::x86_level l = a::detect_x86_level();
#if defined(EDGEKERN_HAS_AVX512)
    CHECK(l >= a::x86_level::avx512);
#elif defined(EDGEKERN_HAS_AVX2)
    CHECK(l >= a::x86_level::avx2);
#elif defined(EDGEKERN_HAS_SSE2)
    CHECK(l >= a::x86_level::sse2);
#else
    CHECK(l == a::x86_level::none);
#endif
    MESSAGE("cpu x86 level: " << doctest::String(a::x86_level_name(l)));
}

#if defined(EDGEKERN_HAS_XSIMD)
#include "edgekern/arch/xsimd_arch.hpp"

TEST_CASE("xsimd binding follows the tag inheritance") {
    namespace a = edgekern::arch;
#if defined(EDGEKERN_HAS_AVX512VNNI)
    CHECK(std::is_same<a::xsimd_arch_t<a::avx512vnni>, xsimd::avx512bw>::value);
#endif
#if defined(EDGEKERN_HAS_AVX2)
    CHECK(std::is_same<a::xsimd_arch_t<a::avx2>, xsimd::fma3<xsimd::avx2>>::value);
#endif
#if defined(EDGEKERN_HAS_NEON_DOTPROD)
    CHECK(std::is_same<a::xsimd_arch_t<a::neon_dotprod>, xsimd::neon64>::value);
#endif
    // The bound batch adds like floats on every available SIMD tag.
    a::for_each_available([](auto tag) {
        using Tag = decltype(tag);
        if constexpr (!std::is_same<Tag, a::scalar>::value) {
            using batch = xsimd::batch<float, a::xsimd_arch_t<Tag>>;
            const batch x(1.5f), y(2.25f);
            CHECK(xsimd::hadd(x + y) == doctest::Approx(3.75 * batch::size));
        }
    });
}
#endif
