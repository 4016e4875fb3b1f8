#!/usr/bin/env python3
"""Reference fixtures for the MaskedLM tests, written by PyTorch + Hugging Face transformers.

A tiny BERT (2 layers, hidden 16, 2 heads, vocabulary 40, erf-GELU, post-LN) with fixed seeded
weights, rounded to float32 and then run in float64 with eager attention. For a padded batch of
three sequences it records, for BertForMaskedLM, BertForPreTraining (MLM + NSP) and
BertForSequenceClassification (3 labels): the loss, the logits and the gradient of every
parameter (float64 autograd, stored as float32).

Writes, beside this script:
  bert_reference.safetensors  weights under Hugging Face's names, inputs (I32), expected values;
                              metadata "config" holds the Hugging Face config JSON
  bert_tiny/                  BertForMaskedLM.save_pretrained() of the same weights (config.json +
                              model.safetensors), the directory the import test reads

Run: python3 make_fixtures.py   (torch 2.x, transformers 5.x, safetensors)
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForMaskedLM, BertForPreTraining, BertForSequenceClassification

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(20251201)

config = BertConfig(
    vocab_size=40, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
    max_position_embeddings=12, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12,
    hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, pad_token_id=0, num_labels=3,
)
config._attn_implementation = "eager"


def randomize(model):
    """Seeded weights of a size that gives every gradient a visible magnitude, rounded to float32."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
            p.copy_(p.float().double())


pretraining = BertForPreTraining(config).double()
randomize(pretraining)
masked_lm = BertForMaskedLM(config).double()
missing, unexpected = masked_lm.load_state_dict(pretraining.state_dict(), strict=False)
assert not [m for m in missing if "decoder" not in m], missing
classifier = BertForSequenceClassification(config).double()
classifier.load_state_dict(pretraining.state_dict(), strict=False)
with torch.no_grad():
    classifier.classifier.weight.copy_((0.3 * torch.randn_like(classifier.classifier.weight)).float().double())
    classifier.classifier.bias.copy_((0.1 * torch.randn_like(classifier.classifier.bias)).float().double())

# A padded batch: [CLS] A [SEP] B [SEP] then [PAD] (id 0); [CLS] = 2, [SEP] = 3, [MASK] = 4.
B, T = 3, 10
lengths = [10, 7, 5]
a_lengths = [4, 2, 1]
input_ids = torch.zeros(B, T, dtype=torch.long)
token_type_ids = torch.zeros(B, T, dtype=torch.long)
attention_mask = torch.zeros(B, T, dtype=torch.long)
labels = torch.full((B, T), -100, dtype=torch.long)
for b in range(B):
    n, na = lengths[b], a_lengths[b]
    ids = torch.randint(5, config.vocab_size, (n,))
    ids[0], ids[na + 1], ids[n - 1] = 2, 3, 3
    input_ids[b, :n] = ids
    token_type_ids[b, na + 2:n] = 1
    attention_mask[b, :n] = 1
    # predict about a third of the real tokens; some of them shown as [MASK]
    for t in range(1, n - 1):
        if t != na + 1 and torch.rand(()) < 0.4:
            labels[b, t] = ids[t]
            if torch.rand(()) < 0.7:
                input_ids[b, t] = 4
    if (labels[b] != -100).sum() == 0:
        labels[b, 1] = ids[1]
nsp_labels = torch.tensor([0, 1, 0])
class_labels = torch.tensor([2, 0, 1])

out = {}
inputs = dict(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask)


def record(prefix, model, loss, logits):
    model.zero_grad()
    loss.backward()
    out[prefix + ".loss"] = loss.detach().reshape(1)
    out[prefix + ".logits"] = logits.detach()
    for name, p in model.named_parameters():
        out[prefix + ".grad." + name] = p.grad.detach().clone()


r = masked_lm(**inputs, labels=labels)
record("mlm", masked_lm, r.loss, r.logits)
r = pretraining(**inputs, labels=labels, next_sentence_label=nsp_labels)
record("pretraining", pretraining, r.loss, r.prediction_logits)
out["pretraining.nsp_logits"] = r.seq_relationship_logits.detach()
r = classifier(**inputs, labels=class_labels)
record("classify", classifier, r.loss, r.logits)

for name, p in pretraining.named_parameters():
    out[name] = p.detach().clone()
out["classifier.weight"] = classifier.classifier.weight.detach().clone()
out["classifier.bias"] = classifier.classifier.bias.detach().clone()
tensors = {k: v.float().contiguous() for k, v in out.items()}
for k, v in [("input_ids", input_ids), ("token_type_ids", token_type_ids), ("attention_mask", attention_mask),
             ("labels", labels), ("nsp_labels", nsp_labels), ("class_labels", class_labels)]:
    tensors[k] = v.to(torch.int32).contiguous()
meta = {"config": json.dumps(config.to_dict(), sort_keys=True), "batch": str(B), "time": str(T)}
save_file(tensors, os.path.join(HERE, "bert_reference.safetensors"), metadata=meta)

# The same BertForMaskedLM as Hugging Face saves it, in float32, for the import test.
masked_lm.float().save_pretrained(os.path.join(HERE, "bert_tiny"))
print("wrote", len(tensors), "tensors; mlm loss", float(out["mlm.loss"]), "pretraining loss", float(out["pretraining.loss"]),
      "classify loss", float(out["classify.loss"]))
