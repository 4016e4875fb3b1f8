import TensorOps

/// Cuts documents (lists of segments, each a list of token ids) into `[CLS] A [SEP] B [SEP]`
/// pairs packed up to the maximum length, as BERT's `create_pretraining_data.py` does.
///
/// Segments of a document are gathered until they reach the target length; A is a random prefix
/// of them and B the rest (the true next segments). With next-sentence prediction, B is instead
/// drawn from a random place in another document half the time (always when the chunk has one
/// segment), and the unused segments are put back. A pair still longer than the maximum is
/// truncated, one token at a time from the longer side, at its front or back at random; a
/// segment longer than a whole sequence is first cut into sequence-sized pieces. Everything is
/// seeded: the same documents and options give the same pairs.
public struct PairBuilder: Sendable {
    /// The options.
    public let options: PairBuildingOptions
    /// The special-token ids.
    public let specials: SpecialTokenIDs

    /// Creates a builder; throws when the options are invalid.
    public init(options: PairBuildingOptions, specials: SpecialTokenIDs) throws {
        try options.validate()
        self.options = options
        self.specials = specials
    }

    /// Longest A + B without the three special tokens.
    public var maxContentTokens: Int { options.maxLength - 3 }

    /// Builds all pairs from `documents`, with a report of what was truncated and split.
    public func build(_ documents: [[[Int32]]]) -> (pairs: [SentencePair], report: PairBuildingReport) {
        var report = PairBuildingReport()
        let maxTokens = maxContentTokens
        // Cut overlong segments so no single segment exceeds a sequence, and drop empty ones.
        var docs: [[[Int32]]] = []
        for doc in documents {
            var out: [[Int32]] = []
            for segment in doc where !segment.isEmpty {
                report.corpusTokens += segment.count
                if segment.count <= maxTokens {
                    out.append(segment)
                } else {
                    report.splitSegments += 1
                    var start = 0
                    while start < segment.count {
                        out.append(Array(segment[start..<min(start + maxTokens, segment.count)]))
                        start += maxTokens
                    }
                }
            }
            if !out.isEmpty { docs.append(out) }
        }
        var rng = SeededGenerator(seed: options.seed)
        var pairs: [SentencePair] = []
        for d in docs.indices {
            appendPairs(document: d, docs: docs, into: &pairs, report: &report, rng: &rng)
        }
        report.pairs = pairs.count
        return (pairs, report)
    }

    private func appendPairs(
        document d: Int, docs: [[[Int32]]], into pairs: inout [SentencePair], report: inout PairBuildingReport,
        rng: inout SeededGenerator
    ) {
        let doc = docs[d]
        let maxTokens = maxContentTokens
        var target = maxTokens
        if Double(rng.nextUniform()) < options.shortSequenceProbability { target = Self.uniform(2, maxTokens, &rng) }
        var chunk: [[Int32]] = []
        var length = 0
        var i = 0
        while i < doc.count {
            chunk.append(doc[i])
            length += doc[i].count
            if i == doc.count - 1 || length >= target {
                let aEnd = chunk.count >= 2 ? Self.uniform(1, chunk.count - 1, &rng) : 1
                var a = Array(chunk[0..<aEnd].joined())
                var b: [Int32] = []
                var isRandom = false
                if options.nextSentencePrediction && docs.count > 1 && (chunk.count == 1 || rng.nextUniform() < 0.5) {
                    isRandom = true
                    let targetB = max(1, target - a.count)
                    var r = d
                    for _ in 0..<10 where r == d { r = Self.uniform(0, docs.count - 1, &rng) }
                    if r == d { r = (d + 1) % docs.count }
                    let other = docs[r]
                    var j = Self.uniform(0, other.count - 1, &rng)
                    while j < other.count {
                        b += other[j]
                        if b.count >= targetB { break }
                        j += 1
                    }
                    i -= chunk.count - aEnd  // the unused segments start the next chunk
                } else if chunk.count == 1 {
                    // One segment and no random B: split it so B is still its true continuation.
                    if a.count >= 2 {
                        let cut = Self.uniform(1, a.count - 1, &rng)
                        b = Array(a[cut...])
                        a = Array(a[..<cut])
                    }
                } else {
                    b = Array(chunk[aEnd...].joined())
                }
                let before = a.count + b.count
                truncate(&a, &b, to: maxTokens, rng: &rng)
                if a.count + b.count < before {
                    report.truncatedPairs += 1
                    report.truncatedTokens += before - a.count - b.count
                }
                if isRandom { report.randomNext += 1 }
                pairs.append(SentencePair(a: a, b: b, isRandomNext: isRandom, specials: specials))
                chunk.removeAll(keepingCapacity: true)
                length = 0
            }
            i += 1
        }
    }

    /// BERT's `truncate_seq_pair`: drop from the longer of the two, front or back at random.
    private func truncate(_ a: inout [Int32], _ b: inout [Int32], to maxTokens: Int, rng: inout SeededGenerator) {
        while a.count + b.count > maxTokens {
            let front = rng.nextUniform() < 0.5
            if a.count > b.count {
                if front { a.removeFirst() } else { a.removeLast() }
            } else {
                if front { b.removeFirst() } else { b.removeLast() }
            }
        }
    }

    /// A uniform integer in `lo...hi` (`lo` when `hi < lo`).
    static func uniform(_ lo: Int, _ hi: Int, _ rng: inout SeededGenerator) -> Int {
        hi <= lo ? lo : lo + Int(rng.next() % UInt64(hi - lo + 1))
    }
}
