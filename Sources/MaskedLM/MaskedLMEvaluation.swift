import Foundation

/// Masked-token loss and accuracy over a set of batches, with the unigram baseline.
public struct MaskedLMEvaluation: Sendable, Equatable {
    /// Mean cross-entropy over the predicted positions (nats).
    public var loss: Double
    /// Fraction of predicted positions whose arg-max is the original token.
    public var accuracy: Double
    /// Predicted positions.
    public var maskedTokens: Int
    /// Accuracy of always predicting the most frequent non-special token of the same positions'
    /// text (a unigram model fitted on the evaluated text itself, so an optimistic baseline).
    public var unigramAccuracy: Double
    /// Cross-entropy of that unigram distribution on the predicted positions (nats).
    public var unigramLoss: Double

    /// Creates an evaluation from its parts.
    public init(loss: Double, accuracy: Double, maskedTokens: Int, unigramAccuracy: Double, unigramLoss: Double) {
        self.loss = loss
        self.accuracy = accuracy
        self.maskedTokens = maskedTokens
        self.unigramAccuracy = unigramAccuracy
        self.unigramLoss = unigramLoss
    }

    /// Evaluates `model` on `batches` (MLM head only).
    public static func evaluate(_ model: BertModel, batches: [MaskedLMBatch], specials: SpecialTokenIDs) throws -> MaskedLMEvaluation {
        var lossSum: Double = 0, correct = 0, count = 0
        var unigram = [Int](repeating: 0, count: model.config.vocabSize)
        var targets: [Int32] = []
        let special = specials.all
        for b in batches {
            let out = try model.forward(BertInput(b, nextSentencePrediction: false))
            lossSum += Double(out.maskedLoss ?? 0) * Double(out.maskedCount)
            correct += out.maskedCorrect
            count += out.maskedCount
            for r in 0..<b.batch {
                for t in 0..<b.lengths[r] {
                    let i = r * b.time + t
                    let original = b.labels[i] != MaskedSequence.ignoreLabel ? b.labels[i] : b.inputs[i]
                    if !special.contains(original) { unigram[Int(original)] += 1 }
                }
            }
            targets += b.labels.filter { $0 != MaskedSequence.ignoreLabel }
        }
        let total = Double(max(unigram.reduce(0, +), 1))
        let best = unigram.indices.max { unigram[$0] < unigram[$1] } ?? 0
        let hits = targets.filter { Int($0) == best }.count
        var unigramLoss: Double = 0
        for t in targets { unigramLoss -= log(max(Double(unigram[Int(t)]), 0.5) / total) }
        let n = Double(max(count, 1))
        return MaskedLMEvaluation(
            loss: lossSum / n, accuracy: Double(correct) / n, maskedTokens: count,
            unigramAccuracy: Double(hits) / Double(max(targets.count, 1)), unigramLoss: unigramLoss / Double(max(targets.count, 1)))
    }
}
