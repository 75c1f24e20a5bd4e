// SPDX-License-Identifier: Apache-2.0
// doctest_main.cpp: the one doctest main shared by every suite, hosted and bare-metal.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
