import ArtifactIO
import Foundation
import Testing
import Tokenization

/// What an engine (Spark) relies on: counts merge to the same bytes in any reduce tree, a corpus
/// cut into JSONL documents counts and encodes like its files, shards concatenate exactly, and
/// bad pieces are refused with the file and line.
@Suite struct DistributedCorpusTests {
    static func recipe() throws -> TokenizerRecipe { try TokenizerRecipe(model: "byte-bpe") }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    /// Writes each document as a JSONL record `{"id": k, "text": …}` (JSON escaping by Foundation).
    static func jsonl(_ documents: [[UInt8]], field: String = "text") throws -> [UInt8] {
        var out: [UInt8] = []
        for (k, document) in documents.enumerated() {
            let object: [String: Any] = ["id": k, field: String(decoding: document, as: UTF8.self)]
            out += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            out.append(0x0A)
        }
        return out
    }

    /// Cuts `text` into about `parts` pieces, each cut after a line feed between two printable
    /// ASCII characters (where no pre-tokenizer joins across, so encoding is unchanged).
    static func cutAtSafeLines(_ text: [UInt8], parts: Int) -> [[UInt8]] {
        func printable(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
        var pieces: [[UInt8]] = []
        var start = 0
        for k in 1..<parts {
            var i = max(start + 2, text.count * k / parts)
            while i < text.count && !(printable(text[i - 2]) && text[i - 1] == 0x0A && printable(text[i])) { i += 1 }
            guard i < text.count else { break }
            pieces.append(Array(text[start..<i]))
            start = i
        }
        pieces.append(Array(text[start...]))
        return pieces
    }

    @Test func countsMergeToTheSameBytesInEveryReduceTree() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = TestData.englishCorpora
        try #require(files.count == 4, "Corpora/en holds four texts")
        let counter = try Self.recipe().counter(threads: 1)
        let parts = try files.map { try counter.count(paths: [$0]) }
        let whole = dir + "/whole.counts"
        try Self.recipe().counter(threads: 2).count(paths: files).write(to: whole)
        // ((a+b)+c)+d, a+(b+(c+d)), (d+c)+(b+a), (a+c)+(b+d): merge() on values, and files merged
        // through files, as a reduce tree over executors does.
        func merge(_ xs: [WordCounts]) throws -> WordCounts {
            var m = xs[0]
            for x in xs.dropFirst() { try m.merge(x) }
            return m
        }
        let (a, b, c, d) = (parts[0], parts[1], parts[2], parts[3])
        let trees: [WordCounts] = [
            try merge([merge([merge([a, b]), c]), d]),
            try merge([a, merge([b, merge([c, d])])]),
            try merge([merge([d, c]), merge([b, a])]),
            try merge([merge([a, c]), merge([b, d])]),
        ]
        let expected = try Data(contentsOf: URL(fileURLWithPath: whole))
        for (k, tree) in trees.enumerated() {
            let path = dir + "/tree\(k).counts"
            try tree.write(to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected, "tree \(k)")
        }
        // Through files: the two halves written, read back and merged in the other order.
        try merge([c, d]).write(to: dir + "/cd.counts")
        try merge([b, a]).write(to: dir + "/ba.counts")
        try WordCounts.merged(paths: [dir + "/cd.counts", dir + "/ba.counts"]).write(to: dir + "/files.counts")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/files.counts")) == expected)
    }

    @Test func jsonlDocumentsCountAndEncodeLikeTheFilesTheyWereCutFrom() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = TestData.englishCorpora
        var documents: [[UInt8]] = []
        for file in files {
            documents += Self.cutAtSafeLines(Array(try Data(contentsOf: URL(fileURLWithPath: file))), parts: 3)
        }
        try #require(documents.count > files.count, "the texts were cut")
        let jsonl = dir + "/docs.jsonl"
        try Data(Self.jsonl(documents)).write(to: URL(fileURLWithPath: jsonl))
        let counter = try Self.recipe().counter(threads: 2)
        let fromFiles = try counter.count(paths: files)
        let fromRecords = try counter.count(DocumentSource(paths: [jsonl], field: "text", options: .init(allowEmpty: true)))
        try fromFiles.write(to: dir + "/files.counts")
        try fromRecords.write(to: dir + "/records.counts")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir + "/files.counts"))
                == Data(contentsOf: URL(fileURLWithPath: dir + "/records.counts")))

        let tokenizer = try Self.recipe().train(fromFiles, vocabularySize: 800)
        let encoder = CorpusEncoder(tokenizer: tokenizer, threads: 2)
        let whole = try encoder.encodeStream(paths: files)
        var pieces: [UInt32] = []
        try encoder.encodeStream(DocumentSource(paths: [jsonl], field: "text")) { pieces += $0 }
        #expect(pieces.count == whole.count)
        #expect(pieces == whole)
        // Line formats: one output line per record.
        var lines: [UInt8] = []
        try encoder.encodeLines(DocumentSource(paths: [jsonl], field: "text"), format: .ids, addSpecialTokens: false, offsets: false) {
            lines += $0
        }
        #expect(lines.filter { $0 == 0x0A }.count == documents.count)
    }

    @Test func aRecordWithoutTheFieldIsAnErrorNamingFileAndLine() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.jsonl"
        try Data("{\"text\": \"one two\"}\n\n{\"body\": \"three\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        let counter = try Self.recipe().counter(threads: 1)
        #expect(throws: TokenizerError.self) { _ = try counter.count(DocumentSource(paths: [path], field: "text")) }
        let missing = Self.message { _ = try counter.count(DocumentSource(paths: [path], field: "text")) }
        #expect(missing == "\(path):3: no field \"text\" in this JSON object")
        try Data("{\"text\": 12}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(
            Self.message { _ = try counter.count(DocumentSource(paths: [path], field: "text")) }
                == "\(path):1: field \"text\" is not a string")
        try Data("{\"text\": \"cut\n".utf8).write(to: URL(fileURLWithPath: path))
        let broken = Self.message { _ = try counter.count(DocumentSource(paths: [path], field: "text")) }
        #expect(broken?.hasPrefix("\(path):1: invalid JSON at byte 9 of the line") == true, "\(broken ?? "no error")")
    }

    @Test func countFilesFromOtherSettingsOrCutShortAreRefused() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let alice = TestData.root + "/Corpora/en/alice29.txt"
        try Self.recipe().counter(threads: 1).count(paths: [alice]).write(to: dir + "/a.counts")
        try TokenizerRecipe(model: "byte-bpe", normalize: "nfkc").counter(threads: 1).count(paths: [alice]).write(to: dir + "/nfkc.counts")
        let mismatch = Self.message { _ = try WordCounts.merged(paths: [dir + "/a.counts", dir + "/nfkc.counts"]) }
        #expect(
            mismatch?.hasPrefix("\(dir)/nfkc.counts: counted with normalize=nfkc, but the other count files used normalize=none") == true,
            "\(mismatch ?? "no error")")

        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.counts"))
        // Cut inside a line, and cut exactly after a line: both are refused.
        let lineEnds = bytes.indices.filter { bytes[$0] == 0x0A }
        try #require(lineEnds.count > 100)
        try bytes.prefix(lineEnds[50] + 4).write(to: URL(fileURLWithPath: dir + "/cut.counts"))
        try bytes.prefix(lineEnds[50] + 1).write(to: URL(fileURLWithPath: dir + "/cutline.counts"))
        for name in ["cut", "cutline"] {
            let message = Self.message { _ = try WordCounts.read(dir + "/\(name).counts") }
            #expect(message?.contains("truncated") == true, "\(name): \(message ?? "no error")")
        }
        // An end line that does not match the lines above it.
        var edited = String(decoding: bytes, as: UTF8.self)
        edited = edited.replacingOccurrences(of: "#end words=", with: "#end words=1")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: dir + "/edited.counts"))
        #expect(throws: TokenizerError.self) { _ = try WordCounts.read(dir + "/edited.counts") }
    }

    @Test func shardsConcatenateToTheWholeStreamAndMismatchesAreRefused() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = TestData.englishCorpora
        let tokenizer = try Self.recipe().train(try Self.recipe().counter(threads: 2).count(paths: files), vocabularySize: 600)
        let encoder = CorpusEncoder(tokenizer: tokenizer, threads: 1)
        let whole = try encoder.encodeStream(paths: files)
        var parts: [String] = []
        for (k, file) in files.enumerated() {
            parts.append(dir + "/part\(k).bin")
            try TokenShard.write(encoder.encodeStream(paths: [file]), vocabularySize: tokenizer.vocabularySize, to: parts[k])
        }
        let count = try TokenShard.concatenate(parts, to: dir + "/all.bin", vocabularySize: tokenizer.vocabularySize)
        #expect(count == whole.count)
        let all = try TokenShard.read(dir + "/all.bin")
        #expect(all.bytesPerToken == 2 && all.ids == whole)

        // A uint32 shard (a vocabulary over 65,536 ids) beside uint16 ones.
        try TokenShard.write([1, 2, 3], vocabularySize: 70_000, to: dir + "/wide.bin")
        let mixed = Self.message { try TokenShard.concatenate([parts[0], dir + "/wide.bin"], to: dir + "/x.bin") }
        #expect(
            mixed?.hasPrefix("\(dir)/wide.bin: version 2 (uint32 ids) at byte 4, but \(parts[0]) is version 1 (uint16 ids)") == true,
            "\(mixed ?? "no error")")
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.bin"))
        // Same width, other vocabulary: ids past the size are found when it is given.
        try TokenShard.write([5, 900, 7], vocabularySize: 1000, to: dir + "/other.bin")
        let range = Self.message { try TokenShard.concatenate([parts[0], dir + "/other.bin"], to: dir + "/x.bin", vocabularySize: 600) }
        #expect(range == "\(dir)/other.bin: token 1 (byte 1026) is id 900, out of range for a vocabulary of 600 tokens")
        // A shard cut short.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: parts[1]))
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: dir + "/short.bin"))
        #expect(throws: TokenShardError.self) { try TokenShard.concatenate([parts[0], dir + "/short.bin"], to: dir + "/x.bin") }
    }
}
