#!/usr/bin/env python3
"""Checks that tokenizer.json files written by Tessera load in Hugging Face `tokenizers` and
encode every sample line to the same ids as `tessera encode` (optional; not used by tests).

  python3 check_hf_loads.py PATH/TO/tessera TOKENIZER.json...

Prints one line per tokenizer: lines compared, lines that differ, and whether HF's offsets equal
`tessera encode --format jsonl --offsets` (converted from HF's character offsets to bytes).
"""
import json
import os
import subprocess
import sys

from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    tessera, files = sys.argv[1], sys.argv[2:]
    sample = os.path.join(HERE, "sample_lines.txt")
    lines = open(sample, encoding="utf-8").read().split("\n")[:-1]
    failures = 0
    for path in files:
        hf = Tokenizer.from_file(path)
        out = subprocess.run([tessera, "encode", "--tokenizer", path, "--format", "jsonl", "--offsets", sample],
                             check=True, capture_output=True).stdout.decode("utf-8").split("\n")[:-1]
        ids_diff = offsets_diff = 0
        for line, row in zip(lines, out):
            ours = json.loads(row)
            enc = hf.encode(line, add_special_tokens=False)
            pos = [0]
            for ch in line:
                pos.append(pos[-1] + len(ch.encode("utf-8")))
            if enc.ids != ours["ids"]:
                ids_diff += 1
            if [[pos[s], pos[e]] for s, e in enc.offsets] != ours["offsets"]:
                offsets_diff += 1
        failures += ids_diff + offsets_diff + (len(lines) != len(out))
        print(f"{os.path.basename(path)}: {len(out)} lines, ids differ on {ids_diff}, offsets differ on {offsets_diff}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
