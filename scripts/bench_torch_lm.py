#!/usr/bin/env python3
"""PyTorch (CPU, fp32) counterpart of `tessera bench train-lm`: the same model, batch and optimizer
(nanoGPT-style GPT: learned positions, pre-LN, GELU tanh, tied head, dropout 0, AdamW with
weight decay on matrices, global-norm clipping 1.0) on random ids; prints one JSON line.

  pip install torch
  python3 scripts/bench_torch_lm.py --config small --threads 2 --steps 30
"""
import argparse, json, math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {"tiny": dict(L=4, H=4, C=128, T=128, B=16), "small": dict(L=6, H=6, C=384, T=256, B=8)}


class Block(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.fc2 = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln_1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, V, L, H, C, T):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.ModuleList(Block(C, H) for _ in range(L))
        self.ln_f = nn.LayerNorm(C)

    def forward(self, idx, targets):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.blocks:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.T
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="tiny", choices=CONFIGS)
    ap.add_argument("--vocab", type=int, default=257)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup-steps", type=int, default=5)
    ap.add_argument("--peak-gflops-per-core", type=float, default=117)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    c = CONFIGS[a.config]
    L, H, C, T, B, V = c["L"], c["H"], c["C"], c["T"], c["B"], a.vocab
    model = GPT(V, L, H, C, T)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    data = torch.randint(0, V, (4 * B * T + 1,))
    pos = 0

    def step():
        nonlocal pos
        if pos + B * T + 1 > data.numel():
            pos = 0
        x = data[pos:pos + B * T].view(B, T)
        y = data[pos + 1:pos + B * T + 1].view(B, T)
        pos += B * T
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(a.warmup_steps):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    secs = time.perf_counter() - t0
    params = L * (3 * C * C + C * C + 8 * C * C) + V * C
    flops = 6.0 * params + 12.0 * L * T * C
    tokens = a.steps * B * T
    gflops = flops * tokens / secs / 1e9
    print(json.dumps(dict(bench="train-lm-torch", config=a.config, vocab=V, threads=a.threads, batch=B, context=T, steps=a.steps,
                          seconds=secs, tokens_per_s=tokens / secs, ms_per_step=secs * 1000 / a.steps, gflops=gflops,
                          percent_of_peak=100 * gflops / (a.peak_gflops_per_core * a.threads), torch=torch.__version__), sort_keys=True))


if __name__ == "__main__":
    main()
