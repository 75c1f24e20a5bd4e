#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# gen_fuzz_seeds.py: writes the small seed corpora of the libFuzzer harnesses (tests/fuzz/corpus/<name>/).
# Each harness reads its input front to back (edgekern_fuzz::reader): a selector byte, then 8-byte integers reduced
# modulo a small range (shapes, parameters) and raw values. A seed is the selector followed by little-endian
# uint64 words holding small numbers (so the decoded shapes are mostly valid and the harness reaches the kernels'
# arithmetic, not only their validation), then pseudo-random bytes. Deterministic: seed 20261122, numpy only for
# the generator. Usage: /usr/bin/python3 tools/gen_fuzz_seeds.py [repo root]
import os
import struct
import sys

import numpy as np

SEED = 20261122
# harness -> number of selector values (its top-level switch)
HARNESSES = {"conv": 14, "omp": 5, "gmm": 8, "random_projection": 6}


def seed_bytes(rng, selector, words=48, tail=256):
    out = bytes([selector])
    for _ in range(words):
        out += struct.pack("<Q", int(rng.integers(1, 6)))
    return out + rng.integers(0, 256, size=tail, dtype=np.uint8).tobytes()


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    rng = np.random.default_rng(SEED)
    for name, selectors in HARNESSES.items():
        d = os.path.join(root, "tests", "fuzz", "corpus", name)
        os.makedirs(d, exist_ok=True)
        for s in range(selectors):
            with open(os.path.join(d, "seed_%02d" % s), "wb") as f:
                f.write(seed_bytes(rng, s))


if __name__ == "__main__":
    main()
