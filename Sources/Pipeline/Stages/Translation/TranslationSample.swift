extension PipelineRunner {
    /// A test pair and the model's translation of its source.
    struct TranslationSample: Codable {
        var source: String
        var reference: String
        var hypothesis: String
    }
}
