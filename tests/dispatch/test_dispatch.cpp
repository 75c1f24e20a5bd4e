// SPDX-License-Identifier: Apache-2.0
// Runtime dispatch: one binary holds dispatch_kernels.cc built for every x86 level; it reports the level it chose
// (the CPU's, or lower when EDGEKERN_X86_LEVEL says so) and computes identical results at every level the CPU can
// run, equal to the scalar backend. Off x86 the single level-0 copy is chosen.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "dispatch_api.hpp"
#include "edgekern/arch/cpu_features.hpp"
#include "edgekern/arch/dispatch.hpp"
#include "edgekern/simd/simd.hpp"
#include "support/test_support.hpp"

namespace ea = edgekern::arch;

namespace {
const char* expected_arch_name(ea::x86_level level) {
    switch (level) {
    case ea::x86_level::none:
        return ea::default_arch::name; // level 0: built with this target's own flags
    case ea::x86_level::sse2:
        return "sse2";
    case ea::x86_level::sse41:
        return "sse41";
    case ea::x86_level::avx2:
        return "avx2";
    case ea::x86_level::avx512:
        return "avx512";
    case ea::x86_level::avx512vnni:
        return "avx512vnni";
    }
    return "?";
}
bool on_x86() {
    return ea::detect_x86_level() != ea::x86_level::none;
}
} // namespace

TEST_CASE("dispatch: reports the chosen level, which honours the CPU and EDGEKERN_X86_LEVEL") {
    const ea::x86_level cpu = ea::detect_x86_level();
    const ea::x86_level cap = ea::dispatch_level_cap();
    ea::x86_level chosen = ea::x86_level::none;
    const auto fn = dispatch_test::arch_name_dispatch_table().select(cap, &chosen);
    REQUIRE(static_cast<bool>(fn != nullptr));
    MESSAGE("cpu level: ", doctest::String(ea::x86_level_name(cpu)),
            ", cap: ", doctest::String(ea::x86_level_name(cap)),
            ", dispatched to: ", doctest::String(ea::x86_level_name(chosen)), " (", doctest::String(fn()), ")");
    CHECK(static_cast<int>(chosen) <= static_cast<int>(cpu));
    CHECK(std::string(fn()) == expected_arch_name(chosen));
    CHECK(static_cast<bool>(dispatch_test::arch_name_dispatched() == fn)); // the cached selector agrees
    if (on_x86()) {
        // The choice is the highest BUILT level (EDGEKERN_DISPATCH_LEVELS, all five by default) not above the cap,
        // and the cap is the CPU level unless EDGEKERN_X86_LEVEL names a lower one.
        ea::x86_level forced = cpu;
        const bool lowered = ea::parse_x86_level(std::getenv("EDGEKERN_X86_LEVEL"), forced) &&
                             static_cast<int>(forced) < static_cast<int>(cpu);
        CHECK(cap == (lowered ? forced : cpu));
        int expected = static_cast<int>(cap);
        while (expected > 0 && !dispatch_test::arch_name_dispatch_table().at(static_cast<ea::x86_level>(expected)))
            --expected;
        CHECK(static_cast<int>(chosen) == expected);
        CHECK(static_cast<bool>(dispatch_test::arch_name_dispatch_table().at(ea::x86_level::sse2) != nullptr));
    } else {
        CHECK(chosen == ea::x86_level::none);
    }
}

TEST_CASE("dispatch: every level the CPU can run gives the scalar results") {
    edgekern_test::rng r(900);
    const std::size_t n = 1000 + 37;
    std::vector<std::int8_t> a(n), b(n);
    std::vector<std::int16_t> a16(n);
    std::vector<std::int32_t> acc(n), mult(n), shift(n);
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = static_cast<std::int8_t>(r.uniform(-128, 127));
        b[i] = static_cast<std::int8_t>(r.uniform(-128, 127));
        a16[i] = static_cast<std::int16_t>(r.uniform(-32768, 32767));
        acc[i] = static_cast<std::int32_t>(r.uniform(-5000000, 5000000));
        mult[i] = static_cast<std::int32_t>(r.uniform(1 << 30, INT32_MAX));
        shift[i] = static_cast<std::int32_t>(r.uniform(-20, 2));
    }
    const ea::scalar s{};
    const std::int32_t ref_dot = edgekern::simd::dot_s8(a.data(), b.data(), n, s);
    const std::int64_t ref_dot16 = edgekern::simd::dot_s16_s8(a16.data(), b.data(), n, s);
    std::vector<std::int8_t> ref_q(n);
    REQUIRE(edgekern::simd::requantize_s32(acc.data(), n, mult.data(), shift.data(), 3, -128, 127, ref_q.data(),
                                           edgekern::rounding_mode::double_rounding, s) == edgekern::status::ok);

    const int top = on_x86() ? static_cast<int>(ea::detect_x86_level()) : 0;
    int levels_run = 0;
    for (int l = 0; l <= top; ++l) {
        const auto level = static_cast<ea::x86_level>(l);
        const auto name = dispatch_test::arch_name_dispatch_table().at(level);
        if (name == nullptr) continue; // level 0 exists only off x86
        INFO("level ", doctest::String(ea::x86_level_name(level)), " = ", doctest::String(name()));
        CHECK(std::string(name()) == expected_arch_name(level));
        const auto dot = dispatch_test::dot_s8_dispatch_table().at(level);
        const auto dot16 = dispatch_test::dot_s16_s8_dispatch_table().at(level);
        const auto rq = dispatch_test::requantize_s8_dispatch_table().at(level);
        REQUIRE(static_cast<bool>(dot != nullptr));
        REQUIRE(static_cast<bool>(dot16 != nullptr));
        REQUIRE(static_cast<bool>(rq != nullptr));
        CHECK(dot(a.data(), b.data(), n) == ref_dot);
        CHECK(dot16(a16.data(), b.data(), n) == ref_dot16);
        std::vector<std::int8_t> q(n);
        CHECK(rq(acc.data(), n, mult.data(), shift.data(), 3, q.data()) == edgekern::status::ok);
        CHECK(q == ref_q);
        ++levels_run;
    }
    MESSAGE("levels run and compared with scalar: ", levels_run);
    CHECK(levels_run >= 1);
}

TEST_CASE("dispatch: parse_x86_level") {
    ea::x86_level l = ea::x86_level::none;
    CHECK(ea::parse_x86_level("avx2", l));
    CHECK(l == ea::x86_level::avx2);
    CHECK(ea::parse_x86_level("1", l));
    CHECK(l == ea::x86_level::sse2);
    CHECK_FALSE(ea::parse_x86_level("avx3", l));
    CHECK_FALSE(ea::parse_x86_level("9", l));
    CHECK_FALSE(ea::parse_x86_level(nullptr, l));
    CHECK(l == ea::x86_level::sse2);
}
