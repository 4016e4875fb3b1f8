#!/usr/bin/env python3
"""Reference fixture for LastTokenClassifier (GPT last-token sequence classification), produced by
Hugging Face transformers' GPT2ForSequenceClassification in float64 with PyTorch autograd.

A tiny GPT-2-shaped model (learned positions, pre-LN, gelu_new, eps 1e-5, tied embeddings so no LM
head) gets fixed random float32 weights; a right-padded batch of three sequences of different
lengths (pad id 0, never inside a text) with class labels goes through
GPT2ForSequenceClassification (eager attention, attention_mask marking the padding, no dropout).
transformers pools the score head's logits at the last token that is not pad_token_id and takes the
mean cross-entropy. gpt_classifier.safetensors holds: the parameters in Tessera's names and [out, in]
layout (`score.weight` [K, C] is the head), `inputs` (I32 [B, T], padded), `lengths` (I32 [B]),
`labels` (I32 [B]), `loss`, `logits` ([B, K]), `grad.<name>` for every parameter, and `hf.<name>` for
every entry of the model's `state_dict()` (what `save_pretrained` writes, under transformers' names
and layout) so that the GPT2ForSequenceClassification export can be compared with it.

Regenerate:  pip install torch transformers safetensors && python3 make_gpt_classifier.py
"""
import json, os
import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2ForSequenceClassification

torch.set_default_dtype(torch.float64)
V, T, L, NH, C, F, K = 13, 8, 2, 2, 8, 12, 3
LENGTHS = [6, 3, 8]
OUT = os.path.dirname(os.path.abspath(__file__))


def main():
    gen = torch.Generator().manual_seed(2024)

    def rnd(*shape, std=0.3, mean=0.0):
        return (mean + std * torch.randn(*shape, generator=gen, dtype=torch.float64)).float()

    P = {"wte": rnd(V, C), "wpe": rnd(T, C, std=0.1)}
    for l in range(L):
        p = f"h.{l}."
        P[p + "ln_1.weight"] = rnd(C, std=0.1, mean=1.0); P[p + "ln_1.bias"] = rnd(C, std=0.1)
        P[p + "attn.qkv.weight"] = rnd(3 * C, C); P[p + "attn.qkv.bias"] = rnd(3 * C, std=0.1)
        P[p + "attn.proj.weight"] = rnd(C, C); P[p + "attn.proj.bias"] = rnd(C, std=0.1)
        P[p + "ln_2.weight"] = rnd(C, std=0.1, mean=1.0); P[p + "ln_2.bias"] = rnd(C, std=0.1)
        P[p + "mlp.fc.weight"] = rnd(F, C); P[p + "mlp.fc.bias"] = rnd(F, std=0.1)
        P[p + "mlp.proj.weight"] = rnd(C, F); P[p + "mlp.proj.bias"] = rnd(C, std=0.1)
    P["ln_f.weight"] = rnd(C, std=0.1, mean=1.0); P["ln_f.bias"] = rnd(C, std=0.1)
    P["score.weight"] = rnd(K, C)

    config = GPT2Config(
        vocab_size=V, n_positions=T, n_embd=C, n_layer=L, n_head=NH, n_inner=F, activation_function="gelu_new",
        layer_norm_epsilon=1e-5, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, num_labels=K, pad_token_id=0,
        problem_type="single_label_classification", attn_implementation="eager")
    model = GPT2ForSequenceClassification(config).double().eval()
    # Tessera's [out, in] Linear weights are the transposes of GPT-2's Conv1D [in, out] weights.
    hf = {"transformer.wte.weight": P["wte"], "transformer.wpe.weight": P["wpe"],
          "transformer.ln_f.weight": P["ln_f.weight"], "transformer.ln_f.bias": P["ln_f.bias"], "score.weight": P["score.weight"]}
    for l in range(L):
        p, q = f"h.{l}.", f"transformer.h.{l}."
        for a, b in [("ln_1", "ln_1"), ("ln_2", "ln_2")]:
            hf[q + b + ".weight"] = P[p + a + ".weight"]; hf[q + b + ".bias"] = P[p + a + ".bias"]
        for a, b in [("attn.qkv", "attn.c_attn"), ("attn.proj", "attn.c_proj"), ("mlp.fc", "mlp.c_fc"), ("mlp.proj", "mlp.c_proj")]:
            hf[q + b + ".weight"] = P[p + a + ".weight"].T.contiguous(); hf[q + b + ".bias"] = P[p + a + ".bias"]
    params = dict(model.named_parameters())
    assert set(params) == set(hf), (set(params) ^ set(hf))
    with torch.no_grad():
        for name, value in hf.items():
            params[name].copy_(value.double())

    B = len(LENGTHS)
    ids = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        ids[b, :n] = torch.randint(1, V, (n,), generator=gen)  # 0 is the pad id, never inside a text
    mask = (ids != 0).long()
    labels = torch.tensor([2, 0, 1])
    out = model(input_ids=ids, attention_mask=mask, labels=labels)
    out.loss.backward()

    tensors = {k: v.contiguous() for k, v in P.items()}
    for l in range(L):
        p, q = f"h.{l}.", f"transformer.h.{l}."
        for a, b in [("attn.qkv", "attn.c_attn"), ("attn.proj", "attn.c_proj"), ("mlp.fc", "mlp.c_fc"), ("mlp.proj", "mlp.c_proj")]:
            tensors["grad." + p + a + ".weight"] = params[q + b + ".weight"].grad.T.float().contiguous()
            tensors["grad." + p + a + ".bias"] = params[q + b + ".bias"].grad.float().contiguous()
        for a in ["ln_1", "ln_2"]:
            for s in ["weight", "bias"]:
                tensors[f"grad.{p}{a}.{s}"] = params[f"{q}{a}.{s}"].grad.float().contiguous()
    for a, b in [("wte", "transformer.wte.weight"), ("wpe", "transformer.wpe.weight"), ("ln_f.weight", "transformer.ln_f.weight"),
                 ("ln_f.bias", "transformer.ln_f.bias"), ("score.weight", "score.weight")]:
        tensors["grad." + a] = params[b].grad.float().contiguous()
    for name, value in model.state_dict().items():
        tensors["hf." + name] = value.float().contiguous()
    tensors["inputs"] = ids.to(torch.int32)
    tensors["lengths"] = torch.tensor(LENGTHS, dtype=torch.int32)
    tensors["labels"] = labels.to(torch.int32)
    tensors["loss"] = out.loss.detach().float().reshape(1)
    tensors["logits"] = out.logits.detach().float().contiguous()
    tessera_config = dict(vocabSize=V, contextLength=T, layers=L, heads=NH, dim=C, ffnDim=F, positions="learned", norm="pre",
                          activation="gelu", ffn="dense", experts=4, topK=2, auxLossWeight=0.01, tieEmbeddings=True,
                          dropout=0.0, layerNormEpsilon=1e-5)
    save_file(tensors, os.path.join(OUT, "gpt_classifier.safetensors"),
              metadata={"config": json.dumps(tessera_config), "classes": str(K), "transformers": __import__("transformers").__version__})
    print("loss", float(out.loss), "logits", out.logits.tolist())


if __name__ == "__main__":
    main()
