/// Where each parameter tensor lives inside the model's one flat parameter buffer.
public struct ParameterLayout: Sendable {
    /// One named tensor.
    public struct Entry: Sendable {
        /// Name (also the safetensors name).
        public let name: String
        /// Shape.
        public let shape: [Int]
        /// Offset in floats.
        public let offset: Int
        /// Number of floats.
        public var count: Int { shape.reduce(1, *) }
        /// Whether AdamW applies weight decay (matrices yes; biases and norms no).
        public var decays: Bool { shape.count >= 2 }
    }

    /// Offsets of one block's tensors.
    public struct Block: Sendable {
        /// Layer norms, attention `qkv` `[3C, C]` + `[3C]` and projection `[C, C]` + `[C]`.
        public var ln1w = 0, ln1b = 0, qkvw = 0, qkvb = 0, projw = 0, projb = 0, ln2w = 0, ln2b = 0
        /// Dense: fc / proj weights and biases. MoE: expert 0 of the stacked `[E, …]` tensors.
        public var fcw = 0, fcb = 0, fc2w = 0, fc2b = 0
        /// MoE gate `[E, C]`.
        public var gatew = 0
    }

    /// All tensors in order.
    public private(set) var entries: [Entry] = []
    /// Total number of floats.
    public private(set) var count = 0
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

    /// The layout of `config`.
    public init(config c: ModelConfig) {
        let C = c.dim, F = c.ffnDim, E = c.experts
        wte = add("wte", [c.vocabSize, C])
        if c.positions == .learned { wpe = add("wpe", [c.contextLength, C]) }
        for l in 0..<c.layers {
            var b = Block()
            let p = "h.\(l)."
            b.ln1w = add(p + "ln_1.weight", [C]); b.ln1b = add(p + "ln_1.bias", [C])
            b.qkvw = add(p + "attn.qkv.weight", [3 * C, C]); b.qkvb = add(p + "attn.qkv.bias", [3 * C])
            b.projw = add(p + "attn.proj.weight", [C, C]); b.projb = add(p + "attn.proj.bias", [C])
            b.ln2w = add(p + "ln_2.weight", [C]); b.ln2b = add(p + "ln_2.bias", [C])
            if c.ffn == .dense {
                b.fcw = add(p + "mlp.fc.weight", [F, C]); b.fcb = add(p + "mlp.fc.bias", [F])
                b.fc2w = add(p + "mlp.proj.weight", [C, F]); b.fc2b = add(p + "mlp.proj.bias", [C])
            } else {
                b.gatew = add(p + "moe.gate.weight", [E, C])
                b.fcw = add(p + "moe.fc.weight", [E, F, C]); b.fcb = add(p + "moe.fc.bias", [E, F])
                b.fc2w = add(p + "moe.proj.weight", [E, C, F]); b.fc2b = add(p + "moe.proj.bias", [E, C])
            }
            blocks.append(b)
        }
        if c.norm == .pre { lnfw = add("ln_f.weight", [C]); lnfb = add("ln_f.bias", [C]) }
        head = c.tieEmbeddings ? wte : add("lm_head.weight", [c.vocabSize, C])
    }

    private mutating func add(_ name: String, _ shape: [Int]) -> Int {
        let e = Entry(name: name, shape: shape, offset: count)
        entries.append(e)
        count += e.count
        return e.offset
    }
}
