#!/usr/bin/env python3
"""Training and held-out text for masked-LM pretraining on English + Korean (README section 8).

Reads the shared data directory (../shared/data by default):
  en/*.txt   each book's lines from 50% to 54% (moved to the next blank line) are held out;
  ko/*.txt   each file's lines from 50% to 60% are held out;
  parallel/en-ko.ui.jsonl   the Korean side only (never the English: the classification task
             reads it), one message per line, one document per catalog; the catalogs whose
             CRC-32 is 0 mod 10 are held out.
Writes OUT/en-train.txt, en-heldout.txt, ko-train.txt, ko-heldout.txt (= ko-text-heldout.txt +
ko-ui-heldout.txt): one segment per line, a blank line between documents, as train-mlm reads.

    scripts/split_mlm_corpus.py [--data ../shared/data] -o runs/mlm-data
"""
import argparse
import glob
import json
import os
import zlib


def split_lines(path, lo, hi):
    lines = open(path, encoding="utf-8").read().replace("\r\n", "\n").split("\n")
    n = len(lines)
    a, b = int(n * lo), int(n * hi)
    while a < n and lines[a].strip():
        a += 1
    while b < n and lines[b].strip():
        b += 1
    return lines[:a] + [""] + lines[b:], lines[a:b]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    os.makedirs(args.output, exist_ok=True)
    en_train, en_held, ko_train, ko_held = [], [], [], []
    for f in sorted(glob.glob(os.path.join(args.data, "en", "*.txt"))):
        t, h = split_lines(f, 0.50, 0.54)
        en_train += t + [""]
        en_held += h + [""]
    for f in sorted(glob.glob(os.path.join(args.data, "ko", "*.txt"))):
        t, h = split_lines(f, 0.50, 0.60)
        ko_train += t + [""]
        ko_held += h + [""]
    catalogs = {}
    with open(os.path.join(args.data, "parallel", "en-ko.ui.jsonl"), encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            catalogs.setdefault(row["catalog"], []).append(" ".join(row["ko"].split()))
    ui_train, ui_held = [], []
    for name, messages in sorted(catalogs.items()):
        target = ui_held if zlib.crc32(name.encode()) % 10 == 0 else ui_train
        target += [m for m in messages if m] + [""]

    def write(name, lines):
        with open(os.path.join(args.output, name), "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")

    write("en-train.txt", en_train)
    write("en-heldout.txt", en_held)
    write("ko-train.txt", ko_train + ui_train)
    write("ko-heldout.txt", ko_held + ui_held)
    write("ko-text-heldout.txt", ko_held)
    write("ko-ui-heldout.txt", ui_held)


if __name__ == "__main__":
    main()
