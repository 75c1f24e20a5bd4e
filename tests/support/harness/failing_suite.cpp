// SPDX-License-Identifier: Apache-2.0
// failing_suite.cpp: harness self-check: a doctest suite with one deliberately failing check, built exactly like
// the real suites. Its test passes only if the run fails AND the doctest report reaches the console.
#include "support/test_support.hpp"

TEST_CASE("harness: this check must fail") {
    const int one = 1;
    CHECK(one == 2);
}

TEST_CASE("harness: this check passes") {
    CHECK(edgekern_test::sweep_stride >= 1u);
}
