#!/usr/bin/env python3
"""Hugging Face MarianMTModel reference for the Marian export (tessera export --format hf-marian).

Takes the post-LN/ReLU Transformer fixture (seq2seq_post_relu.safetensors, written by
make_fixtures.py: Tessera's tensor names, packed q|k|v and k|v, interleaved sinusoidal positions)
and converts it here, independently of the Swift exporter, to MarianMTModel's state dict: q|k|v
unpacked into q_proj/k_proj/v_proj, and the model width permuted so that Tessera's interleaved
positions (sin, cos, sin, cos, ...) become Marian's [sin | cos] halves (Tessera dimension 2i ->
i, 2i+1 -> C/2 + i) in every tensor that reads or writes the residual stream. It then loads
that state dict into transformers' own MarianMTModel (built from a MarianConfig), runs the padded
batch (attention_mask on the source, decoder_input_ids = <bos> y...), checks that the
label-smoothed loss from MarianMTModel's logits equals the fixture's PyTorch loss, and writes
marian_post_relu.safetensors: the Marian tensors (`hf.<name>`) and MarianMTModel's logits
(`logits`, [B, Tt, V]).

Regenerate:  pip install torch transformers safetensors && python3 make_marian_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from transformers import MarianConfig, MarianMTModel

OUT = os.path.dirname(os.path.abspath(__file__))
IGNORE = -100


def main():
    path = os.path.join(OUT, "seq2seq_post_relu.safetensors")
    T = load_file(path)
    from safetensors import safe_open
    with safe_open(path, "pt") as f:
        cfg = json.loads(f.metadata()["config"])
    V, C, F_, NH = cfg["vocabSize"], cfg["dim"], cfg["ffnDim"], cfg["heads"]
    sigma = [2 * h if h < C // 2 else 2 * (h - C // 2) + 1 for h in range(C)]
    perm = torch.tensor(sigma)

    hf = {"model.shared.weight": T["shared.weight"][:, perm]}

    def attention(hf_name, t_name, packed):
        for i, proj in enumerate(["q_proj", "k_proj", "v_proj"]):
            if packed:
                w, b = T[t_name + ".qkv.weight"][i * C:(i + 1) * C], T[t_name + ".qkv.bias"][i * C:(i + 1) * C]
            elif i == 0:
                w, b = T[t_name + ".q.weight"], T[t_name + ".q.bias"]
            else:
                w, b = T[t_name + ".kv.weight"][(i - 1) * C:i * C], T[t_name + ".kv.bias"][(i - 1) * C:i * C]
            hf[f"{hf_name}.{proj}.weight"] = w[:, perm]
            hf[f"{hf_name}.{proj}.bias"] = b
        hf[hf_name + ".out_proj.weight"] = T[t_name + ".out.weight"][perm, :]
        hf[hf_name + ".out_proj.bias"] = T[t_name + ".out.bias"][perm]

    def norm(hf_name, t_name):
        hf[hf_name + ".weight"] = T[t_name + ".weight"][perm]
        hf[hf_name + ".bias"] = T[t_name + ".bias"][perm]

    def ffn(hf_prefix, t_prefix):
        hf[hf_prefix + "fc1.weight"] = T[t_prefix + "fc1.weight"][:, perm]
        hf[hf_prefix + "fc1.bias"] = T[t_prefix + "fc1.bias"]
        hf[hf_prefix + "fc2.weight"] = T[t_prefix + "fc2.weight"][perm, :]
        hf[hf_prefix + "fc2.bias"] = T[t_prefix + "fc2.bias"][perm]

    for side, layers in (("encoder", cfg["encoderLayers"]), ("decoder", cfg["decoderLayers"])):
        for l in range(layers):
            h, t = f"model.{side}.layers.{l}.", f"{side}.layers.{l}."
            attention(h + "self_attn", t + "self_attn", True)
            norm(h + "self_attn_layer_norm", t + "self_attn_layer_norm")
            if side == "decoder":
                attention(h + "encoder_attn", t + "encoder_attn", False)
                norm(h + "encoder_attn_layer_norm", t + "encoder_attn_layer_norm")
            ffn(h, t)
            norm(h + "final_layer_norm", t + "final_layer_norm")
    hf["final_logits_bias"] = torch.zeros(1, V)

    config = MarianConfig(
        vocab_size=V, decoder_vocab_size=V, d_model=C, encoder_layers=cfg["encoderLayers"],
        decoder_layers=cfg["decoderLayers"], encoder_attention_heads=NH, decoder_attention_heads=NH,
        encoder_ffn_dim=F_, decoder_ffn_dim=F_, activation_function="relu",
        max_position_embeddings=max(cfg["maxSourceLength"], cfg["maxTargetLength"]), scale_embedding=True,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True, pad_token_id=cfg["padID"],
        eos_token_id=cfg["eosID"], bos_token_id=cfg["bosID"], decoder_start_token_id=cfg["bosID"],
        dropout=0.0, attention_dropout=0.0, activation_dropout=0.0)
    model = MarianMTModel(config).eval()
    missing, unexpected = model.load_state_dict(hf, strict=False)
    assert not unexpected, unexpected
    assert all("embed_positions" in m or "embed_tokens" in m or m == "lm_head.weight" for m in missing), missing

    # The padded batch of the fixture.
    sources, source_lengths = T["source"].tolist(), T["source_lengths"].tolist()
    targets, target_lengths = T["target"].tolist(), T["target_lengths"].tolist()
    B, Ts, Tt = len(source_lengths), max(source_lengths), max(target_lengths) + 1
    src = torch.full((B, Ts), cfg["padID"], dtype=torch.long)
    dec = torch.full((B, Tt), cfg["padID"], dtype=torch.long)
    labels = torch.full((B, Tt), IGNORE, dtype=torch.long)
    s = t = 0
    for b in range(B):
        src[b, :source_lengths[b]] = torch.tensor(sources[s:s + source_lengths[b]])
        y = targets[t:t + target_lengths[b]]
        dec[b, :len(y) + 1] = torch.tensor([cfg["bosID"]] + y)
        labels[b, :len(y) + 1] = torch.tensor(y + [cfg["eosID"]])
        s += source_lengths[b]
        t += target_lengths[b]
    with torch.no_grad():
        logits = model(input_ids=src, attention_mask=(torch.arange(Ts)[None] < torch.tensor(source_lengths)[:, None]).long(),
                       decoder_input_ids=dec).logits
    loss = F.cross_entropy(logits.reshape(-1, V).double(), labels.reshape(-1), ignore_index=IGNORE,
                           label_smoothing=cfg["labelSmoothing"])
    reference = float(T["loss"][0])
    assert abs(float(loss) - reference) <= 1e-4 * abs(reference), (float(loss), reference)
    tensors = {"hf." + k: v.contiguous().float() for k, v in hf.items()}
    tensors["logits"] = logits.float().contiguous()
    save_file(tensors, os.path.join(OUT, "marian_post_relu.safetensors"))
    print("MarianMTModel loss", float(loss), "fixture loss", reference)


if __name__ == "__main__":
    main()
