#!/usr/bin/env python3
"""PyTorch (CPU, fp32) counterpart of `tessera bench train-lm --arch rnn|lstm|gru`: the same model
(nn.Embedding -> nn.RNN/nn.LSTM/nn.GRU, embedding width = hidden -> tied linear head with bias ->
cross-entropy), batch, optimizer (AdamW, weight decay on matrices, betas 0.9/0.95) and global-norm
clipping 1.0 on random ids; prints one JSON line.

  pip install torch
  python3 scripts/bench_torch_rnn.py --arch lstm --layers 2 --hidden 512 --context 128 --batch 32 --vocab 8192 --threads 2 --steps 5
"""
import argparse, json, time
import torch
import torch.nn as nn
import torch.nn.functional as F

MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


class RNNModel(nn.Module):
    def __init__(self, arch, V, H, L):
        super().__init__()
        self.encoder = nn.Embedding(V, H)
        self.rnn = MODULES[arch](H, H, num_layers=L)
        self.decoder = nn.Linear(H, V)
        self.decoder.weight = self.encoder.weight

    def forward(self, idx, targets):
        y, _ = self.rnn(self.encoder(idx.t()))      # time-major, zero initial state
        logits = self.decoder(y)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.t().reshape(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="lstm", choices=MODULES)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--context", type=int, default=128)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup-steps", type=int, default=2)
    ap.add_argument("--peak-gflops-per-core", type=float, default=117)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    L, H, T, B, V = a.layers, a.hidden, a.context, a.batch, a.vocab
    model = RNNModel(a.arch, V, H, L)
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
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    secs, cpu_secs = time.perf_counter() - t0, time.process_time() - c0
    matmul_params = GATES[a.arch] * H * 2 * H * L + V * H
    tokens = a.steps * B * T
    gflops = 6.0 * matmul_params * tokens / secs / 1e9
    print(json.dumps(dict(bench="train-lm-torch", arch=a.arch, layers=L, hidden=H, vocab=V, threads=a.threads, batch=B, context=T,
                          steps=a.steps, seconds=secs, cpu_seconds=cpu_secs, tokens_per_s=tokens / secs, tokens_per_cpu_s=tokens / cpu_secs, ms_per_step=secs * 1000 / a.steps, gflops=gflops,
                          percent_of_peak=100 * gflops / (a.peak_gflops_per_core * a.threads), torch=torch.__version__), sort_keys=True))


if __name__ == "__main__":
    main()
