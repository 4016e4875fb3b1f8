#!/usr/bin/env python3
"""Writes the Tokenization test fixtures with Hugging Face `tokenizers` (the reference tool).

Run from this directory:  python3 make_fixtures.py   (needs `pip install tokenizers==0.23.*`)

Inputs: the project's shared data (../../../../shared/data, i.e. ../shared/data from the package
root) and the bundled Corpora/en/*.txt. Outputs (all small, committed beside this script):

- sample_lines.txt          5,569 lines drawn from every shared corpus (English, Korean, Chinese)
                            plus hand-written edge cases; one input line per line (LF, no CR).
- gpt2_expected.txt         per sample line: ids, a TAB, then each token's byte range: "END" when it
                            starts where the previous one ended (the first: at 0), else "START:END"
                            (HF encode(line, add_special_tokens=False) with the GPT-2 vocabulary,
                            ByteLevel(add_prefix_space=False) pre-tokenizer; HF's character offsets
                            converted to byte offsets).
- gpt2_trim_expected.txt    the same for the first 1,000 lines with a ByteLevel(trim_offsets=True)
                            post-processor (offsets trimmed of spaces).
- gpt2_prefix_expected.txt  the first 1,000 lines again with ByteLevel(add_prefix_space=True) (as
                            RoBERTa) and "<|endoftext|>" as a special token.
- strip_lines.txt, strip_expected.txt  300 sample lines with "<mask>" (lstrip) and "[R]" (rstrip)
                            added tokens put between words, and their ids and offsets with the GPT-2
                            vocabulary (ByteLevel, no prefix space): the whitespace the tokens take.
- bert_expected.txt         the same for the bert-base-uncased tokenizer.json (padding and
                            truncation switched off).
- bert_special_expected.txt ids with add_special_tokens=True for the first 200 lines.
- hf_byte_bpe_4k.json       HF BpeTrainer(vocab_size=4000, min_frequency=2,
                            special_tokens=["<|endoftext|>"], initial_alphabet=ByteLevel.alphabet())
                            + ByteLevel(add_prefix_space=False), trained on Corpora/en/*.txt.
- bytebpe_expected.txt      ids of every sample line under hf_byte_bpe_4k.json (HF encode).
- likelihood_wordpiece_600.txt  an independent Python implementation (below) of WordPiece
                            training with likelihood scoring — merge the pair maximizing
                            count(ab)/(count(a)·count(b)), ties to the higher count(ab), then the
                            smaller pair of ids — on the words of Corpora/en/alice29.txt as HF's
                            BertNormalizer(lowercase) + BertPreTokenizer split them; vocab 600,
                            min_frequency 2, one token per line by id.
- hf_bpe_suffix_5k.txt      HF BpeTrainer(vocab_size=5000, min_frequency=2, special_tokens=["[UNK]"],
                            end_of_word_suffix="</w>") with WhitespaceSplit on Corpora/en/*.txt: the
                            vocabulary, one token per line by id (HF gives the "</w>" variants ids in
                            hash order, so only the set is stable).
- vocab_en-byte-bpe-8k_expected.txt, vocab_en-wordpiece-uncased-8k_expected.txt
                            ids and offsets of the first 1,500 sample lines when HF loads the
                            tokenizer.json files that Tessera wrote into Vocab/ (does HF read
                            Tessera's files, and encode with them as Tessera does?).
- hf_wordpiece_3k.txt       HF WordPieceTrainer(vocab_size=3000, min_frequency=2, special tokens
                            [PAD] [UNK] [CLS] [SEP] [MASK]) with BertNormalizer(lowercase) +
                            BertPreTokenizer on Corpora/en/*.txt: the vocabulary, one token per line,
                            sorted by id.
"""
import json
import os
import random

from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers, decoders, processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
# The released tokenizer files the tests read, copied into the repository (see their README).
TOKENIZERS = os.path.join(ROOT, "Tests", "TestFixtures", "tokenizers")
CORPORA_EN = sorted(os.path.join(ROOT, "Corpora", "en", f) for f in os.listdir(os.path.join(ROOT, "Corpora", "en")) if f.endswith(".txt"))


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8")
    return [l[:-1] if l.endswith("\r") else l for l in data.split("\n")]


def sample_lines():
    rng = random.Random(20240520)
    plan = [
        ("en/shakespeare_complete.txt", 1200), ("en/world_english_bible.txt", 1200),
        ("en/alice29.txt", 300), ("en/asyoulik.txt", 200), ("en/lcet10.txt", 300), ("en/plrabn12.txt", 300),
        ("ko/kolaw_constitution.txt", 400), ("ko/kobill_all.txt", 500), ("ko/debian-faq.ko.txt", 600),
        ("cjk/tang300.txt", 600),
    ]
    out = []
    for rel, n in plan:
        lines = [l for l in read_lines(os.path.join(SHARED, rel)) if l.strip()]
        out += rng.sample(lines, min(n, len(lines)))
    out += [
        "", " ", "  leading and trailing  ", "tabs\tand\tmore\t\t", "I'm can't we'll they'd you've",
        "Café naïve ﬁancé ÀÉÎÕÜ", "İstanbul ΣΊΣΥΦΟΣ", "emoji 😀👍🏽 and ZWJ 👨‍👩‍👧", "numbers 1234567890 ½ ² ٣",
        "[CLS] [SEP] <|endoftext|> [MASK]", "a" * 120, "x" + "\u0301" * 5, "mixed 한국어 and 中文 text.",
        "\u3000full\u3000width\u3000space", "control\u0007char\u200bzero-width", "e\u0301 combining",
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
    ]
    # Long words (BPE merges them with a heap above 48 symbols).
    letters = "abcdefghijklmnopqrstuvwxyz"
    for n in (60, 250, 1000):
        out.append("".join(rng.choice(letters) for _ in range(n)))
        out.append("".join(rng.choice(letters + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/") for _ in range(n)))
    out.append("the" * 200)
    out.append(" " * 300 + "x")
    return [l.replace("\n", " ") for l in out]


def byte_offsets(line, offsets):
    # HF's Python offsets are character offsets; convert to UTF-8 byte offsets.
    pos = [0]
    for ch in line:
        pos.append(pos[-1] + len(ch.encode("utf-8")))
    return [(pos[s], pos[e]) for s, e in offsets]


def write_expected(path, tok, lines, add_special=False, offsets=True):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            enc = tok.encode(line, add_special_tokens=add_special)
            text = " ".join(map(str, enc.ids))
            if offsets:
                parts, previous = [], 0
                for s, e in byte_offsets(line, enc.offsets):
                    parts.append(str(e) if s == previous else f"{s}:{e}")
                    previous = e
                text += "\t" + " ".join(parts)
            f.write(text + "\n")


def main():
    lines = sample_lines()
    with open(os.path.join(HERE, "sample_lines.txt"), "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")

    gpt2 = Tokenizer(models.BPE.from_file(os.path.join(TOKENIZERS, "encoder.json"),
                                          os.path.join(TOKENIZERS, "vocab.bpe")))
    gpt2.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    gpt2.decoder = decoders.ByteLevel()
    write_expected(os.path.join(HERE, "gpt2_expected.txt"), gpt2, lines)
    gpt2.post_processor = processors.ByteLevel(trim_offsets=True)
    write_expected(os.path.join(HERE, "gpt2_trim_expected.txt"), gpt2, lines[:1000])
    gpt2.post_processor = None
    gpt2.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    gpt2.add_special_tokens(["<|endoftext|>"])
    prefix_lines = lines[:1000] + [l + "<|endoftext|>" + l for l in lines[:50]]
    write_expected(os.path.join(HERE, "gpt2_prefix_expected.txt"), gpt2, prefix_lines)

    strip = Tokenizer(models.BPE.from_file(os.path.join(TOKENIZERS, "encoder.json"),
                                           os.path.join(TOKENIZERS, "vocab.bpe")))
    strip.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    strip.add_special_tokens([AddedToken("<mask>", lstrip=True), AddedToken("[R]", rstrip=True)])
    strip_lines = []
    for k, line in enumerate(lines[:300]):
        words = line.split(" ")
        if len(words) > 3:
            words[1] = words[1] + (" <mask>" if k % 2 else "\t <mask>")
            words[-2] = words[-2] + (" [R]  " if k % 3 else "[R]\u3000")
        strip_lines.append(" ".join(words))
    with open(os.path.join(HERE, "strip_lines.txt"), "w", encoding="utf-8", newline="\n") as f:
        for line in strip_lines:
            f.write(line + "\n")
    write_expected(os.path.join(HERE, "strip_expected.txt"), strip, strip_lines)

    bert = Tokenizer.from_file(os.path.join(TOKENIZERS, "minilm_bert_uncased_tokenizer.json"))
    bert.no_padding()
    bert.no_truncation()
    write_expected(os.path.join(HERE, "bert_expected.txt"), bert, lines)
    write_expected(os.path.join(HERE, "bert_special_expected.txt"), bert, lines[:200], add_special=True, offsets=False)

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=4000, min_frequency=2, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train(CORPORA_EN, trainer)
    bpe.save(os.path.join(HERE, "hf_byte_bpe_4k.json"))

    write_expected(os.path.join(HERE, "bytebpe_expected.txt"), bpe, lines, offsets=False)

    cbpe = Tokenizer(models.BPE(unk_token="[UNK]", end_of_word_suffix="</w>"))
    cbpe.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    ctrainer = trainers.BpeTrainer(vocab_size=5000, min_frequency=2, show_progress=False, special_tokens=["[UNK]"],
                                   end_of_word_suffix="</w>")
    cbpe.train(CORPORA_EN, ctrainer)
    with open(os.path.join(HERE, "hf_bpe_suffix_5k.txt"), "w", encoding="utf-8", newline="\n") as f:
        for token, _ in sorted(cbpe.get_vocab().items(), key=lambda kv: kv[1]):
            f.write(token + "\n")

    for name in ("en-byte-bpe-8k", "en-wordpiece-uncased-8k"):
        written = Tokenizer.from_file(os.path.join(ROOT, "Vocab", name + ".json"))
        write_expected(os.path.join(HERE, f"vocab_{name}_expected.txt"), written, lines[:1500])

    wp = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    wp.normalizer = normalizers.BertNormalizer(lowercase=True)
    wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    wp_trainer = trainers.WordPieceTrainer(vocab_size=3000, min_frequency=2, show_progress=False,
                                           special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    wp.train(CORPORA_EN, wp_trainer)
    vocab = wp.get_vocab()
    with open(os.path.join(HERE, "hf_wordpiece_3k.txt"), "w", encoding="utf-8", newline="\n") as f:
        for token, _ in sorted(vocab.items(), key=lambda kv: kv[1]):
            f.write(token + "\n")


def likelihood_wordpiece(path, vocab_size, min_frequency, specials):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts = {}
    with open(path, "rb") as f:
        for raw in f.read().decode("utf-8").splitlines(keepends=True):
            for word, _ in tok.pre_tokenizer.pre_tokenize_str(tok.normalizer.normalize_str(raw)):
                counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: w.encode("utf-8"))
    vocab = list(specials)
    ids = {t: i for i, t in enumerate(vocab)}
    def add(t):
        if t not in ids:
            ids[t] = len(vocab)
            vocab.append(t)
        return ids[t]
    for c in sorted({c for w in words for c in w}):
        add(c)
    symbols = [[add(c if i == 0 else "##" + c) for i, c in enumerate(w)] for w in words]
    weights = [counts[w] for w in words]
    while len(vocab) < vocab_size:
        pair_counts, sym_counts = {}, {}
        for syms, wt in zip(symbols, weights):
            for i, s in enumerate(syms):
                sym_counts[s] = sym_counts.get(s, 0) + wt
                if i + 1 < len(syms):
                    pair_counts[(s, syms[i + 1])] = pair_counts.get((s, syms[i + 1]), 0) + wt
        best = None
        for (a, b), c in pair_counts.items():
            if c < min_frequency:
                continue
            key = (c / (sym_counts[a] * sym_counts[b]), c, (-a, -b))
            if best is None or key > best[0]:
                best = (key, (a, b))
        if best is None:
            break
        a, b = best[1]
        tb = vocab[b][2:] if vocab[b].startswith("##") else vocab[b]
        new = add(vocab[a] + tb)
        for syms in symbols:
            i = 0
            while i + 1 < len(syms):
                if syms[i] == a and syms[i + 1] == b:
                    syms[i:i + 2] = [new]
                i += 1
    return vocab


def write_likelihood():
    vocab = likelihood_wordpiece(os.path.join(ROOT, "Corpora", "en", "alice29.txt"), 600, 2,
                                 ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    with open(os.path.join(HERE, "likelihood_wordpiece_600.txt"), "w", encoding="utf-8", newline="\n") as f:
        for token in vocab:
            f.write(token + "\n")


if __name__ == "__main__":
    main()
    write_likelihood()
