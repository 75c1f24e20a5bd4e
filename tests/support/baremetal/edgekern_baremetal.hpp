// SPDX-License-Identifier: Apache-2.0
// edgekern_baremetal.hpp: the two services startup_nolibc.cpp gives a libc-free Cortex-M image (semihosting).
#pragma once

namespace edgekern_baremetal {

/// Writes a NUL-terminated string to the host console (semihosting SYS_WRITE0). No buffering, no allocation.
void write(const char* text) noexcept;

/// Ends the program with `code` as the emulator's exit status (semihosting SYS_EXIT_EXTENDED).
[[noreturn]] void exit(int code) noexcept;

} // namespace edgekern_baremetal
