#!/usr/bin/env python3
"""Copies the bundled part of the English→Korean parallel corpus into Corpora/parallel/.

    python3 scripts/make_parallel_subset.py ../shared/data/parallel/en-ko.ui.jsonl Corpora/parallel/en-ko.ui.sample.jsonl

Keeps the lines of the shared corpus (unchanged, in order) whose English side has at most 80
characters and whose FNV-1a-64 hash of the English UTF-8 bytes, shifted right by 32 bits, is 0–9
modulo 100 (about one pair in ten). The high bits are used so that the selection does not correlate
with Tessera's train/dev/test split, which takes the same hash modulo 1000.
"""
import json
import sys


def fnv1a(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main(src, dst):
    kept = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            pair = json.loads(line)
            if len(pair["en"]) <= 80 and (fnv1a(pair["en"].encode("utf-8")) >> 32) % 100 <= 9:
                kept.append(line)
    with open(dst, "w", encoding="utf-8") as f:
        f.writelines(kept)
    print(f"{len(kept)} pairs, {sum(len(l.encode()) for l in kept)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
