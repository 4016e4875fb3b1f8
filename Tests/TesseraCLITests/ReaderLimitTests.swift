import Foundation
import Testing

/// Traps and silent acceptance in readers: checked arithmetic and limits relative to the file's
/// own size. Each file here trapped, allocated gigabytes, or was accepted before.
@Suite struct ReaderLimitTests {
    /// Expects a clean one-line failure that mentions `expected`.
    static func expectCleanFailure(_ args: [String], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CommandRunner.run(args, timeout: 120)
        #expect(r.status != 0 && r.status < 128, "\(args): status \(r.status)", sourceLocation: sourceLocation)
        #expect(
            r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(expected), "\(args): \(r.stderr)",
            sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("\0"), sourceLocation: sourceLocation)
    }

    /// A safetensors file: the 8-byte little-endian header length, the header, the data.
    static func safetensors(_ header: String, dataBytes: Int) -> [UInt8] {
        let json = Array(header.utf8)
        var out: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * UInt64($0))) }
        out += json
        out += [UInt8](repeating: 0, count: dataBytes)
        return out
    }

    @Test func addedTokenIdsFarPastTheVocabulary() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let text = try String(contentsOfFile: try f.tokenizer(), encoding: .utf8)
        #expect(text.contains("{\"id\": 0, \"content\": \"<|endoftext|>\""))
        for id in ["1099511627776", "2147483648", "1000000000", "4000"] {
            let bad = try f.write("bad.json", text.replacingOccurrences(of: "{\"id\": 0, \"content\"", with: "{\"id\": \(id), \"content\""))
            try Self.expectCleanFailure(["encode", "--tokenizer", bad, try f.corpus()], "added_tokens[0]")
        }
    }

    @Test func safetensorsHeadersThatDoNotAddUp() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let cases: [(String, Int, String)] = [
            (#"{"embeddings":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#, 16, "more elements"),
            (#"{"embeddings":{"dtype":"F32","shape":[2.5,2],"data_offsets":[0,16]}}"#, 16, "non-integer"),
            (
                #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}"#, 24,
                "overlaps"
            ),
            (#"{"embeddings":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, 20, "trailing bytes"),
            (#"{"embeddings":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]}}"#, 0, "at least 1"),
        ]
        for (k, (header, bytes, expected)) in cases.enumerated() {
            let path = try f.write("e\(k).safetensors", bytes: Self.safetensors(header, dataBytes: bytes))
            try Self.expectCleanFailure(["similar", "--embeddings", path, "0"], expected)
            try Self.expectCleanFailure(["analogy", "--embeddings", path, "0", "1", "0"], expected)
        }
    }

    @Test func modelDirectoriesWithImpossibleNumbers() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try f.model()
        let config = try String(contentsOfFile: run + "/config.json", encoding: .utf8)
        #expect(config.contains("\"dim\" : 8,") && config.contains("\"layers\" : 1,"))
        for (from, to, expected) in [
            ("\"dim\" : 8,", "\"dim\" : 1099511627776,", "dim"), ("\"layers\" : 1,", "\"layers\" : 100000,", "layers"),
            ("\"layers\" : 1,", "\"layers\" : 4000,", "can hold"),
        ] {
            try FileManager.default.copyItem(atPath: run, toPath: f.path("copy"))
            try f.write("copy/config.json", config.replacingOccurrences(of: from, with: to))
            try Self.expectCleanFailure(["generate", "--model", f.path("copy"), "--max-tokens", "2"], expected)
            try FileManager.default.removeItem(atPath: f.path("copy"))
        }
        // A negative data position, and a state file that is not what resume expects.
        let state = try String(contentsOfFile: run + "/trainer_state.json", encoding: .utf8)
        let resume = ["train-lm", "--tokens", try f.shard(), "--tokenizer", try f.tokenizer(), "-o", run, "--resume", "--steps", "3"]
        let negative = state.replacingOccurrences(of: #""position" : [0-9]+"#, with: #""position" : -5"#, options: .regularExpression)
        #expect(negative != state)
        try f.write("run/trainer_state.json", negative)
        try Self.expectCleanFailure(resume, "position")
        try f.write("run/trainer_state.json", "{}")
        try Self.expectCleanFailure(resume, "trainer_state.json")
        let r = try CommandRunner.run(resume)
        #expect(!r.stderr.contains("no training state") && !r.stderr.contains("DecodingError"), "\(r.stderr)")
    }

    @Test func aTokenizerThatDoesNotBelongToTheModel() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try f.model()
        let other = f.path("other.json")
        let trained = try CommandRunner.run(["train-tokenizer", "--vocab-size", "280", "-o", other, try f.corpus()])
        #expect(trained.status == 0, "\(trained.stderr)")
        try FileManager.default.removeItem(atPath: run + "/tokenizer.json")
        try FileManager.default.copyItem(atPath: other, toPath: run + "/tokenizer.json")
        try Self.expectCleanFailure(["evaluate-lm", "--model", run, "--tokens", try f.shard()], "do not belong together")
    }

    @Test func countFilesThatOverflowOrAreCutShort() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let counts = f.path("a.counts")
        let r = try CommandRunner.run(["count", "-o", counts, try f.corpus()])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: counts, encoding: .utf8)
        // Two huge counts before the closing "#end …" line.
        let end = try #require(text.range(of: "\n#end", options: .backwards))
        try f.write(
            "big.counts",
            String(text[..<end.lowerBound]) + "\n9223372036854775807\tzzz\n9223372036854775807\tzzy" + String(text[end.lowerBound...]))
        try Self.expectCleanFailure(
            ["train-tokenizer", "--vocab-size", "300", "-o", f.path("t.json"), "--from-counts", f.path("big.counts")], "without overflow")
        try f.write("cut.counts", String(text.dropLast(2)))
        try Self.expectCleanFailure(
            ["train-tokenizer", "--vocab-size", "300", "-o", f.path("t.json"), "--from-counts", f.path("cut.counts")], "cut short")
        #expect(!FileManager.default.fileExists(atPath: f.path("t.json")))
    }
}
