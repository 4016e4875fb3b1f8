import Foundation
import TestFixtures
import Testing
import Tokenization

/// Long lines in bounded memory: a line longer than the encoder's chunk is encoded piece by piece
/// (cut where the words do not change) with the same output as the whole line, and a word longer
/// than the stretch limit is encoded and counted as pieces of at most that many bytes.
@Suite struct LongLineTests {
    static let tokenizers = [
        TestData.root + "/Vocab/en-byte-bpe-8k.json", TestData.root + "/Vocab/en-wordpiece-uncased-8k.json",
        TestData.root + "/Vocab/multi-byte-bpe-16k.json", TestData.miniLM,
    ]

    /// A file of short lines and long ones: each corpus text joined into one line by spaces.
    static func longLineFile() throws -> (dir: String, path: String) {
        let dir = try TestData.temporaryDirectory()
        var text = Array("A short line.\n\n".utf8)
        for name in ["Corpora/en/alice29.txt", "Corpora/ko/kobill_all.txt", "Corpora/en/asyoulik.txt"] {
            let lines = try TestData.lines(TestData.root + "/" + name).filter { !$0.isEmpty }
            text += Array(lines.joined(separator: " ").utf8)
            text += Array("\nbetween\r\n".utf8)
        }
        text += Array("last line without its line feed".utf8)
        let path = dir + "/long.txt"
        try Data(text).write(to: URL(fileURLWithPath: path))
        return (dir, path)
    }

    static func lines(
        _ encoder: CorpusEncoder, _ source: DocumentSource, _ format: CorpusEncoder.LineFormat, special: Bool, offsets: Bool
    ) throws -> [UInt8] {
        var out: [UInt8] = []
        try encoder.encodeLines(source, format: format, addSpecialTokens: special, offsets: offsets) { out += $0 }
        return out
    }

    static func stream(_ encoder: CorpusEncoder, _ source: DocumentSource) throws -> [UInt32] {
        var ids: [UInt32] = []
        try encoder.encodeStream(source) { ids += $0 }
        return ids
    }

    /// Where two outputs first differ, for the failure message.
    static func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    }

    @Test(arguments: tokenizers)
    func linesLongerThanTheChunkEncodeAsWholeLines(path: String) throws {
        let (dir, file) = try Self.longLineFile()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tok = try Tokenizer.load(fromFile: path)
        // Whole: the file (< 1 MiB) arrives as one chunk and every line is encoded whole.
        let whole = CorpusEncoder(tokenizer: tok)
        let source = DocumentSource(paths: [file])
        // Chunked: 1,000-byte reads and 4 KiB chunks, so each long line (> 8 KiB) streams piece by piece.
        var chunked = CorpusEncoder(tokenizer: tok, threads: 2)
        chunked.chunkBytes = 4096
        var small = source
        small.readBytes = 1000
        let cases: [(CorpusEncoder.LineFormat, Bool, Bool)] = [
            (.ids, false, false), (.tokens, true, false), (.jsonl, false, true), (.jsonl, true, true),
        ]
        for (format, special, offsets) in cases {
            let a = try Self.lines(whole, source, format, special: special, offsets: offsets)
            let b = try Self.lines(chunked, small, format, special: special, offsets: offsets)
            #expect(a.count > 100_000, "\(path): the long lines were encoded")
            #expect(
                a == b,
                "\(path) \(format) special=\(special) offsets=\(offsets): \(a.count) vs \(b.count) bytes, first difference at byte \(Self.firstDifference(a, b))"
            )
        }
        let a = try Self.stream(whole, source)
        let b = try Self.stream(chunked, small)
        #expect(a == b, "\(path) stream: \(a.count) vs \(b.count) ids, first difference at \(Self.firstDifference(a, b))")
    }

    /// The documented cut of a word longer than the limit: pieces of `limit` bytes (less at a
    /// character boundary) while more than `limit + 1` bytes remain.
    static func pieces(_ word: [UInt8], limit: Int) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        while word.count - start > limit + 1 {
            var cut = start + limit
            while word[cut] & 0xC0 == 0x80 { cut -= 1 }
            result.append(Array(word[start..<cut]))
            start = cut
        }
        result.append(Array(word[start...]))
        return result
    }

    @Test func aWordLongerThanTheLimitIsEncodedAndCountedAsPieces() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tok = try Tokenizer.load(fromFile: TestData.root + "/Vocab/en-byte-bpe-8k.json")
        let limit = 1000
        let words: [[UInt8]] = [[UInt8](repeating: 0x61, count: 5000), Array(String(repeating: "가", count: 3000).utf8)]
        for (k, word) in words.enumerated() {
            let path = dir + "/word\(k).txt"
            try Data(word).write(to: URL(fileURLWithPath: path))
            let parts = Self.pieces(word, limit: limit)
            try #require(parts.count > 4 && parts.allSatisfy { $0.count <= limit }, "the word is cut")
            var expected: [UInt32] = []
            for part in parts { expected += tok.encode(String(decoding: part, as: UTF8.self)) }
            // Encoded from memory (the line is held), and streamed in small reads.
            var held = CorpusEncoder(tokenizer: tok)
            held.maxStretchBytes = limit
            var streamed = held
            streamed.chunkBytes = 256
            var small = DocumentSource(paths: [path])
            small.readBytes = 100
            let source = DocumentSource(paths: [path])
            let line = expected.map(String.init).joined(separator: " ") + "\n"
            #expect(try String(decoding: Self.lines(held, source, .ids, special: false, offsets: false), as: UTF8.self) == line)
            #expect(try String(decoding: Self.lines(streamed, small, .ids, special: false, offsets: false), as: UTF8.self) == line)
            #expect(try Self.stream(held, source) == expected)
            #expect(try Self.stream(streamed, small) == expected)
            // The word counter cuts the same pieces.
            var counter = try TokenizerRecipe(model: "byte-bpe").counter(threads: 1)
            counter.maxStretchBytes = limit
            let counts = try counter.count(small)
            var want: [[UInt8]: UInt64] = [:]
            for part in parts { want[part, default: 0] += 1 }
            #expect(counts.distinctWords == want.count)
            for (part, n) in want { #expect(counts.count(of: part) == n, "\(part.count)-byte piece") }
        }
    }
}
