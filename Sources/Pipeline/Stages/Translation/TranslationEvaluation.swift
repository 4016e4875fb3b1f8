extension PipelineRunner {
    /// `translation/evaluation.json`: the scores on dev and test, the decoding and metric settings,
    /// and example translations of the test part.
    struct TranslationEvaluation: Codable {
        var scores: [TranslationScores]
        var examples: [TranslationSample]
        var beam: Int
        var lengthPenalty: Double
        var bleuSignature: String
        var chrfSignature: String
    }
}
