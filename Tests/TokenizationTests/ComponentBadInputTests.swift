import Foundation
import Testing
import Tokenization

/// Bad tokenizer.json components: each error names the file, the JSON path and what was expected.
@Suite struct ComponentBadInputTests {
    static func load(_ json: String) throws -> (path: String, error: String?) {
        let dir = try TestData.temporaryDirectory()
        let path = dir + "/tokenizer.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        do { _ = try Tokenizer.load(fromFile: path); return (path, nil) } catch { return (path, "\(error)") }
    }

    static let model = #""model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 1}, "unk_token": "[UNK]"}"#

    @Test func unknownComponentTypeIsNamedWithItsJSONPath() throws {
        let (path, error) = try Self.load(
            #"{"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Foo"}]}, "# + Self.model + "}")
        #expect(error == "\(path): normalizer.normalizers[1]: unknown normalizer type \"Foo\"")
        let (path2, error2) = try Self.load(#"{"decoder": {"type": "Sequence", "decoders": [{"type": "Bar"}]}, "# + Self.model + "}")
        #expect(error2 == "\(path2): decoder.decoders[0]: unknown decoder type \"Bar\"")
    }

    @Test func regexThatDoesNotCompileIsNamed() throws {
        let (path, error) = try Self.load(
            #"{"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "(\\p{L"}, "behavior": "Isolated", "invert": false}]}, "#
                + Self.model + "}")
        let message = try #require(error)
        #expect(message.hasPrefix("\(path): pre_tokenizer.pretokenizers[0].pattern.Regex: \"(\\\\p{L\" does not compile"))
    }

    @Test func badBehaviourAndPrependScheme() throws {
        let (path, error) = try Self.load(
            #"{"pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "Merged", "invert": false}, "# + Self.model + "}")
        #expect(error == "\(path): pre_tokenizer.behavior: expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous")
        let (path2, error2) = try Self.load(
            #"{"pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "sometimes", "split": true}, "# + Self.model
                + "}")
        #expect(error2 == "\(path2): pre_tokenizer.prepend_scheme: expected first, always or never")
    }

    @Test func trulyDuplicatedTokenIsAnErrorButCanonicallyEquivalentTokensAreNot() throws {
        let (path, error) = try Self.load(
            #"{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["é", -1.0], ["é", -2.0]]}}"#)
        #expect(error == "\(path): duplicate token \"é\" at id 2 (already id 1); each token must appear once")
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are different byte strings: two tokens.
        let vocabulary = try Vocabulary(tokens: ["\u{E9}", "e\u{301}"])
        #expect(vocabulary.count == 2)
        #expect(vocabulary.id(for: "\u{E9}") == 0)
        #expect(vocabulary.id(for: "e\u{301}") == 1)
    }

    @Test func corruptTiktokenFileNamesTheLine() throws {
        let dir = try TestData.temporaryDirectory()
        let path = dir + "/cl100k_bad.tiktoken"
        try Data("IQ== 0\nIg== 1\nnot base64!! 2\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: TokenizerError.malformed(source: path, what: "line 3: expected a base64 token, one space and a rank")) {
            try Tokenizer.load(fromFile: path)
        }
        let gap = dir + "/cl100k_gap.tiktoken"
        try Data("IQ== 0\nIg== 2\n".utf8).write(to: URL(fileURLWithPath: gap))
        #expect(
            throws: TokenizerError.malformed(
                source: gap, what: "rank 2 found where rank 1 was expected (ranks must be 0..<2 without gaps or repeats)")
        ) {
            try Tokenizer.load(fromFile: gap)
        }
        let unnamed = dir + "/ranks.tiktoken"
        try Data("IQ== 0\n".utf8).write(to: URL(fileURLWithPath: unnamed))
        #expect(throws: TokenizerError.self) { try Tokenizer.load(fromFile: unnamed) }
    }
}
