import Foundation

/// Greedy and beam search over any ``TranslationModel``, one sentence at a time (so a sentence's
/// output never depends on what else is being translated).
///
/// Greedy search appends the most probable token (lowest id on ties) until `<eos>` or the length
/// limit. Beam search keeps `beamSize` hypotheses; each step ranks every (hypothesis, next token)
/// extension by total log-probability (ties: earlier hypothesis, then lower id), takes extensions in
/// that order — one ending in `<eos>` is finished, the others continue — until `beamSize` continue,
/// and stops when `beamSize` hypotheses have finished or the length limit is reached (unfinished
/// ones then finish as they are). The finished hypothesis with the best length-normalized score
/// wins. With `beamSize` 1 this is exactly greedy search.
public struct SequenceDecoder {
    /// The model.
    public let model: any TranslationModel
    /// The search settings.
    public let options: DecodingOptions
    /// Whether the search uses the model's own ``TranslationModel/decoderSession(source:)`` (the
    /// Transformer's key/value cache); false: a ``PrefixDecoderSession`` that recomputes every
    /// prefix (the reference the cache is tested against).
    package var usesModelSession = true

    /// Creates a decoder.
    public init(model: any TranslationModel, options: DecodingOptions) throws(Seq2SeqError) {
        try options.validate()
        self.model = model
        self.options = options
    }

    /// The output ids for `source` (ids ending in `<eos>`), without `<bos>`/`<eos>`.
    public func decode(source: [Int32]) -> [Int32] {
        options.beamSize == 1 ? greedy(source: source) : beam(source: source)
    }

    /// Greedy search.
    public func greedy(source: [Int32]) -> [Int32] {
        let encoded = model.encode(source: source)
        let limit = options.maxOutputLength(sourceLength: encoded.time, modelMaximum: model.maxTargetLength)
        let session = session(encoded)
        var output: [Int32] = []
        var logProbs = session.step(parents: [0], tokens: [model.bosID])[0]
        while output.count < limit {
            let next = Self.argmax(logProbs)
            if next == model.eosID { break }
            output.append(next)
            if output.count < limit { logProbs = session.step(parents: [0], tokens: [next])[0] }
        }
        return output
    }

    func session(_ encoded: EncodedSource) -> any DecoderSession {
        usesModelSession ? model.decoderSession(source: encoded) : PrefixDecoderSession(model: model, source: encoded)
    }

    /// Beam search.
    public func beam(source: [Int32]) -> [Int32] {
        let encoded = model.encode(source: source)
        let limit = options.maxOutputLength(sourceLength: encoded.time, modelMaximum: model.maxTargetLength)
        let width = options.beamSize
        var live: [(tokens: [Int32], score: Double)] = [([model.bosID], 0)]
        var finished: [(tokens: [Int32], score: Double)] = []
        var generated = 0
        let session = session(encoded)
        var logProbs = session.step(parents: [0], tokens: [model.bosID])
        while !live.isEmpty && finished.count < width && generated < limit {
            var candidates: [(beam: Int, token: Int32, score: Double)] = []
            for (b, row) in logProbs.enumerated() {
                for token in Self.topIndices(row, count: 2 * width) {
                    candidates.append((b, token, live[b].score + Double(row[Int(token)])))
                }
            }
            candidates.sort { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.beam != b.beam { return a.beam < b.beam }
                return a.token < b.token
            }
            var next: [(tokens: [Int32], score: Double)] = []
            var parents: [Int] = [], tokens: [Int32] = []
            for candidate in candidates {
                if candidate.token == model.eosID {
                    finished.append((Array(live[candidate.beam].tokens.dropFirst()), candidate.score))
                    if finished.count >= width { break }
                } else {
                    next.append((live[candidate.beam].tokens + [candidate.token], candidate.score))
                    parents.append(candidate.beam)
                    tokens.append(candidate.token)
                    if next.count == width { break }
                }
            }
            live = next
            generated += 1
            if !live.isEmpty && finished.count < width && generated < limit {
                logProbs = session.step(parents: parents, tokens: tokens)
            }
        }
        if finished.count < width {
            for hypothesis in live { finished.append((Array(hypothesis.tokens.dropFirst()), hypothesis.score)) }
        }
        var best: (tokens: [Int32], normalized: Double)?
        for hypothesis in finished {
            let length = Double(hypothesis.tokens.count + 1)
            let normalized = hypothesis.score / Foundation.pow(length, options.lengthPenalty)
            if let current = best, current.normalized >= normalized { continue }
            best = (hypothesis.tokens, normalized)
        }
        return best?.tokens ?? []
    }

    static func argmax(_ row: [Float]) -> Int32 {
        var best = 0
        for i in 1..<row.count where row[i] > row[best] { best = i }
        return Int32(best)
    }

    /// The `count` highest entries' indices, highest first (lower index on ties).
    static func topIndices(_ row: [Float], count: Int) -> [Int32] {
        let k = min(count, row.count)
        var top: [Int] = []
        top.reserveCapacity(k + 1)
        for i in row.indices {
            if top.count == k, let last = top.last, !(row[i] > row[last]) { continue }
            var position = top.count
            while position > 0 && row[i] > row[top[position - 1]] { position -= 1 }
            top.insert(i, at: position)
            if top.count > k { top.removeLast() }
        }
        return top.map { Int32($0) }
    }
}
