#!/usr/bin/env python3
"""The Transformer encoder-decoder of `tessera train-seq2seq`, trained in PyTorch on the same data in
the same order, for the learning and speed comparison of issue 14.

It reads a Tessera run directory (written by `tessera train-seq2seq ... --batch-log FILE -o RUN`):
  - RUN/config.json          (its `config`) the model (layers, heads, width, FFN width, pre/post-LN, ReLU/GELU,
                             label smoothing, maximum lengths, special ids);
  - RUN/trainer_state.json   the optimizer and schedule (AdamW betas, weight decay on matrices only,
                             peak lr, warm-up + cosine to min fraction, global-norm clip, steps);
  - RUN/tokenizer.json       the joint tokenizer, loaded with Hugging Face `tokenizers`;
  - the batch log            one JSON line per step: `pairs` (indices into the train part of the
                             corpus) and the `source`/`target` ids Tessera trained on.
It re-reads the pairs (JSONL, blank sides skipped), re-computes the FNV-1a split, encodes every pair
with `tokenizers` and checks that the ids of every logged batch equal its own encoding (same split,
same tokenizer, same truncation, same order), then trains the same model for the same steps on
those batches: sinusoidal positions, sqrt(C)-scaled embeddings shared by encoder, decoder and the
tied output layer, padding masks, causal decoder self-attention, cross-attention on the last
encoder layer, no dropout (Tessera has none), label-smoothed cross-entropy over the real target
tokens, AdamW (decay on tensors of rank >= 2), clipping, the same schedule. Weights are initialized
with the same distributions as Tessera (Xavier-uniform matrices, N(0, 1/C) embedding, zero biases,
unit layer norms) from PyTorch's own generator (the values differ). It then greedy-decodes the dev
(and test) part exactly as `tessera translate` does (one-token-at-a-time argmax, lowest id on
ties, at most min(maxTargetLength - 1, floor(2 * source length) + 10) tokens) and scores BLEU and
chrF with sacrebleu. Prints one JSON line; `--hypotheses DIR` writes the translations.

Speed: `train_seconds` is the wall time of the training steps only (batch tensors built, forward,
backward, clip, update) and `train_cpu_seconds` the process CPU time over the same span;
tokens are real target tokens (`<eos>` included, padding excluded) as Tessera counts them.

  python3 scripts/torch_seq2seq.py --run runs/cmp --batch-log runs/cmp.batches.jsonl \
      --pairs Corpora/parallel/en-ko.ui.sample.jsonl --threads 1
"""
import argparse
import json
import math
import os
import time

import sacrebleu
import torch
import torch.nn as nn
import torch.nn.functional as F
from tokenizers import Tokenizer

IGNORE = -100


def fnv1a(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def read_pairs(path, src_field, tgt_field):
    pairs = []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.rstrip(b"\n")
            if not line.strip(b" \t\r"):
                continue
            obj = json.loads(line)
            s, t = obj[src_field], obj[tgt_field]
            if not s.strip() or not t.strip():
                continue
            pairs.append((s, t))
    return pairs


def split(pairs, dev_per_mille, test_per_mille):
    parts = {"train": [], "dev": [], "test": []}
    for s, t in pairs:
        bucket = fnv1a(s.encode("utf-8")) % 1000
        part = "dev" if bucket < dev_per_mille else "test" if bucket < dev_per_mille + test_per_mille else "train"
        parts[part].append((s, t))
    return parts


def sinusoids(T, C):
    pe = torch.zeros(T, C, dtype=torch.float64)
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    i = torch.arange(0, C, 2, dtype=torch.float64)
    angle = pos / torch.pow(10000.0, i / C)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()


class SelfAttention(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.qkv, self.out = nn.Linear(C, 3 * C), nn.Linear(C, C)

    def forward(self, x, mask=None, causal=False):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in self.qkv(x).split(C, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)
        return self.out(y.transpose(1, 2).reshape(B, T, C))


class CrossAttention(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.q, self.kv, self.out = nn.Linear(C, C), nn.Linear(C, 2 * C), nn.Linear(C, C)

    def forward(self, x, memory, mask):
        B, Tq, C = x.shape
        Tk = memory.shape[1]
        q = self.q(x).view(B, Tq, self.H, C // self.H).transpose(1, 2)
        k, v = (t.view(B, Tk, self.H, C // self.H).transpose(1, 2) for t in self.kv(memory).split(C, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.out(y.transpose(1, 2).reshape(B, Tq, C))


class Layer(nn.Module):
    """An encoder block (self-attention, FFN) or a decoder block (causal self-attention,
    cross-attention, FFN); parameter names are Tessera's."""

    def __init__(self, cfg, decoder):
        super().__init__()
        C, H, Fd = cfg["dim"], cfg["heads"], cfg["ffnDim"]
        eps = cfg.get("layerNormEpsilon", 1e-5)
        self.pre = cfg["norm"] == "pre"
        self.gelu = cfg["activation"] == "gelu"
        self.self_attn, self.self_attn_layer_norm = SelfAttention(C, H), nn.LayerNorm(C, eps=eps)
        if decoder:
            self.encoder_attn, self.encoder_attn_layer_norm = CrossAttention(C, H), nn.LayerNorm(C, eps=eps)
        self.fc1, self.fc2 = nn.Linear(C, Fd), nn.Linear(Fd, C)
        self.final_layer_norm = nn.LayerNorm(C, eps=eps)

    def sub(self, x, norm, fn):
        return x + fn(norm(x)) if self.pre else norm(x + fn(x))

    def ffn(self, h):
        h = self.fc1(h)
        return self.fc2(F.gelu(h, approximate="tanh") if self.gelu else torch.relu(h))

    def forward(self, x, self_mask=None, causal=False, memory=None, cross_mask=None):
        x = self.sub(x, self.self_attn_layer_norm, lambda h: self.self_attn(h, self_mask, causal))
        if memory is not None:
            x = self.sub(x, self.encoder_attn_layer_norm, lambda h: self.encoder_attn(h, memory, cross_mask))
        return self.sub(x, self.final_layer_norm, self.ffn)


class Stack(nn.Module):
    def __init__(self, cfg, n, decoder):
        super().__init__()
        self.layers = nn.ModuleList(Layer(cfg, decoder) for _ in range(n))
        if cfg["norm"] == "pre":
            self.layer_norm = nn.LayerNorm(cfg["dim"], eps=cfg.get("layerNormEpsilon", 1e-5))


class Seq2SeqTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        C, V = cfg["dim"], cfg["vocabSize"]
        self.shared = nn.Embedding(V, C)
        self.encoder = Stack(cfg, cfg["encoderLayers"], False)
        self.decoder = Stack(cfg, cfg["decoderLayers"], True)
        self.register_buffer("pe", sinusoids(max(cfg["maxSourceLength"], cfg["maxTargetLength"]), C), persistent=False)
        self.scale = math.sqrt(C)

    def init_like_tessera(self, gen):
        C = self.cfg["dim"]
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name == "shared.weight":
                    p.normal_(0.0, 1.0 / math.sqrt(C), generator=gen)
                elif p.dim() == 2:
                    limit = math.sqrt(6.0 / (p.shape[0] + p.shape[1]))
                    p.uniform_(-limit, limit, generator=gen)
                elif name.endswith("norm.weight"):
                    p.fill_(1.0)
                else:
                    p.zero_()

    def embed(self, ids):
        return self.shared(ids) * self.scale + self.pe[: ids.shape[1]]

    def encode(self, src, src_len):
        B, Ts = src.shape
        key_ok = torch.arange(Ts)[None, :] < src_len[:, None]  # [B, Ts]
        mask = key_ok[:, None, None, :]  # [B, 1, 1, Ts]: every query sees the real keys
        x = self.embed(src)
        for layer in self.encoder.layers:
            x = layer(x, self_mask=mask)
        if hasattr(self.encoder, "layer_norm"):
            x = self.encoder.layer_norm(x)
        return x, mask

    def decode(self, dec_in, memory, cross_mask):
        y = self.embed(dec_in)
        for layer in self.decoder.layers:
            y = layer(y, causal=True, memory=memory, cross_mask=cross_mask)
        if hasattr(self.decoder, "layer_norm"):
            y = self.decoder.layer_norm(y)
        return y @ self.shared.weight.T

    def forward(self, src, src_len, dec_in, labels, smoothing):
        memory, mask = self.encode(src, src_len)
        logits = self.decode(dec_in, memory, mask)
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=IGNORE,
                               label_smoothing=smoothing)


def make_batch(examples, pad, bos, eos):
    """Tessera's TranslationBatch: sources `ids <eos> <pad>...`, decoder input `<bos> ids <pad>...`,
    labels `ids <eos>` then ignored."""
    B = len(examples)
    Ts = max(len(s) for s, _ in examples)
    Tt = max(len(t) + 1 for _, t in examples)
    src = torch.full((B, Ts), pad, dtype=torch.long)
    dec = torch.full((B, Tt), pad, dtype=torch.long)
    lab = torch.full((B, Tt), IGNORE, dtype=torch.long)
    for b, (s, t) in enumerate(examples):
        src[b, : len(s)] = torch.tensor(s)
        dec[b, : len(t) + 1] = torch.tensor([bos] + t)
        lab[b, : len(t) + 1] = torch.tensor(t + [eos])
    return src, torch.tensor([len(s) for s, _ in examples]), dec, lab


def lr_at(step, o):
    """NeuralCore's LearningRateSchedule.rate(at:) for a 0-based step."""
    peak, warmup, total, minf = o["learningRate"], o["warmup"], o["steps"], o["minLearningRateFraction"]
    if step < warmup:
        return peak * (step + 1) / warmup
    span = max(total - warmup, 1)
    progress = min((step - warmup) / span, 1.0)
    lo = peak * minf
    return lo + 0.5 * (peak - lo) * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def greedy(model, sources, cfg, batch_size=32):
    """One-token-at-a-time argmax per sentence (batched over sentences; each stops at its own <eos> or limit)."""
    eos, bos, pad = cfg["eosID"], cfg["bosID"], cfg["padID"]
    out = []
    for i in range(0, len(sources), batch_size):
        chunk = sources[i : i + batch_size]
        src, src_len, _, _ = make_batch([(s, []) for s in chunk], pad, bos, eos)
        memory, mask = model.encode(src, src_len)
        limits = [max(1, min(cfg["maxTargetLength"] - 1, int(math.floor(2.0 * len(s))) + 10)) for s in chunk]
        B = len(chunk)
        prefix = torch.full((B, 1), bos, dtype=torch.long)
        done = [False] * B
        result = [[] for _ in range(B)]
        for step in range(max(limits)):
            logits = model.decode(prefix, memory, mask)[:, -1, :]
            nxt = logits.argmax(dim=-1)
            for b in range(B):
                if done[b]:
                    continue
                tok = int(nxt[b])
                if tok == eos:
                    done[b] = True
                else:
                    result[b].append(tok)
                    if len(result[b]) >= limits[b]:
                        done[b] = True
            if all(done):
                break
            prefix = torch.cat([prefix, nxt[:, None]], dim=1)
        out.extend(result)
    return out


@torch.no_grad()
def nll(model, examples, cfg, batch_size=64):
    total, count = 0.0, 0
    for i in range(0, len(examples), batch_size):
        src, sl, dec, lab = make_batch(examples[i : i + batch_size], cfg["padID"], cfg["bosID"], cfg["eosID"])
        n = int((lab != IGNORE).sum())
        total += float(model(src, sl, dec, lab, 0.0)) * n
        count += n
    return total / max(count, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", required=True, help="Tessera run directory (config.json, trainer_state.json, tokenizer.json)")
    ap.add_argument("--batch-log", required=True, help="the --batch-log file of that run")
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--src-field", default="en")
    ap.add_argument("--tgt-field", default="ko")
    ap.add_argument("--dev-per-mille", type=int, default=50)
    ap.add_argument("--test-per-mille", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=0, help="0: every step of the batch log")
    ap.add_argument("--no-eval", action="store_true", help="train only (speed runs)")
    ap.add_argument("--test", action="store_true", help="also score the test part")
    ap.add_argument("--hypotheses", help="directory for dev.txt / test.txt translations")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)

    cfg = json.load(open(os.path.join(a.run, "config.json")))["config"]
    if cfg.get("architecture", "transformer") != "transformer":
        raise SystemExit(f"{a.run}/config.json: architecture {cfg['architecture']}: only transformer is implemented here")
    state = json.load(open(os.path.join(a.run, "trainer_state.json")))
    opt_cfg = state["options"]
    tok = Tokenizer.from_file(os.path.join(a.run, "tokenizer.json"))
    pad, bos, eos = cfg["padID"], cfg["bosID"], cfg["eosID"]
    max_src, max_tgt = cfg["maxSourceLength"], cfg["maxTargetLength"]

    def enc(text):
        return tok.encode(text, add_special_tokens=False).ids

    def example(s, t):
        return enc(s)[: max_src - 1] + [eos], enc(t)[: max_tgt - 1]

    parts = split(read_pairs(a.pairs, a.src_field, a.tgt_field), a.dev_per_mille, a.test_per_mille)
    train = [example(s, t) for s, t in parts["train"]]

    # The batch order: Tessera's, checked against our own split and encoding.
    batches = []
    with open(a.batch_log) as f:
        for n, line in enumerate(f, 1):
            rec = json.loads(line)
            if rec["step"] != n:
                raise SystemExit(f"{a.batch_log}:{n}: step {rec['step']}, expected {n}")
            if len(rec["pairs"]) != len(rec["source"]) or len(rec["pairs"]) != len(rec["target"]):
                raise SystemExit(f"{a.batch_log}:{n}: pairs/source/target lengths differ")
            for i, s, t in zip(rec["pairs"], rec["source"], rec["target"]):
                if i >= len(train) or train[i] != (s, t):
                    raise SystemExit(f"{a.batch_log}:{n}: train pair {i} encodes differently here: "
                                     f"{train[i] if i < len(train) else 'missing'} vs Tessera's {(s, t)}")
            batches.append(rec["pairs"])
    steps = a.steps or len(batches)
    if steps > len(batches):
        raise SystemExit(f"--steps {steps}: the batch log has {len(batches)} steps")
    checked = sum(len(b) for b in batches)

    torch.manual_seed(a.seed)
    model = Seq2SeqTransformer(cfg)
    model.init_like_tessera(torch.Generator().manual_seed(a.seed))
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": opt_cfg["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=opt_cfg["learningRate"], betas=(opt_cfg["beta1"], opt_cfg["beta2"]), eps=1e-8, foreach=True)
    smoothing, clip = cfg["labelSmoothing"], opt_cfg["clip"]

    tokens, losses = 0, []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for step in range(steps):
        src, sl, dec, lab = make_batch([train[i] for i in batches[step]], pad, bos, eos)
        tokens += int((lab != IGNORE).sum())
        loss = model(src, sl, dec, lab, smoothing)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, opt_cfg)
        opt.step()
        losses.append(loss.item())
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0

    result = dict(impl="pytorch", torch=torch.__version__, threads=a.threads, steps=steps, train_pairs=len(train),
                  batch_log_examples_checked=checked, target_tokens=tokens, train_seconds=round(wall, 3),
                  train_cpu_seconds=round(cpu, 3), tokens_per_s=round(tokens / wall, 1),
                  tokens_per_cpu_s=round(tokens / cpu, 1), last_loss_mean_20=round(sum(losses[-20:]) / len(losses[-20:]), 4),
                  parameters=sum(p.numel() for p in model.parameters()))
    if not a.no_eval:
        model.eval()
        for part in ["dev"] + (["test"] if a.test else []):
            pairs = parts[part]
            exs = [example(s, t) for s, t in pairs]
            hyp_ids = greedy(model, [s for s, _ in exs], cfg)
            hyps = [tok.decode(h, skip_special_tokens=True) for h in hyp_ids]
            refs = [t for _, t in pairs]
            result[part] = dict(sentences=len(pairs), loss=round(nll(model, exs, cfg), 4),
                                bleu=round(sacrebleu.corpus_bleu(hyps, [refs]).score, 4),
                                chrf=round(sacrebleu.corpus_chrf(hyps, [refs]).score, 4))
            if a.hypotheses:
                os.makedirs(a.hypotheses, exist_ok=True)
                with open(os.path.join(a.hypotheses, f"{part}.txt"), "w") as f:
                    f.write("".join(h + "\n" for h in hyps))
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
