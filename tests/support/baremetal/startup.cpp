// SPDX-License-Identifier: Apache-2.0
// startup.cpp: Cortex-M vector table and reset handler for the QEMU MPS2/MPS3 boards, used by every bare-metal
// program of the project, with or without newlib (no crt0 either way: see below).
//
// Reset: FPU (and Helium) on, .bss zeroed, .preinit_array/.init_array run, main called, exit code reported through
// semihosting. QEMU loads every ELF segment at its run address, so .data needs no copy (see mps2.ld).
//
// Two flavours, chosen by EDGEKERN_BAREMETAL_NEWLIB (set by cmake/edgekern_targets.cmake):
//  1 (doctest suites): newlib + librdimon: stdio goes to the host console, main's result goes through exit() so
//    buffers are flushed. newlib's crt0 is not used because it takes heap and stack from SYS_HEAPINFO, which QEMU
//    answers wrongly for boards whose RAM is split (mps3-an547); the heap limit comes from the linker script.
//  0 (no-heap firmware, harness checks): nothing from the C runtime, not even exit(): newlib's exit/atexit/stdio
//    would link malloc and _sbrk. Exit is SYS_EXIT_EXTENDED directly.
#include <cstdint>

#include "edgekern_baremetal.hpp"

#if !defined(EDGEKERN_BAREMETAL_NEWLIB)
#define EDGEKERN_BAREMETAL_NEWLIB 0
#endif

#if EDGEKERN_BAREMETAL_NEWLIB
#include <cstdlib>
#endif

extern "C" {
extern std::uint32_t __stack_top;
extern std::uint32_t __bss_start__;
extern std::uint32_t __bss_end__;
using init_fn = void (*)();
extern init_fn __preinit_array_start[];
extern init_fn __preinit_array_end[];
extern init_fn __init_array_start[];
extern init_fn __init_array_end[];
// The program's main(), called through an assembler alias (ISO C++ does not let a program call main by name).
int edgekern_program_main() __asm__("main");
[[noreturn]] void edgekern_reset_handler();
[[noreturn]] void edgekern_default_handler();
// crtbegin.o normally defines the DSO handle that static destructors register against; we link without it.
void* __dso_handle = nullptr;

#if EDGEKERN_BAREMETAL_NEWLIB
extern char edgekern_heap_limit; // linker script: end of the memory the heap may use
extern char* __heap_limit;       // librdimon's _sbrk refuses to grow past this
void initialise_monitor_handles();
// crti.o/crtn.o (not linked) frame newlib's _init/_fini hooks; nothing needs them here (.init_array is run above).
void _init() {}
void _fini() {}
#else
// Static destructors never run on this image (main's return ends the program), so registering them is a no-op.
// Defining these keeps newlib's __register_exitproc (which may allocate) out of the link.
int __cxa_atexit(void (*)(void*), void*, void*) {
    return 0;
}
int __aeabi_atexit(void*, void (*)(void*), void*) {
    return 0;
}
#endif
}

namespace {

// ARM semihosting: r0 = operation, r1 = parameter; the debugger (QEMU) services `bkpt 0xAB`.
std::uint32_t semihost(std::uint32_t op, const void* arg) {
    register std::uint32_t r0 __asm__("r0") = op;
    register const void* r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

constexpr std::uint32_t sys_write0 = 0x04u;
constexpr std::uint32_t sys_exit = 0x18u;
constexpr std::uint32_t sys_exit_extended = 0x20u;
constexpr std::uint32_t adp_stopped_application_exit = 0x20026u;
constexpr std::uint32_t adp_stopped_internal_error = 0x20024u;

} // namespace

void edgekern_baremetal::write(const char* text) noexcept {
    semihost(sys_write0, text);
}

void edgekern_baremetal::exit(int code) noexcept {
    // SYS_EXIT_EXTENDED carries the full exit code on 32-bit targets (plain SYS_EXIT only tells success from
    // failure there); should the host not know it, SYS_EXIT still distinguishes 0 from failure.
    const std::uint32_t block[2] = {adp_stopped_application_exit, static_cast<std::uint32_t>(code)};
    semihost(sys_exit_extended, block);
    semihost(sys_exit, reinterpret_cast<const void*>(static_cast<std::uintptr_t>(
                           code == 0 ? adp_stopped_application_exit : adp_stopped_internal_error)));
    for (;;) {
    }
}

extern "C" [[noreturn]] void edgekern_reset_handler() {
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    // CPACR: full access to CP10 and CP11 (FPU and, on M55, Helium).
    volatile std::uint32_t* const cpacr = reinterpret_cast<volatile std::uint32_t*>(0xE000ED88u);
    *cpacr = *cpacr | (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (volatile std::uint32_t* p = &__bss_start__; p < &__bss_end__; ++p) *p = 0u;
#if EDGEKERN_BAREMETAL_NEWLIB
    __heap_limit = &edgekern_heap_limit;
    initialise_monitor_handles(); // opens the semihosting stdin/stdout/stderr
#endif
    for (init_fn* f = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
    for (init_fn* f = __init_array_start; f < __init_array_end; ++f) (*f)();
#if EDGEKERN_BAREMETAL_NEWLIB
    std::exit(edgekern_program_main()); // flushes stdio, then librdimon's _exit reports the code
#else
    edgekern_baremetal::exit(edgekern_program_main());
#endif
}

extern "C" [[noreturn]] void edgekern_default_handler() {
    edgekern_baremetal::write("edgekern: unexpected exception (fault) on the target\n");
    edgekern_baremetal::exit(70);
}

using vector_fn = void (*)();
// Initial SP, reset, then NMI .. SysTick, every fault going to the failing default handler.
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
