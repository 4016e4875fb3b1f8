extension PipelineRunner {
    /// One point of the masked-LM curves (`mlm/curve.json`): the mean training loss and accuracy
    /// of the last steps, or a held-out evaluation with fixed masks.
    struct MLMCurvePoint: Codable {
        var step: Int
        var seconds: Double
        var trainLoss: Double?
        var trainAccuracy: Double?
        var heldOutLoss: Double?
        var heldOutAccuracy: Double?
        var unigramAccuracy: Double?
    }
}
