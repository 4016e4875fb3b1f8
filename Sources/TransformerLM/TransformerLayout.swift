import NeuralCore

/// Where each tensor of a ``TransformerModel`` lives inside its one flat parameter buffer: the
/// generic NeuralCore `ParameterLayout` (names, shapes, offsets) plus the GPT wiring's offsets by role.
public struct TransformerLayout: Sendable {
    /// Offsets of one block's tensors.
    public struct Block: Sendable {
        /// Layer norms, attention `qkv` `[3C, C]` + `[3C]` and projection `[C, C]` + `[C]`.
        public var ln1w = 0, ln1b = 0, qkvw = 0, qkvb = 0, projw = 0, projb = 0, ln2w = 0, ln2b = 0
        /// Dense: fc / proj weights and biases. MoE: expert 0 of the stacked `[E, …]` tensors.
        public var fcw = 0, fcb = 0, fc2w = 0, fc2b = 0
        /// MoE gate `[E, C]`.
        public var gatew = 0
    }

    /// All tensors in order (names, shapes, offsets).
    public private(set) var tensors = ParameterLayout()
    /// Token embedding `[V, C]`.
    public private(set) var wte = 0
    /// Learned positions `[T, C]` (learned positions only).
    public private(set) var wpe: Int?
    /// Per-block offsets.
    public private(set) var blocks: [Block] = []
    /// Final layer norm (pre-LN only).
    public private(set) var lnfw: Int?
    /// Final layer-norm bias (pre-LN only).
    public private(set) var lnfb: Int?
    /// Output head `[V, C]` (equals `wte` when tied).
    public private(set) var head = 0

    /// All tensors in order.
    public var entries: [ParameterLayout.Entry] { tensors.entries }
    /// Total number of floats.
    public var count: Int { tensors.count }

    /// The layout of `config`.
    public init(config c: ModelConfig) {
        let C = c.dim, F = c.ffnDim, E = c.experts
        wte = tensors.add("wte", [c.vocabSize, C])
        if c.positions == .learned { wpe = tensors.add("wpe", [c.contextLength, C]) }
        for l in 0..<c.layers {
            var b = Block()
            let p = "h.\(l)."
            b.ln1w = tensors.add(p + "ln_1.weight", [C]); b.ln1b = tensors.add(p + "ln_1.bias", [C])
            b.qkvw = tensors.add(p + "attn.qkv.weight", [3 * C, C]); b.qkvb = tensors.add(p + "attn.qkv.bias", [3 * C])
            b.projw = tensors.add(p + "attn.proj.weight", [C, C]); b.projb = tensors.add(p + "attn.proj.bias", [C])
            b.ln2w = tensors.add(p + "ln_2.weight", [C]); b.ln2b = tensors.add(p + "ln_2.bias", [C])
            if c.ffn == .dense {
                b.fcw = tensors.add(p + "mlp.fc.weight", [F, C]); b.fcb = tensors.add(p + "mlp.fc.bias", [F])
                b.fc2w = tensors.add(p + "mlp.proj.weight", [C, F]); b.fc2b = tensors.add(p + "mlp.proj.bias", [C])
            } else {
                b.gatew = tensors.add(p + "moe.gate.weight", [E, C])
                b.fcw = tensors.add(p + "moe.fc.weight", [E, F, C]); b.fcb = tensors.add(p + "moe.fc.bias", [E, F])
                b.fc2w = tensors.add(p + "moe.proj.weight", [E, C, F]); b.fc2b = tensors.add(p + "moe.proj.bias", [E, C])
            }
            blocks.append(b)
        }
        if c.norm == .pre { lnfw = tensors.add("ln_f.weight", [C]); lnfb = tensors.add("ln_f.bias", [C]) }
        head = c.tieEmbeddings ? wte : tensors.add("lm_head.weight", [c.vocabSize, C])
    }
}
