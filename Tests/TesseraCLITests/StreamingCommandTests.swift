import Foundation
import Testing

/// `count` and `encode` through standard input and JSONL, `merge-counts`, `cat-shards`: the
/// commands an engine pipes partitions through.
@Suite struct StreamingCommandTests {
    static let corpus = "The cat sat on the mat.\nA dog, a cat.\r\nThe end\n"

    @Test func standardInputAndJSONLGiveTheSameCountsAsAFile() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("in.txt")
        try Data(Self.corpus.utf8).write(to: text)
        let fromFile = try CommandRunner.run(["count", "--threads", "1", text.path, "-o", "-"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let fromStdin = try CommandRunner.run(["count", "--threads", "1", "-o", "-"], stdin: Data(Self.corpus.utf8))
        #expect(fromStdin.stdout == fromFile.stdout)
        // The text cut into two JSONL documents at a line end counts the same.
        let records = try [("The cat sat on the mat.\n", 1), ("A dog, a cat.\r\nThe end\n", 2)].map { text, id in
            try JSONSerialization.data(withJSONObject: ["text": text, "id": id], options: [.sortedKeys]) + Data("\n".utf8)
        }
        let fromJSONL = try CommandRunner.run(["count", "--field", "text", "-o", "-"], stdin: records[0] + records[1])
        #expect(fromJSONL.status == 0, "\(fromJSONL.stderr)")
        #expect(fromJSONL.stdout == fromFile.stdout)
        // The end line that makes a truncated file recognisable.
        #expect(String(decoding: fromFile.stdout, as: UTF8.self).split(separator: "\n").last?.hasPrefix("#end words=") == true)
    }

    @Test func badPiecesAreOneLineErrors() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("in.txt")
        try Data(Self.corpus.utf8).write(to: text)
        // A JSONL line without the field: the file and line.
        let jsonl = dir.appendingPathComponent("docs.jsonl")
        try Data("{\"text\": \"a b\"}\n{\"body\": \"c\"}\n".utf8).write(to: jsonl)
        let missing = try CommandRunner.run(["count", "--field", "text", jsonl.path, "-o", dir.appendingPathComponent("x.counts").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.hasSuffix("Error: \(jsonl.path):2: no field \"text\" in this JSON object\n"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.counts").path))

        // Count files of other settings, and one cut short.
        let plain = dir.appendingPathComponent("plain.counts"), lower = dir.appendingPathComponent("lower.counts")
        #expect(try CommandRunner.run(["count", text.path, "-o", plain.path]).status == 0)
        #expect(try CommandRunner.run(["count", "--model", "wordpiece", "--lowercase", text.path, "-o", lower.path]).status == 0)
        let mismatch = try CommandRunner.run(["merge-counts", plain.path, lower.path, "-o", dir.appendingPathComponent("all.counts").path])
        #expect(mismatch.status != 0)
        #expect(mismatch.stderr.hasPrefix("Error: \(lower.path): counted with lowercase=true"), "\(mismatch.stderr)")
        let bytes = try Data(contentsOf: plain)
        let cut = dir.appendingPathComponent("cut.counts")
        try bytes.prefix(bytes.count - 10).write(to: cut)
        let truncated = try CommandRunner.run(["merge-counts", plain.path, cut.path, "-o", "-"])
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("\(cut.path): ") && truncated.stderr.contains("truncated"), "\(truncated.stderr)")

        // Shards of a uint16 and a uint32 vocabulary.
        let small = dir.appendingPathComponent("small.json")
        #expect(try CommandRunner.run(["train-tokenizer", "--vocab-size", "300", "-o", small.path, text.path]).status == 0)
        let narrow = dir.appendingPathComponent("a.bin"), wide = dir.appendingPathComponent("b.bin")
        #expect(try CommandRunner.run(["encode", "--tokenizer", small.path, "--format", "bin", "-o", narrow.path, text.path]).status == 0)
        var header = [UInt8](repeating: 0, count: 1024)
        for (k, v) in [Int32(20240520), 2, 1].enumerated() {
            withUnsafeBytes(of: v.littleEndian) { header.replaceSubrange(4 * k..<4 * k + 4, with: $0) }
        }
        try Data(header + [7, 0, 1, 0]).write(to: wide)
        let mixed = try CommandRunner.run(["cat-shards", narrow.path, wide.path, "-o", dir.appendingPathComponent("all.bin").path])
        #expect(mixed.status != 0)
        #expect(
            mixed.stderr.hasPrefix("Error: \(wide.path): version 2 (uint32 ids) at byte 4, but \(narrow.path) is version 1 (uint16 ids)"),
            "\(mixed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("all.bin").path))
    }

    @Test func encodeReadsJSONLAndConcatenatedShardsEqualOneEncode() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("in.txt")
        try Data(Self.corpus.utf8).write(to: text)
        let tok = dir.appendingPathComponent("tok.json")
        #expect(try CommandRunner.run(["train-tokenizer", "--vocab-size", "300", "-o", tok.path, text.path]).status == 0)
        // One output line per record, a newline inside a record included.
        let records = Data("{\"text\": \"The cat\"}\n{\"text\": \"The end\\nThe cat\"}\n".utf8)
        let lines = try CommandRunner.run(["encode", "--tokenizer", tok.path, "--field", "text"], stdin: records)
        #expect(lines.status == 0, "\(lines.stderr)")
        let out = String(decoding: lines.stdout, as: UTF8.self).split(separator: "\n")
        let first = try CommandRunner.run(["encode", "--tokenizer", tok.path], stdin: Data("The cat\n".utf8))
        #expect(out.count == 2)
        #expect(out.first.map(String.init) == String(decoding: first.stdout, as: UTF8.self).split(separator: "\n").first.map(String.init))
        // Shards of the two halves, concatenated, equal one encode of the whole.
        let a = dir.appendingPathComponent("a.txt"), b = dir.appendingPathComponent("b.txt")
        try Data("The cat sat on the mat.\n".utf8).write(to: a)
        try Data("A dog, a cat.\r\nThe end\n".utf8).write(to: b)
        for (input, shard) in [(a, "a.bin"), (b, "b.bin")] {
            #expect(
                try CommandRunner.run([
                    "encode", "--tokenizer", tok.path, "--format", "bin", "-o", dir.appendingPathComponent(shard).path, input.path,
                ]).status == 0)
        }
        #expect(
            try CommandRunner.run([
                "encode", "--tokenizer", tok.path, "--format", "bin", "-o", dir.appendingPathComponent("whole.bin").path, a.path, b.path,
            ]).status == 0)
        let cat = try CommandRunner.run([
            "cat-shards", "--tokenizer", tok.path, dir.appendingPathComponent("a.bin").path, dir.appendingPathComponent("b.bin").path,
            "-o", dir.appendingPathComponent("cat.bin").path,
        ])
        #expect(cat.status == 0, "\(cat.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("cat.bin")) == Data(contentsOf: dir.appendingPathComponent("whole.bin")))
    }
}
