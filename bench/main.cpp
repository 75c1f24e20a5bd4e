// SPDX-License-Identifier: Apache-2.0
// main.cpp: the one benchmark runner's main: records the machine, the build's ISA and the run-time CPU level in
// the JSON context, so runs from several CPUs can be merged into one table (tools/bench_compare.py).
// Kernel benchmarks live one file per kernel beside this one; do not add another main.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "edgekern/arch/cpu_features.hpp"
#include "edgekern/arch/tags.hpp"
#include "edgekern/version.hpp"

namespace {

std::string cpu_model_name() {
    std::FILE* f = std::fopen("/proc/cpuinfo", "r");
    if (!f) return "unknown";
    char line[512];
    std::string model = "unknown";
    while (std::fgets(line, sizeof line, f)) {
        // x86: "model name : ..."; aarch64: "CPU part : 0x..." (no name), fall back to it.
        const char* keys[] = {"model name", "Model", "CPU part"};
        for (const char* key : keys) {
            if (std::strncmp(line, key, std::strlen(key)) == 0) {
                const char* colon = std::strchr(line, ':');
                if (!colon) continue;
                std::string v(colon + 1);
                while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
                while (!v.empty() && v.front() == ' ') v.erase(0, 1);
                if (model == "unknown") model = v;
            }
        }
    }
    std::fclose(f);
    return model;
}

} // namespace

int main(int argc, char** argv) {
    benchmark::AddCustomContext("edgekern_version", EDGEKERN_VERSION_STRING);
    benchmark::AddCustomContext("cpu_model", cpu_model_name());
    benchmark::AddCustomContext("compiled_arch", edgekern::arch::default_arch::name);
    benchmark::AddCustomContext("cpu_x86_level", edgekern::arch::x86_level_name(edgekern::arch::detect_x86_level()));
#if defined(__clang__)
    benchmark::AddCustomContext("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
    benchmark::AddCustomContext("compiler", "gcc " __VERSION__);
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
