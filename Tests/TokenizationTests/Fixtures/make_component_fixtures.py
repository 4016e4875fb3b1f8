#!/usr/bin/env python3
"""Writes the component parity fixtures (components/) with Hugging Face `tokenizers` (0.23),
`sentencepiece` and `tiktoken` as the reference.

  python3 make_component_fixtures.py [SHARED_DATA]     # SHARED_DATA defaults to ../../../../shared/data
  python3 make_component_fixtures.py --composing       # only spm_unigram_composing (from the committed lines)
  python3 make_component_fixtures.py --metaspace-words # only bpe_metaspace_words (from the committed lines)
  python3 make_component_fixtures.py --metaspace-split # only bpe_metaspace_split (from bpe_metaspace_words)
  python3 make_component_fixtures.py --uncovered       # only the uncovered-character lines (from the committed .model files)
  python3 make_component_fixtures.py --user-defined    # only spm_unigram_userdefined (from the committed lines)
  python3 make_component_fixtures.py --ascii-pairs     # only the ASCII-pair lines (from the committed .model files)

Outputs (all small, committed):
  components/mixed_lines.txt      test lines: English, Korean, Chinese, Japanese, code, emoji, odd whitespace
  components/mixed_lines_extra.txt   2,900 more such lines (so every tokenizer is checked on over 3,000): more of
                                  the same corpora, Japanese and emoji sentences composed from the word lists below,
                                  lines of this repository's Swift sources, decomposed Hangul and combining marks,
                                  random whitespace runs
  components/<name>_extra.hash    per extra line, a 32-bit hash (8 hex digits) of the reference output (see
                                  line_hash), so the expectations of the extra lines stay small
  components/<name>.json          a small tokenizer exercising some components (built here with `tokenizers`)
  components/<name>_expected.txt  per line: ids TAB offsets TAB decode (see below)
  components/spm_<name>.model      small SentencePiece models trained here by `sentencepiece` (Unigram with a custom
                                  normalization rule table and user-defined pieces; BPE with byte fallback and
                                  whitespace-only pieces; Unigram without dummy prefix or whitespace clean-up)
  components/spm_<name>_expected.txt  sentencepiece's ids per line of mixed_lines.txt (ids only)
  components/spm_unigram_composing.model  a Unigram whose rule table composes marks after ASCII letters, with
                                  sentencepiece's ids on mixed_lines.txt, on the extra lines (hashed) and on
                                  components/composing_lines.txt (crafted: a mark at every place in ASCII runs),
                                  in spm_unigram_composing_crafted_expected.txt
  components/uncovered_lines.txt  crafted lines of characters that no piece of spm_unigram.model or
                                  spm_unigram_plain.model contains (runs of them, alone, after `▁`, at a line's start),
                                  characters some piece contains but that are unknown alone, and words, with
                                  sentencepiece's ids in spm_unigram_uncovered_expected.txt and spm_unigram_plain_uncovered_expected.txt
  components/ascii_pair_lines.txt crafted lines of ASCII words, digits and punctuation run together, with the
                                  pieces of the Unigram models that hold punctuation next to letters or digits among
                                  them, and sentencepiece's ids in spm_unigram_asciipairs_expected.txt,
                                  spm_unigram_plain_asciipairs_expected.txt and spm_unigram_userdefined_asciipairs_expected.txt
  components/spm_unigram_userdefined.model  a Unigram with long user-defined pieces that normal pieces also
                                  spell (at a higher total score than the piece's length times the best normal
                                  score), with sentencepiece's ids on userdefined_lines.txt (crafted) in
                                  spm_unigram_userdefined_expected.txt
  components/bpe_metaspace_words.json  the Mistral layout (a line is one piece) over a BPE trained on
                                  Metaspace-split words, so no merge joins across a word's `▁`
  components/unigram_t5_layout.json  the layout `transformers` converts SentencePiece Unigram models to (T5):
                                  Precompiled (spm_unigram.model's charsmap) + Replace, WhitespaceSplit + Metaspace
  components/realworld_<name>_expected.txt   the same for the shared real tokenizers (checked only when
                                  SHARED_DATA is beside the repository); `spm` / `tiktoken` lines hold ids only.
Extra-line hash: FNV-1a 64 over the UTF-8 of "IDS" (ids joined by spaces) for ids-only references, or of
"IDS\tOFFSETS\tDECODE" (OFFSETS as "start:end" byte ranges joined by spaces, DECODE the raw decoded string),
folded to 32 bits (h ^ h >> 32) & 0xFFFFFFFF.
Expected line format: ids separated by spaces; offsets as UTF-8 byte ranges, "END" when a range starts where
the previous one ended (the first at 0), else "START:END"; decode (skip_special_tokens=False) as a JSON string,
or "=" when it equals the line.
"""
import json, os, random, sys
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, decoders, processors, trainers, Regex, AddedToken

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "components")
SHARED = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else os.path.join(HERE, "../../../../shared/data")
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


REPO = os.path.normpath(os.path.join(HERE, "../../.."))
JA_WORDS = ["東京", "大阪", "日本語", "学生", "先生", "電車", "新幹線", "天気", "料理", "寿司", "ラーメン", "コーヒー", "パソコン", "スマホ",
            "ソフトウェア", "テスト", "データ", "モデル", "トークナイザー", "ひらがな", "カタカナ", "漢字", "さくら", "やま", "かわ", "うみ",
            "ｶﾀｶﾅ", "ﾃｽﾄ", "ＡＩ", "２０２４年", "㈱", "①", "〜", "ヴ", "ゔ", "ヶ月"]
JA_PARTICLES = ["は", "が", "を", "に", "で", "と", "の", "も", "へ", "から", "まで"]
JA_ENDS = ["です。", "でした。", "ます。", "ません。", "ですか？", "！", "。", "だ。", "〜", "…", "（笑）"]
EMOJI = ["🍕", "🍣", "👍", "👍🏽", "👨‍👩‍👧‍👦", "🇰🇷", "🇯🇵", "🏳️‍🌈", "❤️", "✨", "🔥", "😀", "🤖", "🧑🏿‍💻", "#️⃣", "©", "™", "☕", "🦀", "𝕏", "𝒜"]
WORDS = ["hello", "world", "I love", "pizza", "don't", "it's", "naïve", "café", "안녕하세요", "감사합니다", "你好", "谢谢", "テスト",
         "OK", "LOL", "v2.0", "#hashtag", "@user", "https://example.com/a?b=c", "$3.50", "100%", "e\u0301", "Ω", "ß"]


def extra_lines(count=2900):
    """More mixed lines, deterministically: corpora (as for mixed_lines), composed Japanese and emoji sentences,
    this repository's Swift source lines, decomposed Hangul and combining marks, and random whitespace."""
    r = random.Random(1111)
    out = []
    def sample(path, n, minlen=8, skip=0):
        with open(path, encoding="utf-8", errors="replace") as f:
            rows = [l.rstrip("\n").rstrip("\r") for l in f]
        rows = [l for l in rows if len(l.strip()) >= minlen]
        r.shuffle(rows)
        return rows[skip:skip + n]
    out += sample(os.path.join(SHARED, "en/alice29.txt"), 250, skip=0)
    out += sample(os.path.join(SHARED, "en/shakespeare_complete.txt"), 250)
    out += sample(os.path.join(SHARED, "en/world_english_bible.txt"), 150)
    out += sample(os.path.join(SHARED, "ko/kolaw_constitution.txt"), 150)
    out += sample(os.path.join(SHARED, "ko/kobill_all.txt"), 200)
    out += sample(os.path.join(SHARED, "ko/debian-faq.ko.txt"), 150)
    out += sample(os.path.join(SHARED, "cjk/tang300.txt"), 250, minlen=4)
    ui = [json.loads(l) for l in open(os.path.join(SHARED, "parallel/en-ko.ui.jsonl"), encoding="utf-8")]
    r.shuffle(ui)
    out += [u["ko"] for u in ui[:150]] + [u["en"] for u in ui[150:250]]
    for _ in range(250):  # Japanese
        n = r.randint(1, 4)
        out.append("".join(r.choice(JA_WORDS) + r.choice(JA_PARTICLES) for _ in range(n)) + r.choice(JA_WORDS) + r.choice(JA_ENDS))
    for _ in range(150):  # emoji among words
        n = r.randint(2, 7)
        out.append(" ".join(r.choice(EMOJI + WORDS) + (r.choice(EMOJI) if r.random() < 0.3 else "") for _ in range(n)))
    code = []
    for root, dirs, files in os.walk(os.path.join(REPO, "Sources")):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".swift") and not name.endswith(".pb.swift"):
                code += [l.rstrip("\n") for l in open(os.path.join(root, name), encoding="utf-8") if len(l.strip()) >= 8]
    code.sort()
    r.shuffle(code)
    out += code[:300]
    # Decomposed Hangul (conjoining jamo) and Latin letters with combining marks in canonical order. (Not Unicode's
    # NormalizationTest lines: Hugging Face normalizes with older Unicode tables, so marks such as U+1DFA or U+1ABD
    # keep their order there and are reordered by ICU.)
    jamo = [chr(0x1100 + r.randrange(19)) + chr(0x1161 + r.randrange(21)) + (chr(0x11A8 + r.randrange(27)) if r.random() < 0.5 else "")
            for _ in range(600)]
    marks = ["\u0301", "\u0300", "\u0308", "\u0327", "\u0303", "\u0323\u0302", "\u0328\u0301", "\u030c"]
    for k in range(150):
        out.append(" ".join(jamo[4 * k + j % 4] + (r.choice(WORDS) if j % 3 == 0 else "") for j in range(r.randint(1, 5))))
    for _ in range(150):
        out.append(" ".join("".join(c + (r.choice(marks) if r.random() < 0.4 else "") for c in r.choice(WORDS)) for _ in range(r.randint(1, 5))))
    spaces = [" ", "  ", "   ", "\t", " \t ", "\u00a0", "\u3000", "\u2009", " \u200b", "\u2028", "\u000b", "\u0085", "\u200d", "\ufeff", "\u00ad"]
    pieces = WORDS + ["<s>", "</s>", "<unk>", "[MASK]", "<|endoftext|>", "▁", "▁▁", "<0x41>", "123", "4567", "...", "--"]
    while len(out) < count:  # odd whitespace
        n = r.randint(1, 8)
        line = "".join(r.choice(pieces) + r.choice(spaces) for _ in range(n))
        if r.random() < 0.3: line = r.choice(spaces) + line
        if r.random() < 0.5: line = line.rstrip()
        out.append(line)
    out = [l.replace("\n", " ").replace("\r", " ") for l in out if l.strip()]
    return out[:count]


def line_hash(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%08x" % ((h ^ (h >> 32)) & 0xFFFFFFFF)


def full_reference(tok, line, add_special):
    """The hashed text of one line under a tokenizers.Tokenizer: ids, byte offsets, decode."""
    enc = tok.encode(line, add_special_tokens=add_special)
    b, char_to_byte = 0, [0]
    for ch in line:
        b += len(ch.encode("utf-8"))
        char_to_byte.append(b)
    offsets = " ".join(f"{char_to_byte[s]}:{char_to_byte[e]}" for s, e in enc.offsets)
    return " ".join(map(str, enc.ids)) + "\t" + offsets + "\t" + tok.decode(enc.ids, skip_special_tokens=False)


def write_hashes(name, texts):
    with open(os.path.join(OUT, name + "_extra.hash"), "w", encoding="ascii") as f:
        f.write("".join(line_hash(t) + "\n" for t in texts))


EXTRA = []


# A small normalization rule table (source code points TAB target code points), so the model's charsmap
# stays small: full-width letters and digits, ligatures, a few spaces, and multi-character keys (the
# normalizer takes the longest key: "e\u0301" before "e").
SPM_RULES = ([(f"{0xFF21 + k:X}", f"{0x41 + k:X}") for k in range(26)] + [(f"{0xFF41 + k:X}", f"{0x61 + k:X}") for k in range(26)] +
             [(f"{0xFF10 + k:X}", f"{0x30 + k:X}") for k in range(10)] +
             [("FB01", "66 69"), ("FB02", "66 6C"), ("2168", "58 49 49"), ("3000", "20"), ("9", "20"), ("A0", "20"), ("2009", "20"),
              ("65 301", "E9"), ("301", ""), ("200B", ""), ("FF5E", "7E"), ("2460", "31"), ("2028", "20 20"), ("41 42 43", "61 62 63"),
              ("61 62", "41 42")])


def spm_models(train, lines):
    """Small SentencePiece models (trained here on `train` and every other extra line) and sentencepiece's ids on the test lines."""
    import sentencepiece as spm, tempfile
    with tempfile.TemporaryDirectory() as d:
        corpus = os.path.join(d, "train.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(train + EXTRA[::2]) + "\n")
        rules = os.path.join(d, "rules.tsv")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("".join(f"{a}\t{b}\n" for a, b in SPM_RULES))
        common = dict(input=corpus, minloglevel=2, num_threads=1, character_coverage=0.98, seed_sentencepiece_size=100000)
        specs = {
            "spm_unigram": dict(model_type="unigram", vocab_size=2000, normalization_rule_tsv=rules,
                                user_defined_symbols=["[MASK]", "<sep>", "테스트", "ab c"], remove_extra_whitespaces=True),
            "spm_bpe": dict(model_type="bpe", vocab_size=2000, byte_fallback=True, normalization_rule_name="identity",
                            remove_extra_whitespaces=False, allow_whitespace_only_pieces=True, split_digits=True,
                            user_defined_symbols=["[MASK]", "<sep>", "▁▁▁"], control_symbols=["<ctl>"]),
            "spm_unigram_plain": dict(model_type="unigram", vocab_size=1500, byte_fallback=True, add_dummy_prefix=False,
                                      remove_extra_whitespaces=False, normalization_rule_name="identity"),
        }
        for name, spec in specs.items():
            spm.SentencePieceTrainer.train(model_prefix=os.path.join(d, name), **common, **spec)
            data = open(os.path.join(d, name + ".model"), "rb").read()
            with open(os.path.join(OUT, name + ".model"), "wb") as f:
                f.write(data)
            sp = spm.SentencePieceProcessor(model_file=os.path.join(OUT, name + ".model"))
            with open(os.path.join(OUT, name + "_expected.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(" ".join(map(str, sp.encode(l))) for l in lines) + "\n")
            write_hashes(name, [" ".join(map(str, sp.encode(l))) for l in EXTRA])


# SPM_RULES without its keys that start with two ASCII bytes ("ABC", "ab"), plus compositions after a letter:
# every printable ASCII byte then normalizes to itself (some only when no combining mark follows), so Tessera
# copies runs of them eight bytes at a time (stopping at "[" and "<", where user-defined pieces start); the
# crafted lines put a composing mark, and those pieces, at every place in such runs.
COMPOSING_RULES = [r for r in SPM_RULES if r[0] not in ("41 42 43", "61 62")] + [("6F 308", "F6"), ("41 30A", "C5"), ("308", ""), ("30A", "")]


def composing_lines():
    out = []
    for k in range(18):
        run = "abcdefghijklmnopqrstuvwxyz"[:k]
        out += [run + "e\u0301", run + "e\u0301" + run, "W" + run + "o\u0308 x", run.upper() + "A\u030a" + run + " ende",
                run + "\u0301" + run, run + "한국어 " + run + "e", run + "\u00e9" + run, "  " + run + "\t" + run + "\u00a0e\u0301  ",
                run + "[MASK]" + run + "<sep>" + run, run + "[MASKe\u0301" + run + "<se" + run]
    out += ["Supercalifragilistice\u0301xpialidocious and e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301",
            "12345678e\u0301 87654321o\u0308 [MASK]<sep>abcdefgh테스트ab c", "x" * 40 + "e\u0301" + "y" * 40,
            "printable!\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~e\u0301 done"]
    return out


def spm_composing(train, lines):
    """A small Unigram `.model` with COMPOSING_RULES, and sentencepiece's ids on the fixture lines, the extra
    lines (hashed) and the crafted lines (composing_lines.txt)."""
    import sentencepiece as spm, tempfile
    crafted = composing_lines()
    with open(os.path.join(OUT, "composing_lines.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(crafted) + "\n")
    with tempfile.TemporaryDirectory() as d:
        corpus = os.path.join(d, "train.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(train + EXTRA[::2] + crafted[::2]) + "\n")
        rules = os.path.join(d, "rules.tsv")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("".join(f"{a}\t{b}\n" for a, b in COMPOSING_RULES))
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(d, "m"), model_type="unigram", vocab_size=1500,
                                       normalization_rule_tsv=rules, user_defined_symbols=["[MASK]", "<sep>", "테스트"],
                                       minloglevel=2, num_threads=1, character_coverage=0.98, seed_sentencepiece_size=100000)
        data = open(os.path.join(d, "m.model"), "rb").read()
    name = "spm_unigram_composing"
    with open(os.path.join(OUT, name + ".model"), "wb") as f:
        f.write(data)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(OUT, name + ".model"))
    for suffix, ls in [("_expected.txt", lines), ("_crafted_expected.txt", crafted)]:
        with open(os.path.join(OUT, name + suffix), "w", encoding="utf-8") as f:
            f.write("\n".join(" ".join(map(str, sp.encode(l))) for l in ls) + "\n")
    write_hashes(name, [" ".join(map(str, sp.encode(l))) for l in EXTRA])


def thrice_shuffled(shapes, r):
    """The line shapes three times, reshuffled after each (so one session meets each with and without its parts
    already cached)."""
    lines = []
    for _ in range(3):
        lines += shapes
        r.shuffle(shapes)
    return lines


def write_crafted(file, lines, names, suffix):
    """Writes crafted lines to components/FILE and each model's sentencepiece ids to NAME_SUFFIX_expected.txt."""
    import sentencepiece as spm
    with open(os.path.join(OUT, file), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    for name in names:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(OUT, name + ".model"))
        with open(os.path.join(OUT, name + "_" + suffix + "_expected.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(" ".join(map(str, sp.encode(l))) for l in lines) + "\n")


def uncovered_lines():
    """Crafted lines for the models' uncovered characters (in no normal or user-defined piece): random sequences of
    such characters, characters that some piece contains but no piece is alone (unknown unless a neighbour
    completes the piece), 4-byte characters, frequent words and `▁`-only spaces; the same sequences recur, so one
    session meets each with and without its parts already cached. Writes uncovered_lines.txt and each model's ids."""
    from sentencepiece import sentencepiece_model_pb2 as pb
    names = ["spm_unigram", "spm_unigram_plain"]
    covered, alone = set(), set()
    for name in names:
        proto = pb.ModelProto()
        proto.ParseFromString(open(os.path.join(OUT, name + ".model"), "rb").read())
        for p in proto.pieces:
            if p.type in (pb.ModelProto.SentencePiece.NORMAL, pb.ModelProto.SentencePiece.USER_DEFINED):
                covered.update(p.piece)
                if len(p.piece) == 1:
                    alone.add(p.piece)
    r = random.Random(29)
    # Characters NFKC leaves alone (both models' normalizers would otherwise change them first).
    import unicodedata
    same = lambda c: unicodedata.normalize("NFKC", c) == c
    uncovered = [c for c in map(chr, list(range(0xAC00, 0xAC00 + 600)) + list(range(0x4E00, 0x4E00 + 300)) + list(range(0x0400, 0x0450)))
                 if c not in covered and same(c)]
    inside = sorted(c for c in covered if c not in alone and ord(c) > 0x7F and same(c))
    words = ["the", "and", "of", "to", "in", "is", "that", "Tessera", "tokens", "x", "7", "42", ".", ",", "(", ")"]
    wide = ["\U0001F600", "\U0001F44D", "\U00020000"]
    pools = [uncovered, uncovered, inside or uncovered, words, wide]
    def element():
        pool = r.choice(pools)
        if pool is uncovered:
            return "".join(r.choice(uncovered) for _ in range(r.randint(1, 4)))
        return r.choice(pool)
    shapes = []
    for _ in range(150):
        parts = [element() for _ in range(r.randint(1, 8))]
        line = ""
        for k, part in enumerate(parts):
            line += part if k == 0 else r.choice([" ", "", "", "  "]) + part
        shapes.append(line)
    lines = [l.strip() if r.random() < 0.5 else " " + l for l in thrice_shuffled(shapes, r)]
    write_crafted("uncovered_lines.txt", lines, names, "uncovered")


def ascii_pair_lines():
    """Crafted lines for the cuts between ASCII characters that no piece spans: words, digits and punctuation run
    together without spaces, with the models' own pieces that hold a punctuation mark next to a letter or digit (so
    the lattice has pieces across such pairs) and user-defined pieces; each shape three times, so one session meets
    its parts with and without the pieces already cached. Writes ascii_pair_lines.txt and each model's ids."""
    from sentencepiece import sentencepiece_model_pb2 as pb
    names = ["spm_unigram", "spm_unigram_plain", "spm_unigram_userdefined"]
    mixed = set()
    for name in names:
        proto = pb.ModelProto()
        proto.ParseFromString(open(os.path.join(OUT, name + ".model"), "rb").read())
        for p in proto.pieces:
            text = p.piece.replace("\u2581", "")
            if p.type in (pb.ModelProto.SentencePiece.NORMAL, pb.ModelProto.SentencePiece.USER_DEFINED) and text.isascii() \
                    and any(c.isalnum() for c in text) and any(not c.isalnum() for c in text):
                mixed.add(text)
    r = random.Random(31)
    words = ["the", "said", "and", "of", "Tessera", "tokens", "don", "t", "s", "x", "7", "42", "2026", "ab", "c", "e.g"]
    marks = list(".,;:!?'\"()[]{}<>-_/\\|@#$%^&*+=~`")
    def run():
        return "".join(r.choice(marks) for _ in range(r.randint(1, 3)))
    pools = [words, words, [None], sorted(mixed) or words]
    shapes = []
    for _ in range(200):
        line = ""
        for k in range(r.randint(1, 10)):
            pool = r.choice(pools)
            part = run() if pool == [None] else r.choice(pool)
            line += part if k == 0 else r.choice(["", "", "", " "]) + part
        shapes.append(line)
    write_crafted("ascii_pair_lines.txt", thrice_shuffled(shapes, r), names, "asciipairs")


USER_DEFINED = ["internationalization", "righteousness", "<|endoftext|>", "테스트입니다"]


def user_defined_model(train):
    """A small Unigram `.model` whose long user-defined pieces (USER_DEFINED) normal pieces also spell well, so the
    lattice score sentencepiece gives user-defined pieces decides; and its ids on crafted lines (userdefined_lines.txt)."""
    import sentencepiece as spm, tempfile
    r = random.Random(31)
    parts = ["international", "nationalization", "organization", "national", "righteous", "ness", "end", "of", "text",
             "테스트", "입니다", "<|", "|>", "endoftext"]
    synthetic = [" ".join(r.choice(parts) for _ in range(r.randint(3, 9))) for _ in range(1500)]
    crafted = []
    for u in USER_DEFINED:
        crafted += [u, "x" + u, u + "y", u + u, "a " + u + " b", u[:-1], u[1:], u + " " + u[:-1] + " " + u,
                    "(" + u + ")", u.upper(), " ".join(u)]
    for _ in range(60):
        crafted.append(" ".join(r.choice(parts + USER_DEFINED) for _ in range(r.randint(1, 8))))
    with open(os.path.join(OUT, "userdefined_lines.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(crafted) + "\n")
    with tempfile.TemporaryDirectory() as d:
        corpus = os.path.join(d, "train.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(train + synthetic) + "\n")
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(d, "m"), model_type="unigram", vocab_size=600,
                                       user_defined_symbols=USER_DEFINED, normalization_rule_name="identity", minloglevel=2, num_threads=1,
                                       character_coverage=0.98, seed_sentencepiece_size=100000)
        data = open(os.path.join(d, "m.model"), "rb").read()
    name = "spm_unigram_userdefined"
    with open(os.path.join(OUT, name + ".model"), "wb") as f:
        f.write(data)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(OUT, name + ".model"))
    with open(os.path.join(OUT, name + "_expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(" ".join(map(str, sp.encode(l))) for l in crafted) + "\n")


def t5_layout(lines):
    """The T5 layout (as `transformers` converts SentencePiece Unigram models): the Unigram model of fixture 1 with
    a precompiled charsmap built by sentencepiece from SPM_RULES plus keys that span a space and the mark after it
    (one grapheme cluster), Replace of space runs, WhitespaceSplit then Metaspace; extra lines for those keys."""
    import sentencepiece as spm, tempfile
    from sentencepiece import sentencepiece_model_pb2 as pb
    with tempfile.TemporaryDirectory() as d:
        rules = os.path.join(d, "rules.tsv")
        with open(rules, "w", encoding="utf-8") as f:
            f.write("".join(f"{a}\t{b}\n" for a, b in SPM_RULES + [("20 301", "B4"), ("20 308", "A8"), ("D A", "A")]))
        corpus = os.path.join(d, "train.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(lines[::2]) + "\n")
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(d, "m"), model_type="unigram", vocab_size=1000, character_coverage=0.98,
                                       normalization_rule_tsv=rules, minloglevel=2, num_threads=1)
        proto = pb.ModelProto()
        proto.ParseFromString(open(os.path.join(d, "m.model"), "rb").read())
    tok = Tokenizer.from_file(os.path.join(OUT, "unigram_metaspace.json"))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(proto.normalizer_spec.precompiled_charsmap),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                 pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)])
    extra = ["a \u0301b c", "the e\u0301 \u0301e end", " \u0301", "x \u0308y \u0308", "line\r\nnext one", "tab\there and\tthere",
             "no\u00a0break space", "ab abc ABC", "word \u0301\u0301 word", "끝 \u0301한국어 문장", "ｆｕｌｌ width ～"]
    save("unigram_t5_layout", tok, lines, add_special=True, extra=extra)


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
    loaded = Tokenizer.from_file(os.path.join(OUT, name + ".json"))
    write_expected(name, loaded, list(lines[::stride]) + list(extra), add_special)
    write_hashes(name, [full_reference(loaded, l, add_special) for l in EXTRA])


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = mixed_lines()
    with open(os.path.join(OUT, "mixed_lines.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    EXTRA[:] = extra_lines()
    with open(os.path.join(OUT, "mixed_lines_extra.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(EXTRA) + "\n")
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
    write_hashes("small_llama3_tiktoken", [" ".join(map(str, enc.encode_ordinary(l))) for l in EXTRA])

    with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(MANIFEST, f, ensure_ascii=False, indent=1, sort_keys=True)

    spm_models(train, lines)
    spm_composing(train, lines)
    uncovered_lines()
    user_defined_model(train)
    ascii_pair_lines()
    t5_layout(some)
    bpe_metaspace_words(train, some)
    bpe_metaspace_split(some)
    with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(MANIFEST, f, ensure_ascii=False, indent=1, sort_keys=True)

    # Real-world tokenizers (expected outputs only; the files stay in the shared folder).
    rw = os.path.join(SHARED, "tokenizers/realworld")
    if os.path.isdir(rw):
        for name, add in [("llama3", True), ("mistral-7b-v0.3", True), ("maxtext-c4-unigram-32k", True), ("clip-vit-openai", True)]:
            t = Tokenizer.from_file(os.path.join(rw, name + ".tokenizer.json"))
            write_expected("realworld_" + name, t, lines, add_special=add)
            write_hashes("realworld_" + name, [full_reference(t, l, add) for l in EXTRA])
        import sentencepiece as spm
        for name in ["mistral-7b-v0.3", "maxtext-c4-unigram-32k"]:
            sp = spm.SentencePieceProcessor(model_file=os.path.join(rw, name + ".spm.model"))
            with open(os.path.join(OUT, f"realworld_{name}_spm_expected.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(" ".join(map(str, sp.encode(l))) for l in lines) + "\n")
            write_hashes(f"realworld_{name}_spm", [" ".join(map(str, sp.encode(l))) for l in EXTRA])
        import tiktoken, base64
        ranks = {}
        for l in open(os.path.join(rw, "llama3.tiktoken"), "rb"):
            if l.strip():
                tokb, r = l.split()
                ranks[base64.b64decode(tokb)] = int(r)
        enc = tiktoken.Encoding("llama3", pat_str=llama_re.replace(r"\s+(?!\S)", r"\s+(?!\S)"), mergeable_ranks=ranks, special_tokens={})
        with open(os.path.join(OUT, "realworld_llama3_tiktoken_expected.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(" ".join(map(str, enc.encode_ordinary(l))) for l in lines) + "\n")
        write_hashes("realworld_llama3_tiktoken", [" ".join(map(str, enc.encode_ordinary(l))) for l in EXTRA])


def bpe_metaspace_words(train, some):
    """The Mistral v0.3 layout (Metaspace first, no split: a line is one piece for the model) over a
    byte-fallback BPE trained on Metaspace-split words, as SentencePiece trains: no merge joins a
    symbol to one that starts with `▁` unless the first ends with `▁`, so Tessera may encode the
    piece word by word."""
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    bytes_tokens = [f"<0x{b:02X}>" for b in range(256)]
    tok.train_from_iterator(train, trainers.BpeTrainer(vocab_size=1100, special_tokens=["<unk>", "<s>", "</s>"] + bytes_tokens, limit_alphabet=150))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    merges = json.loads(tok.to_str())["model"]["merges"]
    crossing = [m for m in merges if m[1].startswith("▁") and not m[0].endswith("▁")]
    assert not crossing, crossing[:5]
    save("bpe_metaspace_words", tok, some)


def bpe_metaspace_split(some):
    """The model of bpe_metaspace_words under Metaspace(always, split=True) and no normalizer: the
    model gets one piece per `▁` (Tessera's whole-line ids shortcut with `split`)."""
    tok = Tokenizer.from_file(os.path.join(OUT, "bpe_metaspace_words.json"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    save("bpe_metaspace_split", tok, some, add_special=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--metaspace-split"]:
        # Only bpe_metaspace_split, from the committed fixture lines and bpe_metaspace_words.json.
        fixture_lines = open(os.path.join(OUT, "mixed_lines.txt"), encoding="utf-8").read().split("\n")[:-1]
        EXTRA[:] = open(os.path.join(OUT, "mixed_lines_extra.txt"), encoding="utf-8").read().split("\n")[:-1]
        with open(os.path.join(OUT, "manifest.json"), encoding="utf-8") as f:
            MANIFEST.update(json.load(f))
        bpe_metaspace_split(fixture_lines)
        with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(MANIFEST, f, ensure_ascii=False, indent=1, sort_keys=True)
    elif sys.argv[1:] == ["--metaspace-words"]:
        # Only bpe_metaspace_words, from the committed fixture lines; the manifest keeps the others.
        fixture_lines = open(os.path.join(OUT, "mixed_lines.txt"), encoding="utf-8").read().split("\n")[:-1]
        EXTRA[:] = open(os.path.join(OUT, "mixed_lines_extra.txt"), encoding="utf-8").read().split("\n")[:-1]
        with open(os.path.join(OUT, "manifest.json"), encoding="utf-8") as f:
            MANIFEST.update(json.load(f))
        bpe_metaspace_words(fixture_lines[::2], fixture_lines)
        with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(MANIFEST, f, ensure_ascii=False, indent=1, sort_keys=True)
    elif sys.argv[1:] == ["--uncovered"]:
        uncovered_lines()
    elif sys.argv[1:] == ["--ascii-pairs"]:
        ascii_pair_lines()
    elif sys.argv[1:] == ["--user-defined"]:
        fixture_lines = open(os.path.join(OUT, "mixed_lines.txt"), encoding="utf-8").read().split("\n")[:-1]
        user_defined_model(fixture_lines[::2])
    elif sys.argv[1:] == ["--composing"]:
        # Only the composing-rules model, from the committed fixture lines.
        fixture_lines = open(os.path.join(OUT, "mixed_lines.txt"), encoding="utf-8").read().split("\n")[:-1]
        EXTRA[:] = open(os.path.join(OUT, "mixed_lines_extra.txt"), encoding="utf-8").read().split("\n")[:-1]
        spm_composing(fixture_lines[::2], fixture_lines)
    else:
        main()
