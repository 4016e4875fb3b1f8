import Foundation
import TestFixtures
import Testing
import Tokenization

/// Streaming decode gives the bytes of decoding all ids at once, for every kind of decoder, with
/// slice boundaries falling inside words, `##` continuations, byte-fallback runs and characters.
@Suite struct StreamingDecoderTests {
    static let components = TestData.fixtures + "/components/"
    static let tokenizers = [
        components + "added_tokens.json",  // WordPiece decoder with clean-up
        components + "bpe_bytefallback.json",  // Replace ▁, ByteFallback, Fuse, Strip
        components + "bpe_metaspace_first.json",
        components + "bpe_suffix_roberta.json",  // BPEDecoder suffix </w>
        components + "unigram_metaspace.json",  // Metaspace
        components + "wordlevel_whitespace.json",  // CTC
        components + "char_delimiter.json",  // no decoder: tokens joined by spaces
        components + "normalizer_sequence_bytelevel.json",  // ByteLevel component
        TestData.root + "/Vocab/en-wordpiece-uncased-8k.json",  // WordPiece fast path
        TestData.root + "/Vocab/en-byte-bpe-8k.json",  // byte-level fast path
        TestData.miniLM,
    ]

    /// Mixed English (punctuation, contractions) and Korean text.
    static func text() throws -> String {
        let english = try String(contentsOfFile: components + "mixed_lines.txt", encoding: .utf8)
        let korean = try String(contentsOfFile: TestData.root + "/Corpora/ko/kolaw_constitution.txt", encoding: .utf8)
        return String(english.prefix(8000)) + String(korean.prefix(3000))
    }

    static func streamed(_ tok: Tokenizer, _ ids: [UInt32], slice: Int, feed: Int, skip: Bool) throws -> [UInt8] {
        var decoder = StreamingDecoder(tokenizer: tok, skipSpecialTokens: skip)
        decoder.sliceTokens = slice
        var out: [UInt8] = []
        var start = 0
        while start < ids.count {
            let end = min(ids.count, start + feed)
            try decoder.add(Array(ids[start..<end])) { out += $0 }
            start = end
        }
        try decoder.finish { out += $0 }
        return out
    }

    @Test(arguments: tokenizers)
    func slicesDecodeLikeTheWhole(path: String) throws {
        let tok = try Tokenizer.load(fromFile: path)
        let text = try Self.text()
        var ids = tok.encode(text)
        try #require(ids.count > 1000, "\(path): the text encodes to many ids")
        // A few special / added tokens in the stream too.
        if let eot = tok.endOfTextID { ids.insert(eot, at: ids.count / 2) }
        for skip in [false, true] {
            let whole = tok.decodeBytes(ids, skipSpecialTokens: skip)
            for (slice, feed) in [(1, 7), (7, 3), (50, 1000), (333, 128)] {
                let got = try Self.streamed(tok, ids, slice: slice, feed: feed, skip: skip)
                let at = LongLineTests.firstDifference(got, whole)
                #expect(
                    got == whole,
                    "\(path) slice \(slice) feed \(feed) skip \(skip): \(got.count) vs \(whole.count) bytes, first difference at \(at): \(String(decoding: got[max(0, at - 20)..<min(got.count, at + 20)], as: UTF8.self).debugDescription) vs \(String(decoding: whole[max(0, at - 20)..<min(whole.count, at + 20)], as: UTF8.self).debugDescription)"
                )
            }
        }
    }

    @Test(arguments: tokenizers)
    func randomIdsDecodeLikeTheWhole(path: String) throws {
        let tok = try Tokenizer.load(fromFile: path)
        var random = SeededRandom(seed: 0x5EED_DEC0)
        let ids = (0..<3000).map { _ in UInt32.random(in: 0..<UInt32(tok.vocabularySize), using: &random) }
        let whole = tok.decodeBytes(ids)
        let got = try Self.streamed(tok, ids, slice: 37, feed: 100, skip: false)
        let at = LongLineTests.firstDifference(got, whole)
        #expect(got == whole, "\(path) seed \(random.seed): first difference at byte \(at) of \(whole.count)")
    }
}
