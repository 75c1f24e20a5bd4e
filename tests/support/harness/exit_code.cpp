// SPDX-License-Identifier: Apache-2.0
// exit_code.cpp: harness self-check: a program that returns 3. The test around it passes only if the runner
// (native, qemu-user, or QEMU + semihosting on Cortex-M) reports exactly 3, proving that exit codes count.
int main() {
    return 3;
}
