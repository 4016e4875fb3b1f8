"""Writes the PyTorch (float64 autograd) references of NeuralCore's masked attention and
cross-entropy options, checked by Tests/NeuralCoreTests/PyTorchFixtureTests.swift.

- cross_attention.safetensors: padded cross-attention. Queries from one sequence, keys/values from
  another of a different length with per-sequence key lengths; then a vocabulary projection and
  cross-entropy with ignore_index=-100 and label_smoothing=0.1.
- masked_self_attention.safetensors: decoder self-attention with the causal mask and a key mask
  (padding), packed q|k|v projection, the same loss.

Each file holds the inputs, the parameters, the loss and the gradient of the loss with respect to
every float tensor (`grad.NAME`); metadata gives the shapes and options.

Usage (from the repository root): python3 Tests/NeuralCoreTests/Fixtures/make_fixtures.py
Requires torch and safetensors.
"""
import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
IGNORE, SMOOTHING = -100, 0.1


def multi_head(q, k, v, heads, visible):
    """q [B,Tq,C], k/v [B,Tk,C], visible [B,Tq,Tk] (True: may attend) -> [B,Tq,C]."""
    B, Tq, C = q.shape
    Tk, hs = k.shape[1], C // heads
    qh = q.view(B, Tq, heads, hs).transpose(1, 2)
    kh = k.view(B, Tk, heads, hs).transpose(1, 2)
    vh = v.view(B, Tk, heads, hs).transpose(1, 2)
    scores = qh @ kh.transpose(-1, -2) / math.sqrt(hs)
    scores = scores.masked_fill(~visible[:, None], float("-inf"))
    y = torch.softmax(scores, dim=-1) @ vh
    # the same through PyTorch's own kernel
    ref = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=visible[:, None])
    assert torch.allclose(y, ref, atol=1e-12), "manual attention differs from scaled_dot_product_attention"
    return y.transpose(1, 2).reshape(B, Tq, C)


def loss_of(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets, ignore_index=IGNORE, label_smoothing=SMOOTHING)


def save(name, tensors, meta):
    loss = tensors.pop("_loss")
    leaves = {k: v for k, v in tensors.items() if v.dtype == torch.float64}
    loss.backward()
    out = {k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items() if v.dtype == torch.float64}
    out.update({k: v.contiguous() for k, v in tensors.items() if v.dtype == torch.int64})
    out.update({"grad." + k: v.grad.to(torch.float32).contiguous() for k, v in leaves.items()})
    out["loss"] = loss.detach().reshape(1).to(torch.float32)
    meta = {k: str(v) for k, v in meta.items()}
    meta.update(ignore_index=str(IGNORE), label_smoothing=str(SMOOTHING), torch=torch.__version__)
    save_file(out, os.path.join(HERE, name), metadata=meta)
    print(name, "loss", loss.item())


def param(*shape, std=0.5):
    return (torch.randn(*shape) * std).requires_grad_()


def cross_attention():
    torch.manual_seed(1)
    B, Tq, Tk, C, NH, V = 2, 5, 7, 8, 2, 11
    xq, xkv = param(B, Tq, C, std=1), param(B, Tk, C, std=1)
    wq, bq, wkv, bkv = param(C, C), param(C, std=0.1), param(2 * C, C), param(2 * C, std=0.1)
    wo, bo = param(V, C), param(V, std=0.1)
    key_lengths = torch.tensor([7, 4])
    visible = (torch.arange(Tk)[None, None, :] < key_lengths[:, None, None]).expand(B, Tq, Tk)
    targets = torch.randint(0, V, (B * Tq,))
    targets[[3, 8]] = IGNORE
    q = xq @ wq.T + bq
    kv = xkv @ wkv.T + bkv
    y = multi_head(q, kv[..., :C], kv[..., C:], NH, visible)
    loss = loss_of(y @ wo.T + bo, targets)
    save("cross_attention.safetensors",
         dict(xq=xq, xkv=xkv, wq=wq, bq=bq, wkv=wkv, bkv=bkv, wo=wo, bo=bo, targets=targets, key_lengths=key_lengths, _loss=loss),
         dict(batch=B, query_time=Tq, key_time=Tk, dim=C, heads=NH, vocab=V))


def masked_self_attention():
    torch.manual_seed(2)
    B, T, C, NH, V = 2, 6, 8, 2, 11
    x = param(B, T, C, std=1)
    wqkv, bqkv, wo, bo = param(3 * C, C), param(3 * C, std=0.1), param(V, C), param(V, std=0.1)
    key_mask = torch.tensor([[1, 1, 0, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
    visible = torch.tril(torch.ones(T, T, dtype=torch.bool))[None] & key_mask.bool()[:, None, :]
    targets = torch.randint(0, V, (B * T,))
    targets[[2, 10, 11]] = IGNORE
    qkv = x @ wqkv.T + bqkv
    y = multi_head(qkv[..., :C], qkv[..., C:2 * C], qkv[..., 2 * C:], NH, visible)
    loss = loss_of(y @ wo.T + bo, targets)
    save("masked_self_attention.safetensors",
         dict(x=x, wqkv=wqkv, bqkv=bqkv, wo=wo, bo=bo, targets=targets, key_mask=key_mask, _loss=loss),
         dict(batch=B, time=T, dim=C, heads=NH, vocab=V))


if __name__ == "__main__":
    cross_attention()
    masked_self_attention()
