// SPDX-License-Identifier: Apache-2.0
// firmware_main.cpp: bare-metal no-heap firmware: runs every registered case; exit code 0 when all returned ok.
// No test framework, no libc stdio, no exit(): all of them allocate. Output and exit go straight to semihosting
// (tests/support/baremetal/startup_nolibc.cpp); the link of this image is what the symbol check inspects.
#include "edgekern_baremetal.hpp"
#include "no_heap_case.hpp"

int main() {
    int failures = 0;
    for (std::size_t i = 0; i < edgekern_no_heap::g_case_count; ++i) {
        const auto& c = edgekern_no_heap::g_cases[i];
        const bool pass = c.fn();
        failures += pass ? 0 : 1;
        edgekern_baremetal::write(pass ? "PASS " : "FAIL ");
        edgekern_baremetal::write(c.name);
        edgekern_baremetal::write("\n");
    }
    if (edgekern_no_heap::g_case_count == 0) edgekern_baremetal::write("no_heap firmware: no cases registered\n");
    edgekern_baremetal::write(failures == 0 ? "no_heap firmware: all cases ok\n" : "no_heap firmware: FAILED\n");
    return (failures == 0 && edgekern_no_heap::g_case_count > 0) ? 0 : 1;
}
