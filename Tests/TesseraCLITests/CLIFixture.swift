import Foundation
import Testing

/// A temporary directory with the small artifacts the CLI tests feed to `tessera`: a text corpus,
/// a byte-level BPE tokenizer trained on it, a token shard, and a tiny trained model directory —
/// all made by the command line itself, so no fixture file is needed.
struct CLIFixture {
    let directory: URL

    /// Creates the directory (and, on demand, the artifacts).
    init() throws {
        directory = try CommandRunner.temporaryDirectory()
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Removes the directory.
    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// Writes bytes to `name` and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// The bytes of a file, or nil when it does not exist.
    func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: path(name)) }

    /// A small English corpus (`corpus.txt`).
    func corpus() throws -> String {
        let line = "the quick brown fox jumps over the lazy dog while the cat sat on the mat and said hello world\n"
        return try write("corpus.txt", String(repeating: line, count: 40))
    }

    /// A byte-level BPE `tokenizer.json` trained on the corpus.
    func tokenizer() throws -> String {
        if FileManager.default.fileExists(atPath: path("tokenizer.json")) { return path("tokenizer.json") }
        let r = try CommandRunner.run(["train-tokenizer", "--vocab-size", "300", "-o", path("tokenizer.json"), try corpus()])
        #expect(r.status == 0, "\(r.stderr)")
        return path("tokenizer.json")
    }

    /// The corpus encoded as an llm.c shard (`train.bin`).
    func shard() throws -> String {
        if FileManager.default.fileExists(atPath: path("train.bin")) { return path("train.bin") }
        let r = try CommandRunner.run(["encode", "--tokenizer", try tokenizer(), "--format", "bin", "-o", path("train.bin"), try corpus()])
        #expect(r.status == 0, "\(r.stderr)")
        return path("train.bin")
    }

    /// The options of a tiny, fast model run.
    static let tinyModel = [
        "--steps", "2", "--context", "8", "--batch", "2", "--dim", "8", "--heads", "2", "--layers", "1",
        "--eval-interval", "1", "--eval-batches", "1", "--threads", "1",
    ]

    /// A tiny trained model directory (`run`).
    func model() throws -> String {
        if FileManager.default.fileExists(atPath: path("run/model.safetensors")) { return path("run") }
        let r = try CommandRunner.run(
            ["train-lm", "--tokens", try shard(), "--tokenizer", try tokenizer(), "-o", path("run")] + CLIFixture.tinyModel)
        #expect(r.status == 0, "\(r.stderr)")
        return path("run")
    }
}
