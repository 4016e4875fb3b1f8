#!/usr/bin/env python3
"""Reference timings for `tessera bench train-tokenizer` / `tessera bench encode`, printed as the
same JSON lines, from Hugging Face `tokenizers` and `sentencepiece` (optional; not used by tests).

  python3 bench_reference.py train-hf  VOCAB THREADS FILE...   # BpeTrainer + ByteLevel, as byte-bpe
  python3 bench_reference.py train-spm VOCAB THREADS FILE...   # sentencepiece BPE trainer
  python3 bench_reference.py train-hf-only VOCAB THREADS OUT.json FILE...  # train and save only
                                                               # (for whole-process time and memory)
  python3 bench_reference.py encode-hf TOKENIZER THREADS FILE... # encode_batch over the text's lines
  python3 bench_reference.py encode-hf-fast TOKENIZER THREADS FILE... # encode_batch_fast (no offsets)

  python3 bench_reference.py encode-tiktoken RANKS.tiktoken THREADS FILE...  # tiktoken encode_ordinary_batch, Llama 3 pattern
  python3 bench_reference.py encode-spm MODEL THREADS FILE...   # sentencepiece encode (list of lines; wall and
                                                               # process CPU time, GC off; BENCH_REPEATS runs, best)
  python3 bench_reference.py train-spm-unigram VOCAB THREADS FILE...  # sentencepiece Unigram, identity normalization
                                                               # (also: mean tokens per non-empty line of FILE...)
  python3 bench_reference.py tokens-per-line TOKENIZER 1 FILE...  # mean tokens per non-empty line (its \r\n
                                                               # stripped) with a tokenizer.json (HF) or .model

`encode-hf*` empties the model's word cache before each timed run (each run of `tessera bench
encode --lines` starts a new session); BENCH_HF_CACHE=warm keeps it across runs (Tessera's
`--reuse-session`). The encoders get the text's lines with their line ends; with BENCH_STRIP_LINE_ENDS=1 without them
(`\n` and a `\r` before it), as `tessera bench encode --lines` gives its lines.

THREADS sets RAYON_NUM_THREADS for `tokenizers` (set before import). TOKENIZER is a tokenizer.json,
or encoder.json (GPT-2 vocab.bpe beside it). Peak RSS is this process's (ru_maxrss).
"""
import gc
import json
import os
import resource
import sys
import tempfile
import time


def emit(fields):
    fields["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(fields, sort_keys=True), flush=True)


def encoder_lines(files):
    """The lines the encoders get: with their line ends, or without them (BENCH_STRIP_LINE_ENDS=1)."""
    if os.environ.get("BENCH_STRIP_LINE_ENDS") == "1":
        # newline="": a lone \r stays inside its line, as in Tessera's lines.
        lines = "".join(open(f, encoding="utf-8", newline="").read() for f in files).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [l[:-1] if l.endswith("\r") else l for l in lines]
    return "".join(open(f, encoding="utf-8").read() for f in files).splitlines(keepends=True)


def text_lines(files):
    """The non-empty lines of the files, without their line ends."""
    return [l.rstrip("\r") for f in files for l in open(f, encoding="utf-8").read().split("\n") if l.strip()]


def main():
    cmd, arg, threads, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    os.environ["TOKENIZERS_PARALLELISM"] = "true" if threads > 1 else "false"
    size = sum(os.path.getsize(f) for f in files if os.path.exists(f))
    if cmd == "train-hf-only":
        from tokenizers import Tokenizer, models, pre_tokenizers, trainers, decoders
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=int(arg), min_frequency=2, special_tokens=["<|endoftext|>"],
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
        tok.train(files[1:], trainer)
        tok.save(files[0])
    elif cmd == "train-hf":
        from tokenizers import Tokenizer, models, pre_tokenizers, trainers, decoders
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=int(arg), min_frequency=2, special_tokens=["<|endoftext|>"],
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
        start = time.perf_counter()
        tok.train(files, trainer)
        seconds = time.perf_counter() - start
        text = "".join(open(f, encoding="utf-8").read() for f in files)
        tokens = sum(len(e.ids) for e in tok.encode_batch(text.splitlines(keepends=True)))
        emit({"bench": "train-tokenizer", "tool": "hf-tokenizers", "model": "byte-bpe", "vocab_size": int(arg),
              "threads": threads, "files": files, "bytes": size, "seconds": seconds, "mb_per_s": size / 1e6 / seconds,
              "bytes_per_token": size / tokens})
    elif cmd == "train-spm":
        import sentencepiece as spm
        with tempfile.TemporaryDirectory() as d:
            start = time.perf_counter()
            spm.SentencePieceTrainer.train(input=",".join(files), model_prefix=os.path.join(d, "m"), model_type="bpe",
                                           vocab_size=int(arg), num_threads=threads, minloglevel=2,
                                           max_sentence_length=1 << 20, train_extremely_large_corpus=False)
            seconds = time.perf_counter() - start
        emit({"bench": "train-tokenizer", "tool": "sentencepiece", "model": "bpe", "vocab_size": int(arg),
              "threads": threads, "files": files, "bytes": size, "seconds": seconds, "mb_per_s": size / 1e6 / seconds})
    elif cmd in ("encode-hf", "encode-hf-fast"):
        from tokenizers import Tokenizer, models, pre_tokenizers, decoders
        if arg.endswith("encoder.json") or arg.endswith("vocab.json"):
            d = os.path.dirname(arg)
            merges = os.path.join(d, "vocab.bpe") if os.path.exists(os.path.join(d, "vocab.bpe")) else os.path.join(d, "merges.txt")
            tok = Tokenizer(models.BPE.from_file(arg, merges))
            tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            tok.decoder = decoders.ByteLevel()
        else:
            tok = Tokenizer.from_file(arg)
            tok.no_padding()
            tok.no_truncation()
        lines = encoder_lines(files)
        encode = tok.encode_batch_fast if cmd == "encode-hf-fast" else tok.encode_batch
        encode(lines[:2000], add_special_tokens=False)  # warm-up
        # The model's word cache (BPE, Unigram) is emptied before each timed run, as each run of
        # `tessera bench encode --lines` starts a new session; BENCH_HF_CACHE=warm keeps it filled
        # across runs (compare with `--reuse-session`).
        cache = os.environ.get("BENCH_HF_CACHE", "cold")
        if cache not in ("cold", "warm"):
            sys.exit(f"BENCH_HF_CACHE={cache!r}: expected cold or warm")
        warm = cache == "warm"
        clear = getattr(tok.model, "_clear_cache", None)
        best, tokens = None, 0
        for _ in range(3):
            if clear is not None and not warm:
                clear()
            start = time.perf_counter()
            enc = encode(lines, add_special_tokens=False)
            seconds = time.perf_counter() - start
            tokens = sum(len(e.ids) for e in enc)
            best = seconds if best is None else min(best, seconds)
        emit({"bench": "encode", "tool": "hf-tokenizers" + ("-fast" if cmd == "encode-hf-fast" else ""), "tokenizer": arg, "threads": threads, "files": files,
              "cache": "none" if clear is None else ("warm" if warm else "cold"),
              "bytes": size, "tokens": tokens, "seconds": best, "mb_per_s": size / 1e6 / best,
              "bytes_per_token": size / tokens})
    elif cmd in ("encode-tiktoken", "encode-spm"):
        lines = encoder_lines(files)
        if cmd == "encode-tiktoken":
            import base64, tiktoken
            ranks = {}
            for l in open(arg, "rb"):
                if l.strip():
                    t, r = l.split()
                    ranks[base64.b64decode(t)] = int(r)
            pattern = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
            enc = tiktoken.Encoding("llama3", pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
            encode = lambda ls: enc.encode_ordinary_batch(ls, num_threads=threads)
            tool = "tiktoken"
        else:
            import sentencepiece as spm
            sp = spm.SentencePieceProcessor(model_file=arg)
            encode = lambda ls: sp.encode(ls, num_threads=threads)
            tool = "sentencepiece"
        encode(lines[:2000])  # warm-up
        best, best_cpu, tokens = None, None, 0
        repeats = int(os.environ.get("BENCH_REPEATS", "3"))
        for _ in range(repeats):
            # Python's cyclic GC is off while timing (the id lists would trigger it; that cost is not the library's).
            gc.disable()
            start, cpu_start = time.perf_counter(), time.process_time()
            out = encode(lines)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            gc.enable()
            tokens = sum(len(e) for e in out)
            del out
            best = seconds if best is None else min(best, seconds)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        emit({"bench": "encode", "tool": tool, "tokenizer": arg, "threads": threads, "files": files, "bytes": size, "tokens": tokens,
              "seconds": best, "mb_per_s": size / 1e6 / best, "cpu_seconds": best_cpu, "cpu_mb_per_s": size / 1e6 / best_cpu,
              "bytes_per_token": size / tokens})
    elif cmd == "train-spm-unigram":
        import sentencepiece as spm
        with tempfile.TemporaryDirectory() as d:
            start = time.perf_counter()
            spm.SentencePieceTrainer.train(input=",".join(files), model_prefix=os.path.join(d, "m"), model_type="unigram",
                                           vocab_size=int(arg), num_threads=threads, minloglevel=2, normalization_rule_name="identity")
            seconds = time.perf_counter() - start
            sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "m.model"))
            lines = text_lines(files)
            mean = sum(len(ids) for ids in sp.encode(lines)) / len(lines)
        emit({"bench": "train-tokenizer", "tool": "sentencepiece", "model": "unigram", "vocab_size": int(arg),
              "threads": threads, "files": files, "bytes": size, "seconds": seconds, "mb_per_s": size / 1e6 / seconds,
              "lines": len(lines), "mean_tokens_per_line": mean})
    elif cmd == "tokens-per-line":
        lines = text_lines(files)
        if arg.endswith(".model"):
            import sentencepiece as spm
            counts = [len(ids) for ids in spm.SentencePieceProcessor(model_file=arg).encode(lines)]
        else:
            from tokenizers import Tokenizer
            counts = [len(e.ids) for e in Tokenizer.from_file(arg).encode_batch(lines, add_special_tokens=False)]
        emit({"bench": "tokens-per-line", "tokenizer": arg, "files": files, "lines": len(lines), "mean_tokens_per_line": sum(counts) / len(lines)})
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
