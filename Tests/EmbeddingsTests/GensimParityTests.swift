import Embeddings
import Foundation
import Testing

/// Tessera reads what gensim wrote and computes what gensim computes (fixtures by make_fixtures.py).
@Suite struct GensimParityTests {
    @Test func readsGensimTextAndBinaryVectors() throws {
        let expected = try TestSupport.expected()
        let text = try Word2VecFormat.read(TestSupport.fixture("gensim_small.vec"), binary: false)
        let binary = try Word2VecFormat.read(TestSupport.fixture("gensim_small.bin"), binary: true)
        #expect(text.rowCount == expected["rows"] as? Int)
        #expect(text.dimension == expected["dim"] as? Int)
        #expect(Array(text.tokens.prefix(5)) == expected["first_tokens"] as? [String])
        #expect(text.tokens == binary.tokens)
        #expect(text.vectors == binary.vectors)  // gensim writes repr(float32): text is exact
        let vectors = try #require(expected["vectors"] as? [String: [Double]])
        for (word, values) in vectors {
            let row = try #require(binary.row(named: word))
            #expect(binary.vector(at: row) == values.map { Float($0) })
        }
        // The format sniffing of EmbeddingTable.load picks the same readers.
        #expect(try EmbeddingTable.load(TestSupport.fixture("gensim_small.bin")) == binary)
    }

    @Test func mostSimilarMatchesGensim() throws {
        let expected = try #require(try TestSupport.expected()["most_similar"] as? [String: [[Any]]])
        let index = EmbeddingIndex(try Word2VecFormat.read(TestSupport.fixture("gensim_small.bin"), binary: true))
        for (word, neighbours) in expected {
            let ours = try index.similar(to: word, k: neighbours.count)
            #expect(ours.map(\.token) == neighbours.map { $0[0] as? String ?? "" })
            try #require(ours.count == neighbours.count)
            for (mine, theirs) in zip(ours, neighbours) {
                #expect(abs(Double(mine.score) - (theirs[1] as? Double ?? .nan)) < 1e-5)
            }
        }
    }

    @Test(arguments: [3000, 1000])
    func analogyCountsMatchGensim(restrict: Int) throws {
        let restricts = try #require(try TestSupport.expected()["analogy_restricts"] as? [String: [String: Any]])
        let reference = try #require(restricts[String(restrict)])
        let index = EmbeddingIndex(try Word2VecFormat.read(TestSupport.fixture("gensim_small.bin"), binary: true))
        let result = try AnalogyEvaluation.evaluate(index, questionsPath: TestSupport.fixture("questions_small.txt"), restrict: restrict)
        let sections = try #require(reference["sections"] as? [[String: Any]])
        // gensim lists every section in file order, then a "Total accuracy" one.
        let own = sections.filter { ($0["section"] as? String) != "Total accuracy" }
        #expect(result.sections.map(\.name) == own.map { $0["section"] as? String ?? "" })
        #expect(result.answered > restrict / 100)  // enough answered questions to mean something
        try #require(result.sections.count == own.count)
        for (mine, theirs) in zip(result.sections, own) {
            #expect(mine.correct == theirs["correct"] as? Int)
            #expect(mine.answered - mine.correct == theirs["incorrect"] as? Int)
        }
        #expect(abs(result.accuracy - (reference["accuracy"] as? Double ?? .nan)) < 1e-12)
        // The two malformed lines make_fixtures.py inserted: the 4th and the 8th line.
        #expect(result.skipped.map(\.line) == [4, 8])
    }

    @Test func wordPairCorrelationsMatchGensim() throws {
        let reference = try #require(try TestSupport.expected()["wordsim"] as? [String: Double])
        let index = EmbeddingIndex(try Word2VecFormat.read(TestSupport.fixture("gensim_small.vec"), binary: false))
        let result = try SimilarityEvaluation.evaluate(index, pairsPath: TestSupport.fixture("wordsim353.tsv"))
        #expect(abs(result.spearman - reference["spearman"]!) < 1e-4)
        #expect(abs(result.pearson - reference["pearson"]!) < 1e-4)
        #expect(abs(result.outOfVocabularyRatio * 100 - reference["oov_percent"]!) < 1e-9)
        #expect(result.skipped.isEmpty)
    }
}
