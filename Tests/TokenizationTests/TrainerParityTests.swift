import Foundation
import Testing
import TextNormalization
import Tokenization

/// Training against Hugging Face's trainers and an independent likelihood-WordPiece reference.
@Suite struct TrainerParityTests {
    static func byteBPERecipe() throws -> TokenizerRecipe { try TokenizerRecipe(model: "byte-bpe") }

    @Test func byteBPEGivesHuggingFacesMergesInOrderAndItsIds() throws {
        let recipe = try Self.byteBPERecipe()
        let counts = try recipe.counter(threads: 2).count(paths: TestData.englishCorpora)
        let ours = try recipe.train(counts, vocabularySize: 4000, minFrequency: 2)
        let hf = try Tokenizer.load(fromFile: TestData.fixtures + "/hf_byte_bpe_4k.json")
        guard case .bpe(let a) = ours.model, case .bpe(let b) = hf.model else { Issue.record("not BPE"); return }
        #expect(a.merges.count == b.merges.count && a.merges.count > 3_000)
        let ma = a.mergeStrings, mb = b.mergeStrings
        var firstDifference: Int? = nil
        for k in 0..<min(ma.count, mb.count) where ma[k] != mb[k] { firstDifference = k; break }
        #expect(firstDifference == nil, "first differing merge: \(firstDifference.map { "\($0): \(ma[$0]) vs \(mb[$0])" } ?? "")")
        #expect(a.vocabulary == b.vocabulary)
        // Encoding with the trained tokenizer gives HF's ids.
        let lines = try TestData.lines(TestData.fixtures + "/sample_lines.txt")
        let expected = try TestData.expected("bytebpe_expected.txt")
        try #require(expected.count > 0 && lines.count >= expected.count)
        let session = TokenizerSession(ours)
        var mismatches = 0
        for (line, want) in zip(lines.prefix(expected.count), expected) where TestData.encode(session, line).0 != want.ids {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    @Test func vocabFilesAreReproducedByTheirDocumentedCommand() throws {
        // Vocab/make_vocab.sh: train-tokenizer --model byte-bpe --vocab-size 8000 --min-frequency 2 Corpora/en/*.txt
        let recipe = try Self.byteBPERecipe()
        let trained = try recipe.train(
            recipe.counter(threads: 2).count(paths: TestData.englishCorpora), vocabularySize: 8000, minFrequency: 2)
        let committed = try String(contentsOfFile: TestData.root + "/Vocab/en-byte-bpe-8k.json", encoding: .utf8)
        #expect(TokenizerFile.json(trained) == committed)
    }

    @Test func trainingIsDeterministicWhateverTheThreadCount() throws {
        let recipe = try Self.byteBPERecipe()
        let one = try recipe.train(recipe.counter(threads: 1).count(paths: TestData.englishCorpora), vocabularySize: 1500)
        let two = try recipe.train(recipe.counter(threads: 2).count(paths: TestData.englishCorpora), vocabularySize: 1500)
        #expect(TokenizerFile.json(one) == TokenizerFile.json(two))
    }

    @Test func countsOfShardsMergeToTheCountsOfTheWhole() throws {
        let recipe = try Self.byteBPERecipe()
        let files = TestData.englishCorpora
        let whole = try recipe.counter(threads: 2).count(paths: files)
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try recipe.counter(threads: 1).count(paths: Array(files.prefix(2))).write(to: dir + "/a.counts")
        try recipe.counter(threads: 1).count(paths: Array(files.dropFirst(2))).write(to: dir + "/b.counts")
        var merged = try WordCounts.read(dir + "/a.counts")
        try merged.merge(WordCounts.read(dir + "/b.counts"))
        #expect(merged.distinctWords == whole.distinctWords)
        let mergedList = merged.sorted(), wholeList = whole.sorted()
        let sameWords = mergedList.map(\.word) == wholeList.map(\.word)
        let sameCounts = mergedList.map(\.count) == wholeList.map(\.count)
        #expect(sameWords && sameCounts)
        let fromCounts = try recipe.train(merged, vocabularySize: 1200)
        let fromFiles = try recipe.train(whole, vocabularySize: 1200)
        #expect(TokenizerFile.json(fromCounts) == TokenizerFile.json(fromFiles))
        // Counts made with other settings do not merge.
        let other = try TokenizerRecipe(model: "wordpiece", lowercase: true).counter(threads: 1).count(paths: [files[0]])
        #expect(throws: TokenizerError.self) { try merged.merge(other) }
    }

    @Test func aLineLongerThanAChunkIsCountedWhole() throws {
        // 300,000 words on one 1.9 MB line: the reader's 1 MiB chunks must not split a word.
        let words = ["alpha", "beta", "gamma", "delta", "epsilon"]
        var line = ""
        var expected: [String: UInt64] = [:]
        for k in 0..<300_000 {
            let w = words[(k * 7 + k / 3) % words.count]
            line += (k == 0 ? "" : " ") + w
            expected[(k == 0 ? "" : "Ġ") + w, default: 0] += 1
        }
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/long.txt"
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let counts = try TokenizerRecipe(model: "byte-bpe").counter(threads: 2).count(paths: [path])
        var got: [String: UInt64] = [:]
        for (word, count) in counts.sorted() { got[ByteLevelAlphabet.encode(word)] = count }
        expected["Ċ"] = 1
        #expect(got == expected)
    }

    @Test func wordPieceFrequencyMatchesHuggingFaceUpToTies() throws {
        let recipe = try TokenizerRecipe(model: "wordpiece", lowercase: true)
        let counts = try recipe.counter(threads: 2).count(paths: TestData.englishCorpora)
        let ours = try recipe.train(counts, vocabularySize: 3000, minFrequency: 2)
        let hf = try TestData.lines(TestData.fixtures + "/hf_wordpiece_3k.txt")
        let a = Set(ours.model.vocabulary.tokens), b = Set(hf)
        #expect(ours.model.vocabulary.count == hf.count)
        // HF assigns ##-token ids in hash order, so equal-count pairs can be merged in another order
        // near the end; allow that many differences and no more.
        let differences = a.symmetricDifference(b).count
        #expect(
            differences <= hf.count / 100,
            "\(differences) tokens differ: \(a.subtracting(b).sorted().prefix(10)) vs \(b.subtracting(a).sorted().prefix(10))")
    }

    @Test func characterBPEWithSuffixMatchesHuggingFaceUpToTies() throws {
        let recipe = try TokenizerRecipe(model: "bpe", specialTokens: "[UNK]", endOfWordSuffix: "</w>")
        let counts = try recipe.counter(threads: 2).count(paths: TestData.englishCorpora)
        let ours = try recipe.train(counts, vocabularySize: 5000, minFrequency: 2)
        let hf = try TestData.lines(TestData.fixtures + "/hf_bpe_suffix_5k.txt")
        #expect(ours.model.vocabulary.count == hf.count)
        let differences = Set(ours.model.vocabulary.tokens).symmetricDifference(Set(hf)).count
        #expect(differences <= hf.count / 100)
        // The suffix comes back as spaces when decoding.
        let text = "the quick brown fox"
        #expect(ours.decode(ours.encode(text)) == text)
    }

    @Test func wordPieceLikelihoodMatchesTheReferenceImplementation() throws {
        let recipe = try TokenizerRecipe(model: "wordpiece", lowercase: true, scoring: "likelihood")
        let counts = try recipe.counter(threads: 1).count(paths: [TestData.root + "/Corpora/en/alice29.txt"])
        let ours = try recipe.train(counts, vocabularySize: 600, minFrequency: 2)
        let reference = try TestData.lines(TestData.fixtures + "/likelihood_wordpiece_600.txt")
        #expect(ours.model.vocabulary.tokens == reference)
    }
}
