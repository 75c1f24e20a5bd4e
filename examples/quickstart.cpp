// SPDX-License-Identifier: Apache-2.0
// quickstart.cpp: the README's quick start; prints what this build dispatches to.
#include <cstdio>

#include "edgekern/edgekern.hpp"

int main() {
    std::printf("edgekern %s, compiled for %s, CPU level %s\n", EDGEKERN_VERSION_STRING,
                edgekern::arch::default_arch::name, edgekern::arch::x86_level_name(edgekern::arch::detect_x86_level()));
    return 0;
}
