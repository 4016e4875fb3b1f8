import ArtifactIO
import Foundation
import Testing
import TextNormalization

@Suite struct TextChunkReaderTests {
    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "tessera-test-\(UUID().uuidString).txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Normalizes a file through the chunked reader with a small chunk size.
    static func chunked(_ path: String, _ normalizer: Normalizer, chunkSize: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var scratch = NormalizationScratch()
        try TextChunkReader(path: path, chunkSize: chunkSize).forEachChunk { chunk, _ in
            normalizer.normalize(chunk, into: &out, scratch: &scratch)
        }
        return out
    }

    @Test(arguments: [NormalizationForm.nfc, .nfd, .nfkc, .nfkd])
    func chunkedNormalizationEqualsWholeText(form: NormalizationForm) throws {
        // Korean with line ends, one long Korean line with no ASCII at all, decomposed text.
        let korean = String(decoding: try FixturePaths.packageFile("Corpora/ko/kobill_all.txt"), as: UTF8.self)
        let longLine = korean.unicodeScalars.filter { $0.value >= 0x80 }.map(String.init).joined()
        let decomposed = Normalizer(form: .nfd).normalize(korean)
        let mixed = "Cafe\u{301} ﬁne ｆｕｌｌ Ｗｉｄｔｈ e\u{301}\u{327}\n" + String(repeating: "a\u{308}x", count: 500)
        for text in [korean, longLine, decomposed, mixed] {
            let path = try Self.temporaryFile(Array(text.utf8))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let normalizer = Normalizer(form: form, lowercase: true)
            let whole = Array(normalizer.normalize(text).utf8)
            for size in [16, 100, 4096] {
                #expect(try Self.chunked(path, normalizer, chunkSize: size) == whole, "form \(form), chunk \(size)")
            }
        }
    }

    @Test func reportsTheByteOffsetOfInvalidUTF8() throws {
        var bytes = Array(String(repeating: "line of text\n", count: 10_000).utf8)
        bytes[70_001] = 0xC3  // a lead byte followed by ASCII
        let path = try Self.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TextInputError.invalidUTF8(path: path, offset: 70_001)) {
            try TextChunkReader(path: path, chunkSize: 4096).forEachChunk { _, _ in }
        }
        var replaced: [UInt8] = []
        try TextChunkReader(path: path, chunkSize: 4096, options: .init(replaceInvalid: true)).forEachChunk { chunk, _ in
            replaced.append(contentsOf: chunk)
        }
        #expect(replaced == Array(String(decoding: bytes, as: UTF8.self).utf8))
    }

    @Test func rejectsBinaryEmptyMissingAndDirectories() throws {
        let binary = try Self.temporaryFile([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00])
        let empty = try Self.temporaryFile([])
        defer {
            try? FileManager.default.removeItem(atPath: binary)
            try? FileManager.default.removeItem(atPath: empty)
        }
        #expect(throws: TextInputError.binaryData(path: binary, offset: 6)) {
            try TextChunkReader(path: binary).forEachChunk { _, _ in }
        }
        #expect(throws: TextInputError.emptyFile(path: empty)) {
            try TextChunkReader(path: empty).forEachChunk { _, _ in }
        }
        #expect(throws: FileError.missingFile(path: "/nonexistent/file.txt")) {
            try TextChunkReader(path: "/nonexistent/file.txt")
        }
        #expect(throws: FileError.isDirectory(path: NSTemporaryDirectory())) {
            try TextChunkReader(path: NSTemporaryDirectory())
        }
    }

    @Test func chunkOffsetsAddUpAndChunksEndAtLineEnds() throws {
        let text = Array(String(repeating: "한국어 text line\n", count: 3000).utf8)
        let path = try Self.temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var expectedOffset = 0
        var joined: [UInt8] = []
        try TextChunkReader(path: path, chunkSize: 1000).forEachChunk { chunk, offset in
            #expect(offset == expectedOffset)
            #expect(chunk.last == 0x0A)
            expectedOffset += chunk.count
            joined.append(contentsOf: chunk)
        }
        #expect(joined == text)
    }
}
