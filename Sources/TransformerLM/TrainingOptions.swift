/// Hyper-parameters of a training run (saved with checkpoints).
public struct TrainingOptions: Codable, Sendable, Equatable {
    public var batch: Int = 16
    public var steps: Int = 2000
    public var learningRate: Float = 1e-3
    public var minLearningRateFraction: Float = 0.1
    public var warmup: Int = 100
    public var weightDecay: Float = 0.1
    public var clip: Float = 1.0
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    public var seed: UInt64 = 1337
    /// Steps between validation runs (0: never).
    public var evalInterval: Int = 100
    /// Validation batches per run.
    public var evalBatches: Int = 10
    /// Steps between checkpoints (0: only at the end).
    public var checkpointInterval: Int = 500

    /// Default options.
    public init() {}

    /// The learning-rate schedule these options describe.
    public var schedule: LearningRateSchedule {
        LearningRateSchedule(peak: learningRate, warmup: warmup, totalSteps: steps, minFraction: minLearningRateFraction)
    }
}
