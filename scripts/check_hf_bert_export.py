#!/usr/bin/env python3
"""Export parity for BERT: `tessera export --format hf-bert` must give a directory that Hugging Face
`transformers` loads as BertForMaskedLM whose logits, on a padded batch of held-out text masked by
`tessera evaluate-mlm`, equal Tessera's own to 1e-4 (max |difference| relative to max |logit|),
attention eager, float32. Exits 1 when they do not.

  pip install torch transformers safetensors
  python3 scripts/check_hf_bert_export.py --tessera .build/release/tessera --model runs/NAME --text held-out.txt
"""
import argparse, json, os, subprocess, sys, tempfile

import torch
from safetensors.torch import load_file
from transformers import BertForMaskedLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--model", required=True, help="Tessera masked-LM run directory")
    ap.add_argument("--text", required=True, help="held-out text (one segment per line)")
    ap.add_argument("--batch", type=int, default=8)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export, dump = os.path.join(tmp, "hf"), os.path.join(tmp, "batch.safetensors")
        subprocess.run([a.tessera, "export", "--model", a.model, "--format", "hf-bert", "-o", export], check=True)
        ev = subprocess.run([a.tessera, "evaluate-mlm", "--model", a.model, "--batch", str(a.batch), "--max-sequences", str(a.batch),
                             "--dump", dump, "--threads", "1", a.text], check=True, capture_output=True, text=True)
        batch = load_file(dump)
        model = BertForMaskedLM.from_pretrained(export, attn_implementation="eager").eval()
        with torch.no_grad():
            out = model(input_ids=batch["input_ids"].long(), token_type_ids=batch["token_type_ids"].long(),
                        attention_mask=batch["attention_mask"].long(), labels=batch["labels"].long())
        ours = batch["logits"]
        diff = (out.logits - ours).abs().max().item()
        scale = ours.abs().max().item()
        labels = batch["labels"].long().view(-1)
        our_loss = torch.nn.functional.cross_entropy(ours.view(-1, ours.shape[-1]), labels, ignore_index=-100).item()
        padded = int((batch["attention_mask"] == 0).sum().item())
        result = {"max_abs_diff": diff, "max_abs_logit": scale, "relative": diff / scale, "hf_loss": out.loss.item(),
                  "tessera_loss": our_loss, "padded_positions": padded, "sequences": int(batch["input_ids"].shape[0]),
                  "evaluate_mlm": json.loads(ev.stdout)}
        print(json.dumps(result))
        sys.exit(0 if diff <= 1e-4 * scale else 1)


if __name__ == "__main__":
    main()
