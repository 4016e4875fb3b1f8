#!/usr/bin/env python3
"""PyTorch (CPU, fp32) counterpart of `tessera bench train-mlm`: Hugging Face BertForMaskedLM with
eager attention, the same config, batch and sequence length, random full-length sequences with 15%
of the positions labelled (the rest -100), AdamW (weight decay on matrices) and global-norm
clipping 1.0; prints one JSON line with tokens_per_s (every position of the batch counted).

  pip install torch transformers
  python3 scripts/bench_torch_bert.py --layers 4 --heads 4 --dim 128 --context 128 --batch 16 --vocab 8000 --threads 2
"""
import argparse, json, time

import torch
from transformers import BertConfig, BertForMaskedLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--ffn-dim", type=int, default=None)
    ap.add_argument("--context", type=int, default=128)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--vocab", type=int, default=8000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup-steps", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    config = BertConfig(vocab_size=a.vocab, hidden_size=a.dim, num_hidden_layers=a.layers, num_attention_heads=a.heads,
                        intermediate_size=a.ffn_dim or 4 * a.dim, max_position_embeddings=a.context, hidden_dropout_prob=0.0,
                        attention_probs_dropout_prob=0.0)
    model = BertForMaskedLM._from_config(config, attn_implementation="eager")
    model.train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4)
    B, T = a.batch, a.context

    def batch():
        ids = torch.randint(5, a.vocab, (B, T))
        ids[:, 0] = 2
        ids[:, T // 2] = 3
        ids[:, -1] = 3
        labels = torch.full((B, T), -100)
        chosen = torch.rand(B, T) < 0.15
        labels[chosen] = ids[chosen]
        inputs = ids.clone()
        inputs[chosen & (torch.rand(B, T) < 0.8)] = 4
        segments = torch.zeros(B, T, dtype=torch.long)
        segments[:, T // 2 + 1:] = 1
        return inputs, segments, labels

    def step():
        inputs, segments, labels = batch()
        loss = model(input_ids=inputs, token_type_ids=segments, attention_mask=torch.ones(B, T, dtype=torch.long), labels=labels).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(a.warmup_steps):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    secs = time.perf_counter() - start
    print(json.dumps({"bench": "torch-train-mlm", "layers": a.layers, "heads": a.heads, "dim": a.dim, "context": T, "batch": B,
                      "vocab": a.vocab, "threads": a.threads, "steps": a.steps, "seconds": secs,
                      "tokens_per_s": a.steps * B * T / secs, "ms_per_step": secs * 1000 / a.steps,
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
