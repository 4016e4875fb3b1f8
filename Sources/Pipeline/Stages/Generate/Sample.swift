extension PipelineRunner {
    /// A generated sample.
    struct Sample: Codable {
        var prompt: String
        var text: String
    }
}
