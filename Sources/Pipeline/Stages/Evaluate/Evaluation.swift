extension PipelineRunner {
    /// What the evaluate stage writes.
    struct Evaluation: Codable {
        var loss: Double
        var perplexity: Double
        var bitsPerByte: Double
        var tokens: Int
        var unigramLoss: Double
    }
}
