#!/usr/bin/env python3
"""Checks that tokenizer.json files written by `tessera convert-tokenizer` load in Hugging Face
`tokenizers` and encode (ids and offsets) like the originals, on components/mixed_lines.txt.

  python3 check_written_tokenizers.py ORIGINAL WRITTEN [ORIGINAL WRITTEN ...]
For a .tiktoken or .model original, the reference is tiktoken / sentencepiece ids (--ids-only).
"""
import os, sys
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
lines = open(os.path.join(HERE, "components/mixed_lines.txt"), encoding="utf-8").read().split("\n")[:-1]
args = sys.argv[1:]
failed = False
for original, written in zip(args[0::2], args[1::2]):
    w = Tokenizer.from_file(written)
    if original.endswith(".json"):
        o = Tokenizer.from_file(original)
        bad = sum(1 for l in lines if (lambda a, b: a.ids != b.ids or a.offsets != b.offsets)(o.encode(l), w.encode(l)))
    elif original.endswith(".tiktoken"):
        import base64, tiktoken
        ranks = {base64.b64decode(t): int(r) for t, r in (l.split() for l in open(original, "rb") if l.strip())}
        pat = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
        enc = tiktoken.Encoding("t", pat_str=pat, mergeable_ranks=ranks, special_tokens={})
        bad = sum(1 for l in lines if enc.encode_ordinary(l) != w.encode(l, add_special_tokens=False).ids)
    else:
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=original)
        bad = sum(1 for l in lines if sp.encode(l) != w.encode(l, add_special_tokens=False).ids)
    print(f"{os.path.basename(original)}: {len(lines) - bad}/{len(lines)} lines identical")
    failed |= bad > 0
sys.exit(1 if failed else 0)
