/// Hyper-parameters of a training run (saved with checkpoints).
public struct TrainingOptions: Codable, Sendable, Equatable {
    /// Sequences per batch.
    public var batch: Int = 16
    /// Total steps (the schedule's length).
    public var steps: Int = 2000
    /// Peak learning rate.
    public var learningRate: Float = 1e-3
    /// Final learning rate as a fraction of the peak.
    public var minLearningRateFraction: Float = 0.1
    /// Linear warm-up steps.
    public var warmup: Int = 100
    /// AdamW decoupled weight decay.
    public var weightDecay: Float = 0.1
    /// Global gradient-norm clip (0: off).
    public var clip: Float = 1.0
    /// AdamW β1.
    public var beta1: Float = 0.9
    /// AdamW β2.
    public var beta2: Float = 0.95
    /// Seed of the dropout generator.
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
