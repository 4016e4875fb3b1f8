#!/usr/bin/env python3
"""End-to-end checks of the tessera embeddings commands against gensim (pip install gensim safetensors).

1. gensim's KeyedVectors.load_word2vec_format loads the .vec and .bin files `tessera train-embeddings`
   writes, with the tokens and values of the safetensors file (read with the `safetensors` package).
2. Tessera reads vectors gensim wrote: `tessera similar` on gensim's .bin and .vec gives gensim's
   most_similar neighbours.
3. `--threads 1 --seed S` twice gives byte-identical .safetensors, .vec and .bin.
4. Subword mode on a byte-level shard: [257, dim] aligned to ids, untrained ids listed in the metadata.
5. Bad input fails with one clear line, a non-zero status and no output file: bad shard magic, a
   truncated shard, ids beyond the vocabulary, a corpus shorter than the window, --dim 0; malformed
   analogy lines are reported with their line numbers and skipped.

Usage: python3 scripts/check_gensim_interop.py [--tessera .build/release/tessera]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from gensim.models import KeyedVectors, Word2Vec
from safetensors.numpy import load_file
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data")
FAILED = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILED.append(what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def shard(path, ids, magic=20240520, version=1, count=None):
    header = np.zeros(256, dtype="<i4")
    header[0], header[1], header[2] = magic, version, len(ids) if count is None else count
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(np.asarray(ids, dtype="<u2" if version == 1 else "<u4").tobytes())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tessera", default=os.path.join(HERE, "..", ".build", "release", "tessera"))
    t = p.parse_args().tessera
    d = tempfile.mkdtemp(prefix="tessera-interop-")
    corpus = os.path.join(DATA, "en", "alice29.txt")

    # 1. gensim loads what Tessera writes.
    base = [t, "train-embeddings", "--words", corpus, "--dim", "32", "--epochs", "2", "--min-count", "3", "--quiet"]
    r = run(base + ["--threads", "1", "--seed", "3", "-o", f"{d}/a.safetensors", "--vec", f"{d}/a.vec", "--bin", f"{d}/a.bin"])
    check(r.returncode == 0, f"train-embeddings --words runs ({r.stderr.strip()[:200]})")
    tensors = load_file(f"{d}/a.safetensors")
    with safe_open(f"{d}/a.safetensors", framework="np") as f:
        meta = f.metadata()
    tokens = json.loads(meta["tokens"])
    emb = tensors["embeddings"]
    check(emb.dtype == np.float32 and emb.shape == (len(tokens), 32), f"safetensors package reads embeddings {emb.shape}")
    kv_bin = KeyedVectors.load_word2vec_format(f"{d}/a.bin", binary=True)
    kv_vec = KeyedVectors.load_word2vec_format(f"{d}/a.vec", binary=False)
    check(kv_bin.index_to_key == tokens and kv_vec.index_to_key == tokens, "gensim reads the same tokens from .bin and .vec")
    check(np.array_equal(kv_bin.vectors, emb), "gensim's .bin vectors equal the safetensors values exactly")
    err = np.abs(kv_vec.vectors - emb).max()
    check(err <= 6e-7, f"gensim's .vec vectors equal them to the 6 printed decimals (max error {err:.2g})")

    # 2. Tessera reads what gensim writes.
    sentences = [line.split() for line in open(corpus, encoding="utf-8").read().lower().splitlines() if line.split()]
    g = Word2Vec(sentences, sg=1, vector_size=24, min_count=3, epochs=2, workers=1, seed=5)
    g.wv.save_word2vec_format(f"{d}/g.bin", binary=True)
    g.wv.save_word2vec_format(f"{d}/g.vec", binary=False)
    want = [w for w, _ in g.wv.most_similar("alice", topn=5)]
    for name in ("g.bin", "g.vec"):
        r = run([t, "similar", "--embeddings", f"{d}/{name}", "alice", "-k", "5"])
        got = [line.split("\t")[0] for line in r.stdout.splitlines()]
        check(r.returncode == 0 and got == want, f"tessera similar on gensim's {name} gives gensim's neighbours {want}")

    # 3. Deterministic with one thread.
    r = run(base + ["--threads", "1", "--seed", "3", "-o", f"{d}/b.safetensors", "--vec", f"{d}/b.vec", "--bin", f"{d}/b.bin"])
    for ext in ("safetensors", "vec", "bin"):
        check(open(f"{d}/a.{ext}", "rb").read() == open(f"{d}/b.{ext}", "rb").read(), f"--threads 1 --seed 3 twice: identical .{ext}")
    r = run(base + ["--threads", "1", "--seed", "4", "-o", f"{d}/c.safetensors"])
    check(open(f"{d}/a.safetensors", "rb").read() != open(f"{d}/c.safetensors", "rb").read(), "another seed gives other vectors")

    # 4. Subword mode on a byte shard.
    text = open(corpus, "rb").read()
    shard(f"{d}/bytes.bin", list(text))
    r = run([t, "train-embeddings", "--tokens", f"{d}/bytes.bin", "--tokenizer", "bytes", "--dim", "16", "--epochs", "1",
             "--threads", "2", "--quiet", "-o", f"{d}/s.safetensors", "--vec", f"{d}/s.vec"])
    check(r.returncode == 0, f"train-embeddings --tokens runs ({r.stderr.strip()[:200]})")
    with safe_open(f"{d}/s.safetensors", framework="np") as f:
        meta, emb = f.metadata(), f.get_tensor("embeddings")
    counts = np.bincount(np.frombuffer(text, dtype=np.uint8), minlength=257)
    expect_untrained = [i for i in range(257) if i == 256 or counts[i] < 5]
    check(emb.shape == (257, 16), f"subword matrix is [257, 16]: {emb.shape}")
    check(json.loads(meta["untrained_ids"]) == expect_untrained, f"untrained_ids lists the {len(expect_untrained)} ids seen < 5 times or special")
    kv = KeyedVectors.load_word2vec_format(f"{d}/s.vec")
    check(len(kv) == 257, "gensim loads the subword .vec (257 rows)")

    # 5. Bad input.
    def bad(args, what, out):
        r = run(args)
        lines = [l for l in r.stderr.strip().splitlines() if l]
        check(r.returncode != 0 and len(lines) >= 1 and not os.path.exists(out), f"{what}: exit {r.returncode}, '{lines[-1] if lines else ''}'")
    out = f"{d}/never.safetensors"
    shard(f"{d}/magic.bin", [1, 2, 3], magic=1234)
    bad([t, "train-embeddings", "--tokens", f"{d}/magic.bin", "--tokenizer", "bytes", "-o", out], "bad shard magic", out)
    shard(f"{d}/short.bin", [1, 2, 3], count=10)
    bad([t, "train-embeddings", "--tokens", f"{d}/short.bin", "--tokenizer", "bytes", "-o", out], "shard length not matching its header", out)
    shard(f"{d}/big.bin", [1, 2, 300, 3], version=2)
    bad([t, "train-embeddings", "--tokens", f"{d}/big.bin", "--tokenizer", "bytes", "--min-count", "1", "-o", out], "id beyond the vocabulary", out)
    with open(f"{d}/tiny.txt", "w") as f:
        f.write("just three words\n")
    bad([t, "train-embeddings", "--words", f"{d}/tiny.txt", "--min-count", "1", "-o", out], "corpus with fewer words than the window", out)
    bad([t, "train-embeddings", "--words", corpus, "--dim", "0", "-o", out], "--dim 0", out)
    with open(f"{d}/q.txt", "w") as f:
        f.write(": family\nking queen man woman\nboy girl\nbrother sister\n")
    r = run([t, "evaluate-embeddings", "--embeddings", f"{d}/a.bin", "--analogies", f"{d}/q.txt"])
    check(r.returncode == 0 and "q.txt:3: skipped" in r.stderr and "q.txt:4: skipped" in r.stderr,
          "malformed analogy lines reported with line numbers and skipped")

    print(f"\n{len(FAILED)} failed" if FAILED else "\nall checks passed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
