import ArtifactIO
import Embeddings
import Foundation
import TestFixtures
import Testing
import Tokenization

/// Token-mode Word2Vec reading its shard in place (memory-mapped) trains exactly what the
/// in-memory stream trains.
@Suite struct MappedShardCorpusTests {
    @Test func mappedCorpusHasTheInMemoryCountsAndSentences() throws {
        let dir = try TestSupport.temporaryDirectory()
        let vocab = TokenizerVocabulary(tokens: (0..<10).map { "t\($0)" }, specialIDs: [9])
        let ids: [UInt32] = [1, 2, 3, 9, 1, 2, 7, 3, 3, 9, 4, 4]
        try TokenShard.write(ids, vocabularySize: 10, to: dir + "/a.bin")
        let builder = TokenCorpusBuilder(vocabulary: vocab, minCount: 2)
        let memory = try builder.build(shardPath: dir + "/a.bin")
        let mapped = try builder.buildMapped(shardPath: dir + "/a.bin")
        #expect(mapped.counts == memory.counts)
        #expect(mapped.wordCount == memory.ids.count)
        #expect(mapped.sentenceCount == memory.sentenceCount)
        #expect(mapped.ids.isEmpty && mapped.shardStream != nil)

        // Bad shards: the same errors as the in-memory reader.
        try TokenShard.write([1, 2, 12, 3], vocabularySize: 100, to: dir + "/b.bin")
        #expect(throws: EmbeddingsError.tokenOutOfRange(path: dir + "/b.bin", index: 2, byteOffset: 1024 + 4, id: 12, vocabularySize: 10)) {
            try builder.buildMapped(shardPath: dir + "/b.bin")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.bin"))
        try bytes.dropLast().write(to: URL(fileURLWithPath: dir + "/c.bin"))
        #expect(throws: TokenShardError.self) { try builder.buildMapped(shardPath: dir + "/c.bin") }
    }

    @Test(arguments: [2, 4] as [Int]) func mappedTrainingEqualsInMemoryTrainingOnOneThread(bytesPerToken: Int) throws {
        // 60,000 ids over 300 rows (several 10,000-word jobs), a special id ending sentences now
        // and then, rare ids dropped by min count, sentences cut every 37 ids.
        let seed: UInt64 = 20_241_201
        var rng = SeededRandom(seed: seed)
        let vocabularySize = bytesPerToken == 2 ? 300 : 70_000
        let special = 299
        let ids: [UInt32] = (0..<60_000).map { _ in
            if rng.next() % 97 == 0 { return UInt32(special) }
            // Zipf-like: small ids are frequent; ids 280..298 are rare.
            let r = Double(rng.next() % 1_000_000) / 1_000_000
            return UInt32(min(298, Int(pow(r, 3) * 299)))
        }
        let dir = try TestSupport.temporaryDirectory()
        try TokenShard.write(ids, vocabularySize: vocabularySize, to: dir + "/s.bin")
        let vocab = TokenizerVocabulary(tokens: (0..<vocabularySize).map { "t\($0)" }, specialIDs: [special])
        let builder = TokenCorpusBuilder(vocabulary: vocab, minCount: 5, maxSentenceLength: 37)
        let memory = try builder.build(shardPath: dir + "/s.bin")
        let mapped = try builder.buildMapped(shardPath: dir + "/s.bin")
        #expect(mapped.counts == memory.counts)
        #expect(mapped.wordCount == memory.ids.count && mapped.sentenceCount == memory.sentenceCount)

        var config = SkipGramConfiguration()
        config.dimension = 16
        config.window = 3
        config.negative = 3
        config.epochs = 2
        config.threads = 1
        config.seed = 7
        let a = try SkipGramTrainer(configuration: config).train(memory)
        let b = try SkipGramTrainer(configuration: config).train(mapped)
        #expect(a.summary.words == b.summary.words && a.summary.effectiveWords == b.summary.effectiveWords, "seed \(seed)")
        #expect(a.table.vectors.count == b.table.vectors.count)
        #expect(a.table.vectors == b.table.vectors, "seed \(seed): mapped and in-memory training differ")
    }
}
