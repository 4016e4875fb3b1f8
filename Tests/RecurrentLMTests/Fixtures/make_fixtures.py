#!/usr/bin/env python3
"""Reference fixtures for RecurrentLMTests, from PyTorch autograd in float64.

1. Gradients (default): for each arch a 2-layer language model in the shape of PyTorch's
   `word_language_model` example (nn.Embedding `encoder` -> nn.RNN/nn.LSTM/nn.GRU `rnn` -> optional
   nn.Linear `projection` -> nn.Linear `decoder`, tied or not), with fixed float32-rounded weights
   and fixed ids, writes model_<arch>.safetensors: every weight under its PyTorch name, `inputs` and
   `targets` (I32 [B, T], batch-first), `loss` (mean next-token cross-entropy) and `grad.<name>`.
   The config JSON Tessera reads is in the metadata. Options covered: rnn untied without projection,
   lstm tied through a projection (embedding 6, hidden 4), gru tied (embedding = hidden).

2. Checkpoint logits (--checkpoint DIR): loads a Tessera checkpoint directory (config.json +
   model.safetensors, PyTorch names) into the same PyTorch model unchanged (load_state_dict, strict)
   and writes checkpoint_logits.safetensors: `tokens` and PyTorch's `logits` [T, V] for them, which
   the Swift test compares with Tessera's logits for the same checkpoint.

Regenerate:  pip install torch safetensors && python3 make_fixtures.py
             python3 make_fixtures.py --checkpoint checkpoint_lstm
"""
import argparse, json, os
import torch
from safetensors.torch import load_file, save_file

torch.set_default_dtype(torch.float64)
OUT = os.path.dirname(os.path.abspath(__file__))
B, T, V, L = 2, 5, 11, 2
CONFIGS = {
    "rnn": dict(embeddingDim=5, hiddenSize=4, tieEmbeddings=False, projection=False),
    "lstm": dict(embeddingDim=6, hiddenSize=4, tieEmbeddings=True, projection=True),
    "gru": dict(embeddingDim=4, hiddenSize=4, tieEmbeddings=True, projection=False),
}
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


class RNNModel(torch.nn.Module):
    """word_language_model's RNNModel (no dropout), batch-first ids in, logits [B, T, V] out."""

    def __init__(self, cfg):
        super().__init__()
        E, H = cfg["embeddingDim"], cfg["hiddenSize"]
        self.encoder = torch.nn.Embedding(cfg["vocabSize"], E)
        self.rnn = MODULES[cfg["arch"]](E, H, num_layers=cfg["layers"])
        self.projection = torch.nn.Linear(H, E) if cfg["projection"] else None
        self.decoder = torch.nn.Linear(E if cfg["projection"] else H, cfg["vocabSize"])
        if cfg["tieEmbeddings"]:
            self.decoder.weight = self.encoder.weight

    def forward(self, ids):
        x = self.encoder(ids.t())            # [T, B, E], time-major like nn.RNN's default
        y, _ = self.rnn(x)                   # zero initial state
        if self.projection is not None:
            y = self.projection(y)
        return self.decoder(y).transpose(0, 1)  # [B, T, V]


def gradients():
    for seed, (arch, opts) in enumerate(CONFIGS.items()):
        cfg = dict(arch=arch, vocabSize=V, contextLength=T, layers=L, dropout=0.0, **opts)
        gen = torch.Generator().manual_seed(2000 + seed)
        model = RNNModel(cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.copy_((0.5 * torch.randn(p.shape, generator=gen)).float().double())
        ids = torch.randint(0, V, (B, T + 1), generator=gen)
        inputs, targets = ids[:, :-1], ids[:, 1:]
        logits = model(inputs)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
        loss.backward()
        out = {"inputs": inputs.int().contiguous(), "targets": targets.int().contiguous(), "loss": loss.detach().reshape(1).float()}
        for name, p in model.named_parameters():  # a tied decoder.weight is listed once, as encoder.weight
            out[name] = p.detach().float().contiguous()
            out["grad." + name] = p.grad.float().contiguous()
        save_file(out, os.path.join(OUT, f"model_{arch}.safetensors"),
                  metadata={"config": json.dumps(cfg), "batch": str(B), "time": str(T), "torch": torch.__version__})
        print(arch, float(loss.detach()))


def checkpoint_logits(directory):
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    model = RNNModel(cfg)
    state = {k: v.double() for k, v in load_file(os.path.join(directory, "model.safetensors")).items()}
    if cfg["tieEmbeddings"]:
        state["decoder.weight"] = state["encoder.weight"]
    model.load_state_dict(state, strict=True)
    gen = torch.Generator().manual_seed(7)
    tokens = torch.randint(0, cfg["vocabSize"], (1, 24), generator=gen)
    with torch.no_grad():
        logits = model(tokens)[0]
    save_file({"tokens": tokens[0].int().contiguous(), "logits": logits.float().contiguous()},
              os.path.join(directory, "checkpoint_logits.safetensors"), metadata={"torch": torch.__version__})
    print("wrote", os.path.join(directory, "checkpoint_logits.safetensors"), tuple(logits.shape))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", help="a Tessera recurrent checkpoint directory")
    args = ap.parse_args()
    if args.checkpoint:
        checkpoint_logits(args.checkpoint)
    else:
        gradients()
