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
    /// How training batches are cut from the stream (a model that carries its state across
    /// batches always reads consecutive windows). Default: sequential.
    public var windows: WindowSampling = .sequential

    /// Default options.
    public init() {}

    /// Decodes saved options; a field missing from the JSON (a checkpoint written before the
    /// field existed) keeps its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingOptions()
        batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? d.batch
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? d.steps
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        minLearningRateFraction = try c.decodeIfPresent(Float.self, forKey: .minLearningRateFraction) ?? d.minLearningRateFraction
        warmup = try c.decodeIfPresent(Int.self, forKey: .warmup) ?? d.warmup
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        clip = try c.decodeIfPresent(Float.self, forKey: .clip) ?? d.clip
        beta1 = try c.decodeIfPresent(Float.self, forKey: .beta1) ?? d.beta1
        beta2 = try c.decodeIfPresent(Float.self, forKey: .beta2) ?? d.beta2
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        evalInterval = try c.decodeIfPresent(Int.self, forKey: .evalInterval) ?? d.evalInterval
        evalBatches = try c.decodeIfPresent(Int.self, forKey: .evalBatches) ?? d.evalBatches
        checkpointInterval = try c.decodeIfPresent(Int.self, forKey: .checkpointInterval) ?? d.checkpointInterval
        windows = try c.decodeIfPresent(WindowSampling.self, forKey: .windows) ?? d.windows
    }

    /// The learning-rate schedule these options describe.
    public var schedule: LearningRateSchedule {
        LearningRateSchedule(peak: learningRate, warmup: warmup, totalSteps: steps, minFraction: minLearningRateFraction)
    }
}
