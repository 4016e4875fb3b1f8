#!/usr/bin/env python3
"""Alternating same-session speed comparison of `tessera bench train-lm` and scripts/bench_torch_lm.py
(same config, batch, threads): runs them in turn PAIRS times and prints each run's tokens/s and the
median ratio tessera / PyTorch as one JSON line.

  python3 scripts/compare_lm_speed.py --config tiny --threads 1 --steps 30 --pairs 5
"""
import argparse, json, statistics, subprocess, sys


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--pairs", type=int, default=5)
    a = ap.parse_args()
    ours_cmd = [a.tessera, "bench", "train-lm", "--config", a.config, "--threads", str(a.threads), "--steps", str(a.steps)]
    torch_cmd = [sys.executable, "scripts/bench_torch_lm.py", "--config", a.config, "--threads", str(a.threads), "--steps", str(a.steps)]
    ours, theirs, ratios = [], [], []
    for _ in range(a.pairs):
        o, t = run(ours_cmd), run(torch_cmd)
        ours.append(o); theirs.append(t)
        ratios.append(o["tokens_per_s"] / t["tokens_per_s"])
    print(json.dumps({
        "config": a.config, "threads": a.threads, "steps": a.steps, "pairs": a.pairs,
        "tessera_tokens_per_s": [round(o["tokens_per_s"]) for o in ours],
        "torch_tokens_per_s": [round(t["tokens_per_s"]) for t in theirs],
        "median_ratio": statistics.median(ratios),
        "tessera_median_percent_of_peak": statistics.median(o["percent_of_peak"] for o in ours),
        "torch_median_percent_of_peak": statistics.median(t["percent_of_peak"] for t in theirs),
    }))


if __name__ == "__main__":
    main()
