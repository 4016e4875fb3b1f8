#!/usr/bin/env python3
"""The Spark exactness check (run by .ci/run): each corpus cut into 8 partitions and run through
tessera_spark.py gives byte for byte what one machine gives:

  * the merged partition counts   == tessera count FILES
  * the tokenizer trained on them == tessera train-tokenizer FILES
  * the shards, concatenated      == tessera encode --format bin FILES

Corpora: ../shared/data/{en,ko,cjk} beside the repository when present, else the repository's
own Corpora/{en,ko,zh}. Without pyspark or Java it reports a skip (exit 0); a mismatch exits 1.

    python3 integrations/spark/check_exactness.py --tessera .build/release/tessera
"""

import argparse
import filecmp
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


def corpora():
    shared = os.path.join(os.path.dirname(ROOT), "shared", "data")
    if os.path.isdir(shared):
        names = [("en", "en"), ("ko", "ko"), ("cjk", "cjk")]
        base, where = shared, "../shared/data"
    else:
        names = [("en", "en"), ("ko", "ko"), ("cjk", "zh")]
        base, where = os.path.join(ROOT, "Corpora"), "Corpora"
    out = []
    for label, folder in names:
        files = sorted(glob.glob(os.path.join(base, folder, "*.txt")))
        if files:
            out.append((label, files))
    return where, out


def skip(reason):
    print(json.dumps({"spark_exactness": "skipped", "reason": reason}))
    sys.exit(0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tessera", required=True)
    p.add_argument("--partitions", type=int, default=8)
    p.add_argument("--vocab-size", type=int, default=2000)
    p.add_argument("--master", default="local[2]")
    p.add_argument("--keep", default=None, help="keep the outputs in this directory")
    a = p.parse_args()
    tessera = os.path.abspath(a.tessera)
    if not os.access(tessera, os.X_OK):
        sys.exit(f"check_exactness: {a.tessera}: not an executable (build it: swift build -c release --product tessera)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        skip("pyspark is not installed (scripts/setup installs it)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        skip("no Java runtime (Spark needs Java 17)")
    sys.path.insert(0, HERE)
    import tessera_spark

    where, groups = corpora()
    if not groups:
        skip("no corpora found")
    work = a.keep or tempfile.mkdtemp(prefix="tessera-spark-check-")
    sc = tessera_spark.spark_context(a.master, "tessera-exactness")
    sc.addFile(tessera)
    sc.addPyFile(os.path.join(HERE, "tessera_spark.py"))  # the executors unpickle its functions
    failures = 0
    started = time.time()
    try:
        for label, files in groups:
            out = os.path.join(work, label)
            args = tessera_spark.parse_args(["--tessera", tessera, "--out", out, "--partitions", str(a.partitions),
                                             "--vocab-size", str(a.vocab_size), "--cat"] + files)
            summary = tessera_spark.run_job(sc, args, files)
            ref = os.path.join(out, "reference")
            os.makedirs(ref, exist_ok=True)

            def tessera_run(*argv):
                subprocess.run([tessera, *argv], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            tessera_run("count", *files, "-o", os.path.join(ref, "all.counts"))
            tessera_run("train-tokenizer", "--vocab-size", str(a.vocab_size), *files, "-o", os.path.join(ref, "tokenizer.json"))
            tessera_run("encode", "--tokenizer", os.path.join(ref, "tokenizer.json"), "--format", "bin", *files, "-o", os.path.join(ref, "all.bin"))
            same = {
                "counts": filecmp.cmp(summary["counts"], os.path.join(ref, "all.counts"), shallow=False),
                "tokenizer": filecmp.cmp(summary["tokenizer"], os.path.join(ref, "tokenizer.json"), shallow=False),
                "shards": filecmp.cmp(summary["all_bin"], os.path.join(ref, "all.bin"), shallow=False),
            }
            ok = all(same.values())
            failures += not ok
            print(json.dumps({"corpus": label, "from": where, "files": len(files), "bytes": sum(os.path.getsize(f) for f in files),
                              "partitions": a.partitions, "nonempty_partitions": summary["nonempty_partitions"],
                              "tokens": summary["tokens"], "identical": same, "ok": ok}))
    finally:
        sc.stop()
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"spark_exactness": "passed" if failures == 0 else "FAILED", "corpora": len(groups),
                      "seconds": round(time.time() - started, 1)}))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
