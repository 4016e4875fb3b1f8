import Embeddings
import Foundation
import Testing

/// Evaluation files: malformed lines, out-of-vocabulary counting, statistics.
@Suite struct EvaluationTests {
    static func index() throws -> EmbeddingIndex {
        EmbeddingIndex(try Word2VecFormat.read(TestSupport.fixture("gensim_small.bin"), binary: true))
    }

    @Test func malformedAnalogyLinesAreSkippedWithLineNumbers() throws {
        let questions = "king queen man\n: family\nking queen man woman\nboy girl\nbrother sister zzzunknown sister\n"
        let result = try AnalogyEvaluation.evaluate(try Self.index(), questions: questions)
        #expect(result.skipped.map(\.line) == [1, 4])
        #expect(result.sections.map(\.name) == ["family"])
        #expect(result.answered == 1)
        #expect(result.outOfVocabulary == 1)
        #expect(throws: EmbeddingsError.self) { try AnalogyEvaluation.evaluate(try Self.index(), questions: "\n\n") }
    }

    @Test func analogyAnswerIsTheBestOtherWord() throws {
        let index = try Self.index()
        let answers = try index.analogy("man", "king", "woman", k: 3)
        #expect(answers.count == 3)
        #expect(!answers.contains { ["man", "king", "woman"].contains($0.token) })
        #expect(answers[0].score >= answers[1].score && answers[1].score >= answers[2].score)
        #expect(throws: EmbeddingsError.unknownWord("zzzunknown")) { try index.similar(to: "zzzunknown") }
    }

    @Test func similarityHandlesCommentsOOVAndMalformedLines() throws {
        let pairs =
            "# comment\nking\tqueen\t8.5\nking\tzzzunknown\t3\nbad line\nman\twoman\tnot-a-number\nfather\tmother\t6.77\nday\tnight\t7\n"
        let result = try SimilarityEvaluation.evaluate(try Self.index(), pairs: pairs)
        // king/zzzunknown is out of vocabulary; lines 4 and 5 are malformed.
        #expect(result.pairs == 3)
        #expect(result.outOfVocabulary == 1)
        #expect(result.skipped.map(\.line) == [4, 5])
        // Spearman's rho of the three scored pairs, from ranks computed here (no ties: 1 - 6 sum d^2 / (n (n^2 - 1))).
        let index = try Self.index()
        let scored: [(String, String, Double)] = [("king", "queen", 8.5), ("father", "mother", 6.77), ("day", "night", 7)]
        let cosines = try scored.map { Double(index.cosine(try index.row(of: $0.0), try index.row(of: $0.1))) }
        try #require(Set(cosines).count == scored.count)
        func ranks(_ values: [Double]) -> [Double] { values.map { v in Double(values.filter { $0 < v }.count + 1) } }
        let d2 = zip(ranks(scored.map(\.2)), ranks(cosines)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        let n = Double(scored.count)
        #expect(abs(result.spearman - (1 - 6 * d2 / (n * (n * n - 1)))) < 1e-12, "cosines \(cosines)")
    }
}
