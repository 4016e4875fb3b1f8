#!/usr/bin/env python3
"""Checks Tessera's BLEU and chrF of a model's translations against the `sacrebleu` package.

    tessera evaluate-seq2seq --model RUN --pairs PAIRS.jsonl --split test --hypotheses hyp.txt > scores.json
    python3 scripts/check_seq2seq_metrics.py PAIRS.jsonl hyp.txt scores.json [--split test] [--src-field en --tgt-field ko]

Selects the same pairs as evaluate-seq2seq (blank-sided pairs skipped; the split by FNV-1a-64 of the
source's UTF-8 bytes modulo 1000: dev < 50, test < 100, train otherwise), scores the hypotheses
with sacreBLEU's default BLEU and chrF, and exits non-zero unless both equal Tessera's within 0.01.
"""
import argparse
import json
import sys

from sacrebleu.metrics import BLEU, CHRF


def fnv1a(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def part(source, dev=50, test=50):
    bucket = fnv1a(source.encode("utf-8")) % 1000
    return "dev" if bucket < dev else "test" if bucket < dev + test else "train"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs"); ap.add_argument("hypotheses"); ap.add_argument("scores")
    ap.add_argument("--split", default="all"); ap.add_argument("--src-field", default="en"); ap.add_argument("--tgt-field", default="ko")
    args = ap.parse_args()
    refs = []
    with open(args.pairs, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            pair = json.loads(line)
            src, tgt = pair[args.src_field], pair[args.tgt_field]
            if not src.strip() or not tgt.strip():
                continue
            if args.split == "all" or part(src) == args.split:
                refs.append(tgt)
    with open(args.hypotheses, encoding="utf-8") as f:
        hyps = f.read().split("\n")[:-1]
    if len(hyps) != len(refs):
        sys.exit(f"{len(hyps)} hypotheses but {len(refs)} references")
    tessera = json.loads(open(args.scores, encoding="utf-8").read())
    bleu = BLEU().corpus_score(hyps, [refs]).score
    chrf = CHRF().corpus_score(hyps, [refs]).score
    print(json.dumps({"sentences": len(hyps), "sacrebleu_bleu": bleu, "tessera_bleu": tessera["bleu"],
                      "sacrebleu_chrf": chrf, "tessera_chrf": tessera["chrf"]}))
    if abs(bleu - tessera["bleu"]) > 0.01 or abs(chrf - tessera["chrf"]) > 0.01:
        sys.exit("MISMATCH")


if __name__ == "__main__":
    main()
