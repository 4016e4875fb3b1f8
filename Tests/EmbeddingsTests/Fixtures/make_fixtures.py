#!/usr/bin/env python3
"""Reference fixtures for EmbeddingsTests, produced by gensim 4.4 (pip install gensim).

Writes, next to this script:
  gensim_small.vec / gensim_small.bin  vectors gensim wrote (save_word2vec_format, text and binary):
                                       a dim-16 skip-gram model trained by gensim on the shared English
                                       corpus (Shakespeare + World English Bible, lowercased, split with
                                       gensim.utils.simple_preprocess), cut to its 3,000 most frequent words
  questions_small.txt                  the first 150 questions of every section of questions-words.txt
                                       (Apache-2.0, from the gensim wheel), plus two malformed lines
  wordsim353.tsv                       WordSim-353 as shipped in the gensim wheel (research use)
  gensim_expected.json                 what gensim computes on those vectors: a few rows, most_similar,
                                       evaluate_word_analogies per section and in total, evaluate_word_pairs

Run from anywhere: python3 Tests/EmbeddingsTests/Fixtures/make_fixtures.py
"""
import json
import logging
import os

import numpy as np
from gensim.models import KeyedVectors, Word2Vec
from gensim.utils import simple_preprocess

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data")


def main():
    sentences = []
    for name in ("shakespeare_complete.txt", "world_english_bible.txt"):
        with open(os.path.join(DATA, "en", name), encoding="utf-8") as f:
            for line in f:
                words = simple_preprocess(line, min_len=1, max_len=30)
                if words:
                    sentences.append(words)
    model = Word2Vec(sentences, sg=1, vector_size=16, window=5, negative=5, sample=1e-3, min_count=5,
                     epochs=2, workers=1, seed=7)
    keys = model.wv.index_to_key[:3000]
    small = KeyedVectors(16)
    small.add_vectors(keys, np.array([model.wv[k] for k in keys], dtype=np.float32))
    small.save_word2vec_format(os.path.join(HERE, "gensim_small.vec"), binary=False)
    small.save_word2vec_format(os.path.join(HERE, "gensim_small.bin"), binary=True)
    # What gensim itself reads back (the text file rounds nothing: it writes repr of each float).
    kv = KeyedVectors.load_word2vec_format(os.path.join(HERE, "gensim_small.bin"), binary=True)

    # A questions file small enough to commit, with two malformed lines gensim skips.
    out, count, section = [], 0, None
    with open(os.path.join(DATA, "eval", "questions-words.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(":"):
                section, count = line, 0
                out.append(line)
            elif count < 150:
                out.append(line)
                count += 1
    out.insert(3, "only three words\n")
    out.insert(7, "one two three four five\n")
    questions = os.path.join(HERE, "questions_small.txt")
    with open(questions, "w", encoding="utf-8") as f:
        f.writelines(out)
    with open(os.path.join(DATA, "eval", "wordsim353.tsv"), encoding="utf-8") as f:
        wordsim_text = f.read()
    wordsim = os.path.join(HERE, "wordsim353.tsv")
    with open(wordsim, "w", encoding="utf-8") as f:
        f.write(wordsim_text)

    expected = {"rows": len(kv), "dim": kv.vector_size, "first_tokens": kv.index_to_key[:5],
                "vectors": {w: [float(x) for x in kv[w]] for w in ("the", "king", "god")},
                "most_similar": {w: [[k, float(s)] for k, s in kv.most_similar(w, topn=5)] for w in ("king", "love")},
                "analogy_restricts": {}}
    for restrict in (3000, 1000):
        total, sections = kv.evaluate_word_analogies(questions, restrict_vocab=restrict)
        expected["analogy_restricts"][str(restrict)] = {
            "accuracy": total,
            "sections": [{"section": s["section"], "correct": len(s["correct"]), "incorrect": len(s["incorrect"])}
                         for s in sections]}
    pearson, spearman, oov = kv.evaluate_word_pairs(wordsim)
    expected["wordsim"] = {"pearson": float(pearson[0]), "spearman": float(spearman[0]), "oov_percent": float(oov)}
    with open(os.path.join(HERE, "gensim_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
