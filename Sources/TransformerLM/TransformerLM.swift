// TransformerLM: a decoder-only Transformer language model trained next-token on CPU.
//
// - ``ModelConfig``: shape and options (sinusoidal/learned positions, pre/post-LN, GELU/ReLU,
//   dense/MoE FFN, weight tying, dropout).
// - ``TransformerModel``: llm.c-shaped model — flat parameters and gradients, explicit forward and
//   backward per layer (``LayerKernels``, ``MixtureOfExperts``), matmuls through OpenBLAS.
// - ``AdamW``, ``LearningRateSchedule``, ``Trainer``: optimization with warm-up + cosine schedule,
//   global-norm clipping, periodic validation and resumable checkpoints (``Checkpoint``).
// - ``Sampler``: generation with a KV cache; ``Evaluator``: loss / perplexity / bits per byte.
// - ``HFExport``: Hugging Face `GPT2LMHeadModel` export when the config is GPT-2-shaped.
