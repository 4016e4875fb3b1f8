#!/usr/bin/env python3
"""Writes the component parity fixtures (components/) with Hugging Face `tokenizers` (0.23),
`sentencepiece` and `tiktoken` as the reference.

  python3 make_component_fixtures.py [SHARED_DATA]     # SHARED_DATA defaults to ../../../../shared/data

Outputs (all small, committed):
  components/mixed_lines.txt      test lines: English, Korean, Chinese, Japanese, code, emoji, odd whitespace
  components/<name>.json          a small tokenizer exercising some components (built here with `tokenizers`)
  components/<name>_expected.txt  per line: ids TAB offsets TAB decode (see below)
  components/realworld_<name>_expected.txt   the same for the shared real tokenizers (checked only when
                                  SHARED_DATA is beside the repository); `spm` / `tiktoken` lines hold ids only.
Expected line format: ids separated by spaces; offsets as UTF-8 byte ranges, "END" when a range starts where
the previous one ended (the first at 0), else "START:END"; decode (skip_special_tokens=False) as a JSON string,
or "=" when it equals the line.
"""
import json, os, random, sys
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, decoders, processors, trainers, Regex, AddedToken

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "components")
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/data")
rng = random.Random(11)


def read_lines(path, skip=0, count=100, minlen=8):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            if len(line.strip()) >= minlen:
                out.append(line)
    rng.shuffle(out)
    return out[skip:skip + count]


def _bytes_to_unicode():
    """GPT-2's byte → character table, as a list of characters by byte."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    table = dict(zip(bs, cs))
    return [chr(table[b]) for b in range(256)]


def mixed_lines():
    lines = []
    lines += read_lines(os.path.join(SHARED, "en/alice29.txt"), count=160)
    lines += read_lines(os.path.join(SHARED, "ko/kolaw_constitution.txt"), count=80)
    lines += read_lines(os.path.join(SHARED, "ko/kobill_all.txt"), count=60)
    lines += read_lines(os.path.join(SHARED, "cjk/tang300.txt"), count=80, minlen=4)
    ui = [json.loads(l) for l in open(os.path.join(SHARED, "parallel/en-ko.ui.jsonl"), encoding="utf-8")]
    rng.shuffle(ui)
    lines += [u["ko"] for u in ui[:40]] + [u["en"] for u in ui[40:70]]
    japanese = ["東京は日本の首都です。", "カタカナとひらがなの混ざった文章テスト", "ラーメンを食べたい！", "私はＡＩを研究しています（２０２４年）。",
                "ｶﾀｶﾅ ﾊﾝｶｸ と　全角スペース", "今日は良い天気ですね〜", "ヴァイオリンとチェロ", "株式会社テッセラ"]
    code = ["func encode(_ text: String) -> [UInt32] { return [] }", "    let x = a[i] + b[j] * 3.14;  // comment",
            "if (x != y && z >= 10) { printf(\"%d\\n\", x); }", "def f(x):\n\treturn x ** 2", "SELECT * FROM users WHERE id = 42;",
            "<div class=\"main\">Hello&nbsp;world</div>", "x = {'key': [1, 2, 3], \"other\": None}", "$ ls -la /usr/local/bin | grep swift"]
    emoji = ["I love 🍕 and 🍣!", "👍🏽 thumbs up", "family: 👨‍👩‍👧‍👦 flags: 🇰🇷🇯🇵", "café naïve résumé Ångström", "e\u0301 vs é (combining)",
             "ﬁ ligature and Ⅻ roman", "½ + ¼ = ¾", "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ", "ẞ straße İstanbul ΣΑΣ"]
    odd = []
    pieces = ["hello", "world", "안녕하세요", "세계", "你好", "世界", "テスト", "123", "4567", "don't", "I'm", "it's", "<s>", "</s>", "[MASK]",
              "Hello", "WORLD", "🍕", "x", "--", "...", "é", "naïve"]
    spaces = [" ", "  ", "   ", "\t", " \t ", "\u00a0", "\u3000", "\u2009", " \u200b", "\u2028", "\u000b", "\u0085"]
    for _ in range(120):
        n = rng.randint(1, 8)
        s = "".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(n))
        if rng.random() < 0.3: s = rng.choice(spaces) + s
        if rng.random() < 0.5: s = s.rstrip()
        odd.append(s)
    lines += japanese + code + emoji + odd
    lines = [l.replace("\n", " ") for l in lines if l.strip()]
    return lines


def write_expected(name, tok, lines, add_special=False):
    out = []
    for line in lines:
        enc = tok.encode(line, add_special_tokens=add_special)
        b = 0
        char_to_byte = [0]
        for ch in line:
            b += len(ch.encode("utf-8"))
            char_to_byte.append(b)
        fields, prev = [], 0
        for (s, e) in enc.offsets:
            bs, be = char_to_byte[s], char_to_byte[e]
            fields.append(str(be) if bs == prev else f"{bs}:{be}")
            prev = be
        dec = tok.decode(enc.ids, skip_special_tokens=False)
        out.append(" ".join(map(str, enc.ids)) + "\t" + " ".join(fields) + "\t" + ("=" if dec == line else json.dumps(dec, ensure_ascii=False)))
    with open(os.path.join(OUT, name + "_expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


MANIFEST = {}


def save(name, tok, lines, add_special=False, stride=1, extra=()):
    """Saves `name`.json and its expected outputs on lines[::stride] + extra (recorded in manifest.json)."""
    tok.save(os.path.join(OUT, name + ".json"))
    MANIFEST[name] = {"stride": stride, "extra": list(extra), "add_special_tokens": add_special}
    write_expected(name, Tokenizer.from_file(os.path.join(OUT, name + ".json")), list(lines[::stride]) + list(extra), add_special)


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = mixed_lines()
    with open(os.path.join(OUT, "mixed_lines.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    train = lines[::2]
    some = lines  # every fixture line set

    # 1. Unigram with Nmt, NFKC, Replace regex, Strip; Metaspace(always, split); Metaspace decoder.
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.Nmt(), normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " "), normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.train_from_iterator(train, trainers.UnigramTrainer(vocab_size=2500, special_tokens=["<unk>", "</s>"], unk_token="<unk>"))
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", tok.token_to_id("</s>"))])
    save("unigram_metaspace", tok, some, add_special=True)

    # 2. Llama-2 layout: BPE with byte_fallback and fuse_unk; Prepend + Replace normalizers; decoder Sequence.
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    bytes_tokens = [f"<0x{b:02X}>" for b in range(256)]
    tok.train_from_iterator(train, trainers.BpeTrainer(vocab_size=1100, special_tokens=["<unk>", "<s>", "</s>"] + bytes_tokens, limit_alphabet=150))
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    save("bpe_bytefallback", tok, some, add_special=True)

    # 3. Mistral v0.3 layout: Metaspace(first, no split) with the same model; added tokens inside lines.
    tok2 = Tokenizer.from_file(os.path.join(OUT, "bpe_bytefallback.json"))
    tok2.normalizer = None
    tok2.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    save("bpe_metaspace_first", tok2, some)

    # 4. Llama-3 layout: Split(regex, Isolated) + ByteLevel(use_regex=false), BPE ignore_merges, post Sequence.
    llama_re = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(llama_re), behavior="isolated", invert=False),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(train, trainers.BpeTrainer(vocab_size=1200, special_tokens=["<|begin_of_text|>", "<|end_of_text|>"],
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.Sequence([processors.ByteLevel(trim_offsets=True, add_prefix_space=False),
                                              processors.TemplateProcessing(single="<|begin_of_text|> $A", special_tokens=[("<|begin_of_text|>", tok.token_to_id("<|begin_of_text|>"))])])
    save("bytelevel_split_regex", tok, some, add_special=True)

    # 5. Split behaviours and invert, Punctuation, Digits, UnicodeScripts, CharDelimiterSplit, Whitespace over one WordLevel model.
    wl = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    wl.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Lowercase()])
    wl.pre_tokenizer = pre_tokenizers.Whitespace()
    wl.train_from_iterator(train, trainers.WordLevelTrainer(vocab_size=600, special_tokens=["[UNK]"]))
    wl.decoder = decoders.CTC(pad_token="[UNK]", word_delimiter_token="|", cleanup=True)
    save("wordlevel_whitespace", wl, some)
    variants = {
        "split_removed": pre_tokenizers.Split(" ", behavior="removed"),
        "split_isolated_digits": pre_tokenizers.Split(Regex(r"\p{N}"), behavior="isolated"),
        "split_merged_previous": pre_tokenizers.Split(Regex(r"[,.!?]"), behavior="merged_with_previous"),
        "split_merged_next": pre_tokenizers.Split(Regex(r"\s+"), behavior="merged_with_next"),
        "split_contiguous": pre_tokenizers.Split(Regex(r"[\p{Han}\p{Hiragana}\p{Katakana}]"), behavior="contiguous"),
        "split_invert": pre_tokenizers.Split(Regex(r"\p{L}+|\p{N}+"), behavior="removed", invert=True),
        "punct_digits_scripts": pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation(behavior="contiguous"),
                                                         pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.UnicodeScripts()]),
        "char_delimiter": pre_tokenizers.CharDelimiterSplit(" "),
    }
    for name, pre in variants.items():
        t = Tokenizer.from_file(os.path.join(OUT, "wordlevel_whitespace.json"))
        t.pre_tokenizer = pre
        t.decoder = None
        save(name, t, some, stride=3)

    # 6. Normalizers in a Sequence in an unusual order; BertNormalizer; ByteLevel normalizer with byte-level BPE.
    bb = Tokenizer(models.BPE())
    bb.normalizer = normalizers.Sequence([normalizers.Lowercase(), normalizers.BertNormalizer(lowercase=False, strip_accents=True, handle_chinese_chars=True),
                                          normalizers.Replace(Regex(r"\d"), "#"), normalizers.ByteLevel()])
    bb.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit()])
    bb.decoder = decoders.ByteLevel()
    bb.train_from_iterator(train, trainers.BpeTrainer(vocab_size=800, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    save("normalizer_sequence_bytelevel", bb, some, stride=3)

    # 7. Added tokens: single_word, normalized, lstrip/rstrip, with a lowercasing normalizer.
    at = Tokenizer.from_file(os.path.join(OUT, "wordlevel_whitespace.json"))
    at.add_tokens([AddedToken("hello", single_word=True, normalized=True), AddedToken("WORLD", normalized=True),
                   AddedToken("[MASK]", lstrip=True, rstrip=True, normalized=False, special=True), AddedToken("테스트", single_word=True, normalized=False)])
    at.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    extra = ["hello world", "Hello World helloworld", "say HELLO, hello!", "a [MASK] b  [MASK]  c", "테스트 테스트트 xテスト", "worldWORLD hello_x"]
    save("added_tokens", at, some, stride=3, extra=extra)

    # 8. BPE with end-of-word suffix (CLIP-like): Split(invert, Removed) + ByteLevel; RobertaProcessing; BPEDecoder.
    cl = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>", continuing_subword_prefix=""))
    cl.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()])
    cl.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(r"'s|'t|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"), behavior="removed", invert=True),
                                                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    cl.decoder = decoders.BPEDecoder(suffix="</w>")
    cl.train_from_iterator(train, trainers.BpeTrainer(vocab_size=900, special_tokens=["<unk>", "<s>", "</s>"], end_of_word_suffix="</w>",
                                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    cl.post_processor = processors.RobertaProcessing(("</s>", cl.token_to_id("</s>")), ("<s>", cl.token_to_id("<s>")), trim_offsets=False, add_prefix_space=False)
    save("bpe_suffix_roberta", cl, some, add_special=True, stride=3)

    # A small tiktoken rank file (the byte-level vocabulary of fixture 4, ranks = ids) and tiktoken's ids.
    import tiktoken, base64
    alphabet_bytes = {ch: b for b, ch in zip(range(256), _bytes_to_unicode())}
    vocab = json.load(open(os.path.join(OUT, "bytelevel_split_regex.json"), encoding="utf-8"))["model"]["vocab"]
    ranks = {}
    for token, rank in sorted(vocab.items(), key=lambda kv: kv[1]):
        ranks[bytes(alphabet_bytes[c] for c in token)] = len(ranks)
    with open(os.path.join(OUT, "small_llama3.tiktoken"), "w", encoding="ascii") as f:
        for b, r in sorted(ranks.items(), key=lambda kv: kv[1]):
            f.write(base64.b64encode(b).decode() + " " + str(r) + "\n")
    enc = tiktoken.Encoding("small", pat_str=llama_re, mergeable_ranks=ranks, special_tokens={})
    with open(os.path.join(OUT, "small_llama3_tiktoken_expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(" ".join(map(str, enc.encode_ordinary(l))) for l in lines) + "\n")

    with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(MANIFEST, f, ensure_ascii=False, indent=1, sort_keys=True)

    # Real-world tokenizers (expected outputs only; the files stay in the shared folder).
    rw = os.path.join(SHARED, "tokenizers/realworld")
    if os.path.isdir(rw):
        for name, add in [("llama3", True), ("mistral-7b-v0.3", True), ("maxtext-c4-unigram-32k", True), ("clip-vit-openai", True)]:
            t = Tokenizer.from_file(os.path.join(rw, name + ".tokenizer.json"))
            write_expected("realworld_" + name, t, lines, add_special=add)
        import sentencepiece as spm
        for name in ["mistral-7b-v0.3", "maxtext-c4-unigram-32k"]:
            sp = spm.SentencePieceProcessor(model_file=os.path.join(rw, name + ".spm.model"))
            with open(os.path.join(OUT, f"realworld_{name}_spm_expected.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(" ".join(map(str, sp.encode(l))) for l in lines) + "\n")
        import tiktoken, base64
        ranks = {}
        for l in open(os.path.join(rw, "llama3.tiktoken"), "rb"):
            if l.strip():
                tokb, r = l.split()
                ranks[base64.b64decode(tokb)] = int(r)
        enc = tiktoken.Encoding("llama3", pat_str=llama_re.replace(r"\s+(?!\S)", r"\s+(?!\S)"), mergeable_ranks=ranks, special_tokens={})
        with open(os.path.join(OUT, "realworld_llama3_tiktoken_expected.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(" ".join(map(str, enc.encode_ordinary(l))) for l in lines) + "\n")


if __name__ == "__main__":
    main()
