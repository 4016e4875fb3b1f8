#!/usr/bin/env python3
"""Tessera driven by Apache Spark: count words per partition, merge the counts, train a
tokenizer once, encode every partition into an llm.c token shard, in order.

Spark does the distribution; Tessera does the text work, run as a binary on each executor
(shipped with --files / SparkContext.addFile and found with SparkFiles.get). The result is
byte-identical to running Tessera on one machine over the same files:

    tessera count FILES -o all.counts                  == merged partition counts
    tessera train-tokenizer ... FILES -o tokenizer.json == train-tokenizer --from-counts all.counts
    tessera encode --format bin FILES -o all.bin       == cat-shards shards/part-*.bin

How the corpus is cut. The driver splits the files (in the order given) into byte ranges, one
partition per range, a range never crossing a file end. Each executor moves both ends of its
range forward to the next cut point of its file; neighbouring ranges move a shared end
identically, so the pieces tile every file exactly. Counting cuts after any line feed (Tessera
counts line by line, each line with its line end). Encoding cuts at a *safe point*: a line feed
with a visible character (letter, number, punctuation or symbol) on both sides, or for CRLF text
the point between the carriage return and the line feed — there no pre-tokenizer joins text
across the cut. (The two differ: a count sees "x\r\n" at a line end as one trailing-space
word, while the token stream "x\r\ny" splits between "\r" and "\n".) So counting and
encoding the pieces one by one gives the files' result. Each piece is copied into a Tessera
process's standard input with sendfile (the text never passes through Python), one process per
piece: a piece is a document of its own, exactly as a file is. Count files and shards are
written into OUT (a filesystem every executor mounts); the count files are merged in a tree of
merge-counts tasks.

Usage (local mode, plain python):
    python integrations/spark/tessera_spark.py --tessera .build/release/tessera \
        --vocab-size 8000 --partitions 8 --out runs/spark Corpora/en/*.txt
On a cluster: spark-submit --files /path/to/tessera integrations/spark/tessera_spark.py \
        --tessera tessera --out /shared/runs/spark /shared/corpus/*.txt     (see README.md)
"""

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata

# ---------------------------------------------------------------------------------------------
# Cutting files at safe points (runs on the executors).

_READ = 1 << 16


def _char_ending_at(data, end):
    """The character whose UTF-8 encoding ends just before `end` in `data`, or None."""
    start = end - 1
    while start > 0 and end - start < 4 and (data[start] & 0xC0) == 0x80:
        start -= 1
    try:
        text = data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) == 1 else None


def _char_starting_at(data, start):
    """The character whose UTF-8 encoding starts at `start` in `data`, or None."""
    if start >= len(data):
        return None
    lead = data[start]
    length = 1 if lead < 0x80 else 2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4
    try:
        text = data[start:start + length].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if len(text) == 1 else None


def _visible(ch):
    """A letter, number, punctuation or symbol: never whitespace, a control or a combining mark."""
    return ch is not None and not ch.isspace() and unicodedata.category(ch)[0] in "LNPS"


def line_point(fd, pos, size):
    """The first position >= pos just after a line feed in the open file `fd` (size if none)."""
    if pos <= 0:
        return 0
    offset = pos - 1
    while offset < size:
        data = os.pread(fd, _READ, offset)
        q = data.find(b"\n")
        if q != -1:
            return offset + q + 1
        offset += len(data)
    return size


def safe_point(fd, pos, size):
    """The first safe cut position >= pos in the open file `fd` of `size` bytes (size if none)."""
    if pos <= 0:
        return 0
    if pos >= size:
        return size
    offset = max(0, pos - 6)  # enough bytes before pos to see the character before a line feed
    data = os.pread(fd, _READ, offset)
    while True:
        q = data.find(b"\n", max(0, pos - 1 - offset))
        while q != -1:
            if q + 5 > len(data) and offset + len(data) < size:
                break  # the character after the line feed may be cut off: read more first
            if q >= 1 and data[q - 1] == 0x0D:
                p, before = q, q - 1  # cut between \r and \n
            else:
                p, before = q + 1, q
            if offset + p >= pos and _visible(_char_ending_at(data, before)) and _visible(_char_starting_at(data, q + 1)):
                return offset + p
            q = data.find(b"\n", q + 1)
        if offset + len(data) >= size:
            return size
        # Keep the last few bytes so a line feed near the end is looked at again with context.
        keep = max(0, len(data) - 8)
        offset += keep
        data = data[keep:] + os.pread(fd, _READ, offset + len(data) - keep)


def plan_pieces(paths, partitions):
    """Splits the files into about `partitions` nominal byte ranges (path, start, end), grouped
    into exactly `partitions` lists; a range never crosses a file end."""
    sizes = [os.path.getsize(p) for p in paths]
    total = sum(sizes)
    if total == 0:
        raise SystemExit("tessera_spark: the input files are empty")
    groups = [[] for _ in range(partitions)]
    base = 0
    for path, size in zip(paths, sizes):
        # Global byte positions total*k/partitions cut the concatenation into equal parts.
        cuts = sorted({0, size} | {total * k // partitions - base for k in range(1, partitions) if 0 < total * k // partitions - base < size})
        for start, end in zip(cuts, cuts[1:]):
            k = min(partitions - 1, (base + start) * partitions // total)
            groups[k].append((path, start, end))
        base += size
    return groups


def piece_bounds(path, start, end, cut):
    """The byte range [cut(start), cut(end)) of the file (`cut` is line_point or safe_point)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        return cut(fd, start, size), cut(fd, end, size)
    finally:
        os.close(fd)


def send_range(path, a, b):
    """A feeder for run_tessera that copies bytes [a, b) of the file into Tessera's standard input
    with sendfile: the text never passes through Python."""
    def feed(pipe):
        fd = os.open(path, os.O_RDONLY)
        try:
            out, offset = pipe.fileno(), a
            while offset < b:
                sent = os.sendfile(out, fd, offset, min(b - offset, 1 << 24))
                if sent == 0:
                    raise IOError(f"{path}: file shrank while reading at byte {offset}")
                offset += sent
        finally:
            os.close(fd)
    return feed


def nonempty_pieces(groups, cut):
    """The pieces (path, a, b) of a partition's ranges after moving their ends to cut points,
    in order, leaving out the empty ones."""
    for path, start, end in (piece for group in groups for piece in group):
        a, b = piece_bounds(path, start, end, cut)
        if b > a:
            yield path, a, b


# ---------------------------------------------------------------------------------------------
# Running the Tessera binary (on executors and on the driver).

def tessera_path(name):
    """The shipped binary on this executor (SparkFiles), made executable, or `name` as given."""
    from pyspark import SparkFiles
    try:
        path = SparkFiles.get(os.path.basename(name))
    except Exception:
        path = name
    if not os.path.exists(path):
        path = name
    if not os.access(path, os.X_OK):
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def run_tessera(binary, args, feed=None, where=None):
    """Runs tessera with `args`, `feed(pipe)` writing its standard input from a thread, and
    returns its standard output; a failure raises with Tessera's error line (prefixed with
    `where`, the piece it read, when given)."""
    proc = subprocess.Popen([binary] + args, stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    failure = []

    def feeder_main():
        try:
            feed(proc.stdin)
        except BrokenPipeError:
            pass  # Tessera stopped reading: its exit status and error line say why
        except Exception as error:  # reading the piece failed: report it with Tessera's outcome
            failure.append(error)
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    feeder = threading.Thread(target=feeder_main) if feed is not None else None
    if feeder:
        feeder.start()
    err_box = []
    err_reader = threading.Thread(target=lambda: err_box.append(proc.stderr.read()))
    err_reader.start()
    out = proc.stdout.read()
    proc.wait()
    err_reader.join()
    if feeder:
        feeder.join()
    if failure:
        raise failure[0]
    if proc.returncode != 0:
        lines = [l for l in err_box[0].decode("utf-8", "replace").splitlines() if l.strip()]
        prefix = f"{where}: " if where else ""
        raise RuntimeError(f"{prefix}tessera {args[0]} failed ({proc.returncode}): {lines[-1] if lines else 'no message'}")
    return out


def count_partition(binary, counts_dir, count_args):
    """Counts each piece of a partition into its own .counts file in `counts_dir`; returns the
    files' paths."""
    def run(index, groups):
        paths = []
        for j, (path, a, b) in enumerate(nonempty_pieces(groups, line_point)):
            target = os.path.join(counts_dir, f"part-{index:05d}-{j:03d}.counts")
            run_tessera(tessera_path(binary), ["count", "-o", target] + count_args, send_range(path, a, b),
                        where=f"{path} bytes {a}-{b}")
            paths.append(target)
        return paths
    return run


def merge_group(binary, counts_dir, level):
    """Merges one group of count files into one (a task of the reduce tree)."""
    def run(index, groups):
        out = []
        for group in groups:
            if len(group) == 1:
                out.append(group[0])
                continue
            target = os.path.join(counts_dir, f"merge-{level}-{index:05d}-{len(out):03d}.counts")
            run_tessera(tessera_path(binary), ["merge-counts", "-o", target] + group)
            out.append(target)
        return out
    return run


def merge_tree(sc, binary, paths, counts_dir, fan_in):
    """Merges count files in a tree of Spark tasks, `fan_in` files per merge-counts call, until one
    file is left (merge-counts' result does not depend on the grouping)."""
    level = 0
    while len(paths) > 1:
        groups = [paths[k:k + fan_in] for k in range(0, len(paths), fan_in)]
        paths = sc.parallelize(groups, len(groups)).mapPartitionsWithIndex(merge_group(binary, counts_dir, level)).collect()
        level += 1
    return paths[0]


def encode_partition(binary, tokenizer_name, shard_dir, encode_args):
    """Encodes each piece of a partition into its own shard; returns (partition, piece, path, tokens)."""
    def run(index, groups):
        from pyspark import SparkFiles
        out = []
        for j, (path, a, b) in enumerate(nonempty_pieces(groups, safe_point)):
            shard = os.path.join(shard_dir, f"part-{index:05d}-{j:03d}.bin")
            run_tessera(tessera_path(binary), ["encode", "--tokenizer", SparkFiles.get(tokenizer_name), "--format", "bin",
                                               "-o", shard] + encode_args, send_range(path, a, b), where=f"{path} bytes {a}-{b}")
            with open(shard, "rb") as f:
                header = f.read(12)
            out.append((index, j, shard, int.from_bytes(header[8:12], "little")))
        return out
    return run


# ---------------------------------------------------------------------------------------------
# The job.

def word_args(args):
    out = ["--model", args.model, "--normalize", args.normalize, "--threads", str(args.tessera_threads)]
    if args.lowercase:
        out.append("--lowercase")
    if args.pre_tokenizer:
        out += ["--pre-tokenizer", args.pre_tokenizer]
    return out


def run_job(sc, args, files):
    """Counts, merges, trains and encodes `files` into args.out; returns a summary dict."""
    out = os.path.abspath(args.out)
    shard_dir, counts_dir = os.path.join(out, "shards"), os.path.join(out, "counts")
    for folder, suffix in ((shard_dir, ".bin"), (counts_dir, ".counts")):
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            if (old.startswith("part-") or old.startswith("merge-")) and old.endswith(suffix):
                os.remove(os.path.join(folder, old))
    timings = {}
    groups = plan_pieces(files, args.partitions)
    pieces = sc.parallelize(groups, args.partitions)  # one element per partition: its list of ranges

    t = time.time()
    parts = sorted(pieces.mapPartitionsWithIndex(count_partition(args.tessera, counts_dir, word_args(args))).collect())
    merged = merge_tree(sc, args.tessera, parts, counts_dir, args.merge_fan_in)
    counts_path = os.path.join(out, "all.counts")
    shutil.copyfile(merged, counts_path + ".tmp")
    os.replace(counts_path + ".tmp", counts_path)
    timings["count_s"] = time.time() - t

    tokenizer_path = os.path.join(out, "tokenizer.json")
    if args.tokenizer:
        shutil.copyfile(args.tokenizer, tokenizer_path)
        timings["train_s"] = 0.0
    else:
        t = time.time()
        train = ["train-tokenizer", "--vocab-size", str(args.vocab_size), "--from-counts", counts_path, "-o", tokenizer_path] + word_args(args)
        run_tessera(args.tessera, train + args.train_args)
        timings["train_s"] = time.time() - t

    t = time.time()
    # A fresh name per run: Spark refuses to add a changed file under a name it already shipped.
    shipped = os.path.join(tempfile.mkdtemp(prefix="tessera-spark-"), f"tokenizer-{os.getpid()}-{int(time.time() * 1e6)}.json")
    shutil.copyfile(tokenizer_path, shipped)
    sc.addFile(shipped)
    encode_args = ["--threads", str(args.tessera_threads)]
    shards = sorted(pieces.mapPartitionsWithIndex(encode_partition(args.tessera, os.path.basename(shipped), shard_dir, encode_args)).collect())
    timings["encode_s"] = time.time() - t

    summary = {
        "files": files, "partitions": args.partitions, "nonempty_partitions": len({i for i, _, _, _ in shards}),
        "counts": counts_path, "tokenizer": tokenizer_path,
        "shards": [{"partition": i, "piece": j, "path": p, "tokens": n} for i, j, p, n in shards],
        "tokens": sum(n for _, _, _, n in shards), **timings,
    }
    if args.cat:
        t = time.time()
        run_tessera(args.tessera, ["cat-shards", "--tokenizer", tokenizer_path] + [p for _, _, p, _ in shards] + ["-o", os.path.join(out, "all.bin")])
        summary["all_bin"] = os.path.join(out, "all.bin")
        summary["cat_s"] = time.time() - t
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return summary


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", help="corpus text files (UTF-8), in order")
    p.add_argument("--tessera", required=True, help="the tessera binary: a path on the driver, shipped to executors with addFile "
                   "(or the name of a file given to spark-submit --files)")
    p.add_argument("--out", required=True, help="output directory (on a cluster: a filesystem every executor and the driver mount)")
    p.add_argument("--partitions", type=int, default=8)
    p.add_argument("--master", default=None, help="Spark master (default: spark-submit's, or local[*] with plain python)")
    p.add_argument("--model", default="byte-bpe")
    p.add_argument("--normalize", default="none")
    p.add_argument("--lowercase", action="store_true")
    p.add_argument("--pre-tokenizer", default=None)
    p.add_argument("--vocab-size", type=int, default=8000)
    p.add_argument("--tokenizer", default=None, help="encode with this tokenizer.json instead of training one")
    p.add_argument("--train-arg", dest="train_args", action="append", default=[], help="extra train-tokenizer argument (repeatable)")
    p.add_argument("--tessera-threads", type=int, default=1, help="threads per Tessera process (Spark runs one per task)")
    p.add_argument("--merge-fan-in", type=int, default=8, help="count files per merge-counts call in the reduce tree")
    p.add_argument("--cat", action="store_true", help="also concatenate the shards into OUT/all.bin with cat-shards")
    args = p.parse_args(argv)
    if args.partitions < 1:
        p.error("--partitions must be at least 1")
    if args.merge_fan_in < 2:
        p.error("--merge-fan-in must be at least 2")
    for f in args.files:
        if not os.path.isfile(f):
            p.error(f"{f}: no such file")
    return args


def spark_context(master, name="tessera"):
    from pyspark import SparkConf, SparkContext
    conf = SparkConf().setAppName(name)
    # A master given explicitly wins. (SparkConf() also reads the JVM's system properties, where an
    # earlier context of this process left its own spark.master: a second context asking for
    # local[2] after a local[1] one would otherwise silently run on one core.)
    if master:
        conf.setMaster(master)
    elif not conf.contains("spark.master"):  # plain python without --master: local mode
        conf.setMaster("local[*]")
    conf.set("spark.ui.enabled", "false")
    conf.set("spark.ui.showConsoleProgress", "false")
    sc = SparkContext.getOrCreate(conf)
    sc.setLogLevel("ERROR")
    return sc


def main(argv=None):
    args = parse_args(argv)
    sc = spark_context(args.master)
    if os.path.isfile(args.tessera):
        sc.addFile(os.path.abspath(args.tessera))
    try:
        summary = run_job(sc, args, [os.path.abspath(f) for f in args.files])
    finally:
        sc.stop()
    print(json.dumps({k: v for k, v in summary.items() if k != "shards"}))


if __name__ == "__main__":
    main()
