import Foundation
import Testing
import Tokenization

/// The Unigram trainer against sentencepiece on the same corpus and vocabulary size (reference
/// figures written by Fixtures/make_unigram_fixture.py from sentencepiece itself).
@Suite struct UnigramTrainerTests {
    struct Reference: Decodable { var vocab_size: Int; var held_out_lines: Int; var mean_tokens_per_line: Double; var vocab: [String] }

    @Test func unigramTrainingMatchesSentencePieceTokensPerLine() throws {
        let reference = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: URL(fileURLWithPath: TestData.fixtures + "/components/unigram_spm_reference.json")))
        var lines: [String] = []
        // Lines exactly as the Python script splits them (at "\n", a CR kept), blank ones dropped.
        for path in TestData.englishCorpora {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            lines += bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                .filter { !$0.unicodeScalars.allSatisfy(\.properties.isWhitespace) }
        }
        let train = stride(from: 0, to: lines.count, by: 2).map { lines[$0] }
        let held = stride(from: 1, to: lines.count, by: 2).map { lines[$0] }
        try #require(held.count == reference.held_out_lines)
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data((train.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/train.txt"))
        var recipe = try TokenizerRecipe(model: "unigram")
        recipe.trainingThreads = 2
        let counts = try recipe.counter(threads: 2).count(paths: [dir + "/train.txt"])
        let tokenizer = try recipe.train(counts, vocabularySize: reference.vocab_size)
        #expect(tokenizer.vocabularySize == reference.vocab_size)

        let session = TokenizerSession(tokenizer)
        var total = 0
        for line in held { total += TestData.encode(session, line).0.count }
        let mean = Double(total) / Double(held.count)
        let overlap = Set(tokenizer.model.vocabulary.tokens).intersection(reference.vocab).count
        print(
            "unigram: \(mean) tokens per line vs sentencepiece \(reference.mean_tokens_per_line); \(overlap)/\(reference.vocab_size) pieces shared"
        )
        #expect(
            abs(mean / reference.mean_tokens_per_line - 1) < 0.01,
            "mean tokens per line \(mean) vs sentencepiece \(reference.mean_tokens_per_line)")

        // Written as tokenizer.json and read back, it encodes the same.
        try tokenizer.save(to: dir + "/unigram.json")
        let copy = TokenizerSession(try Tokenizer.load(fromFile: dir + "/unigram.json"))
        let sample = Array(held.prefix(500))
        let mismatches = sample.filter { TestData.encode(copy, $0).0 != TestData.encode(session, $0).0 }
        #expect(mismatches.isEmpty, "first differing line: \(mismatches.first ?? "")")
    }
}
