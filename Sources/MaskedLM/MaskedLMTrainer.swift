import Foundation
import NeuralCore
import TensorOps

/// Pretrains a ``BertModel`` on dynamically masked batches with NeuralCore's AdamW, warm-up +
/// cosine schedule and gradient clipping. Batch `step` depends only on the batcher and the step,
/// so the saved state is the step and the optimizer moments: a resumed run continues bit for bit.
public final class MaskedLMTrainer {
    /// The model.
    public let model: BertModel
    /// The optimizer.
    public let optimizer: AdamW
    /// Hyper-parameters (`TrainingOptions.batch` is the batcher's).
    public var options: TrainingOptions
    /// Training batches.
    public let batcher: MaskedLMBatcher
    /// Validation batches (fixed masks).
    public let validation: [MaskedLMBatch]
    /// Special tokens (for the baseline).
    public let specials: SpecialTokenIDs
    /// Updates done so far.
    public var step = 0

    /// Result of one step.
    public struct StepResult: Sendable {
        /// Loss of the batch (MLM, plus NSP when trained).
        public let loss: Float
        /// MLM accuracy on the batch's predicted positions.
        public let accuracy: Float
        /// Learning rate used.
        public let learningRate: Float
        /// Gradient norm before clipping.
        public let gradientNorm: Float
    }

    /// Creates a trainer.
    public init(model: BertModel, options: TrainingOptions, batcher: MaskedLMBatcher, validation: [MaskedLMBatch]) {
        self.model = model
        self.options = options
        self.batcher = batcher
        self.validation = validation
        specials = batcher.masker.specials
        optimizer = AdamW(count: model.parameterCount, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
    }

    /// One optimization step.
    public func trainStep() throws -> StepResult {
        let batch = batcher.batch(step: step)
        model.zeroGradients()
        let out = try model.forward(BertInput(batch, nextSentencePrediction: model.config.nextSentencePrediction))
        try model.backward()
        let norm = GradientClipping.clip(model.gradients, maxNorm: options.clip)
        let lr = options.schedule.rate(at: step)
        optimizer.update(
            parameters: model.parameters, gradients: model.gradients, layout: model.layout.parameters, lr: lr, threads: model.threads)
        step += 1
        return StepResult(
            loss: out.loss, accuracy: Float(out.maskedCorrect) / Float(max(out.maskedCount, 1)), learningRate: lr, gradientNorm: norm)
    }

    /// Loss and accuracy on the validation batches.
    public func evaluate() throws -> MaskedLMEvaluation? {
        validation.isEmpty ? nil : try MaskedLMEvaluation.evaluate(model, batches: validation, specials: specials)
    }

    /// Trains until `options.steps` (or `stopAfter` more steps); `progress` gets each step's result and,
    /// on validation steps, the evaluation; `checkpoint` runs every `options.checkpointInterval` steps and at the end.
    @discardableResult
    public func run(stopAfter: Int? = nil, checkpoint: () throws -> Void, progress: (StepResult, MaskedLMEvaluation?) throws -> Void) throws
        -> Bool
    {
        let first = step
        while step < options.steps {
            if let stopAfter, step - first >= stopAfter { break }
            let result = try trainStep()
            let s = step
            let validate = options.evalInterval > 0 && (s % options.evalInterval == 0 || s == options.steps)
            try progress(result, validate ? try evaluate() : nil)
            if options.checkpointInterval > 0 && s % options.checkpointInterval == 0 && s < options.steps { try checkpoint() }
        }
        try checkpoint()
        return step >= options.steps
    }
}
