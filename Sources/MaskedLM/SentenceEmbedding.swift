import Tokenization

/// Sentence vectors from a BERT encoder's last hidden states.
public enum SentenceEmbedding {
    /// How the token states become one vector.
    public enum Pooling: String, Sendable, CaseIterable {
        /// The `[CLS]` state.
        case cls
        /// The mean over the real tokens (specials included, padding excluded).
        case mean
    }

    /// One vector per text (`[CLS] text [SEP]`, truncated to the model's positions), computed in
    /// batches of `batchSize`. Returns the vectors and the number of texts that were truncated.
    /// Throws for an empty text, naming its index.
    public static func embed(
        _ model: BertModel, tokenizer: Tokenizer, specials: SpecialTokenIDs, texts: [String], pooling: Pooling,
        batchSize: Int = 16
    ) throws -> (vectors: [[Float]], truncated: Int) {
        let C = model.config.dim, room = model.config.maxPositions - 2
        var sequences: [[Int32]] = []
        var truncated = 0
        for (i, text) in texts.enumerated() {
            var ids = tokenizer.encode(text).map { Int32(truncatingIfNeeded: $0) }
            if ids.isEmpty { throw MaskedLMError.invalidOption("text \(i + 1) is empty") }
            if ids.count > room { ids.removeLast(ids.count - room); truncated += 1 }
            sequences.append([specials.cls] + ids + [specials.sep])
        }
        var vectors: [[Float]] = []
        var start = 0
        while start < sequences.count {
            let chunk = Array(sequences[start..<min(start + max(batchSize, 1), sequences.count)])
            let B = chunk.count, T = chunk.map(\.count).max() ?? 1
            var tokens = [Int32](repeating: specials.pad, count: B * T)
            for (b, s) in chunk.enumerated() { for (t, id) in s.enumerated() { tokens[b * T + t] = id } }
            try model.forward(
                BertInput(
                    batch: B, time: T, tokens: tokens, segments: [Int32](repeating: 0, count: B * T),
                    lengths: chunk.map(\.count)), rows: .none)
            guard let h = model.hiddenStates else { break }
            for (b, s) in chunk.enumerated() {
                var v = [Float](repeating: 0, count: C)
                switch pooling {
                case .cls:
                    for c in 0..<C { v[c] = h[b * T * C + c] }
                case .mean:
                    for t in 0..<s.count { for c in 0..<C { v[c] += h[(b * T + t) * C + c] } }
                    for c in 0..<C { v[c] /= Float(s.count) }
                }
                vectors.append(v)
            }
            start += B
        }
        return (vectors, truncated)
    }
}
