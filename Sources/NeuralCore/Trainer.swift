import Foundation
import TensorOps

/// Runs next-token training of any ``TrainableModel``: sequential or random windows (``WindowSampling``), AdamW, warm-up +
/// cosine schedule, clipping, validation. Its whole state (``step``, ``position``, ``rng``, optimizer moments) is saved by
/// ``Checkpoint`` so that a resumed run continues bit for bit.
public final class Trainer {
    /// The model being trained.
    public let model: any TrainableModel
    /// The optimizer.
    public let optimizer: AdamW
    /// Hyper-parameters.
    public var options: TrainingOptions
    /// Training tokens.
    public let train: TokenStream
    /// Validation tokens.
    public let validation: TokenStream?
    /// Updates done so far.
    public var step: Int = 0
    /// Start of the next training batch in `train`.
    public var position: Int = 0
    /// Dropout randomness.
    public var rng: SeededGenerator

    /// Result of one step.
    public struct StepResult: Sendable {
        /// Training loss of the batch (mean cross-entropy).
        public let loss: Float
        /// Learning rate used.
        public let learningRate: Float
        /// Gradient norm before clipping.
        public let gradientNorm: Float
    }

    /// Creates a trainer; throws when the streams are too short for one batch.
    public init(model: any TrainableModel, options: TrainingOptions, train: TokenStream, validation: TokenStream?) throws {
        self.model = model
        self.options = options
        self.train = train
        self.validation = validation
        let T = model.contextLength
        try train.requireBatch(batch: options.batch, time: T)
        if let validation { try validation.requireBatch(batch: options.batch, time: T) }
        optimizer = AdamW(count: model.parameterCount, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
        rng = SeededGenerator(seed: options.seed &+ 0x5EED)
    }

    /// One optimization step.
    public func trainStep() throws -> StepResult {
        let T = model.contextLength, B = options.batch
        let carry = model.carriesState
        if carry && position == 0 { model.resetState() }
        let batch: (inputs: [Int32], targets: [Int32], next: Int)
        if carry {
            batch = train.laneBatch(at: position, batch: B, time: T)
        } else if options.windows == .random {
            let drawn = train.randomBatch(step: step, seed: options.seed, batch: B, time: T)
            batch = (drawn.inputs, drawn.targets, position)
        } else {
            batch = train.batch(at: position, batch: B, time: T)
        }
        model.zeroGradients()
        let loss = try model.forward(inputs: batch.inputs, targets: batch.targets, batch: B, time: T, training: true, rng: &rng)
        model.backward()
        let norm = GradientClipping.clip(model.gradients, maxNorm: options.clip)
        let lr = options.schedule.rate(at: step)
        optimizer.update(model, lr: lr)
        position = batch.next
        step += 1
        return StepResult(loss: loss, learningRate: lr, gradientNorm: norm)
    }

    /// Mean loss over the first `options.evalBatches` validation batches (no dropout).
    public func validationLoss() throws -> Float? {
        guard let validation else { return nil }
        let T = model.contextLength, B = options.batch
        var pos = 0, total: Double = 0, count = 0
        var scratch = SeededGenerator(seed: 0)
        for _ in 0..<max(options.evalBatches, 1) {
            let batch = validation.batch(at: pos, batch: B, time: T)
            total += Double(
                try model.forward(inputs: batch.inputs, targets: batch.targets, batch: B, time: T, training: false, rng: &scratch))
            count += 1
            pos = batch.next
            if pos == 0 { break }
        }
        return Float(total / Double(count))
    }
}
