extension PipelineRunner {
    /// `mlm/evaluation.json`: masked-token loss and accuracy on all the held-out pairs (fixed masks)
    /// with the unigram baseline, and the fill-mask examples.
    struct MLMEvaluationFile: Codable {
        var loss: Double
        var accuracy: Double
        var maskedTokens: Int
        var unigramAccuracy: Double
        var unigramLoss: Double
        var sequences: Int
        var examples: [FillMaskExample]
    }
}
