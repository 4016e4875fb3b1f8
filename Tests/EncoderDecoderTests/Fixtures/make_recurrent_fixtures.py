#!/usr/bin/env python3
"""Whole-model reference fixtures of the recurrent encoder-decoders (--arch rnn-attention / rnn),
produced with PyTorch autograd in float64 using torch.nn.LSTM / torch.nn.GRU themselves.

The model, written here independently of the Swift code: one embedding table `shared.weight`
[V, C] for source and target tokens, tied to the output layer; an encoder nn.LSTM/nn.GRU (C -> C,
2 layers, optionally bidirectional) run on the padded source through pack_padded_sequence, so it
never reads padding; bidirectional outputs and final states are the sum of the two directions; a
decoder nn.LSTM/nn.GRU (C -> C, same layers) over <bos> y... starting from the encoder's final state
of each layer (h, and c for the LSTM); for rnn-attention, Luong's global "dot" attention
(scores s_t . h_i over the encoder outputs, padded source positions masked, softmax, context c_t),
h~_t = tanh(W_c [c_t; s_t] + b_c); for rnn, h~_t = tanh(W_c s_t + b_c); logits = h~_t . shared^T;
cross-entropy with label smoothing 0.1 ignoring padded labels. The encoder's and decoder's
parameters are the nn modules' own (names `encoder.rnn.<torch name>`, `decoder.rnn.<torch name>`).

For each variant it writes recurrent_<variant>.safetensors with the parameters (float32),
`grad.<name>` for every parameter, `loss`, the batch (`source`, `target`: the sentences' ids
concatenated, with `source_lengths` / `target_lengths`), and the config in the metadata.

Regenerate:  pip install torch safetensors && python3 make_recurrent_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch.func import functional_call
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)
V, C, L = 17, 6, 2
PAD, BOS, EOS, IGNORE = 0, 1, 2, -100
MAX_SRC, MAX_TGT = 9, 8
SMOOTH = 0.1
OUT = os.path.dirname(os.path.abspath(__file__))

# Three pairs of different lengths (so the batch is padded on both sides); sources end in <eos>.
SOURCES = [[5, 9, 3, 12, EOS], [7, 4, 16, 11, 6, 8, EOS], [13, EOS]]
TARGETS = [[10, 3, 14], [6, 6, 15, 9, 4], []]

# (name, arch, cell, bidirectional)
VARIANTS = [
    ("attention_lstm_bi", "rnn-attention", "lstm", True),
    ("attention_gru_bi", "rnn-attention", "gru", True),
    ("plain_lstm", "rnn", "lstm", False),
    ("plain_gru_bi", "rnn", "gru", True),
]


def modules(cell, bidirectional):
    kind = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
    enc = kind(C, C, num_layers=L, bidirectional=bidirectional, batch_first=True)
    dec = kind(C, C, num_layers=L, batch_first=True)
    return enc, dec


def make_params(arch, enc, dec, gen):
    def rnd(*shape, std=0.4):
        return (std * torch.randn(*shape, generator=gen)).float()

    P = {"shared.weight": rnd(V, C, std=0.6)}
    for name, p in enc.named_parameters():
        P["encoder.rnn." + name] = rnd(*p.shape)
    for name, p in dec.named_parameters():
        P["decoder.rnn." + name] = rnd(*p.shape)
    P["decoder.combine.weight"] = rnd(C, 2 * C if arch == "rnn-attention" else C)
    P["decoder.combine.bias"] = rnd(C, std=0.1)
    return P


def model_loss(arch, cell, bidirectional, enc, dec, P, src, src_len, dec_in, labels):
    B, Ts = src.shape
    E = P["shared.weight"]
    enc_params = {n: P["encoder.rnn." + n] for n, _ in enc.named_parameters()}
    dec_params = {n: P["decoder.rnn." + n] for n, _ in dec.named_parameters()}
    packed = pack_padded_sequence(E[src], src_len, batch_first=True, enforce_sorted=False)
    out, final = functional_call(enc, enc_params, (packed,))
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=Ts)  # [B, Ts, dirs*C], zeros at padding
    dirs = 2 if bidirectional else 1

    def fold(state):  # [L*dirs, B, C] -> [L, B, C], directions summed
        return state.view(L, dirs, B, C).sum(1)

    if bidirectional:
        out = out[..., :C] + out[..., C:]
    initial = (fold(final[0]), fold(final[1])) if cell == "lstm" else fold(final)
    s, _ = functional_call(dec, dec_params, (E[dec_in], initial))  # [B, Tt, C]
    if arch == "rnn-attention":
        key_ok = torch.arange(Ts)[None, :] < src_len[:, None]
        scores = (s @ out.transpose(1, 2)).masked_fill(~key_ok[:, None, :], float("-inf"))
        context = torch.softmax(scores, dim=-1) @ out
        combined = torch.cat([context, s], dim=-1)
    else:
        combined = s
    h = torch.tanh(combined @ P["decoder.combine.weight"].T + P["decoder.combine.bias"])
    logits = h @ E.T
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
    for i, (name, arch, cell, bidirectional) in enumerate(VARIANTS):
        gen = torch.Generator().manual_seed(1414 + i)
        enc, dec = modules(cell, bidirectional)
        P32 = make_params(arch, enc, dec, gen)
        P = {k: v.double().requires_grad_(True) for k, v in P32.items()}
        loss = model_loss(arch, cell, bidirectional, enc, dec, P, src, src_len, dec_in, labels)
        loss.backward()
        tensors = {k: v.contiguous() for k, v in P32.items()}
        for k, v in P.items():
            tensors["grad." + k] = v.grad.float().contiguous()
        tensors["loss"] = loss.detach().float().reshape(1)
        tensors["source"] = torch.tensor(sum(SOURCES, []), dtype=torch.int32)
        tensors["source_lengths"] = torch.tensor(list(map(len, SOURCES)), dtype=torch.int32)
        tensors["target"] = torch.tensor(sum(TARGETS, []), dtype=torch.int32)
        tensors["target_lengths"] = torch.tensor(list(map(len, TARGETS)), dtype=torch.int32)
        config = {"architecture": arch, "vocabSize": V, "dim": C, "heads": 1, "encoderLayers": L,
                  "decoderLayers": L, "ffnDim": 4 * C, "maxSourceLength": MAX_SRC, "maxTargetLength": MAX_TGT,
                  "norm": "post", "activation": "relu", "labelSmoothing": SMOOTH, "layerNormEpsilon": 1e-5,
                  "cell": cell, "bidirectional": bidirectional, "padID": PAD, "bosID": BOS, "eosID": EOS}
        save_file(tensors, os.path.join(OUT, f"recurrent_{name}.safetensors"), metadata={"config": json.dumps(config)})
        print(name, float(loss))


if __name__ == "__main__":
    main()
