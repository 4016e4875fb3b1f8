import Foundation
import TestFixtures
import Tokenization

/// Paths and loaders shared by the tokenization tests.
enum TestData {
    /// This test directory's Fixtures folder.
    static let fixtures = TestFixtures.directory(of: "TokenizationTests").path
    /// The package root.
    static let root = TestFixtures.packageRoot.path
    /// The GPT-2 `encoder.json` (with `vocab.bpe` beside it), copied into the repository.
    static let gpt2 = TestFixtures.tokenizer("encoder.json")
    /// The bert-base-uncased `vocab.txt`, copied into the repository.
    static let bertVocab = TestFixtures.tokenizer("bert_uncased_vocab.txt")
    /// The MiniLM (bert-base-uncased) `tokenizer.json`, copied into the repository.
    static let miniLM = TestFixtures.tokenizer("minilm_bert_uncased_tokenizer.json")

    /// Corpora/en/*.txt, sorted.
    static var englishCorpora: [String] {
        let dir = root + "/Corpora/en"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".txt") }.sorted().map {
            dir + "/" + $0
        }
    }

    /// The lines of a UTF-8 file (LF separated, trailing CR removed, last empty line dropped).
    static func lines(_ path: String) throws -> [String] {
        try TestFixtures.lines(path)
    }

    /// Expected ids and byte offsets per line, as make_fixtures.py writes them.
    static func expected(_ name: String) throws -> [(ids: [UInt32], offsets: [Range<Int>])] {
        try lines(fixtures + "/" + name).map { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            let ids = parts[0].split(separator: " ").map { UInt32($0)! }
            // Each range is "END" (starting where the previous one ended, the first at 0) or "START:END".
            var offsets: [Range<Int>] = []
            if parts.count > 1 {
                var previous = 0
                for field in parts[1].split(separator: " ") {
                    let bounds = field.split(separator: ":").map { Int($0)! }
                    let start = bounds.count == 2 ? bounds[0] : previous
                    offsets.append(start..<bounds[bounds.count - 1])
                    previous = bounds[bounds.count - 1]
                }
            }
            return (ids, offsets)
        }
    }

    /// Encodes `line` with ids and offsets.
    static func encode(_ session: TokenizerSession, _ line: String, addSpecial: Bool = false) -> ([UInt32], [Range<Int>]) {
        var ids: [UInt32] = [], offsets: [Range<Int>] = []
        var copy = line
        copy.withUTF8 { session.encode($0, addSpecialTokens: addSpecial, ids: &ids, offsets: &offsets) }
        return (ids, offsets)
    }

    /// Encodes `line` asking for ids only.
    static func encodeIDs(_ session: TokenizerSession, _ line: String, addSpecial: Bool = false) -> [UInt32] {
        var ids: [UInt32] = []
        var copy = line
        copy.withUTF8 { session.encode($0, addSpecialTokens: addSpecial, ids: &ids) }
        return ids
    }

    /// A temporary directory for a test.
    static func temporaryDirectory() throws -> String {
        try TestFixtures.temporaryDirectory("tessera-tok")
    }
}
