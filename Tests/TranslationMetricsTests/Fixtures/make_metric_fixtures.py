#!/usr/bin/env python3
"""Writes the BLEU/chrF parity fixtures for TranslationMetricsTests with the `sacrebleu` package.

Inputs: `cases.jsonl`, one {"set": ..., "hyp": ..., "ref": ...} per line. With `--regenerate-cases
CORPUS` the English and Korean sets are rebuilt from the parallel corpus
(`../shared/data/parallel/en-ko.ui.jsonl`): 60 pairs picked with a fixed seed, each reference
perturbed deterministically into a hypothesis (words dropped, swapped, repeated, truncated), plus
the hand-written `edge` set below (tokenizer corner cases: entities, digits with periods, dashes,
Unicode whitespace, empty hypotheses).

Output: `expected.json` with, per set, sacreBLEU's corpus BLEU/chrF (default settings: BLEU 13a,
exp smoothing; chrF nc=6 nw=0 beta=2) and per-case single-sentence corpus scores, plus the 13a
tokenization of every hypothesis and reference.

    python3 make_metric_fixtures.py [--regenerate-cases ../../../../shared/data/parallel/en-ko.ui.jsonl]
"""
import json
import random
import sys
from pathlib import Path

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

HERE = Path(__file__).resolve().parent

EDGE = [
    ("The cat sat on the mat.", "The cat sat on the mat."),
    ("the cat sat on the mat", "The cat sat on the mat."),
    ("", "Nothing here."),
    ("Something.", ""),
    ("Version 3.5, released 2024-01-02 (beta).", "Version 3.5 was released on 2024-01-02."),
    ("Use &quot;quotes&quot; &amp; &lt;tags&gt; here", 'Use "quotes" & <tags> here'),
    ("line one-\ncontinued\nnext line", "line onecontinued next line"),
    ("tabs\tand\u00a0nbsp\u3000ideographic\u2003em space", "tabs and nbsp ideographic em space"),
    ("a..b,,c 1.2.3 x,1 .5 5. -3 3-4 a-b", "a . . b , , c 1.2.3 x , 1 .5 5 . -3 3 - 4 a-b"),
    ("{braces} [brackets] ~tilde~ `tick` |pipe| \\back\\ /slash/ @at#hash$dollar%pct^caret_under",
     "{braces} [brackets] ~tilde~ `tick` |pipe| /slash/ @at #hash $dollar %pct"),
    ("%s failed: exit code %d", "%s failed: exit code %d\n"),
    ("<skipped> word", "word"),
    ("caf\u00e9 cafe\u0301", "cafe\u0301 caf\u00e9"),
    ("'quoted' it's", "'quoted' it's"),
    ("   leading and trailing   \n", "leading and trailing"),
    ("%s 실패: 종료 코드 %d", "%s 실패: 종료 코드 %d"),
    ("알 수 없는 상태", "알 수 없는 상태 0x%x"),
    ("접근이 허용되었습니다.", "접근이 허용되었습니다 (마지막 접근이 %ld 초 전 이었습니다)."),
    ("a", "a"),
    ("ab", "abc"),
]


def perturb(text, rng):
    words = text.split(" ")
    choice = rng.randrange(6)
    if choice == 0 and len(words) > 1:
        del words[rng.randrange(len(words))]
    elif choice == 1 and len(words) > 1:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif choice == 2:
        i = rng.randrange(len(words))
        words.insert(i, words[i])
    elif choice == 3 and len(words) > 2:
        words = words[: max(1, len(words) * 2 // 3)]
    elif choice == 4:
        i = rng.randrange(len(text) + 1)
        return text[:i] + text[i + 1:]
    return " ".join(words)


def regenerate(corpus):
    pairs = [json.loads(line) for line in Path(corpus).read_text(encoding="utf-8").splitlines()]
    rng = random.Random(14)
    picked = rng.sample(pairs, 60)
    cases = []
    for lang in ("en", "ko"):
        for pair in picked:
            cases.append({"set": lang, "hyp": perturb(pair[lang], rng), "ref": pair[lang]})
    cases += [{"set": "edge", "hyp": h, "ref": r} for h, r in EDGE]
    with open(HERE / "cases.jsonl", "w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--regenerate-cases":
        regenerate(sys.argv[2])
    cases = [json.loads(line) for line in (HERE / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    bleu, chrf, tok = BLEU(), CHRF(), Tokenizer13a()
    out = {"sacrebleu": sacrebleu.__version__, "sets": {}, "cases": []}
    for name in sorted({c["set"] for c in cases}):
        hyps = [c["hyp"] for c in cases if c["set"] == name]
        refs = [c["ref"] for c in cases if c["set"] == name]
        b = bleu.corpus_score(hyps, [refs])
        out["sets"][name] = {"bleu": b.score, "bp": b.bp, "counts": b.counts, "totals": b.totals,
                             "sys_len": b.sys_len, "ref_len": b.ref_len,
                             "chrf": chrf.corpus_score(hyps, [refs]).score}
    for c in cases:
        out["cases"].append({"bleu": bleu.corpus_score([c["hyp"]], [[c["ref"]]]).score,
                             "chrf": chrf.corpus_score([c["hyp"]], [[c["ref"]]]).score,
                             "hyp_13a": tok(c["hyp"].rstrip()), "ref_13a": tok(c["ref"].rstrip())})
    out["bleu_signature"] = str(bleu.get_signature())
    out["chrf_signature"] = str(chrf.get_signature())
    (HERE / "expected.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
