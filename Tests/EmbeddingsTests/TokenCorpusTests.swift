import ArtifactIO
import Embeddings
import Foundation
import TestFixtures
import Testing

/// tokenizer.json vocabularies and token-shard corpora.
@Suite struct TokenCorpusTests {
    @Test func readsMiniLMTokenizerVocabulary() throws {
        let vocab = try TokenizerVocabulary.load(TestFixtures.tokenizer("minilm_bert_uncased_tokenizer.json"))
        // The same vocabulary as released in vocab.txt: line i is token i.
        let lines = try String(contentsOfFile: TestFixtures.tokenizer("bert_uncased_vocab.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(vocab.size == lines.count)
        #expect(vocab.tokens == lines)
        let special = Set(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { lines.firstIndex(of: $0) })
        #expect(vocab.specialIDs == special)
    }

    @Test func byteCodecVocabulary() throws {
        let vocab = try TokenizerVocabulary.load("bytes")
        #expect(vocab.size == 257)
        #expect(vocab.specialIDs == [256])
        #expect(vocab.tokens[Int(UInt8(ascii: "a"))] == "a")
    }

    @Test func badTokenizerFiles() throws {
        let dir = try TestSupport.temporaryDirectory()
        for (k, json) in ["{", "[1]", "{\"model\": {}}", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": -1}, \"merges\": []}}"]
            .enumerated()
        {
            let path = dir + "/t\(k).json"
            try Data(json.utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: (any Error).self, "accepted \(json)") { try TokenizerVocabulary.load(path) }
            #expect(error.map { "\($0)".hasPrefix(path + ": ") } == true, "\(String(describing: error))")
        }
    }

    @Test func shardCorpusCountsSplitsAndRejects() throws {
        let dir = try TestSupport.temporaryDirectory()
        let vocab = TokenizerVocabulary(tokens: (0..<10).map { "t\($0)" }, specialIDs: [9])
        // 9 is special: it ends sentences and is never trained. 7 occurs once (< min count 2).
        let ids: [UInt32] = [1, 2, 3, 9, 1, 2, 7, 3, 3, 9, 4, 4]
        try TokenShard.write(ids, vocabularySize: 10, to: dir + "/a.bin")
        let corpus = try TokenCorpusBuilder(vocabulary: vocab, minCount: 2).build(shardPath: dir + "/a.bin")
        #expect(corpus.rowCount == 10)
        #expect(corpus.ids == [1, 2, 3, 1, 2, 3, 3, 4, 4])
        #expect(corpus.sentenceStarts == [0, 3, 7, 9])
        #expect(corpus.counts == [0, 2, 2, 3, 2, 0, 0, 0, 0, 0])
        #expect(corpus.untrainedRows == [0, 5, 6, 7, 8, 9])

        try TokenShard.write([1, 2, 12, 3], vocabularySize: 100, to: dir + "/b.bin")
        #expect(throws: EmbeddingsError.tokenOutOfRange(path: dir + "/b.bin", index: 2, byteOffset: 1024 + 4, id: 12, vocabularySize: 10)) {
            try TokenCorpusBuilder(vocabulary: vocab).build(shardPath: dir + "/b.bin")
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/a.bin")))
        bytes[0] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/c.bin"))
        #expect(throws: TokenShardError.self) { try TokenCorpusBuilder(vocabulary: vocab).build(shardPath: dir + "/c.bin") }
        bytes[0] ^= 0xFF
        try Data(bytes.dropLast()).write(to: URL(fileURLWithPath: dir + "/d.bin"))
        #expect(throws: TokenShardError.self) { try TokenCorpusBuilder(vocabulary: vocab).build(shardPath: dir + "/d.bin") }
    }
}
