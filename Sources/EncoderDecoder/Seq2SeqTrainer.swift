import Foundation
import NeuralCore
import TensorOps
import TranslationMetrics

/// Trains a ``Seq2SeqNetwork`` (any architecture) with teacher forcing on length-bucketed batches: AdamW, the
/// warm-up + cosine schedule and global-norm clipping from NeuralCore.
///
/// Batches are visited epoch by epoch in a seeded order (``LengthBatcher/order(epoch:seed:)``), so
/// the run is a function of (options, data): resuming from a checkpoint continues with exactly the
/// batches and optimizer state an uninterrupted run would have used.
public final class Seq2SeqTrainer {
    /// The model.
    public let model: any Seq2SeqNetwork
    /// The optimizer.
    public let optimizer: AdamW
    /// The options.
    public let options: Seq2SeqTrainingOptions
    /// Updates done.
    public internal(set) var step = 0
    /// The epoch the next batch comes from.
    public internal(set) var epoch = 0
    /// Index of the next batch within the epoch's order.
    public internal(set) var cursor = 0

    /// Called before each step with the step number (1-based) and the indices, into the training
    /// examples, of the batch it trains on — for replaying the same data order elsewhere
    /// (`train-seq2seq --batch-log`); nil: nothing is called.
    package var batchObserver: ((_ step: Int, _ indices: [Int]) -> Void)?

    let examples: [TranslationExample]
    let batcher: LengthBatcher
    var epochOrder: [Int]
    let padID: Int32, bosID: Int32, eosID: Int32

    /// Creates a trainer over encoded training examples.
    public init(model: any Seq2SeqNetwork, examples: [TranslationExample], options: Seq2SeqTrainingOptions) throws(Seq2SeqError) {
        try options.validate()
        guard !examples.isEmpty else { throw .invalidConfig("no training examples") }
        self.model = model
        self.options = options
        self.examples = examples
        optimizer = AdamW(count: model.parameterCount, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
        batcher = try LengthBatcher(examples: examples, tokenBudget: options.batchTokens, seed: options.seed)
        epochOrder = batcher.order(epoch: 0, seed: options.seed)
        padID = model.config.padID
        bosID = model.config.bosID
        eosID = model.config.eosID
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int { batcher.batches.count }

    /// The next training batch (advancing the epoch when one ends).
    func nextBatch() -> TranslationBatch {
        if cursor >= epochOrder.count {
            epoch += 1
            cursor = 0
            epochOrder = batcher.order(epoch: epoch, seed: options.seed)
        }
        let indices = batcher.batches[epochOrder[cursor]]
        cursor += 1
        batchObserver?(step + 1, indices)
        return TranslationBatch(indices.map { examples[$0] }, padID: padID, bosID: bosID, eosID: eosID)
    }

    /// One optimizer step; returns the batch's mean loss, its real target tokens and the gradient norm.
    @discardableResult
    public func trainStep() throws(Seq2SeqError) -> (loss: Float, tokens: Int, gradientNorm: Float) {
        let batch = nextBatch()
        let loss = try model.forward(batch, labelSmoothing: nil)
        model.zeroGradients()
        model.backward()
        let norm = options.clip > 0 ? GradientClipping.clip(model.gradients, maxNorm: options.clip) : GradientClipping.norm(model.gradients)
        optimizer.update(
            parameters: model.parameters, gradients: model.gradients, layout: model.layout,
            lr: options.schedule.rate(at: step), threads: model.threads)
        step += 1
        return (loss, batch.labelCount, norm)
    }

    /// Mean negative log-likelihood per real target token (`<eos>` included, no label smoothing) over `examples`.
    public static func loss(of model: any Seq2SeqNetwork, examples: [TranslationExample], batchTokens: Int) throws(Seq2SeqError) -> Double {
        guard !examples.isEmpty else { return .nan }
        let batcher = try LengthBatcher(examples: examples, tokenBudget: batchTokens, seed: 0)
        var total = 0.0, tokens = 0
        for indices in batcher.batches {
            let batch = TranslationBatch(
                indices.map { examples[$0] }, padID: model.config.padID, bosID: model.config.bosID,
                eosID: model.config.eosID)
            total += Double(try model.forward(batch, labelSmoothing: 0)) * Double(batch.labelCount)
            tokens += batch.labelCount
        }
        return total / Double(max(tokens, 1))
    }

    /// Translates `pairs` with `translator` and scores them against their targets.
    public static func score(_ translator: Translator, pairs: [ParallelPair]) throws -> (
        bleu: BLEUScore, chrf: CHRFScore, hypotheses: [String]
    ) {
        let hypotheses = pairs.map { translator.translate($0.source).text }
        let references = pairs.map(\.target)
        return (
            try BLEU().corpusScore(hypotheses: hypotheses, references: references),
            try CHRF().corpusScore(hypotheses: hypotheses, references: references), hypotheses
        )
    }

    // MARK: State for checkpoints

    /// What a checkpoint saves besides the weights and optimizer moments.
    public struct State: Codable, Sendable, Equatable {
        /// Updates done.
        public var step: Int
        /// Current epoch.
        public var epoch: Int
        /// Next batch within the epoch.
        public var cursor: Int
        /// AdamW's own step count.
        public var adamStep: Int
        /// The run's options.
        public var options: Seq2SeqTrainingOptions
    }

    /// The current state.
    public var state: State {
        State(step: step, epoch: epoch, cursor: cursor, adamStep: optimizer.step, options: options)
    }

    /// Restores a saved state (the weights and moments are loaded separately).
    public func restore(_ state: State) {
        step = state.step
        epoch = state.epoch
        cursor = state.cursor
        optimizer.step = state.adamStep
        epochOrder = batcher.order(epoch: epoch, seed: options.seed)
    }
}
