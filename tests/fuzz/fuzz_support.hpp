// SPDX-License-Identifier: Apache-2.0
// fuzz_support.hpp: helpers for the libFuzzer harnesses: a reader that turns fuzz bytes into typed values, and
// canary-guarded output buffers that prove a failing call left its output untouched and wrote nothing outside.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace edgekern_fuzz {

/// Consumes the fuzz input front to back; once it is exhausted every read returns zero bytes.
class reader {
public:
    reader(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
    template <class T>
    T take() {
        T v{};
        const std::size_t k = n_ < sizeof(T) ? n_ : sizeof(T);
        std::memcpy(&v, p_, k);
        p_ += k;
        n_ -= k;
        return v;
    }
    /// Integer in [lo, hi].
    std::int64_t range(std::int64_t lo, std::int64_t hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1u;
        const std::uint64_t r = take<std::uint64_t>();
        return lo + static_cast<std::int64_t>(span == 0 ? r : r % span);
    }
    std::size_t remaining() const { return n_; }

private:
    const std::uint8_t* p_;
    std::size_t n_;
};

/// Aborts the fuzz run with a message (libFuzzer reports the crash and saves the input).
[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "edgekern fuzz invariant violated: %s\n", what);
    std::abort();
}
#define EDGEKERN_FUZZ_CHECK(cond)                                                                                      \
    do {                                                                                                               \
        if (!(cond)) ::edgekern_fuzz::fail(#cond);                                                                     \
    } while (0)

/// A buffer of n elements of T with canary bytes before and after, plus a snapshot of the payload, so a harness
/// can check that a call which returned an error left the payload as it was and never wrote outside it.
template <class T, std::size_t MaxN>
struct guarded {
    static constexpr std::size_t guard = 64;
    static constexpr unsigned char canary = 0xA5;
    alignas(64) unsigned char bytes[guard + MaxN * sizeof(T) + guard];
    unsigned char snapshot[MaxN * sizeof(T)];
    std::size_t n = 0;

    explicit guarded(std::size_t count, unsigned char fill = 0x5A) : n(count > MaxN ? MaxN : count) {
        std::memset(bytes, canary, sizeof bytes);
        std::memset(bytes + guard, fill, n * sizeof(T));
        std::memcpy(snapshot, bytes + guard, n * sizeof(T));
    }
    T* data() { return reinterpret_cast<T*>(bytes + guard); }
    bool guards_intact() const {
        for (std::size_t i = 0; i < guard; ++i)
            if (bytes[i] != canary || bytes[guard + n * sizeof(T) + i] != canary) return false;
        for (std::size_t i = guard + n * sizeof(T); i < sizeof bytes; ++i)
            if (bytes[i] != canary) return false;
        return true;
    }
    bool untouched() const { return std::memcmp(snapshot, bytes + guard, n * sizeof(T)) == 0; }
};

} // namespace edgekern_fuzz
