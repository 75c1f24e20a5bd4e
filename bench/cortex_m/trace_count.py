#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# bench/cortex_m/trace_count.py: exact instruction counts of every counter.measure() region of a firmware built by
# bench/cortex_m/run.sh, from a QEMU instruction trace (the cross-check of docs/cortex_m_cost.md).
# Usage: bench/cortex_m/trace_count.py build/cortex_m_bench/<kernel>.elf
# Runs the firmware once more with -singlestep -d exec,nochain (slow: ~1 M instructions/s; the trace goes to a
# temporary file), then prints, per region in execution order, the instructions from the return of
# edgekern_cm::counter::start() to the entry of counter::stop(), minus the `bl` to stop(). The first region is
# the counter's own empty calibration region (0).
import os
import re
import subprocess
import sys
import tempfile


def symbol(elf, name):
    out = subprocess.run(["arm-none-eabi-nm", "-C", elf], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        addr, _, sym = line.split(" ", 2)
        if sym == name:
            return int(addr, 16) & ~1
    sys.exit("symbol not found: " + name)


def returns_of(elf, start):
    # addresses of the return instructions (bx lr / pop {..pc}) of the function at `start`
    out = subprocess.run(["arm-none-eabi-objdump", "-d", "--start-address=%#x" % start,
                          "--stop-address=%#x" % (start + 256), elf], capture_output=True, text=True,
                         check=True).stdout
    rets = []
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(?:[0-9a-f]{4} ?){1,2}\s+(\S+)\s*(.*)", line)
        if not m:
            if rets and re.match(r"^[0-9a-f]+ <", line):
                break
            continue
        addr, op, args = int(m.group(1), 16), m.group(2), m.group(3)
        if (op == "bx" and args.startswith("lr")) or (op.startswith("pop") and "pc" in args) or \
                (op.startswith("ldmia") and "pc" in args):
            rets.append(addr)
            break
    return rets


def main():
    elf = sys.argv[1]
    start = symbol(elf, "edgekern_cm::counter::start()")
    stop = symbol(elf, "edgekern_cm::counter::stop()")
    rets = set(returns_of(elf, start))
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace.log")
        subprocess.run(["qemu-system-arm", "-M", "mps2-an500", "-cpu", "cortex-m7", "-nographic", "-monitor",
                        "none", "-serial", "none", "-icount", "shift=0,align=off,sleep=off", "-semihosting-config",
                        "enable=on,target=native", "-singlestep", "-d", "exec,nochain", "-D", log, "-kernel", elf],
                       check=True, stdout=subprocess.DEVNULL)
        pcs = []
        last = None
        with open(log) as f:
            for line in f:
                m = re.search(r"\[[0-9a-f]+/([0-9a-f]+)/", line)
                if not m:
                    continue
                pc = int(m.group(1), 16)
                if pc != last:  # QEMU re-runs an instruction when it recompiles a block for I/O
                    pcs.append(pc)
                last = pc
    counts, i = [], 0
    while i < len(pcs):
        if pcs[i] in rets:
            j = i + 1
            while j < len(pcs) and pcs[j] != stop:
                j += 1
            counts.append(j - (i + 1) - 1)
            i = j
        i += 1
    for n, c in enumerate(counts):
        print("region %d: %d instructions" % (n, c))


if __name__ == "__main__":
    main()
