#!/usr/bin/env python3
"""Reference fixtures for the recurrent layers of NeuralCore, from PyTorch autograd in float64.

For each cell (rnn = nn.RNN tanh, lstm = nn.LSTM, gru = nn.GRU) this builds a 2-layer module with
fixed float32-rounded weights, a fixed input `x` [T, B, I] (time-major), a fixed non-zero initial
state `h0` [L, B, H] (and `c0` for the LSTM) and a fixed projection `r` [T, B, H], and writes
stack_<cell>.safetensors holding the weights under PyTorch's own names (`weight_ih_l0`, ...), the
inputs, the output `y`, the loss `sum(y * r)`, and `grad.<name>` for every weight and `grad.x`.
The cells here are PyTorch's own modules; nothing is shared with the Swift code.

Regenerate:  pip install torch safetensors && python3 make_recurrent_fixtures.py
"""
import os
import torch
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
T, B, I, H, L = 5, 3, 5, 4, 2
OUT = os.path.dirname(os.path.abspath(__file__))
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def f32(t):
    """Round to float32 (what Tessera stores) and compute in float64."""
    return t.float().double()


def main():
    for seed, (cell, module) in enumerate(MODULES.items()):
        gen = torch.Generator().manual_seed(1000 + seed)
        net = module(I, H, num_layers=L)
        with torch.no_grad():
            for p in net.parameters():
                p.copy_(f32(0.5 * torch.randn(p.shape, generator=gen)))
        x = f32(torch.randn(T, B, I, generator=gen)).requires_grad_()
        h0 = f32(0.5 * torch.randn(L, B, H, generator=gen))
        r = f32(torch.randn(T, B, H, generator=gen))
        if cell == "lstm":
            c0 = f32(0.5 * torch.randn(L, B, H, generator=gen))
            y, _ = net(x, (h0, c0))
        else:
            y, _ = net(x, h0)
        loss = (y * r).sum()
        loss.backward()
        out = {"x": x.detach(), "h0": h0, "r": r, "y": y.detach(), "loss": loss.detach().reshape(1), "grad.x": x.grad}
        if cell == "lstm":
            out["c0"] = c0
        for name, p in net.named_parameters():
            out[name] = p.detach()
            out["grad." + name] = p.grad
        out = {k: v.float().contiguous() for k, v in out.items()}
        meta = {"cell": cell, "steps": str(T), "batch": str(B), "input": str(I), "hidden": str(H), "layers": str(L),
                "torch": torch.__version__}
        save_file(out, os.path.join(OUT, f"stack_{cell}.safetensors"), metadata=meta)
        print(cell, float(loss.detach()))


if __name__ == "__main__":
    main()
