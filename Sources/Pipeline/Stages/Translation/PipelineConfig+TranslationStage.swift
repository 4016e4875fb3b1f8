import EncoderDecoder
import Foundation
import NeuralCore

extension PipelineConfig {
    /// Options of the translation track (stages `translation-tokenizer`, `translation-model`,
    /// `translation-evaluate`): sentence pairs split by a hash of the source side, a joint byte-level
    /// BPE tokenizer with `<pad>`, `<bos>`, `<eos>`, an encoder–decoder trained for a wall-clock
    /// budget, BLEU and chrF (sacreBLEU's defaults) on dev and test, example translations and a
    /// cross-attention map in the report. The same options as `tessera train-seq2seq`.
    public struct TranslationStage: Codable, Sendable, Equatable {
        /// Whether the track runs. Default: true.
        public var enabled = true
        /// The sentence pairs (JSONL), relative to the working directory.
        /// Default: `Corpora/parallel/en-ko.ui.sample.jsonl`.
        public var pairs = "Corpora/parallel/en-ko.ui.sample.jsonl"
        /// JSON field of the source sentence. Default: `en`.
        public var sourceField = "en"
        /// JSON field of the target sentence. Default: `ko`.
        public var targetField = "ko"
        /// Split: per-mille of pairs held out for dev (by FNV-1a of the source). Default: 50.
        public var devPerMille = 50
        /// Split: per-mille of pairs held out for test. Default: 50.
        public var testPerMille = 50
        /// Joint tokenizer vocabulary size. Default: 2,000.
        public var vocabSize = 2000
        /// Architecture: transformer, rnn-attention or rnn. Default: transformer.
        public var arch: Seq2SeqConfig.Architecture = .transformer
        /// Recurrent cell of rnn-attention and rnn (lstm or gru). Default: lstm.
        public var cell: RecurrentCell = .lstm
        /// Bidirectional recurrent encoder (rnn-attention and rnn). Default: false.
        public var bidirectional = false
        /// Encoder and decoder layers, each. Default: 2.
        public var layers = 2
        /// Attention heads (transformer). Default: 4.
        public var heads = 4
        /// Model width. Default: 128.
        public var dim = 128
        /// FFN hidden width (transformer). Default: 512.
        public var ffnDim = 512
        /// Most source tokens (`<eos>` included); longer sources are truncated. Default: 64.
        public var maxSourceLength = 64
        /// Most target tokens (`<eos>` included); longer targets are truncated. Default: 64.
        public var maxTargetLength = 64
        /// Label smoothing ε. Default: 0.1.
        public var labelSmoothing = 0.1
        /// Padded tokens per batch. Default: 1,024.
        public var batchTokens = 1024
        /// Optimization steps (the learning-rate schedule's length; about what 2 minutes allow on one
        /// thread of a loaded 2-core machine). Default: 600.
        public var steps = 600
        /// Wall-clock training budget in minutes (0: none); training stops at the budget or after
        /// `steps`, whichever comes first. Default: 2.
        public var minutes = 2.0
        /// Peak learning rate. Default: 0.001.
        public var lr = 0.001
        /// Warm-up steps. Default: 60.
        public var warmup = 60
        /// Random seed (weights, batch order). Default: 1.
        public var seed = 1
        /// Threads (0: those of `lm.threads`). Default: 0.
        public var threads = 0
        /// Beam size of the evaluation's decoding (1: greedy). Default: 1.
        public var beam = 1
        /// Length penalty of beam search. Default: 1.0.
        public var lengthPenalty = 1.0
        /// Test pairs shown in the report beside their references. Default: 8.
        public var examples = 8
        /// The sentence whose cross-attention the report draws. Default: "Could not open the file.".
        public var attentionText = "Could not open the file."

        /// The defaults.
        public init() {}
    }

    /// Throws a ``PipelineError`` naming the first `translation.*` field whose value cannot work
    /// (nothing is checked when the track is disabled).
    func validateTranslation() throws {
        let t = translation
        guard t.enabled else { return }
        let field = FieldCheck(prefix: "translation.")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: t.pairs, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw field.fail("pairs", "\(t.pairs): no such file")
        }
        if t.sourceField.isEmpty { throw field.fail("sourceField", "expected a JSON field name, found an empty string") }
        if t.targetField.isEmpty { throw field.fail("targetField", "expected a JSON field name, found an empty string") }
        try field.range("devPerMille", t.devPerMille, 1, 1000)
        try field.range("testPerMille", t.testPerMille, 1, 1000 - t.devPerMille)
        try field.range("vocabSize", t.vocabSize, 260, 1_000_000)
        try field.range("layers", t.layers, 1, 64)
        try field.range("dim", t.dim, 2, 16384)
        if t.arch == .transformer {
            try field.range("heads", t.heads, 1, 256)
            if t.dim % t.heads != 0 { throw field.fail("heads", "dim \(t.dim) is not divisible by \(t.heads) heads") }
            if t.dim % 2 != 0 { throw field.fail("dim", "sinusoidal positions need an even dim, found \(t.dim)") }
            try field.range("ffnDim", t.ffnDim, 1, 65536)
            if t.bidirectional { throw field.fail("bidirectional", "applies to arch rnn-attention and rnn, not transformer") }
        } else {
            if t.cell == .rnn { throw field.fail("cell", "expected lstm or gru, found rnn") }
        }
        try field.range("maxSourceLength", t.maxSourceLength, 2, 4096)
        try field.range("maxTargetLength", t.maxTargetLength, 2, 4096)
        try field.real("labelSmoothing", t.labelSmoothing, 0, 1, openUpper: true)
        try field.range("batchTokens", t.batchTokens, 1, 10_000_000)
        try field.range("steps", t.steps, 1, 100_000_000)
        try field.real("minutes", t.minutes, 0, 1e6)
        try field.real("lr", t.lr, 0, 10, openLower: true)
        try field.range("warmup", t.warmup, 0, 100_000_000)
        try field.range("seed", t.seed, 0, Int.max)
        try field.range("threads", t.threads, 0, 256)
        try field.range("beam", t.beam, 1, 64)
        try field.real("lengthPenalty", t.lengthPenalty, 0, 10)
        try field.range("examples", t.examples, 0, 1000)
    }

    /// The threads the translation stages use.
    var translationThreads: Int { translation.threads > 0 ? translation.threads : lm.threads }
}
