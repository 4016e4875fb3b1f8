extension PipelineRunner {
    /// One point of the loss curves.
    struct CurvePoint: Codable {
        var step: Int
        var trainLoss: Double?
        var valLoss: Double?
        /// Training wall time at this point (seconds since the stage started training; nil in runs
        /// made before it was recorded).
        var seconds: Double? = nil
    }
}
