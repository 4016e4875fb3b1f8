#!/usr/bin/env python3
"""Reference figures for the Unigram trainer test, from `sentencepiece` itself.

Trains SentencePiece Unigram (identity normalization, vocab 2000, defaults otherwise) on the
even-numbered non-empty lines of Corpora/en/*.txt and writes, for the odd-numbered (held-out)
lines, sentencepiece's mean tokens per line and its vocabulary, to components/unigram_spm_reference.json.

  python3 make_unigram_fixture.py
"""
import glob, json, os, tempfile
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../.."))
lines = []
for path in sorted(glob.glob(os.path.join(ROOT, "Corpora/en/*.txt"))):
    lines += [l for l in open(path, encoding="utf-8").read().split("\n") if l.strip()]
train, held = lines[0::2], lines[1::2]
with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "train.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(train) + "\n")
    spm.SentencePieceTrainer.train(input=os.path.join(tmp, "train.txt"), model_prefix=os.path.join(tmp, "m"), vocab_size=2000,
                                   model_type="unigram", normalization_rule_name="identity", num_threads=1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(tmp, "m.model"))
    mean = sum(len(sp.encode(l)) for l in held) / len(held)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
with open(os.path.join(HERE, "components/unigram_spm_reference.json"), "w", encoding="utf-8") as f:
    json.dump({"vocab_size": 2000, "held_out_lines": len(held), "mean_tokens_per_line": mean, "vocab": vocab}, f, ensure_ascii=False)
print(mean, len(held))
