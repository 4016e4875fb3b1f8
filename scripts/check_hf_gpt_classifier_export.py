#!/usr/bin/env python3
"""Export parity for a fine-tuned GPT: `tessera export --format hf-gpt2` of a `fine-tune` run of a
`train-lm` Transformer must give a directory that Hugging Face `transformers` loads as
GPT2ForSequenceClassification and that, on right-padded batches of texts (padded with the exported
`pad_token_id`, attention eager, float32), predicts the label `tessera classify` prints with the
same probability to 1e-4. Texts are encoded with the exported `tokenizer.json` by HF `tokenizers`
without special tokens and cut to the context, as `classify` does. Exits 1 when they disagree.

  pip install torch transformers tokenizers
  python3 scripts/check_hf_gpt_classifier_export.py --tessera .build/release/tessera --model runs/gpt-cls --texts dev.txt
"""
import argparse, json, os, subprocess, sys, tempfile

import torch
from tokenizers import Tokenizer
from transformers import GPT2ForSequenceClassification


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--model", required=True, help="Tessera fine-tune run directory (a GPT classifier)")
    ap.add_argument("--texts", required=True, help="one text per line")
    ap.add_argument("--max-texts", type=int, default=200)
    ap.add_argument("--batch", type=int, default=16)
    a = ap.parse_args()
    with open(a.texts, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f if line.strip()][: a.max_texts]
    with tempfile.TemporaryDirectory() as tmp:
        export, subset = os.path.join(tmp, "hf"), os.path.join(tmp, "texts.txt")
        with open(subset, "w", encoding="utf-8") as f:
            f.write("".join(t + "\n" for t in texts))
        subprocess.run([a.tessera, "export", "--model", a.model, "--format", "hf-gpt2", "-o", export], check=True)
        res = subprocess.run([a.tessera, "classify", "--model", a.model, subset], check=True, capture_output=True, text=True)
        ours = [json.loads(line) for line in res.stdout.splitlines()]
        if len(ours) != len(texts):
            sys.exit(f"classify printed {len(ours)} lines for {len(texts)} texts")
        model = GPT2ForSequenceClassification.from_pretrained(export, attn_implementation="eager").eval()
        tokenizer = Tokenizer.from_file(os.path.join(export, "tokenizer.json"))
        pad, context = model.config.pad_token_id, model.config.n_positions
        if pad is None:
            sys.exit("the export has no pad_token_id (its tokenizer has no end-of-text token); this check pads batches")
        id2label = model.config.id2label
        worst, disagreements, padded = 0.0, 0, 0
        for start in range(0, len(texts), a.batch):
            chunk = texts[start: start + a.batch]
            ids = [tokenizer.encode(t, add_special_tokens=False).ids[:context] for t in chunk]
            width = max(len(s) for s in ids)
            batch = torch.full((len(ids), width), pad, dtype=torch.long)
            mask = torch.zeros((len(ids), width), dtype=torch.long)
            for b, s in enumerate(ids):
                batch[b, : len(s)] = torch.tensor(s)
                mask[b, : len(s)] = 1
            padded += int((mask == 0).sum())
            with torch.no_grad():
                probabilities = model(input_ids=batch, attention_mask=mask).logits.softmax(-1)
            for b, p in enumerate(probabilities):
                mine = ours[start + b]
                label = int(p.argmax())
                if id2label[label] != mine["label"]:
                    disagreements += 1
                index = model.config.label2id[mine["label"]]
                worst = max(worst, abs(float(p[index]) - mine["probability"]))
        result = {"texts": len(texts), "padded_positions": padded, "label_disagreements": disagreements,
                  "max_abs_probability_diff": worst, "labels": len(id2label)}
        print(json.dumps(result))
        sys.exit(0 if disagreements == 0 and worst <= 1e-4 else 1)


if __name__ == "__main__":
    main()
