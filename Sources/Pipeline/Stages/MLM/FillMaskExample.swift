extension PipelineRunner {
    /// A held-out line with one word replaced by `[MASK]`, and the model's top candidates.
    struct FillMaskExample: Codable {
        /// `Latin` or `Hangul`.
        var script: String
        /// The line with `[MASK]` in place of the word.
        var text: String
        /// The word that was masked.
        var word: String
        /// The most probable tokens, most probable first.
        var candidates: [FillMaskCandidate]
    }

    /// One candidate token of a fill-mask example.
    struct FillMaskCandidate: Codable {
        var token: String
        var probability: Double
    }
}
