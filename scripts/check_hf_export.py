#!/usr/bin/env python3
"""Export parity: `tessera export --format hf-gpt2` must give a directory that Hugging Face
`transformers` loads as GPT2LMHeadModel, whose loss on a token shard - same windows as
`tessera evaluate-lm` (context+1 tokens stepping by context, remainder dropped) - matches
Tessera's own to 1e-4 (relative). Exits 1 when it does not.

  pip install torch transformers
  python3 scripts/check_hf_export.py --tessera .build/release/tessera --model runs/NAME --tokens val.bin [--max-windows 200]
"""
import argparse, json, os, struct, subprocess, sys, tempfile
import torch


def read_shard(path):
    with open(path, "rb") as f:
        header = struct.unpack("<256i", f.read(1024))
        assert header[0] == 20240520, "not an llm.c token shard"
        n, width = header[2], 2 if header[1] == 1 else 4
        data = f.read(n * width)
    return list(struct.unpack("<%d%s" % (n, "H" if width == 2 else "I"), data))


def write_shard(path, ids):
    header = [0] * 256
    header[0], header[1], header[2] = 20240520, 1 if max(ids) < 65536 else 2, len(ids)
    with open(path, "wb") as f:
        f.write(struct.pack("<256i", *header))
        f.write(struct.pack("<%d%s" % (len(ids), "H" if header[1] == 1 else "I"), *ids))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tessera", default=".build/release/tessera")
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--max-windows", type=int, default=200, help="evaluate only the first N windows (both sides)")
    a = ap.parse_args()
    from transformers import GPT2LMHeadModel
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "hf")
        subprocess.run([a.tessera, "export", "--model", a.model, "--format", "hf-gpt2", "-o", out], check=True)
        hf = GPT2LMHeadModel.from_pretrained(out, torch_dtype=torch.float32).eval()
        T = hf.config.n_positions
        ids = read_shard(a.tokens)
        windows = min((len(ids) - 1) // T, a.max_windows)
        ids = ids[: windows * T + 1]
        shard = os.path.join(tmp, "part.bin")
        write_shard(shard, ids)
        res = subprocess.run([a.tessera, "evaluate-lm", "--model", a.model, "--tokens", shard], check=True, capture_output=True, text=True)
        ours = json.loads(res.stdout.strip().splitlines()[-1])
        total, count = 0.0, 0
        with torch.no_grad():
            for w in range(0, windows, 8):
                batch = torch.tensor([ids[i * T: i * T + T + 1] for i in range(w, min(w + 8, windows))])
                logits = hf(batch[:, :-1]).logits.double()
                loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), batch[:, 1:].reshape(-1), reduction="sum")
                total += float(loss)
                count += batch[:, 1:].numel()
        theirs = total / count
        rel = abs(theirs - ours["loss"]) / abs(theirs)
        print(json.dumps({"tessera_loss": ours["loss"], "transformers_loss": theirs, "tokens": count, "tessera_tokens": ours["tokens"],
                          "relative_difference": rel, "ok": rel <= 1e-4 and count == ours["tokens"]}))
        sys.exit(0 if rel <= 1e-4 and count == ours["tokens"] else 1)


if __name__ == "__main__":
    main()
