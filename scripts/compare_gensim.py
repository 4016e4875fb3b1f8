#!/usr/bin/env python3
"""Quality and speed of `tessera train-embeddings` against gensim's Word2Vec, same word stream.

Tessera splits the corpus into words (NFKC, lowercase, BERT punctuation split, punctuation
dropped, one sentence per line) and writes that exact stream with --dump-words; gensim trains on
it through LineSentence, so both see the same sentences and build the same vocabulary.

For every seed and thread count, gensim and Tessera train alternately (the machine is shared and
noisy) with the same hyper-parameters (sg=1, dim 100, window 5, negative 5, sample 1e-3,
min-count 5, 5 epochs). Each model is scored with gensim's own evaluate_word_analogies and
evaluate_word_pairs (Tessera's vectors are loaded from the .vec it wrote), and with
`tessera evaluate-embeddings` as a cross-check of Tessera's evaluator. Timings are of the
training loop only (gensim's train(), Tessera's summary line), vocabulary building excluded.

Needs: pip install gensim (pulls numpy, scipy).
Usage:
  python3 scripts/compare_gensim.py --tessera .build/release/tessera --seeds 1 2 3 --threads 1 2 -- \\
      ../shared/data/en/shakespeare_complete.txt ../shared/data/en/world_english_bible.txt
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data")


def tessera_train(args, corpus, seed, threads, out_dir):
    vec = os.path.join(out_dir, f"tessera-s{seed}-t{threads}.vec")
    cmd = [args.tessera, "train-embeddings", "--words", *corpus, "--dim", "100", "--window", "5",
           "--negative", "5", "--sample", "1e-3", "--min-count", "5", "--epochs", str(args.epochs),
           "--threads", str(threads), "--seed", str(seed),
           "-o", os.path.join(out_dir, "tessera.safetensors"), "--vec", vec]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    m = re.search(r"trained (\d+) words \((\d+) after sub-sampling\) in ([0-9.]+)s \(([0-9.]+) CPU s\)", done.stderr)
    return vec, int(m.group(1)), float(m.group(3)), float(m.group(4))


def gensim_train(args, sentences, seed, threads, out_dir):
    model = Word2Vec(sg=1, vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                     epochs=args.epochs, workers=threads, seed=seed)
    model.build_vocab(sentences)
    start, cpu_start = time.perf_counter(), time.process_time()
    model.train(sentences, total_examples=model.corpus_count, epochs=args.epochs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    vec = os.path.join(out_dir, f"gensim-s{seed}-t{threads}.vec")
    model.wv.save_word2vec_format(vec, binary=False)
    return vec, seconds, cpu_seconds


def gensim_scores(vec, args):
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(vec, binary=False)
    analogy, _ = kv.evaluate_word_analogies(args.analogies, restrict_vocab=args.restrict)
    pearson, spearman, oov = kv.evaluate_word_pairs(args.similarity, restrict_vocab=args.restrict)
    return analogy, spearman.statistic if hasattr(spearman, "statistic") else spearman[0], oov


def tessera_scores(vec, args):
    out = subprocess.run([args.tessera, "evaluate-embeddings", "--embeddings", vec, "--analogies", args.analogies,
                          "--similarity", args.similarity, "--restrict", str(args.restrict), "--json"],
                         capture_output=True, text=True, check=True).stdout
    r = json.loads(out)
    return r["analogy_accuracy"], r["similarity_spearman"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tessera", default=os.path.join(HERE, "..", ".build", "release", "tessera"))
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--restrict", type=int, default=30000)
    p.add_argument("--analogies", default=os.path.join(DATA, "eval", "questions-words.txt"))
    p.add_argument("--similarity", default=os.path.join(DATA, "eval", "wordsim353.tsv"))
    p.add_argument("--speed-only", action="store_true", help="skip the evaluations (more alternations per minute)")
    p.add_argument("corpus", nargs="+")
    args = p.parse_args()

    out_dir = tempfile.mkdtemp(prefix="tessera-vs-gensim-")
    words = os.path.join(out_dir, "words.txt")
    subprocess.run([args.tessera, "train-embeddings", "--words", *args.corpus, "--dump-words", words, "--epochs", "1",
                    "--threads", "1", "--quiet", "-o", os.path.join(out_dir, "dump.safetensors")], check=True)
    sentences = list(LineSentence(words))
    print(f"word stream: {sum(map(len, sentences))} words in {len(sentences)} sentences ({words})", file=sys.stderr)

    rows = []
    for seed in args.seeds:
        for threads in args.threads:
            g_vec, g_seconds, g_cpu = gensim_train(args, sentences, seed, threads, out_dir)
            t_vec, t_words, t_seconds, t_cpu = tessera_train(args, args.corpus, seed, threads, out_dir)
            for tool, vec, seconds, cpu in (("gensim", g_vec, g_seconds, g_cpu), ("tessera", t_vec, t_seconds, t_cpu)):
                if args.speed_only:
                    analogy = spearman = oov = t_analogy = t_spearman = float("nan")
                else:
                    analogy, spearman, oov = gensim_scores(vec, args)
                    t_analogy, t_spearman = tessera_scores(vec, args)
                row = {"tool": tool, "seed": seed, "threads": threads, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                       "words_per_s": round(t_words / seconds), "analogy": round(analogy * 100, 2),
                       "spearman": round(spearman * 100, 2), "similarity_oov_pct": round(oov, 1),
                       "tessera_eval_analogy": round(t_analogy * 100, 2), "tessera_eval_spearman": round(t_spearman * 100, 2)}
                rows.append(row)
                print(json.dumps(row), flush=True)

    print("\nsummary (mean over seeds; words/s = the same in-vocabulary stream words x epochs / training seconds)")
    for threads in args.threads:
        for tool in ("gensim", "tessera"):
            sel = [r for r in rows if r["tool"] == tool and r["threads"] == threads]
            print(f"  {tool:8s} threads={threads}: analogy {statistics.mean(r['analogy'] for r in sel):6.2f}%  "
                  f"spearman {statistics.mean(r['spearman'] for r in sel):6.2f}  "
                  f"median {statistics.median(r['words_per_s'] for r in sel):10.0f} words/s")
        gs = [r for r in rows if r["tool"] == "gensim" and r["threads"] == threads]
        ts = [r for r in rows if r["tool"] == "tessera" and r["threads"] == threads]
        ratios = [g["seconds"] / t["seconds"] for g, t in zip(gs, ts)]
        print(f"  speed tessera/gensim threads={threads}: median {statistics.median(ratios):.2f}x  (runs: {', '.join(f'{x:.2f}' for x in ratios)}); "
              f"best run vs best run {min(g['seconds'] for g in gs) / min(t['seconds'] for t in ts):.2f}x; "
              f"CPU seconds {statistics.median(g['cpu_seconds'] for g in gs):.1f} vs {statistics.median(t['cpu_seconds'] for t in ts):.1f}")


if __name__ == "__main__":
    main()
