// SPDX-License-Identifier: Apache-2.0
// fuzz_requantize.cpp: differential fuzzing of fixed/quantize.hpp against the independent oracle in
// tests/reference: quantize_multiplier on arbitrary doubles, both requantization modes and the 16x8 int64 path on
// arbitrary (acc, multiplier, shift) that pass check_quantized_multiplier, and the span quantize() on arbitrary
// floats (bad parameters must leave the output untouched).
#include <cmath>
#include <cstdint>

#include "edgekern/fixed/quantize.hpp"
#include "fuzz_support.hpp"
#include "reference/requantize_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace edgekern;
    edgekern_fuzz::reader in(data, size);

    // quantize_multiplier: any double; ok only for finite positive scales, and then a valid pair whose value is
    // within 2^-31 relative of the scale (or 0 for scales below 2^-32).
    const double scale = in.take<double>();
    quantized_multiplier qm{-7, 99};
    const status st = quantize_multiplier(scale, qm);
    if (st == status::ok) {
        EDGEKERN_FUZZ_CHECK(std::isfinite(scale) && scale > 0.0);
        EDGEKERN_FUZZ_CHECK(check_quantized_multiplier(qm.multiplier, qm.shift) == status::ok);
        if (qm.multiplier != 0) {
            const double back = std::ldexp(static_cast<double>(qm.multiplier), qm.shift - 31);
            EDGEKERN_FUZZ_CHECK(std::fabs(back - scale) <= scale * 0x1p-31 * 1.0000001);
        } else {
            EDGEKERN_FUZZ_CHECK(scale < 0x1p-31);
        }
    } else {
        EDGEKERN_FUZZ_CHECK(qm.multiplier == -7 && qm.shift == 99); // untouched
    }

    // requantize: compare with the oracle wherever the precondition holds.
    const std::int32_t acc = in.take<std::int32_t>();
    const std::int64_t acc64 = in.take<std::int64_t>();
    std::int32_t m = in.take<std::int32_t>();
    const std::int32_t shift = static_cast<std::int32_t>(in.range(-31, 30));
    if (m < 0) m = static_cast<std::int32_t>(static_cast<std::uint32_t>(m) & 0x7FFFFFFFu);
    if (m != 0 && m < (1 << 30)) m |= (1 << 30);
    EDGEKERN_FUZZ_CHECK(check_quantized_multiplier(m, shift) == status::ok);
    EDGEKERN_FUZZ_CHECK(requantize(acc, m, shift, rounding_mode::double_rounding) ==
                        edgekern_ref::ref_requantize_double(acc, m, shift));
    EDGEKERN_FUZZ_CHECK(requantize(acc, m, shift, rounding_mode::single_rounding) ==
                        edgekern_ref::ref_requantize_single(acc, m, shift));
    EDGEKERN_FUZZ_CHECK(requantize_16x8_int64(acc64, m, shift) == edgekern_ref::ref_requantize_16x8(acc64, m, shift));

    // quantize a float vector: bad scale / zero point / non-finite input -> status, output untouched.
    const float qscale = in.take<float>();
    const std::int32_t zp = static_cast<std::int32_t>(in.range(-200, 200));
    const std::size_t n = static_cast<std::size_t>(in.range(0, 32));
    float x[32] = {};
    for (std::size_t i = 0; i < n; ++i) x[i] = in.take<float>();
    edgekern_fuzz::guarded<std::int8_t, 32> out(n);
    const status qs = quantize(span<const float>(x, n), qscale, zp, span<std::int8_t>(out.data(), n));
    EDGEKERN_FUZZ_CHECK(out.guards_intact());
    if (qs != status::ok) {
        EDGEKERN_FUZZ_CHECK(out.untouched());
    } else {
        for (std::size_t i = 0; i < n; ++i)
            EDGEKERN_FUZZ_CHECK(out.data()[i] ==
                                static_cast<std::int8_t>(edgekern_ref::ref_quantize(x[i], qscale, zp, -128, 127)));
    }
    return 0;
}
