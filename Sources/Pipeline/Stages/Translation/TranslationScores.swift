extension PipelineRunner {
    /// BLEU, chrF and loss of the translation model on one part of the split.
    struct TranslationScores: Codable {
        /// `dev` or `test`.
        var split: String
        var sentences: Int
        /// sacreBLEU's default BLEU (13a, exponential smoothing).
        var bleu: Double
        /// sacreBLEU's default chrF (character order 6, β 2).
        var chrf: Double
        /// Mean negative log-likelihood per target token under teacher forcing.
        var loss: Double
        var decodeSeconds: Double
    }
}
