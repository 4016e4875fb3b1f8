extension PipelineRunner {
    /// One point of the loss curves.
    struct CurvePoint: Codable {
        var step: Int
        var trainLoss: Double?
        var valLoss: Double?
    }
}
