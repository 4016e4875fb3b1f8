#!/usr/bin/env python3
"""Continue training a Tessera language model under PyTorch DistributedDataParallel.

Input: a `tessera export --format hf-gpt2` directory (config.json + model.safetensors, loaded as
transformers' GPT2LMHeadModel) and llm.c token shards (`tessera encode --format bin`, or the
shards of integrations/spark). The shards are read memory-mapped (numpy.memmap); each rank takes
its own non-overlapping [T+1]-token windows. Backend: nccl when CUDA GPUs exist, else gloo on CPU.

    torchrun --nproc_per_node 2 integrations/torch/train_ddp.py \
        --model runs/lm-hf --train train.bin --val val.bin --steps 50 --out runs/lm-ddp

Validation uses the windows `tessera evaluate-lm` uses (context+1 tokens stepping by context,
the remainder dropped; the first --val-windows of them), so the loss before the first step is
Tessera's own loss on them; with --tessera and --tessera-model the script runs
`tessera evaluate-lm` on exactly those windows and prints both. Output: one JSON line per event
on rank 0's standard output; the trained model (save_pretrained) in --out.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel


def open_shard(path):
    """The ids of an llm.c shard, memory-mapped (uint16 for version 1, uint32 for version 2)."""
    header = np.fromfile(path, dtype="<i4", count=256)
    if header.size < 256 or header[0] != 20240520 or header[1] not in (1, 2):
        raise SystemExit(f"{path}: not an llm.c token shard (magic 20240520, version 1 or 2)")
    dtype = "<u2" if header[1] == 1 else "<u4"
    count = int(np.uint32(header[2]))
    expected = 1024 + count * np.dtype(dtype).itemsize
    if os.path.getsize(path) != expected:
        raise SystemExit(f"{path}: header counts {count} tokens ({expected} bytes) but the file has {os.path.getsize(path)} bytes")
    return np.memmap(path, dtype=dtype, mode="r", offset=1024, shape=(count,))


def write_shard(path, ids, version):
    header = np.zeros(256, dtype="<i4")
    header[0], header[1], header[2] = 20240520, version, len(ids)
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(np.asarray(ids, dtype="<u2" if version == 1 else "<u4").tobytes())


def windows(ids, T, indices):
    """[len(indices), T+1] windows starting at k*T (as tessera evaluate-lm and train-lm read)."""
    return torch.from_numpy(np.stack([np.asarray(ids[k * T: k * T + T + 1], dtype=np.int64) for k in indices]))


def mean_loss(model, batch):
    """Mean next-token cross-entropy of a [B, T+1] batch, summed in float64."""
    logits = model(batch[:, :-1]).logits
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)).double(), batch[:, 1:].reshape(-1))


@torch.no_grad()
def evaluate(model, ids, T, count, rank, world, device, batch=8):
    """Mean loss over validation windows 0..count-1, shared among the ranks, all-reduced."""
    model.eval()
    total = torch.zeros(2, dtype=torch.float64, device=device)
    mine = list(range(rank, count, world))
    for s in range(0, len(mine), batch):
        b = windows(ids, T, mine[s: s + batch]).to(device)
        total[0] += mean_loss(model, b) * b[:, 1:].numel()
        total[1] += b[:, 1:].numel()
    dist.all_reduce(total)
    model.train()
    return float(total[0] / total[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="a tessera export --format hf-gpt2 directory")
    ap.add_argument("--train", required=True, help="llm.c token shard to train on")
    ap.add_argument("--val", required=True, help="llm.c token shard to validate on")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=8, help="windows per rank per step")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--val-windows", type=int, default=64)
    ap.add_argument("--eval-every", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="save the trained model here (rank 0)")
    ap.add_argument("--tessera", default=None, help="tessera binary: also run tessera evaluate-lm on the validation windows")
    ap.add_argument("--tessera-model", default=None, help="the Tessera run directory the export came from")
    a = ap.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    else:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // world))
    torch.manual_seed(a.seed + rank)

    from transformers import GPT2LMHeadModel
    model = GPT2LMHeadModel.from_pretrained(a.model, torch_dtype=torch.float32).to(device)
    T = model.config.n_positions
    train_ids, val_ids = open_shard(a.train), open_shard(a.val)
    for name, ids in (("--train", train_ids), ("--val", val_ids)):
        if ids.size and int(ids.max()) >= model.config.vocab_size:
            raise SystemExit(f"{name}: id {int(ids.max())} is out of range for the model's {model.config.vocab_size} tokens")
    val_count = min((len(val_ids) - 1) // T, a.val_windows)
    train_count = (len(train_ids) - 1) // T
    if val_count < 1 or train_count < world * a.batch:
        raise SystemExit(f"shards too short for context {T}: {train_count} training windows, {val_count} validation windows")

    def say(**event):
        if rank == 0:
            print(json.dumps(event), flush=True)

    say(event="start", world=world, backend=dist.get_backend(), device=str(device), context=T,
        parameters=sum(p.numel() for p in model.parameters()), train_tokens=int(len(train_ids)), val_windows=val_count)

    # The loss before training, and Tessera's own on the same windows.
    start_loss = evaluate(model, val_ids, T, val_count, rank, world, device)
    if rank == 0 and a.tessera and a.tessera_model:
        with tempfile.TemporaryDirectory() as tmp:
            part = os.path.join(tmp, "val-windows.bin")
            write_shard(part, val_ids[: val_count * T + 1], 1 if model.config.vocab_size <= 65536 else 2)
            out = subprocess.run([a.tessera, "evaluate-lm", "--model", a.tessera_model, "--tokens", part],
                                 check=True, capture_output=True, text=True).stdout
            tessera = json.loads(out.strip().splitlines()[-1])
        say(event="parity", torch_loss=start_loss, tessera_loss=tessera["loss"], abs_diff=abs(start_loss - tessera["loss"]),
            tessera_tokens=tessera.get("tokens"), torch_tokens=val_count * T)
    say(event="eval", step=0, val_loss=start_loss)

    ddp = DistributedDataParallel(model, device_ids=[local] if cuda else None)
    optimizer = torch.optim.AdamW(ddp.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    started = time.time()
    for step in range(1, a.steps + 1):
        # Rank r takes windows (step-1)*world*B + r*B + i, wrapping around the shard.
        base = ((step - 1) * world + rank) * a.batch
        batch = windows(train_ids, T, [(base + i) % train_count for i in range(a.batch)]).to(device)
        loss = mean_loss(ddp, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ddp.parameters(), 1.0)
        optimizer.step()
        reduced = loss.detach().clone()
        dist.all_reduce(reduced)
        say(event="step", step=step, train_loss=float(reduced) / world)
        if step % a.eval_every == 0 or step == a.steps:
            say(event="eval", step=step, val_loss=evaluate(model, val_ids, T, val_count, rank, world, device))
    end_loss = evaluate(model, val_ids, T, val_count, rank, world, device)
    say(event="done", steps=a.steps, seconds=round(time.time() - started, 2), val_loss_start=start_loss, val_loss_end=end_loss,
        lowered=end_loss < start_loss)
    if rank == 0 and a.out:
        model.save_pretrained(a.out)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
