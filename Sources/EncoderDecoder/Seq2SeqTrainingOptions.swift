import NeuralCore

/// Hyper-parameters of a translation training run (saved with checkpoints).
///
/// Defaults follow the paper's optimizer (Adam β = (0.9, 0.98)) with the project's warm-up +
/// cosine schedule, a token budget per batch instead of a sentence count, and global-norm clipping.
public struct Seq2SeqTrainingOptions: Codable, Sendable, Equatable {
    /// Padded tokens per batch (`sentences × longest side`).
    public var batchTokens: Int = 2048
    /// Total optimizer steps (the schedule's length).
    public var steps: Int = 2000
    /// Peak learning rate.
    public var learningRate: Float = 1e-3
    /// Final learning rate as a fraction of the peak.
    public var minLearningRateFraction: Float = 0.1
    /// Linear warm-up steps.
    public var warmup: Int = 200
    /// AdamW decoupled weight decay (matrices only).
    public var weightDecay: Float = 0.01
    /// Global gradient-norm clip (0: off).
    public var clip: Float = 1.0
    /// Adam β1.
    public var beta1: Float = 0.9
    /// Adam β2.
    public var beta2: Float = 0.98
    /// Seed of the weights and of the batch order.
    public var seed: UInt64 = 1
    /// Steps between validations (dev loss and chrF; 0: only at the end).
    public var evalInterval: Int = 250
    /// Dev sentences translated (greedy) for the chrF shown during training (0: none).
    public var evalSentences: Int = 100
    /// Steps between checkpoints (0: only at the end).
    public var checkpointInterval: Int = 500

    /// Default options.
    public init() {}

    /// The learning-rate schedule.
    public var schedule: LearningRateSchedule {
        LearningRateSchedule(peak: learningRate, warmup: warmup, totalSteps: steps, minFraction: minLearningRateFraction)
    }

    /// Throws naming the first bad value.
    public func validate() throws(Seq2SeqError) {
        guard batchTokens >= 1 else { throw .invalidConfig("batch tokens \(batchTokens): expected at least 1") }
        guard steps >= 1 else { throw .invalidConfig("steps \(steps): expected at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw .invalidConfig("learning rate \(learningRate): expected > 0") }
        guard warmup >= 0 else { throw .invalidConfig("warmup \(warmup): expected at least 0") }
        guard clip >= 0 else { throw .invalidConfig("clip \(clip): expected at least 0") }
        guard evalInterval >= 0, evalSentences >= 0, checkpointInterval >= 0 else {
            throw .invalidConfig("eval interval, eval sentences and checkpoint interval must be at least 0")
        }
    }
}
