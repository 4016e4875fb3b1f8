#!/usr/bin/env python3
"""Alternating same-session speed comparison of `tessera bench train-lm --arch rnn|lstm|gru` and
scripts/bench_torch_rnn.py (same arch, layers, hidden, context, batch, vocab, threads): runs them in
turn PAIRS times and prints each run's tokens/s (wall) and tokens per CPU-second, the median ratios
tessera / PyTorch of both, and the load average before and after, as one JSON line. On a shared,
loaded machine wall time mostly measures waiting for a core; CPU time measures the work (with one
thread; with two it also counts spinning).

  python3 scripts/compare_rnn_speed.py --arch lstm --threads 1 --steps 5 --pairs 3
"""
import argparse, json, os, statistics, subprocess, sys


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--arch", default="lstm", choices=["rnn", "lstm", "gru"])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--context", type=int, default=128)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup-steps", type=int, default=2)
    ap.add_argument("--pairs", type=int, default=3)
    a = ap.parse_args()
    shape = ["--arch", a.arch, "--layers", str(a.layers), "--hidden", str(a.hidden), "--context", str(a.context), "--batch", str(a.batch),
             "--vocab", str(a.vocab), "--threads", str(a.threads), "--steps", str(a.steps), "--warmup-steps", str(a.warmup_steps)]
    ours_cmd = [a.tessera, "bench", "train-lm"] + shape
    torch_cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_torch_rnn.py")] + shape
    load_before = os.getloadavg()
    ours, theirs, ratios, cpu_ratios = [], [], [], []
    for _ in range(a.pairs):
        o, t = run(ours_cmd), run(torch_cmd)
        ours.append(o); theirs.append(t)
        ratios.append(o["tokens_per_s"] / t["tokens_per_s"])
        cpu_ratios.append(o["tokens_per_cpu_s"] / t["tokens_per_cpu_s"])
    print(json.dumps({
        "arch": a.arch, "layers": a.layers, "hidden": a.hidden, "context": a.context, "batch": a.batch, "vocab": a.vocab,
        "threads": a.threads, "steps": a.steps, "pairs": a.pairs,
        "tessera_tokens_per_s": [round(o["tokens_per_s"]) for o in ours],
        "torch_tokens_per_s": [round(t["tokens_per_s"]) for t in theirs],
        "median_ratio": round(statistics.median(ratios), 3),
        "tessera_tokens_per_cpu_s": [round(o["tokens_per_cpu_s"]) for o in ours],
        "torch_tokens_per_cpu_s": [round(t["tokens_per_cpu_s"]) for t in theirs],
        "median_cpu_ratio": round(statistics.median(cpu_ratios), 3),
        "load_average_before": [round(x, 2) for x in load_before], "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "torch": theirs[0].get("torch"),
    }))


if __name__ == "__main__":
    main()
