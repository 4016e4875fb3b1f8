import CEmbeddingKernels
import Embeddings
import Foundation
import Testing

/// The trainer: it learns co-occurrence, is deterministic with one thread, and rejects bad input.
@Suite struct SkipGramTrainerTests {
    /// Sentences drawn from two disjoint topics: words co-occur only within their topic.
    static func topicCorpus(sentences: Int = 4000) throws -> TrainingCorpus {
        let topics = [(0..<10).map { "alpha\($0)" }, (0..<10).map { "beta\($0)" }]
        var rng: UInt64 = 12345
        var text = ""
        for s in 0..<sentences {
            let topic = topics[s % 2]
            var words: [String] = []
            for _ in 0..<8 {
                rng = rng &* 6364136223846793005 &+ 1442695040888963407
                words.append(topic[Int((rng >> 33) % 10)])
            }
            text += words.joined(separator: " ") + "\n"
        }
        return try WordCorpusBuilder(minCount: 1).build(text: text)
    }

    static func config(threads: Int = 1, seed: UInt64 = 1) -> SkipGramConfiguration {
        var c = SkipGramConfiguration()
        c.dimension = 24
        c.window = 3
        c.epochs = 3
        c.sample = 0
        c.threads = threads
        c.seed = seed
        return c
    }

    @Test(arguments: [(1, true), (2, true), (1, false)])
    func learnsTopics(threads: Int, vectorKernels: Bool) throws {
        let corpus = try Self.topicCorpus()
        var config = Self.config(threads: threads)
        config.vectorKernels = vectorKernels
        let (table, summary) = try SkipGramTrainer(configuration: config).train(corpus)
        #expect(summary.words == corpus.ids.count * 3)
        #expect(table.vectors.allSatisfy { $0.isFinite })
        let index = EmbeddingIndex(table)
        // Cosines of the vectors less their mean: every word of so small a vocabulary also shares
        // one common direction (how much depends on the thread interleaving with two threads),
        // which raises all raw cosines alike and says nothing about the topics.
        let d = table.dimension
        var mean = [Float](repeating: 0, count: d)
        for r in 0..<table.rowCount { for k in 0..<d { mean[k] += table.vectors[r * d + k] / Float(table.rowCount) } }
        func centeredCosine(_ a: Int, _ b: Int) -> Float {
            var dot: Float = 0, na: Float = 0, nb: Float = 0
            for k in 0..<d {
                let x = table.vectors[a * d + k] - mean[k], y = table.vectors[b * d + k] - mean[k]
                dot += x * y; na += x * x; nb += y * y
            }
            return dot / max((na * nb).squareRoot(), 1e-12)
        }
        var within: [Float] = []
        var across: [Float] = []
        for a in 0..<table.rowCount {
            for b in (a + 1)..<table.rowCount {
                let same = table.tokens[a].prefix(4) == table.tokens[b].prefix(4)
                (same ? { within.append($0) } : { across.append($0) })(centeredCosine(a, b))
            }
        }
        let meanWithin = within.reduce(0, +) / Float(within.count)
        let meanAcross = across.reduce(0, +) / Float(across.count)
        #expect(meanWithin > meanAcross + 0.3, "within \(meanWithin), across \(meanAcross)")
        // Every word's nearest neighbour shares its topic.
        for token in table.tokens {
            let best = try #require(try index.similar(to: token, k: 1).first)
            #expect(best.token.prefix(4) == token.prefix(4))
        }
    }

    @Test func oneThreadIsDeterministic() throws {
        let corpus = try Self.topicCorpus(sentences: 1000)
        var config = Self.config()
        config.sample = 1e-3
        let first = try SkipGramTrainer(configuration: config).train(corpus).table
        let second = try SkipGramTrainer(configuration: config).train(corpus).table
        #expect(first.vectors == second.vectors)
        config.seed = 2
        let other = try SkipGramTrainer(configuration: config).train(corpus).table
        #expect(first.vectors != other.vectors)
        // And the files written from it are byte-identical.
        let dir = try TestSupport.temporaryDirectory()
        try first.save(dir + "/a.safetensors", format: .safetensors)
        try second.save(dir + "/b.safetensors", format: .safetensors)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir + "/a.safetensors"))
                == Data(contentsOf: URL(fileURLWithPath: dir + "/b.safetensors")))
    }

    @Test func portableAndVectorKernelsAgree() throws {
        // Same random streams; only rounding differs, so the vectors stay close.
        let corpus = try Self.topicCorpus(sentences: 400)
        var config = Self.config()
        config.epochs = 1
        let vector = try SkipGramTrainer(configuration: config).train(corpus).table
        config.vectorKernels = false
        let portable = try SkipGramTrainer(configuration: config).train(corpus).table
        try #require(vector.vectors.count == portable.vectors.count)
        let largest = zip(vector.vectors, portable.vectors).map { abs($0 - $1) }.max() ?? 0
        let scale = vector.vectors.map { abs($0) }.max() ?? 0
        #expect(scale > 0.05)
        // Only a CPU with AVX2+FMA runs a second loop; elsewhere both runs take the portable one.
        if tsr_w2v_cpu_has_avx2_fma() != 0 {
            #expect(largest > 0)  // two different loops really ran
        } else {
            #expect(largest == 0)
        }
        #expect(largest < scale * 1e-3)
    }

    @Test func untrainedRowsKeepTheirInitialValues() throws {
        let vocab = TokenizerVocabulary(tokens: (0..<6).map { "t\($0)" })
        let config = Self.config()
        let a = try TokenCorpusBuilder(vocabulary: vocab, minCount: 1).build(ids: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
        let b = try TokenCorpusBuilder(vocabulary: vocab, minCount: 1).build(ids: [1, 3, 1, 3, 1, 3, 3, 1])
        let ta = try SkipGramTrainer(configuration: config).train(a).table
        let tb = try SkipGramTrainer(configuration: config).train(b).table
        #expect(a.untrainedRows == [3, 4, 5])
        // Rows 4 and 5 are trained in neither run: same seed, same initial values, within ±0.5/dim.
        for row in [4, 5] {
            #expect(ta.vector(at: row) == tb.vector(at: row))
            #expect(ta.vector(at: row).allSatisfy { abs($0) <= 0.5 / 24 && $0 != 0 })
        }
        #expect(ta.vector(at: 3) != tb.vector(at: 3))
    }

    @Test func rejectsBadOptionsAndTinyCorpora() throws {
        let corpus = try WordCorpusBuilder(minCount: 1).build(text: "one two three\n")
        var config = Self.config()
        config.window = 5
        #expect(throws: EmbeddingsError.corpusTooSmall(words: 3, window: 5)) { try SkipGramTrainer(configuration: config).train(corpus) }
        for change in [
            { (c: inout SkipGramConfiguration) in c.dimension = 0 }, { $0.negative = 0 }, { $0.epochs = 0 },
            { $0.alpha = -1 }, { $0.threads = 0 }, { $0.sample = -1 },
        ] {
            var bad = Self.config()
            change(&bad)
            #expect(throws: EmbeddingsError.self) { try bad.validate() }
        }
        var bad = Self.config()
        bad.dimension = 0
        let error = #expect(throws: EmbeddingsError.self) { try bad.validate() }
        #expect(error?.description == "dimension: must be between 1 and 100000, got 0")
    }
}
