import Foundation
import MaskedLM

extension PipelineConfig {
    /// Options of the masked-LM track (stages `mlm-tokenizer`, `mlm-model`, `mlm-evaluate`): the
    /// normalized corpus split into training and held-out text (the tail of each file), a WordPiece
    /// tokenizer with `[PAD] [UNK] [CLS] [SEP] [MASK]` trained on the training part, a BERT encoder
    /// pretrained with the masked-LM objective for a wall-clock budget (the options of
    /// `tessera train-mlm`), its held-out masked-token accuracy against the unigram baseline, and
    /// `fill-mask` examples from held-out English and Korean lines in the report.
    public struct MLMStage: Codable, Sendable, Equatable {
        /// Whether the track runs. Default: true.
        public var enabled = true
        /// Fraction of each corpus file's lines (its tail, from the next blank line when one is near)
        /// held out for evaluation. Default: 0.05.
        public var heldOutFraction = 0.05
        /// WordPiece vocabulary size, special tokens included. Default: 6,000.
        public var vocabSize = 6000
        /// Least count of a pair to be merged. Default: 2.
        public var minFrequency = 2
        /// Encoder layers. Default: 2.
        public var layers = 2
        /// Attention heads. Default: 4.
        public var heads = 4
        /// Model width. Default: 128.
        public var dim = 128
        /// FFN hidden width. Default: 512.
        public var ffnDim = 512
        /// Maximum sequence length (`[CLS] A [SEP] B [SEP]` pairs are packed to it). Default: 64.
        public var context = 64
        /// Layer norm: `post` (BERT) or `pre`. Default: post.
        public var norm: BertConfig.Norm = .post
        /// Activation: `gelu` (erf, BERT), `gelu_new` or `relu`. Default: gelu.
        public var activation: BertActivation = .gelu
        /// Sequences per batch. Default: 32.
        public var batch = 32
        /// Optimization steps (the schedule's length; with a budget it is moved to the step where the
        /// budget runs out at the speed measured so far). Default: 4,000.
        public var steps = 4000
        /// Wall-clock training budget in minutes (0: none). Default: 3.5.
        public var minutes = 3.5
        /// Peak learning rate. Default: 0.001.
        public var lr = 0.001
        /// Warm-up steps. Default: 100.
        public var warmup = 100
        /// AdamW decoupled weight decay. Default: 0.01.
        public var weightDecay = 0.01
        /// Global gradient-norm clip (0: off). Default: 1.0.
        public var clip = 1.0
        /// Fraction of the tokens to predict (80% `[MASK]`, 10% random, 10% kept). Default: 0.15.
        public var maskProbability = 0.15
        /// Mask all WordPiece pieces of a word together. Default: false.
        public var wholeWord = false
        /// Seed of the weights, pairs and masks. Default: 1.
        public var seed = 1
        /// Threads (0: those of `lm.threads`). Default: 0.
        public var threads = 0
        /// Steps between held-out evaluations (the accuracy curve). Default: 100.
        public var evalEvery = 100
        /// Held-out batches of the curve's evaluations (pairs spread evenly over the held-out text;
        /// the final evaluation uses all of them). Default: 16.
        public var evalBatches = 16
        /// Fill-mask examples per script (Latin: the English text, Hangul: the Korean). Default: 4.
        public var examples = 4
        /// Candidates shown per fill-mask example. Default: 5.
        public var topK = 5

        /// The defaults.
        public init() {}
    }

    /// Throws a ``PipelineError`` naming the first `mlm.*` field whose value cannot work (nothing is
    /// checked when the track is disabled).
    func validateMLM() throws {
        let m = mlm
        guard m.enabled else { return }
        let field = FieldCheck(prefix: "mlm.")
        try field.real("heldOutFraction", m.heldOutFraction, 0, 0.5, openLower: true, openUpper: true)
        try field.range("vocabSize", m.vocabSize, 6, 1 << 24)
        try field.range("minFrequency", m.minFrequency, 0, Int.max)
        try field.range("layers", m.layers, 1, 64)
        try field.range("heads", m.heads, 1, 256)
        try field.range("dim", m.dim, 1, 16384)
        if m.dim % m.heads != 0 { throw field.fail("heads", "dim \(m.dim) is not divisible by \(m.heads) heads") }
        try field.range("ffnDim", m.ffnDim, 1, 65536)
        try field.range("context", m.context, 5, 4096)
        try field.range("batch", m.batch, 1, 65536)
        try field.range("steps", m.steps, 1, 100_000_000)
        try field.real("minutes", m.minutes, 0, 1e6)
        try field.real("lr", m.lr, 0, 10, openLower: true)
        try field.range("warmup", m.warmup, 0, 100_000_000)
        try field.real("weightDecay", m.weightDecay, 0, 10)
        try field.real("clip", m.clip, 0, 1e9)
        try field.real("maskProbability", m.maskProbability, 0, 1, openLower: true)
        try field.range("seed", m.seed, 0, Int.max)
        try field.range("threads", m.threads, 0, 256)
        try field.range("evalEvery", m.evalEvery, 1, 100_000_000)
        try field.range("evalBatches", m.evalBatches, 1, 1_000_000)
        try field.range("examples", m.examples, 0, 100)
        try field.range("topK", m.topK, 1, 100)
    }

    /// The threads the masked-LM stages use.
    var mlmThreads: Int { mlm.threads > 0 ? mlm.threads : lm.threads }
}
