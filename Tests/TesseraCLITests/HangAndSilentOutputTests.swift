import Foundation
import Testing

/// Hangs, silent wrong output and unclear messages. Tokenizer training on one long word was
/// quadratic (minutes for a few MB), evaluate-lm printed nothing and exited 0 on a NaN loss,
/// decode wrote invalid UTF-8, and errors came as Foundation or Codable dumps.
@Suite struct HangAndSilentOutputTests {
    @Test(arguments: ["byte-bpe", "bpe", "wordpiece"])
    func trainingOnOneLongWordFinishes(model: String) throws {
        let f = try CLIFixture()
        defer { f.remove() }
        // 2 MB without a space: about three minutes before (quadratic), about a second now. The
        // watchdog turns a hang into a failure (status 137); no timing is asserted.
        let word = try f.write("word.txt", String(repeating: "ab", count: 1 << 20) + "\n")
        let r = try CommandRunner.run(
            ["train-tokenizer", "--model", model, "--vocab-size", "400", "-o", f.path("t.json"), word], timeout: 120)
        #expect(r.status == 0, "\(model): status \(r.status): \(r.stderr)")
        let tokens = try String(contentsOfFile: f.path("t.json"), encoding: .utf8)
        #expect(tokens.contains("abababab"), "\(model): the long word was not merged")
    }

    @Test func aNaNLossIsAnErrorNotSilence() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try f.model()
        // Every weight NaN (0x7FC00000), the header kept.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let nan: [UInt8] = [0x00, 0x00, 0xC0, 0x7F]
        for i in stride(from: 8 + headerLength, to: bytes.count, by: 4) { bytes.replaceSubrange(i..<(i + 4), with: nan) }
        try Data(bytes).write(to: URL(fileURLWithPath: run + "/model.safetensors"))
        let r = try CommandRunner.run(["evaluate-lm", "--model", run, "--tokens", try f.shard()])
        #expect(r.status != 0 && r.status < 128, "status \(r.status), stdout \(String(decoding: r.stdout, as: UTF8.self))")
        #expect(r.stderr.contains("the loss is nan") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test func decodeWritesValidUTF8LikeGenerate() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let tokenizer = try f.tokenizer()
        // "é" is two byte tokens for a tokenizer trained on ASCII text; its first id alone is half a character.
        let encoded = try CommandRunner.run(["encode", "--tokenizer", tokenizer], stdin: Data("é\n".utf8))
        let ids = String(decoding: encoded.stdout, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        #expect(ids.count == 2, "\(ids)")
        let first = try f.write("ids.txt", "\(ids.first ?? "")\n")
        let r = try CommandRunner.run(["decode", "--tokenizer", tokenizer, first])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Data("\u{FFFD}\n".utf8))
    }

    @Test func errorsAreOneLineWithoutDumpsOrControlBytes() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus()
        // A binary "tokenizer" whose bytes would land in the message; a JSON config with a wrong type.
        let binary = try f.write("binary.json", bytes: [0x7B, 0x00, 0x01, 0x22, 0x0A, 0x7D])
        let config = try f.write("pipeline.json", #"{"lm": {"steps": "many"}}"#)
        let cases: [[String]] = [
            ["encode", "--tokenizer", binary, corpus],
            ["pipeline", "--config", config, "--run", f.path("p")],
            ["train-lm", "--tokens", corpus, "--tokenizer", "bytes", "-o", f.path("r")],
            ["generate", "--model", f.path("nothing")],
            ["pipeline", "--from", "lm", "--until", "normalize", "--run", f.path("p")],
        ]
        for args in cases {
            let r = try CommandRunner.run(args)
            #expect(r.status != 0 && r.status < 128, "\(args): status \(r.status)")
            #expect(
                r.stderr.split(separator: "\n", omittingEmptySubsequences: false).count == 2 && r.stderr.hasSuffix("\n"),
                "\(args): \(r.stderr)")
            #expect(
                !r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" },
                "\(args): control bytes in \(r.stderr.debugDescription)")
            for dump in ["NSCocoaErrorDomain", "DecodingError", "EncodingError", "Usage:"] {
                #expect(!r.stderr.contains(dump), "\(args): \(r.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: f.path("p")))
    }
}
