// TransformerLM: a decoder-only Transformer (GPT) language model trained next-token on CPU.
//
// The layers, the optimizer, the training loop, checkpoints and evaluation are NeuralCore's; this
// module holds only the GPT wiring and what is specific to it:
// - ``ModelConfig``: shape and options (sinusoidal/learned positions, pre/post-LN, GELU/ReLU,
//   dense/MoE FFN, weight tying, dropout).
// - ``TransformerModel``: the llm.c-shaped model — flat parameters and gradients laid out by
//   ``TransformerLayout``, NeuralCore's forward/backward per layer wired into blocks.
// - ``Sampler``: generation with a KV cache.
// - ``HFExport``: Hugging Face `GPT2LMHeadModel` export when the config is GPT-2-shaped;
//   NeuralCore's `EmbeddingImport` (overloaded here for the GPT): token embeddings from Word2Vec.
import NeuralCore
