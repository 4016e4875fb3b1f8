#!/usr/bin/env python3
"""Spark scaling figures: counting plus encoding a corpus of at least 200 MB with local[1] and
local[2], against Tessera run directly (one process, --threads 1 and 2). Runs alternate, round
after round, and each JSON line records the load average before it (the machine may be shared).

    python3 integrations/spark/bench_scaling.py --tessera .build/release/tessera \
        --tokenizer Vocab/multi-byte-bpe-16k.json --copies 18 --rounds 2

The corpus is the shared corpora (../shared/data/{en,ko,cjk}, else Corpora/) concatenated into
one file and copied --copies times into a temporary directory (removed at the end).
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)


def corpus_files():
    shared = os.path.join(os.path.dirname(ROOT), "shared", "data")
    if os.path.isdir(shared):
        return sorted(sum((glob.glob(os.path.join(shared, d, "*.txt")) for d in ("en", "ko", "cjk")), []))
    return sorted(glob.glob(os.path.join(ROOT, "Corpora", "*", "*.txt")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--copies", type=int, default=18)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default="direct1,spark1,spark2,direct2")
    a = ap.parse_args()
    tessera = os.path.abspath(a.tessera)
    import tessera_spark

    work = tempfile.mkdtemp(prefix="tessera-scaling-")
    try:
        one = os.path.join(work, "one.txt")
        with open(one, "wb") as out:
            for f in corpus_files():
                with open(f, "rb") as src:
                    shutil.copyfileobj(src, out)
        files = []
        for k in range(a.copies):
            path = os.path.join(work, f"part{k:03d}.txt")
            shutil.copyfile(one, path)
            files.append(path)
        os.remove(one)
        total = sum(os.path.getsize(f) for f in files)
        print(json.dumps({"corpus_bytes": total, "files": len(files), "partitions": a.partitions}), flush=True)

        def direct(threads):
            t = time.time()
            subprocess.run([tessera, "count", "--threads", str(threads), *files, "-o", os.path.join(work, "d.counts")],
                           check=True, stderr=subprocess.DEVNULL)
            mid = time.time()
            subprocess.run([tessera, "encode", "--tokenizer", a.tokenizer, "--format", "bin", "--threads", str(threads), *files,
                            "-o", os.path.join(work, "d.bin")], check=True, stderr=subprocess.DEVNULL)
            end = time.time()
            return {"count_s": mid - t, "encode_s": end - mid, "total_s": end - t}

        def spark(cores):
            t = time.time()
            sc = tessera_spark.spark_context(f"local[{cores}]", "tessera-scaling")
            sc.addFile(tessera)
            sc.addPyFile(os.path.join(HERE, "tessera_spark.py"))
            ready = time.time()
            args = tessera_spark.parse_args(["--tessera", tessera, "--out", os.path.join(work, f"spark{cores}"), "--partitions",
                                             str(a.partitions), "--tokenizer", a.tokenizer] + files)
            summary = tessera_spark.run_job(sc, args, files)
            end = time.time()
            sc.stop()
            return {"startup_s": ready - t, "count_s": summary["count_s"], "encode_s": summary["encode_s"],
                    "job_s": summary["count_s"] + summary["encode_s"], "total_s": end - t, "tokens": summary["tokens"]}

        runs = {"direct1": lambda: direct(1), "direct2": lambda: direct(2), "spark1": lambda: spark(1), "spark2": lambda: spark(2)}
        for r in range(a.rounds):
            for name in a.only.split(","):
                load = os.getloadavg()[0]
                result = runs[name]()
                print(json.dumps({"round": r, "run": name, "load_before": round(load, 2),
                                  **{k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()},
                                  "mb_per_s": round(total / 1e6 / result.get("job_s", result["total_s"]), 2)}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
