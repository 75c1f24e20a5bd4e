// SPDX-License-Identifier: Apache-2.0
// startup.cpp: minimal Cortex-M vector table and reset handler for the MPS2/MPS3 boards under QEMU.
// Reset enables the FPU (when the build uses one) and hands over to newlib's _start, which sets up .bss, runs
// static constructors, calls main and reports its exit code through semihosting.
#include <cstdint>

extern "C" {
extern std::uint32_t __stack_top;
void _start(void);
[[noreturn]] void edgekern_reset_handler(void);
[[noreturn]] void edgekern_default_handler(void);
}

extern "C" [[noreturn]] void edgekern_reset_handler(void) {
#if defined(__ARM_FP)
    // CPACR: full access to CP10 and CP11 (the FPU).
    volatile std::uint32_t* const cpacr = reinterpret_cast<volatile std::uint32_t*>(0xE000ED88u);
    *cpacr = *cpacr | (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    _start();
    for (;;) {
    }
}

extern "C" [[noreturn]] void edgekern_default_handler(void) {
    // A fault: leave through semihosting SYS_EXIT with a failure code, so QEMU exits and the test fails.
    register std::uint32_t op __asm__("r0") = 0x18u;     // angel_SWIreason_ReportException
    register std::uint32_t arg __asm__("r1") = 0x20024u; // ADP_Stopped_InternalError
    __asm__ volatile("bkpt 0xAB" : : "r"(op), "r"(arg) : "memory");
    for (;;) {
    }
}

using vector_fn = void (*)(void);
// Initial SP, reset, then NMI .. SysTick (14 entries), all pointing at the failing default handler.
extern "C" __attribute__((section(".isr_vector"), used)) const vector_fn edgekern_vector_table[16] = {
    reinterpret_cast<vector_fn>(&__stack_top),
    edgekern_reset_handler,
    edgekern_default_handler,
    edgekern_default_handler,
    edgekern_default_handler,
    edgekern_default_handler,
    edgekern_default_handler,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    edgekern_default_handler,
    edgekern_default_handler,
    nullptr,
    edgekern_default_handler,
    edgekern_default_handler,
};
