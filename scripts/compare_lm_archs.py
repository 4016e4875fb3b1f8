#!/usr/bin/env python3
"""Trains one model per architecture on the same token shards with the same budget (steps, batch,
context, threads) and prints a Markdown table: arch, parameters, training tokens/s, validation
loss, bits per byte, plus the unigram baseline (add-one smoothed training-shard frequencies, as in
the pipeline's report). Each model is `tessera train-lm --arch A ...` then `tessera evaluate-lm`.

  python3 scripts/compare_lm_archs.py --train RUN/data/train.bin --val RUN/data/val.bin \
      --tokenizer RUN/tokenizer.json --out /tmp/archs --steps 400 --threads 2
"""
import argparse, json, math, os, re, struct, subprocess, sys, time
from collections import Counter


def read_shard(path):
    with open(path, "rb") as f:
        header = struct.unpack("<256i", f.read(1024))
        magic, version, n = header[0], header[1], header[2]
        assert magic == 20240520, f"{path}: not an llm.c token shard"
        fmt, size = ("H", 2) if version == 1 else ("I", 4)
        return struct.unpack("<%d%s" % (n, fmt), f.read(n * size))


def unigram_loss(train, val_targets, vocab):
    counts = Counter(train)
    total = len(train) + vocab
    return -sum(math.log((counts[t] + 1) / total) for t in val_targets) / len(val_targets)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--train", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--archs", default="transformer,rnn,lstm,gru")
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--arch-steps", default="", help="per-arch step counts overriding --steps, e.g. rnn=1400,lstm=1100 "
                    "(to compare at about equal wall time)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2, help="recurrent layers (the Transformer keeps its defaults)")
    ap.add_argument("--lr", default="1e-2", help="peak learning rate of the recurrent models")
    ap.add_argument("--transformer-lr", help="peak learning rate of the Transformer (default: train-lm's)")
    ap.add_argument("--dropout", default="0.1")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    rows = []
    arch_steps = {k: int(v) for k, v in (kv.split("=") for kv in a.arch_steps.split(",") if kv)}
    for arch in a.archs.split(","):
        steps = arch_steps.get(arch, a.steps)
        run = os.path.join(a.out, arch)
        cmd = [a.tessera, "train-lm", "--arch", arch, "--tokens", a.train, "--val", a.val, "--tokenizer", a.tokenizer,
               "--steps", str(steps), "--batch", str(a.batch), "--context", str(a.context), "--dropout", a.dropout,
               "--threads", str(a.threads), "--eval-interval", str(steps), "--log-interval", "50", "--force", "-o", run]
        if arch != "transformer":
            cmd += ["--hidden", str(a.hidden), "--layers", str(a.layers), "--lr", a.lr]
        elif a.transformer_lr:
            cmd += ["--lr", a.transformer_lr]
        t0 = time.time()
        log = subprocess.run(cmd, check=True, capture_output=True, text=True).stderr
        wall = time.time() - t0
        params = int(re.search(r"; (\d+) parameters", log).group(1))
        rates = [float(x) for x in re.findall(r"\| (\d+) tok/s", log)]
        ev = json.loads(subprocess.run([a.tessera, "evaluate-lm", "--model", run, "--tokens", a.val, "--threads", str(a.threads)],
                                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        rows.append(dict(arch=arch, steps=steps, parameters=params, tokens_per_s=sum(rates) / max(len(rates), 1), loss=ev["loss"],
                         bits_per_byte=ev["bits_per_byte"], seconds=wall, command=" ".join(cmd)))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    vocab = json.loads(subprocess.run([sys.executable, "-c", "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['model']['vocab']))",
                                       a.tokenizer], check=True, capture_output=True, text=True).stdout)
    val = read_shard(a.val)
    base = unigram_loss(read_shard(a.train), val[1:], vocab)
    print("| arch | parameters | steps | training tokens/s | validation loss | bits per byte | wall time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| unigram baseline | {vocab} | – | – | {base:.3f} | – | – |")
    for r in rows:
        print(f"| {r['arch']} | {r['parameters']:,} | {r['steps']} | {r['tokens_per_s']:.0f} | {r['loss']:.3f} | {r['bits_per_byte']:.3f} | {r['seconds']:.0f} s |")


if __name__ == "__main__":
    main()
