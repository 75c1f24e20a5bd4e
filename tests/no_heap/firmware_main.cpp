// SPDX-License-Identifier: Apache-2.0
// firmware_main.cpp: bare-metal no-heap firmware: runs every registered case; exit code 0 when all returned ok.
// No test framework and no stdio here (both allocate); the link of this image is what the symbol check inspects.
#include "no_heap_case.hpp"

int main() {
    int failures = 0;
    for (std::size_t i = 0; i < edgekern_no_heap::g_case_count; ++i)
        failures += edgekern_no_heap::g_cases[i].fn() ? 0 : 1;
    return (failures == 0 && edgekern_no_heap::g_case_count > 0) ? 0 : 1;
}
