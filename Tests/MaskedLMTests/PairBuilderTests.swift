import MaskedLM
import TensorOps
import Testing

/// Documents → `[CLS] A [SEP] B [SEP]` pairs: structure, packing, next-sentence sampling, truncation.
@Suite struct PairBuilderTests {
    static let specials = SpecialTokenIDs(cls: 2, sep: 3, mask: 4, pad: 0, unknown: 1)

    /// Random documents whose ids count up through the whole corpus (from 10), so a pair shows
    /// where its tokens came from. Returns the documents and, per id, its document.
    static func documents(count: Int, seed: UInt64, maxSegment: Int = 12) -> ([[[Int32]]], [Int32: Int]) {
        var rng = SeededGenerator(seed: seed)
        var next: Int32 = 10
        var docs: [[[Int32]]] = []
        var owner: [Int32: Int] = [:]
        for d in 0..<count {
            var doc: [[Int32]] = []
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let n = 1 + Int(rng.next() % UInt64(maxSegment))
                doc.append(
                    (0..<n).map { _ in
                        owner[next] = d; next += 1; return next - 1
                    })
            }
            docs.append(doc)
        }
        return (docs, owner)
    }

    /// Splits a pair into A and B, checking the specials and the segment ids.
    static func parts(_ p: SentencePair, _ n: Int) -> (a: [Int32], b: [Int32]) {
        let seps = p.tokens.indices.filter { p.tokens[$0] == specials.sep }
        #expect(p.tokens.first == specials.cls && seps.count == 2 && seps.last == p.tokens.count - 1, "pair \(n): \(p.tokens)")
        guard seps.count == 2 else { return ([], []) }
        #expect(
            p.segments == [Int32](repeating: 0, count: seps[0] + 1) + [Int32](repeating: 1, count: seps[1] - seps[0]), "pair \(n) segments")
        return (Array(p.tokens[1..<seps[0]]), Array(p.tokens[(seps[0] + 1)..<seps[1]]))
    }

    static func consecutive(_ x: [Int32]) -> Bool { zip(x, x.dropFirst()).allSatisfy { $1 == $0 + 1 } }

    @Test(arguments: [8, 16, 40])
    func withoutNSPEveryTokenIsUsedOnceInOrder(maxLength: Int) throws {
        let (docs, owner) = Self.documents(count: 30, seed: UInt64(maxLength))
        let builder = try PairBuilder(options: PairBuildingOptions(maxLength: maxLength, seed: 9), specials: Self.specials)
        let (pairs, report) = builder.build(docs)
        var used = 0
        var seen = Set<Int32>()
        for (n, p) in pairs.enumerated() {
            #expect(p.tokens.count <= maxLength && !p.isRandomNext, "pair \(n)")
            let (a, b) = Self.parts(p, n)
            #expect(!a.isEmpty, "pair \(n): empty A")
            // A and B are runs of one document, B after A: the true next segment.
            #expect(Self.consecutive(a) && Self.consecutive(b), "pair \(n): \(a) | \(b)")
            if let la = a.last, let fb = b.first { #expect(fb > la && owner[fb] == owner[la], "pair \(n): \(a) | \(b)") }
            for t in a + b { #expect(seen.insert(t).inserted, "pair \(n): token \(t) used twice") }
            used += a.count + b.count
        }
        // Nothing is lost except what truncation reports.
        #expect(used + report.truncatedTokens == report.corpusTokens, "\(report)")
        #expect(report.pairs == pairs.count && report.randomNext == 0)
    }

    @Test func packsSequencesUpToTheMaximum() throws {
        // 20 long documents of 40 short segments each.
        var rng = SeededGenerator(seed: 4)
        let docs: [[[Int32]]] = (0..<20).map { _ in (0..<40).map { _ in (0..<(1 + Int(rng.next() % 5))).map { _ in 10 } } }
        let options = PairBuildingOptions(maxLength: 32, shortSequenceProbability: 0, seed: 2)
        let (pairs, _) = try PairBuilder(options: options, specials: Self.specials).build(docs)
        // Short segments are gathered until the target: all pairs but each document's last are full
        // or within one segment (≤ 5 tokens, then truncated) of it.
        let full = pairs.filter { $0.tokens.count >= 32 - 4 }.count
        #expect(full >= pairs.count - 20, "\(full) of \(pairs.count) near full")
    }

    @Test func nextSentencePredictionDrawsRandomBHalfTheTime() throws {
        let (docs, owner) = Self.documents(count: 400, seed: 11)
        let builder = try PairBuilder(
            options: PairBuildingOptions(maxLength: 24, nextSentencePrediction: true, seed: 5), specials: Self.specials)
        let (pairs, report) = builder.build(docs)
        var random = 0
        for (n, p) in pairs.enumerated() {
            let (a, b) = Self.parts(p, n)
            #expect(p.tokens.count <= 24 && !a.isEmpty, "pair \(n)")
            guard let la = a.last, let fb = b.first else { continue }
            if p.isRandomNext {
                random += 1
                #expect(owner[fb] != owner[la], "pair \(n): random B from the same document")
            } else {
                #expect(fb > la && owner[fb] == owner[la], "pair \(n): true B is not the continuation")
            }
        }
        #expect(report.randomNext == random)
        // Single-segment chunks always take a random B, so a little over half.
        let share = Double(random) / Double(pairs.count)
        #expect(share > 0.45 && share < 0.7, "random share \(share) of \(pairs.count)")
        #expect(report.truncatedPairs > 0 && report.truncatedTokens >= report.truncatedPairs, "\(report)")
    }

    @Test func longSegmentsAreSplitAndCounted() throws {
        let long = (0..<100).map { Int32(10 + $0) }
        let builder = try PairBuilder(options: PairBuildingOptions(maxLength: 20, seed: 1), specials: Self.specials)
        let (pairs, report) = builder.build([[long], [[200, 201]]])
        #expect(report.splitSegments == 1 && report.corpusTokens == 102)
        #expect(pairs.allSatisfy { $0.tokens.count <= 20 })
        #expect(pairs.reduce(0) { $0 + $1.tokens.count - 3 } + report.truncatedTokens == 102)
    }

    @Test func seededAndDeterministic() throws {
        let (docs, _) = Self.documents(count: 50, seed: 8)
        let options = PairBuildingOptions(maxLength: 24, nextSentencePrediction: true, seed: 12)
        let first = try PairBuilder(options: options, specials: Self.specials).build(docs).pairs
        let again = try PairBuilder(options: options, specials: Self.specials).build(docs).pairs
        var other = options
        other.seed = 13
        #expect(first == again)
        #expect(first != (try PairBuilder(options: other, specials: Self.specials).build(docs).pairs))
    }

    @Test func rejectsAMaximumTooShortForAPair() {
        #expect(throws: MaskedLMError.invalidOption("maxLength 4 must be at least 5 ([CLS] A [SEP] B [SEP])")) {
            _ = try PairBuilder(options: PairBuildingOptions(maxLength: 4), specials: Self.specials)
        }
    }
}

/// Reading documents from text: lines are segments, blank lines separate documents, LF or CRLF.
@Suite struct MaskedLMCorpusTests {
    @Test func blankLinesSeparateDocumentsWithEitherLineEnd() throws {
        let tok = try TestSupport.tokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "dog"])
        for newline in ["\n", "\r\n"] {
            let text = ["the cat", "sat", "", "  ", "dog the", ""].joined(separator: newline)
            let docs = MaskedLMCorpus.documents(text: text, tokenizer: tok)
            #expect(docs == [[[5, 6], [7]], [[8, 5]]], "newline \(newline.unicodeScalars.map { $0.value }): \(docs)")
        }
    }
}
