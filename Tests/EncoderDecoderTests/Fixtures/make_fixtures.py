#!/usr/bin/env python3
"""Whole-model reference fixtures for EncoderDecoderTests, produced with PyTorch autograd in float64.

A tiny Transformer encoder-decoder ("Attention Is All You Need": sinusoidal positions scaled
embeddings, shared source/target embedding tied to the output layer, encoder self-attention with a
padding mask, causal decoder self-attention, cross-attention with queries from the decoder and keys/
values from the last encoder layer, label-smoothed cross-entropy ignoring padded labels), written
here with plain PyTorch ops independently of the Swift code, run on a padded batch of three sentence
pairs of different lengths. For each option combination (post-LN + ReLU, pre-LN + GELU) it writes
seq2seq_<combo>.safetensors holding: the parameters (Tessera's names, [out, in] layout, float32),
`grad.<name>` for every parameter, `loss`, and the batch (`source`, `target`: the sentences' ids
concatenated, with `source_lengths`/`target_lengths`), plus the config in the metadata.

Regenerate:  pip install torch safetensors && python3 make_fixtures.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
V, C, NH, LE, LD, FF = 17, 8, 2, 2, 2, 12
PAD, BOS, EOS, IGNORE = 0, 1, 2, -100
MAX_SRC, MAX_TGT = 9, 8
SMOOTH = 0.1
OUT = os.path.dirname(os.path.abspath(__file__))

# Three pairs: sources end in <eos>; targets have neither <bos> nor <eos>.
SOURCES = [[5, 9, 3, 12, EOS], [7, 4, 16, 11, 6, 8, EOS], [13, EOS]]
TARGETS = [[10, 3, 14], [6, 6, 15, 9, 4], []]


def sinusoids(T, C):
    pe = torch.zeros(T, C)
    for pos in range(T):
        for i in range(0, C, 2):
            angle = pos / math.pow(10000, i / C)
            pe[pos, i] = math.sin(angle)
            pe[pos, i + 1] = math.cos(angle)
    return pe.float().double()  # Tessera stores the table in float32


def make_params(cfg, gen):
    def rnd(*shape, std=0.3, mean=0.0):
        return (mean + std * torch.randn(*shape, generator=gen)).float()

    P = {"shared.weight": rnd(V, C, std=0.5)}

    def norm(name):
        P[name + ".weight"] = rnd(C, std=0.1, mean=1.0)
        P[name + ".bias"] = rnd(C, std=0.1)

    def ffn(prefix):
        P[prefix + "fc1.weight"] = rnd(FF, C); P[prefix + "fc1.bias"] = rnd(FF, std=0.1)
        P[prefix + "fc2.weight"] = rnd(C, FF); P[prefix + "fc2.bias"] = rnd(C, std=0.1)

    for l in range(LE):
        p = f"encoder.layers.{l}."
        P[p + "self_attn.qkv.weight"] = rnd(3 * C, C); P[p + "self_attn.qkv.bias"] = rnd(3 * C, std=0.1)
        P[p + "self_attn.out.weight"] = rnd(C, C); P[p + "self_attn.out.bias"] = rnd(C, std=0.1)
        norm(p + "self_attn_layer_norm")
        ffn(p)
        norm(p + "final_layer_norm")
    for l in range(LD):
        p = f"decoder.layers.{l}."
        P[p + "self_attn.qkv.weight"] = rnd(3 * C, C); P[p + "self_attn.qkv.bias"] = rnd(3 * C, std=0.1)
        P[p + "self_attn.out.weight"] = rnd(C, C); P[p + "self_attn.out.bias"] = rnd(C, std=0.1)
        norm(p + "self_attn_layer_norm")
        P[p + "encoder_attn.q.weight"] = rnd(C, C); P[p + "encoder_attn.q.bias"] = rnd(C, std=0.1)
        P[p + "encoder_attn.kv.weight"] = rnd(2 * C, C); P[p + "encoder_attn.kv.bias"] = rnd(2 * C, std=0.1)
        P[p + "encoder_attn.out.weight"] = rnd(C, C); P[p + "encoder_attn.out.bias"] = rnd(C, std=0.1)
        norm(p + "encoder_attn_layer_norm")
        ffn(p)
        norm(p + "final_layer_norm")
    if cfg["norm"] == "pre":
        norm("encoder.layer_norm")
        norm("decoder.layer_norm")
    return P


def attention(x_q, x_kv, Wq, bq, Wk, bk, Wv, bv, Wo, bo, allowed):
    """Multi-head attention; allowed is a bool [B, Tq, Tk] mask (True: may attend)."""
    B, Tq, _ = x_q.shape
    Tk = x_kv.shape[1]
    hs = C // NH
    q = (x_q @ Wq.T + bq).view(B, Tq, NH, hs).transpose(1, 2)
    k = (x_kv @ Wk.T + bk).view(B, Tk, NH, hs).transpose(1, 2)
    v = (x_kv @ Wv.T + bv).view(B, Tk, NH, hs).transpose(1, 2)
    scores = q @ k.transpose(-1, -2) / math.sqrt(hs)
    scores = scores.masked_fill(~allowed[:, None, :, :], float("-inf"))
    y = torch.softmax(scores, dim=-1) @ v
    return y.transpose(1, 2).reshape(B, Tq, C) @ Wo.T + bo


def model_loss(cfg, P, src, src_len, dec_in, labels):
    pre = cfg["norm"] == "pre"
    act = (lambda x: F.gelu(x, approximate="tanh")) if cfg["activation"] == "gelu" else torch.relu
    B, Ts = src.shape
    Tt = dec_in.shape[1]
    pe = sinusoids(max(MAX_SRC, MAX_TGT), C)
    E = P["shared.weight"]

    def ln(x, name):
        return F.layer_norm(x, (C,), P[name + ".weight"], P[name + ".bias"], eps=1e-5)

    def sub(x, name, fn):
        return x + fn(ln(x, name)) if pre else ln(x + fn(x), name)

    def ffn(p):
        return lambda h: act(h @ P[p + "fc1.weight"].T + P[p + "fc1.bias"]) @ P[p + "fc2.weight"].T + P[p + "fc2.bias"]

    def self_attn(p, allowed):
        W, b = P[p + "self_attn.qkv.weight"], P[p + "self_attn.qkv.bias"]
        return lambda h: attention(h, h, W[:C], b[:C], W[C:2 * C], b[C:2 * C], W[2 * C:], b[2 * C:],
                                   P[p + "self_attn.out.weight"], P[p + "self_attn.out.bias"], allowed)

    key_ok = torch.arange(Ts)[None, :] < src_len[:, None]  # [B, Ts]
    enc_allowed = key_ok[:, None, :].expand(B, Ts, Ts)
    x = E[src] * math.sqrt(C) + pe[:Ts]
    for l in range(LE):
        p = f"encoder.layers.{l}."
        x = sub(x, p + "self_attn_layer_norm", self_attn(p, enc_allowed))
        x = sub(x, p + "final_layer_norm", ffn(p))
    if pre:
        x = ln(x, "encoder.layer_norm")
    memory = x

    causal = torch.tril(torch.ones(Tt, Tt, dtype=torch.bool))[None].expand(B, Tt, Tt)
    cross_allowed = key_ok[:, None, :].expand(B, Tt, Ts)
    y = E[dec_in] * math.sqrt(C) + pe[:Tt]
    for l in range(LD):
        p = f"decoder.layers.{l}."
        y = sub(y, p + "self_attn_layer_norm", self_attn(p, causal))
        Wq, bq = P[p + "encoder_attn.q.weight"], P[p + "encoder_attn.q.bias"]
        Wkv, bkv = P[p + "encoder_attn.kv.weight"], P[p + "encoder_attn.kv.bias"]
        cross = lambda h, p=p, Wq=Wq, bq=bq, Wkv=Wkv, bkv=bkv: attention(
            h, memory, Wq, bq, Wkv[:C], bkv[:C], Wkv[C:], bkv[C:],
            P[p + "encoder_attn.out.weight"], P[p + "encoder_attn.out.bias"], cross_allowed)
        y = sub(y, p + "encoder_attn_layer_norm", cross)
        y = sub(y, p + "final_layer_norm", ffn(p))
    if pre:
        y = ln(y, "decoder.layer_norm")
    logits = y @ E.T
    return F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), ignore_index=IGNORE, label_smoothing=SMOOTH)


def batch():
    B, Ts, Tt = len(SOURCES), max(map(len, SOURCES)), max(len(t) + 1 for t in TARGETS)
    src = torch.full((B, Ts), PAD, dtype=torch.long)
    dec_in = torch.full((B, Tt), PAD, dtype=torch.long)
    labels = torch.full((B, Tt), IGNORE, dtype=torch.long)
    for b, (s, t) in enumerate(zip(SOURCES, TARGETS)):
        src[b, :len(s)] = torch.tensor(s)
        dec_in[b, :len(t) + 1] = torch.tensor([BOS] + t)
        labels[b, :len(t) + 1] = torch.tensor(t + [EOS])
    return src, torch.tensor(list(map(len, SOURCES))), dec_in, labels


def main():
    src, src_len, dec_in, labels = batch()
    for i, (norm, activation) in enumerate([("post", "relu"), ("pre", "gelu")]):
        cfg = {"norm": norm, "activation": activation}
        gen = torch.Generator().manual_seed(1400 + i)
        P32 = make_params(cfg, gen)
        P = {k: v.double().requires_grad_(True) for k, v in P32.items()}
        loss = model_loss(cfg, P, src, src_len, dec_in, labels)
        loss.backward()
        tensors = {k: v.contiguous() for k, v in P32.items()}
        for k, v in P.items():
            tensors["grad." + k] = v.grad.float().contiguous()
        tensors["loss"] = loss.detach().float().reshape(1)
        tensors["source"] = torch.tensor(sum(SOURCES, []), dtype=torch.int32)
        tensors["source_lengths"] = torch.tensor(list(map(len, SOURCES)), dtype=torch.int32)
        tensors["target"] = torch.tensor(sum(TARGETS, []), dtype=torch.int32)
        tensors["target_lengths"] = torch.tensor(list(map(len, TARGETS)), dtype=torch.int32)
        config = {"architecture": "transformer", "vocabSize": V, "dim": C, "heads": NH, "encoderLayers": LE,
                  "decoderLayers": LD, "ffnDim": FF, "maxSourceLength": MAX_SRC, "maxTargetLength": MAX_TGT,
                  "norm": norm, "activation": activation, "labelSmoothing": SMOOTH, "layerNormEpsilon": 1e-5,
                  "padID": PAD, "bosID": BOS, "eosID": EOS}
        save_file(tensors, os.path.join(OUT, f"seq2seq_{norm}_{activation}.safetensors"),
                  metadata={"config": json.dumps(config)})
        print(norm, activation, float(loss))


if __name__ == "__main__":
    main()
