// SPDX-License-Identifier: Apache-2.0
// edgekern/core/status.hpp: the result code every fallible entry point returns.
#pragma once

#include <cstdint>

#include "edgekern/config.hpp"

namespace edgekern {

/// Result of a kernel call. Code-free, so it lives outside the ISA namespace and can cross the boundary between
/// translation units built for different ISAs (runtime dispatch).
/// On any value other than `ok`, every output buffer of the call is left exactly as it was.
enum class [[nodiscard]] status : std::uint8_t{
    ok = 0,
    null_buffer,          ///< a required pointer is null or a required span is empty
    invalid_shape,        ///< a dimension is zero, negative, or the product of dims overflows
    shape_mismatch,       ///< buffers or dims disagree with each other (e.g. output shape vs. conv geometry)
    invalid_argument,     ///< a parameter outside its documented range (stride 0, sparsity 0, density > 1, ...)
    invalid_quantization, ///< multiplier/shift/scale/zero point outside the documented range
    invalid_range,        ///< an interval with min > max (activation clamp, ...)
    headroom_exceeded,    ///< reduction longer than the accumulator's proven headroom
    buffer_too_small,     ///< output or scratch shorter than required
    aliasing,             ///< an output overlaps an input that the kernel reads after writing
    non_finite,           ///< NaN or infinity in a float input or parameter
    numeric_error,        ///< the computation itself became ill-defined (e.g. non-positive-definite matrix)
    invalid_model,        ///< a model's parameters are inconsistent (weights not summing to 1, corrupt file, ...)
    unsupported,          ///< a valid request this build or backend does not implement
};

/// Short, stable, lower-case name of a status (the enumerator's name).
constexpr const char* status_name(status s) noexcept {
    switch (s) {
    case status::ok:
        return "ok";
    case status::null_buffer:
        return "null_buffer";
    case status::invalid_shape:
        return "invalid_shape";
    case status::shape_mismatch:
        return "shape_mismatch";
    case status::invalid_argument:
        return "invalid_argument";
    case status::invalid_quantization:
        return "invalid_quantization";
    case status::invalid_range:
        return "invalid_range";
    case status::headroom_exceeded:
        return "headroom_exceeded";
    case status::buffer_too_small:
        return "buffer_too_small";
    case status::aliasing:
        return "aliasing";
    case status::non_finite:
        return "non_finite";
    case status::numeric_error:
        return "numeric_error";
    case status::invalid_model:
        return "invalid_model";
    case status::unsupported:
        return "unsupported";
    }
    return "unknown";
}

/// True when `s` is status::ok. (`status` is [[nodiscard]]; this reads naturally in `if (!ok(st))`.)
constexpr bool ok(status s) noexcept {
    return s == status::ok;
}

} // namespace edgekern

/// Propagates a non-ok status to the caller: `EDGEKERN_TRY(check_shapes(...));`
#define EDGEKERN_TRY(expr)                                                                                             \
    do {                                                                                                               \
        const ::edgekern::status edgekern_try_status_ = (expr);                                                        \
        if (edgekern_try_status_ != ::edgekern::status::ok) return edgekern_try_status_;                               \
    } while (0)
