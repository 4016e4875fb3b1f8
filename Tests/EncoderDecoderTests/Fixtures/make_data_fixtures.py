#!/usr/bin/env python3
"""Writes split_expected.json: the train/dev/test part of every pair in pairs.jsonl under Tessera's
split rule (FNV-1a-64 of the English UTF-8 bytes, modulo 1000: < 50 dev, < 100 test, else train),
computed independently here in Python, plus the hash of each English side.

    python3 make_data_fixtures.py
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fnv1a(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def part(bucket, dev=50, test=50):
    return "dev" if bucket < dev else "test" if bucket < dev + test else "train"


rows = []
for line in (HERE / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
    en = json.loads(line)["en"]
    h = fnv1a(en.encode("utf-8"))
    rows.append({"hash": str(h), "part": part(h % 1000), "part_200_300": part(h % 1000, 200, 300)})
(HERE / "split_expected.json").write_text(json.dumps(rows, indent=0) + "\n", encoding="utf-8")
