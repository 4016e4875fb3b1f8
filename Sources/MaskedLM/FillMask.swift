import Foundation
import Tokenization

/// Predicts the tokens behind the `[MASK]` tokens of a text with a masked-LM model.
public enum FillMask {
    /// One candidate for a masked position.
    public struct Candidate: Sendable, Equatable {
        /// Token id.
        public var id: Int
        /// Token string.
        public var token: String
        /// Softmax probability.
        public var probability: Double
    }

    /// The result for one text.
    public struct Result: Sendable {
        /// Per `[MASK]` in the text (in order), the top candidates, most probable first.
        public var masks: [[Candidate]]
        /// Tokens cut because `[CLS] text [SEP]` was longer than the model's positions.
        public var truncatedTokens: Int
    }

    /// Encodes `[CLS] text [SEP]` (truncated to the model's positions), runs the model and returns
    /// the `topK` most probable tokens at each `[MASK]`. Throws for an empty text or one without `[MASK]`.
    public static func predict(_ model: BertModel, tokenizer: Tokenizer, specials: SpecialTokenIDs, text: String, topK: Int) throws
        -> Result
    {
        if text.allSatisfy({ $0.isWhitespace }) { throw MaskedLMError.invalidOption("the text is empty") }
        var ids = tokenizer.encode(text).map { Int32(truncatingIfNeeded: $0) }
        let room = model.config.maxPositions - 2
        let truncated = max(0, ids.count - room)
        if truncated > 0 { ids.removeLast(truncated) }
        let tokens = [specials.cls] + ids + [specials.sep]
        let positions = tokens.indices.filter { tokens[$0] == specials.mask }
        if positions.isEmpty {
            throw MaskedLMError.invalidOption(
                truncated > 0
                    ? "no [MASK] within the model's \(model.config.maxPositions) positions"
                    : "the text has no [MASK] token")
        }
        let T = tokens.count
        try model.forward(
            BertInput(batch: 1, time: T, tokens: tokens, segments: [Int32](repeating: 0, count: T), lengths: [T]),
            rows: .positions(positions))
        guard let logits = model.maskedLogits else { return Result(masks: [], truncatedTokens: truncated) }
        let V = model.config.vocabSize
        var masks: [[Candidate]] = []
        for r in positions.indices {
            let row = logits + r * V
            var maxValue = -Float.infinity
            for v in 0..<V { maxValue = max(maxValue, row[v]) }
            var sum: Double = 0
            for v in 0..<V { sum += exp(Double(row[v] - maxValue)) }
            let best = (0..<V).sorted { row[$0] > row[$1] }.prefix(max(topK, 1))
            masks.append(
                best.map { v in
                    Candidate(id: v, token: tokenizer.token(for: UInt32(v)) ?? "", probability: exp(Double(row[v] - maxValue)) / sum)
                })
        }
        return Result(masks: masks, truncatedTokens: truncated)
    }
}
