// SPDX-License-Identifier: Apache-2.0
// edgekern/core/span.hpp: a minimal non-owning view (pointer + element count), the currency of every kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "edgekern/config.hpp"

EDGEKERN_NAMESPACE_BEGIN

/// Non-owning view of `size()` contiguous elements of T. Never allocates; a default span is empty (data() null).
/// Converts from span<U> when U* converts to T* (so span<int8_t> -> span<const int8_t>), from C arrays and from any
/// contiguous container with data() and size() (std::vector, std::array) on hosts.
template <class T>
class span {
public:
    using element_type = T;
    using value_type = std::remove_cv_t<T>;
    using size_type = std::size_t;

    constexpr span() noexcept = default;
    constexpr span(T* data, size_type size) noexcept : data_(data), size_(size) {}
    template <std::size_t N>
    constexpr span(T (&array)[N]) noexcept : data_(array), size_(N) {} // NOLINT: implicit by design
    template <class U, class = std::enable_if_t<std::is_convertible<U (*)[], T (*)[]>::value>>
    constexpr span(span<U> other) noexcept : data_(other.data()), size_(other.size()) {} // NOLINT
    template <class C,
              class = std::enable_if_t<!std::is_array<C>::value &&
                                       std::is_convertible<decltype(std::declval<C&>().data()), T*>::value>,
              class = decltype(std::declval<C&>().size())>
    constexpr span(C& container) noexcept : data_(container.data()), size_(container.size()) {} // NOLINT

    constexpr T* data() const noexcept { return data_; }
    constexpr size_type size() const noexcept { return size_; }
    constexpr size_type size_bytes() const noexcept { return size_ * sizeof(T); }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr T* begin() const noexcept { return data_; }
    constexpr T* end() const noexcept { return data_ + size_; }
    /// @pre i < size() (checked by EDGEKERN_ASSERT)
    constexpr T& operator[](size_type i) const noexcept {
        EDGEKERN_ASSERT(i < size_);
        return data_[i];
    }
    /// Elements [offset, offset + count); clamps to the end so a bad request yields a short span, never UB.
    constexpr span subspan(size_type offset, size_type count) const noexcept {
        if (offset > size_) offset = size_;
        if (count > size_ - offset) count = size_ - offset;
        return span(data_ + offset, count);
    }
    constexpr span first(size_type count) const noexcept { return subspan(0, count); }

private:
    T* data_ = nullptr;
    size_type size_ = 0;
};

template <class T>
span(T*, std::size_t) -> span<T>;
template <class T, std::size_t N>
span(T (&)[N]) -> span<T>;

/// True when the byte ranges of `a` and `b` overlap (empty spans overlap nothing).
template <class T, class U>
inline bool overlaps(span<T> a, span<U> b) noexcept {
    if (a.empty() || b.empty()) return false;
    // Compare as integers: relational operators on unrelated pointers are unspecified.
    const auto a0 = reinterpret_cast<std::uintptr_t>(a.data());
    const auto b0 = reinterpret_cast<std::uintptr_t>(b.data());
    return a0 < b0 + b.size_bytes() && b0 < a0 + a.size_bytes();
}

EDGEKERN_NAMESPACE_END
