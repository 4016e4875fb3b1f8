#!/usr/bin/env python3
"""Writes the TextNormalization parity fixtures from the reference tools themselves.

- NormalizationTest.txt: Unicode 15.0's conformance file, copied unchanged from ../shared/data.
- nfkc_lines.json: lines rich in full-width and compatibility characters with Python's
  unicodedata NFC/NFD/NFKC/NFKD of each.
- pretokenize.jsonl: >= 2,000 lines sampled from the shared English, Korean and Chinese corpora
  plus hand-written tricky cases, each with Hugging Face tokenizers' output:
    gpt2: ByteLevel(add_prefix_space=False, use_regex=True).pre_tokenize_str(line)
    bert_normalized: BertNormalizer(handle_chinese_chars=False, lowercase=True).normalize_str(line)
    bert_spaced: BertNormalizer(lowercase=True) (handle_chinese_chars=True).normalize_str(line)
    bert: BertPreTokenizer().pre_tokenize_str(bert_spaced)
  Offsets are converted from HF's character offsets to UTF-8 byte offsets.

Run from anywhere: python3 make_fixtures.py [path/to/shared/data]  (needs `pip install tokenizers`).
"""
import json
import os
import random
import shutil
import sys
import unicodedata

import tokenizers
from tokenizers import normalizers, pre_tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/data")


def byte_offsets(text, spans):
    """HF character offsets -> UTF-8 byte offsets."""
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + len(ch.encode("utf-8")))
    return [[prefix[a], prefix[b]] for a, b in spans]


def read_lines(rel):
    with open(os.path.join(DATA, rel), encoding="utf-8", newline="") as f:
        return [l.rstrip("\r\n") for l in f.read().split("\n")]


TRICKY = [
    "I'm can't won't they're we've she'll he'd it's",
    "I'M CAN'T THEY'RE 'S 'T",
    "''s '''ll ' s 'x",
    "123 4567 12.5 3,000,000 1st 2nd ١٢٣ ½ ⅓ Ⅻ",
    "a  b   c    d",
    "trailing spaces   ",
    "   leading spaces",
    "tabs\there\t\tand\t \tmixed",
    "line one\nline two\n\nline four\n",
    "crlf\r\nline\r\n",
    " \n \n  x",
    "emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇰🇷🇨🇳",
    "combining e\u0301 a\u0308 n\u0303 and precomposed é ä ñ",
    "Hangul NFD \u1112\u1161\u11ab\u1100\u1173\u11af",
    "full-width Ｈｅｌｌｏ　ＷＯＲＬＤ １２３ ！？",
    "ligatures ﬁ ﬂ ﬀ ㍿ ㎏ ™ ℃ ①②",
    "nbsp\u00a0here and\u2003em space and\u3000ideographic",
    "zero width\u200bspace and\u200djoiner and \ufeffbom",
    "control\x01chars\x07and\x7fdel and \x0bvt \x0cff \x85nel",
    "punctuation!!! ??? ... --- (parens) [brackets] {braces} <angle>",
    "symbols $100 + 5% = ~ ^ | ` @ # & * _ \\ /",
    "quotes “curly” ‘single’ «guillemets» „low“",
    "mixed 한국어 English 中文 日本語 text",
    "대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고,",
    "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。",
    "日本語のテキスト、カタカナとひらがな。",
    "İstanbul ΣΊΣΥΦΟΣ straße ǅemal",
    "Ελληνικά Русский العربية עברית हिन्दी ไทย",
    "x²+y³ H₂O α-β γ_δ",
    "email@example.com https://example.org/path?q=1&r=2#frag",
    "snake_case camelCase kebab-case PascalCase",
    "   ",
    "\t",
    "a",
    "'",
    " '",
    "don't stop 'til you've",
    "numbers123mixed456 and 3.14159 and -42",
    "\u00ad soft hyphen and \u2028 line sep \u2029 para sep",
    "math ∑∫∂√∞ ≠ ≤ ≥ arrows → ← ↔",
    "ＡＢＣ\uff01\uff1f half-width ｶﾀｶﾅ",
    "e\u0301\u0301\u0327 multiple marks",
]


def main():
    random.seed(20261121)
    shutil.copyfile(os.path.join(DATA, "unicode/NormalizationTest.txt"), os.path.join(HERE, "NormalizationTest.txt"))

    # NFKC lines: everything with characters that change under compatibility normalization.
    compat = [t for t in TRICKY if unicodedata.normalize("NFKC", t) != t]
    extra = [
        "".join(chr(c) for c in range(0xFF01, 0xFF5F)),          # full-width ASCII
        "".join(chr(c) for c in range(0xFF61, 0xFFA0)),          # half-width katakana
        "".join(chr(c) for c in range(0x3300, 0x3358)),          # CJK compatibility squares
        "".join(chr(c) for c in range(0x2460, 0x24FF)),          # enclosed alphanumerics
        "".join(chr(c) for c in range(0xFB00, 0xFB07)),          # Latin ligatures
        "".join(chr(c) for c in range(0x2150, 0x218A)),          # number forms
        "".join(chr(c) for c in range(0x1D400, 0x1D434)),        # mathematical bold
        "".join(chr(c) for c in range(0xF900, 0xF930)),          # CJK compatibility ideographs
        "".join(chr(c) for c in range(0xAC00, 0xAC40)),          # Hangul syllables
        "".join(chr(c) for c in range(0x3131, 0x318F)),          # Hangul compatibility jamo
    ]
    nfkc = []
    for line in compat + extra:
        nfkc.append({form: unicodedata.normalize(form, line) for form in ("NFC", "NFD", "NFKC", "NFKD")} | {"input": line})
    with open(os.path.join(HERE, "nfkc_lines.json"), "w", encoding="utf-8") as f:
        json.dump({"unicodedata_version": unicodedata.unidata_version, "lines": nfkc}, f, ensure_ascii=False, indent=0)

    # Pre-tokenizer lines.
    sources = {
        "en/shakespeare_complete.txt": 500, "en/world_english_bible.txt": 500, "en/alice29.txt": 150,
        "en/lcet10.txt": 150, "ko/kolaw_constitution.txt": 150, "ko/kobill_all.txt": 200,
        "ko/debian-faq.ko.txt": 200, "cjk/tang300.txt": 250,
    }
    lines = list(TRICKY)
    for rel, n in sources.items():
        pool = [l for l in read_lines(rel) if l.strip()]
        lines += random.sample(pool, min(n, len(pool)))
    # A few multi-line blocks, so newline runs are exercised in context.
    for rel in ("en/alice29.txt", "ko/kobill_all.txt"):
        with open(os.path.join(DATA, rel), encoding="utf-8", newline="") as f:
            text = f.read()
        for _ in range(20):
            a = random.randrange(0, len(text) - 400)
            lines.append(text[a:a + 400])

    bytelevel = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    bert_plain = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=None, lowercase=True)
    bert_spaced = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    bert_pre = pre_tokenizers.BertPreTokenizer()
    with open(os.path.join(HERE, "pretokenize.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"tokenizers_version": tokenizers.__version__, "lines": len(lines)}) + "\n")
        for line in lines:
            g = bytelevel.pre_tokenize_str(line)
            spaced = bert_spaced.normalize_str(line)
            b = bert_pre.pre_tokenize_str(spaced)
            f.write(json.dumps({
                "input": line,
                "gpt2": [p for p, _ in g],
                "gpt2_offsets": byte_offsets(line, [o for _, o in g]),
                "bert_normalized": bert_plain.normalize_str(line),
                "bert_spaced": spaced,
                "bert": [p for p, _ in b],
                "bert_offsets": byte_offsets(spaced, [o for _, o in b]),
            }, ensure_ascii=False) + "\n")
    print(f"wrote {len(nfkc)} NFKC lines and {len(lines)} pre-tokenizer lines (tokenizers {tokenizers.__version__})")


if __name__ == "__main__":
    main()
