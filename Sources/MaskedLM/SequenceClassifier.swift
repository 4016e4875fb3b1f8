import Foundation
import NeuralCore
import TensorOps
import Tokenization

/// Fine-tunes a ``BertModel`` with a classification head on the pooled `[CLS]` state, and
/// predicts with it (GPT-1 / BERT style supervised fine-tuning).
public final class SequenceClassifier {
    /// The model (its ``BertConfig/classLabels`` are the classes).
    public let model: BertModel
    /// Special tokens.
    public let specials: SpecialTokenIDs
    /// The tokenizer.
    public let tokenizer: Tokenizer

    /// Wraps a model that has a classification head.
    public init(model: BertModel, tokenizer: Tokenizer, specials: SpecialTokenIDs) throws {
        if model.config.classLabels.isEmpty { throw MaskedLMError.invalidOption("the model has no classification head") }
        self.model = model
        self.tokenizer = tokenizer
        self.specials = specials
    }

    /// A copy of `pretrained` with a classification head for `labels`: every tensor the two share
    /// is copied; the pooler (unless pretrained with NSP) and the classifier start from N(0, 0.02)
    /// with zero biases, drawn from `seed`.
    public static func withHead(from pretrained: BertModel, labels: [String], seed: UInt64) throws -> BertModel {
        var config = pretrained.config
        config.classLabels = labels
        config.nextSentencePrediction = false
        let model = try BertModel(config: config, threads: pretrained.threads)
        model.initialize(seed: seed)
        var source: [String: ParameterLayout.Entry] = [:]
        for e in pretrained.layout.parameters.entries { source[e.name] = e }
        for e in model.layout.parameters.entries {
            if let s = source[e.name], s.shape == e.shape {
                (model.parameters.pointer + e.offset).update(from: pretrained.parameters.pointer + s.offset, count: e.count)
            }
        }
        return model
    }

    /// `[CLS] text [SEP]` ids, truncated to the model's positions; the flag says whether it was cut.
    public func encode(_ text: String) -> (ids: [Int32], truncated: Bool) {
        var ids = tokenizer.encode(text).map { Int32(truncatingIfNeeded: $0) }
        let room = model.config.maxPositions - 2
        let cut = ids.count > room
        if cut { ids.removeLast(ids.count - room) }
        return ([specials.cls] + ids + [specials.sep], cut)
    }

    /// A padded batch of encoded sequences with their class targets (nil: prediction only).
    func input(_ sequences: [[Int32]], labels: [Int32]?) -> BertInput {
        let B = sequences.count, T = sequences.map(\.count).max() ?? 1
        var tokens = [Int32](repeating: specials.pad, count: B * T)
        for (b, s) in sequences.enumerated() { for (t, id) in s.enumerated() { tokens[b * T + t] = id } }
        return BertInput(
            batch: B, time: T, tokens: tokens, segments: [Int32](repeating: 0, count: B * T), lengths: sequences.map(\.count),
            classLabels: labels)
    }

    /// Class index and probabilities for each sequence, in batches of `batchSize`.
    public func predict(_ sequences: [[Int32]], batchSize: Int = 32) throws -> [(label: Int, probabilities: [Double])] {
        let K = model.config.classLabels.count
        var out: [(label: Int, probabilities: [Double])] = []
        var start = 0
        while start < sequences.count {
            let chunk = Array(sequences[start..<min(start + max(batchSize, 1), sequences.count)])
            try model.forward(input(chunk, labels: nil), rows: .none)
            guard let logits = model.classLogits else { break }
            out += ClassDistribution.rows(logits, rows: chunk.count, classes: K)
            start += chunk.count
        }
        return out
    }

    /// Trains on `examples` (encoded sequences, class indices) for `options.steps` steps of
    /// `options.batch` examples, visiting them in a seeded random order per epoch; `progress` gets
    /// the step and its loss.
    public func train(_ examples: [(ids: [Int32], label: Int32)], options: TrainingOptions, progress: (Int, Float) throws -> Void) throws {
        if examples.isEmpty { throw MaskedLMError.invalidOption("no training examples") }
        let optimizer = AdamW(count: model.parameterCount, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
        var rng = SeededGenerator(seed: options.seed)
        var order: [Int] = []
        var cursor = 0
        for step in 0..<options.steps {
            var chosen: [(ids: [Int32], label: Int32)] = []
            while chosen.count < min(options.batch, examples.count) {
                if cursor == order.count {
                    order = Array(examples.indices)
                    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                    cursor = 0
                }
                chosen.append(examples[order[cursor]])
                cursor += 1
            }
            model.zeroGradients()
            let out = try model.forward(input(chosen.map(\.ids), labels: chosen.map(\.label)), rows: .none)
            try model.backward()
            _ = GradientClipping.clip(model.gradients, maxNorm: options.clip)
            optimizer.update(
                parameters: model.parameters, gradients: model.gradients, layout: model.layout.parameters,
                lr: options.schedule.rate(at: step), threads: model.threads)
            try progress(step + 1, out.loss)
        }
    }
}
