#!/usr/bin/env python3
"""Byte-level llm.c token shards (ids 0..255 = UTF-8 bytes; vocabulary 257 with <|endoftext|> = 256)
for `tessera train-lm --tokenizer bytes`, split into train / validation, plus the unigram baseline:
the cross-entropy (nats/token) of the validation bytes under the training set's byte frequencies.

  python3 scripts/make_byte_shards.py ../shared/data/en/shakespeare_complete.txt runs/data --val-fraction 0.1
"""
import argparse, json, math, os, struct
from collections import Counter


def write_shard(path, ids):
    header = [0] * 256
    header[0], header[1], header[2] = 20240520, 1, len(ids)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<256i", *header))
        f.write(struct.pack("<%dH" % len(ids), *ids))
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("text")
    ap.add_argument("outdir")
    ap.add_argument("--val-fraction", type=float, default=0.1)
    a = ap.parse_args()
    data = open(a.text, "rb").read()
    cut = len(data) - int(len(data) * a.val_fraction)
    train, val = list(data[:cut]), list(data[cut:])
    os.makedirs(a.outdir, exist_ok=True)
    write_shard(os.path.join(a.outdir, "train.bin"), train)
    write_shard(os.path.join(a.outdir, "val.bin"), val)
    counts = Counter(train)
    total = len(train) + 257  # add-one smoothing over the 257 ids
    ce = -sum(math.log((counts[b] + 1) / total) for b in val) / len(val)
    print(json.dumps({"train_tokens": len(train), "val_tokens": len(val), "unigram_val_loss": ce}))


if __name__ == "__main__":
    main()
