#!/usr/bin/env python3
"""Marian export parity: `tessera export --format hf-marian` must give a directory that Hugging Face
`transformers` loads (MarianMTModel + its tokenizer files through AutoTokenizer), whose mean
negative log-likelihood per target token on sentence pairs - computed here from MarianMTModel's
logits on padded batches - matches `tessera evaluate-seq2seq`'s `loss` on the same pairs to 1e-4
(relative), and whose tokenizer gives Tessera's ids. Exits 1 when it does not.

Pairs are encoded as Tessera does: source = ids[:maxSourceLength-1] + <eos>; decoder input =
<bos> + target ids[:maxTargetLength-1]; labels = target ids + <eos>; batches of --batch pairs
padded with <pad> and an attention mask.

  pip install torch transformers
  python3 scripts/check_marian_export.py --tessera .build/release/tessera --model runs/en-ko \
      --pairs Corpora/parallel/en-ko.ui.sample.jsonl --src-field en --tgt-field ko [--split test] [--batch 16]
"""
import argparse, json, os, subprocess, sys, tempfile
import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--model", required=True)
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--src-field", default="en")
    ap.add_argument("--tgt-field", default="ko")
    ap.add_argument("--split", default="test")
    ap.add_argument("--batch", type=int, default=16)
    a = ap.parse_args()
    from transformers import AutoTokenizer, MarianMTModel
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "marian")
        subprocess.run([a.tessera, "export", "--model", a.model, "--format", "hf-marian", "-o", out], check=True)
        hyp = os.path.join(tmp, "hyp.txt")
        result = subprocess.run(
            [a.tessera, "evaluate-seq2seq", "--model", a.model, "--pairs", a.pairs, "--src-field", a.src_field,
             "--tgt-field", a.tgt_field, "--split", a.split, "--hypotheses", hyp],
            check=True, capture_output=True, text=True)
        report = json.loads(result.stdout)
        # The pairs evaluate-seq2seq scored: the same split, read back through its hypotheses count.
        model = MarianMTModel.from_pretrained(out).eval()
        tok = AutoTokenizer.from_pretrained(out)
        cfg = model.config
        with open(os.path.join(a.model, "config.json")) as f:
            tcfg = json.load(f)["config"]
        pairs = split_pairs(a.pairs, a.src_field, a.tgt_field, a.split)
    if len(pairs) != report["sentences"]:
        print(f"FAIL: {len(pairs)} pairs here, evaluate-seq2seq scored {report['sentences']}")
        return 1
    pad, bos, eos = cfg.pad_token_id, cfg.decoder_start_token_id, cfg.eos_token_id
    total, count = 0.0, 0
    for start in range(0, len(pairs), a.batch):
        chunk = pairs[start:start + a.batch]
        srcs = [tok.encode(s, add_special_tokens=False)[:tcfg["maxSourceLength"] - 1] + [eos] for s, _ in chunk]
        tgts = [tok.encode(t, add_special_tokens=False)[:tcfg["maxTargetLength"] - 1] for _, t in chunk]
        Ts, Tt = max(map(len, srcs)), max(len(t) + 1 for t in tgts)
        src = torch.full((len(chunk), Ts), pad)
        dec = torch.full((len(chunk), Tt), pad)
        labels = torch.full((len(chunk), Tt), -100)
        for b, (s, t) in enumerate(zip(srcs, tgts)):
            src[b, :len(s)] = torch.tensor(s)
            dec[b, :len(t) + 1] = torch.tensor([bos] + t)
            labels[b, :len(t) + 1] = torch.tensor(t + [eos])
        with torch.no_grad():
            logits = model(input_ids=src, attention_mask=(src != pad).long(),
                           decoder_input_ids=dec).logits
        total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), labels.reshape(-1),
                                       ignore_index=-100, reduction="sum"))
        count += int((labels != -100).sum())
    ours, theirs = report["loss"], total / count
    ok = abs(ours - theirs) <= 1e-4 * abs(theirs)
    print(f"{'OK' if ok else 'FAIL'}: MarianMTModel NLL/token {theirs:.6f}, tessera evaluate-seq2seq {ours:.6f} "
          f"({len(pairs)} pairs, {count} target tokens)")
    return 0 if ok else 1


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def split_pairs(path, sf, tf, part, dev=50, test=50):
    """The deterministic split of train-seq2seq / evaluate-seq2seq (FNV-1a-64 of the source mod 1000)."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            s, t = o[sf], o[tf]
            if not s.strip() or not t.strip():
                continue
            bucket = fnv1a64(s.encode("utf-8")) % 1000
            name = "dev" if bucket < dev else "test" if bucket < dev + test else "train"
            if name == part:
                pairs.append((s, t))
    return pairs


if __name__ == "__main__":
    sys.exit(main())
