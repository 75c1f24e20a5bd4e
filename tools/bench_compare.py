#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""bench_compare.py: merge Google Benchmark JSON runs from several machines into one comparison table.

Each input is the output of `edgekern_bench --benchmark_format=json` (or --benchmark_out=FILE). The machine is
identified by the context that bench/main.cpp records (cpu_model, compiled_arch, cpu_x86_level) unless a label is
given as FILE=LABEL. For every benchmark name present in any run the table shows the time per iteration (or a
chosen counter) on each machine and the ratio to the first machine.

    tools/bench_compare.py a.json b.json=graviton3 [--counter GMAC/s] [--filter conv2d] [--markdown]
"""
import argparse
import json
import re
import sys


def load(spec):
    path, _, label = spec.partition("=")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    ctx = data.get("context", {})
    if not label:
        label = "{} [{}]".format(ctx.get("cpu_model", ctx.get("host_name", path)), ctx.get("compiled_arch", "?"))
    rows = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        rows[name] = b
    return label, rows


def value(b, counter):
    if counter:
        v = b.get(counter)
        return float(v) if v is not None else None
    unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
    return float(b["real_time"]) * unit


def fmt(v, counter):
    if v is None:
        return "-"
    if counter:
        return "{:.4g}".format(v)
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if v >= scale:
            return "{:.3g} {}".format(v / scale, unit)
    return "{:.3g} ns".format(v)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+", help="JSON files, optionally FILE=LABEL")
    ap.add_argument("--counter", help="compare this counter (e.g. GMAC/s) instead of real time")
    ap.add_argument("--filter", help="regular expression on benchmark names")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)

    runs = [load(s) for s in args.runs]
    names = []
    for _, rows in runs:
        for n in rows:
            if n not in names and (not args.filter or re.search(args.filter, n)):
                names.append(n)
    header = ["benchmark"] + [label for label, _ in runs]
    if len(runs) > 1:
        header += ["ratio {}/1".format(i + 1) for i in range(1, len(runs))]
    table = []
    for n in names:
        vals = [value(rows[n], args.counter) if n in rows else None for _, rows in runs]
        row = [n] + [fmt(v, args.counter) for v in vals]
        for v in vals[1:]:
            base = vals[0]
            if v is None or base is None or v == 0 or base == 0:
                row.append("-")
            elif args.counter:  # a rate: higher is better, ratio = other / first
                row.append("{:.2f}".format(v / base))
            else:  # a time: ratio = first / other, so > 1 means the other machine is faster
                row.append("{:.2f}".format(base / v))
        table.append(row)
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in table:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in [header] + table) for i in range(len(header))]
        for r in [header] + table:
            print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
