// SPDX-License-Identifier: Apache-2.0
// no-heap cases for core/: span views and checked shape arithmetic.
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "no_heap_case.hpp"

EDGEKERN_NO_HEAP_CASE(core_span_checked_math) {
    static int buffer[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    edgekern::span<int> s(buffer);
    edgekern::span<const int> tail = s.subspan(4, 100);
    std::size_t n = 0;
    return edgekern::checked_product(n, 2, 3, 4) && n == 24 && tail.size() == 4 && tail[0] == 5 &&
           !edgekern::overlaps(s.first(4), tail);
}
