#!/usr/bin/env python3
"""Whole-model reference fixtures for TransformerLMTests, produced with PyTorch autograd in float64.

For each option combination (positions sinusoidal/learned x norm pre/post x activation gelu/relu x
FFN dense/moe) this builds a tiny model with fixed random float32 weights and fixed inputs, and
writes model_<combo>.safetensors holding: the parameters (Tessera's tensor names and [out, in]
layout), `inputs`/`targets` (I32 [B, T]), `loss` (cross-entropy + MoE auxiliary loss) and
`grad.<name>` for every parameter. The model definition here is independent of the Swift code: it
is written with ordinary PyTorch modules/ops and differentiated by autograd.

Regenerate:  pip install torch safetensors && python3 make_fixtures.py
"""
import itertools, json, math, os
import torch
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
B, T, V, C, NH, L, F, E, K, AUX = 2, 6, 13, 8, 2, 2, 12, 3, 2, 0.01
OUT = os.path.dirname(os.path.abspath(__file__))


def sinusoids(T, C):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    i = torch.arange(0, C, 2, dtype=torch.float64)[None, :]
    ang = pos / torch.pow(10000.0, i / C)
    pe = torch.zeros(T, C)
    pe[:, 0::2] = torch.sin(ang)
    pe[:, 1::2] = torch.cos(ang)
    return pe.float().double()  # Tessera stores the table in float32


def make_params(cfg, gen):
    def rnd(*shape, std=0.3, mean=0.0):
        return (mean + std * torch.randn(*shape, generator=gen, dtype=torch.float64)).float()
    P = {"wte": rnd(V, C)}
    if cfg["positions"] == "learned":
        P["wpe"] = rnd(T, C, std=0.1)
    for l in range(L):
        p = f"h.{l}."
        P[p + "ln_1.weight"] = rnd(C, std=0.1, mean=1.0); P[p + "ln_1.bias"] = rnd(C, std=0.1)
        P[p + "attn.qkv.weight"] = rnd(3 * C, C); P[p + "attn.qkv.bias"] = rnd(3 * C, std=0.1)
        P[p + "attn.proj.weight"] = rnd(C, C); P[p + "attn.proj.bias"] = rnd(C, std=0.1)
        P[p + "ln_2.weight"] = rnd(C, std=0.1, mean=1.0); P[p + "ln_2.bias"] = rnd(C, std=0.1)
        if cfg["ffn"] == "dense":
            P[p + "mlp.fc.weight"] = rnd(F, C); P[p + "mlp.fc.bias"] = rnd(F, std=0.1)
            P[p + "mlp.proj.weight"] = rnd(C, F); P[p + "mlp.proj.bias"] = rnd(C, std=0.1)
        else:
            P[p + "moe.gate.weight"] = rnd(E, C, std=0.5)
            P[p + "moe.fc.weight"] = rnd(E, F, C); P[p + "moe.fc.bias"] = rnd(E, F, std=0.1)
            P[p + "moe.proj.weight"] = rnd(E, C, F); P[p + "moe.proj.bias"] = rnd(E, C, std=0.1)
    if cfg["norm"] == "pre":
        P["ln_f.weight"] = rnd(C, std=0.1, mean=1.0); P["ln_f.bias"] = rnd(C, std=0.1)
    if not cfg["tie"]:
        P["lm_head.weight"] = rnd(V, C)
    return P


def act(cfg, x):
    return torch.nn.functional.gelu(x, approximate="tanh") if cfg["activation"] == "gelu" else torch.relu(x)


def attention(x, wqkv, bqkv, wproj, bproj):
    qkv = torch.nn.functional.linear(x, wqkv, bqkv)
    q, k, v = qkv.split(C, dim=2)
    hs = C // NH
    q, k, v = (t.view(B, T, NH, hs).transpose(1, 2) for t in (q, k, v))
    y = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    y = y.transpose(1, 2).reshape(B, T, C)
    return torch.nn.functional.linear(y, wproj, bproj)


def moe(cfg, x, P, p):
    xs = x.reshape(-1, C)
    probs = torch.softmax(xs @ P[p + "moe.gate.weight"].T, dim=-1)
    top = torch.topk(probs.detach(), K, dim=-1).indices
    out = torch.zeros_like(xs)
    counts = torch.zeros(E)
    for e in range(E):
        h = act(cfg, xs @ P[p + "moe.fc.weight"][e].T + P[p + "moe.fc.bias"][e])
        y = h @ P[p + "moe.proj.weight"][e].T + P[p + "moe.proj.bias"][e]
        sel = (top == e).any(dim=-1)
        counts[e] = sel.sum()
        out = out + torch.where(sel[:, None], probs[:, e:e + 1] * y, torch.zeros_like(y))
    frac = counts / (xs.shape[0] * K)
    aux = AUX * E * (frac * probs.mean(dim=0)).sum()
    return out.view(B, T, C), aux


def forward(cfg, P, idx, tgt):
    ln = lambda x, n: torch.nn.functional.layer_norm(x, (C,), P[n + ".weight"], P[n + ".bias"], eps=1e-5)
    if cfg["positions"] == "learned":
        x = P["wte"][idx] + P["wpe"][None]
    else:  # original Transformer: token embeddings times sqrt(d_model), plus the sinusoids
        x = P["wte"][idx] * math.sqrt(C) + sinusoids(T, C)[None]
    aux_total = torch.zeros(())
    for l in range(L):
        p = f"h.{l}."
        def ffn(h):
            if cfg["ffn"] == "dense":
                f = act(cfg, torch.nn.functional.linear(h, P[p + "mlp.fc.weight"], P[p + "mlp.fc.bias"]))
                return torch.nn.functional.linear(f, P[p + "mlp.proj.weight"], P[p + "mlp.proj.bias"]), 0.0
            return moe(cfg, h, P, p)
        attn = lambda h: attention(h, P[p + "attn.qkv.weight"], P[p + "attn.qkv.bias"], P[p + "attn.proj.weight"], P[p + "attn.proj.bias"])
        if cfg["norm"] == "pre":
            x = x + attn(ln(x, p + "ln_1"))
            f, a = ffn(ln(x, p + "ln_2"))
            x = x + f
        else:
            x = ln(x + attn(x), p + "ln_1")
            f, a = ffn(x)
            x = ln(x + f, p + "ln_2")
        aux_total = aux_total + a
    if cfg["norm"] == "pre":
        x = ln(x, "ln_f")
    head = P["wte"] if cfg["tie"] else P["lm_head.weight"]
    logits = x @ head.T
    ce = torch.nn.functional.cross_entropy(logits.view(-1, V), tgt.view(-1))
    return ce + aux_total


def main():
    combos = list(itertools.product(["sinusoidal", "learned"], ["pre", "post"], ["gelu", "relu"], ["dense", "moe"]))
    for i, (positions, norm, activation, ffn) in enumerate(combos):
        cfg = dict(positions=positions, norm=norm, activation=activation, ffn=ffn, tie=(i % 2 == 0))
        gen = torch.Generator().manual_seed(1000 + i)
        P32 = make_params(cfg, gen)
        P = {k: v.double().requires_grad_(True) for k, v in P32.items()}
        idx = torch.randint(0, V, (B, T), generator=gen)
        tgt = torch.randint(0, V, (B, T), generator=gen)
        loss = forward(cfg, P, idx, tgt)
        loss.backward()
        tensors = {k: v.contiguous() for k, v in P32.items()}
        for k, v in P.items():
            tensors["grad." + k] = v.grad.float().contiguous()
        tensors["inputs"] = idx.to(torch.int32)
        tensors["targets"] = tgt.to(torch.int32)
        tensors["loss"] = loss.detach().float().reshape(1)
        config = dict(vocabSize=V, contextLength=T, layers=L, heads=NH, dim=C, ffnDim=F, positions=positions, norm=norm,
                      activation=activation, ffn=ffn, experts=E, topK=K, auxLossWeight=AUX, tieEmbeddings=cfg["tie"],
                      dropout=0.0, layerNormEpsilon=1e-5)
        name = f"model_{positions}_{norm}_{activation}_{ffn}.safetensors"
        save_file(tensors, os.path.join(OUT, name), metadata={"config": json.dumps(config), "batch": str(B), "time": str(T)})
        print(name, float(loss))


if __name__ == "__main__":
    main()
