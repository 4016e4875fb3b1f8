import Foundation
import Testing

/// `train-lm --arch rnn|lstm|gru` and the commands that read its run directory, through the built
/// executable.
@Suite struct RecurrentLMCommandTests {
    /// An llm.c token shard (version 1, uint16 ids) of the UTF-8 bytes of `text`.
    static func byteShard(_ text: String, at url: URL) throws {
        var header = [Int32](repeating: 0, count: 256)
        header[0] = 20240520; header[1] = 1; header[2] = Int32(text.utf8.count)
        var data = Data()
        for v in header { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        for b in text.utf8 { withUnsafeBytes(of: UInt16(b).littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: url)
    }

    static let text = String(repeating: "the cat sat on the mat and the dog sat on the log. ", count: 40)

    @Test(arguments: [
        (["--arch", "lstm", "--heads", "4"], "--heads applies to --arch transformer only"),
        (["--arch", "gru", "--positions", "learned"], "--positions applies to --arch transformer only"),
        (["--hidden", "64"], "--hidden applies to --arch rnn|lstm|gru only"),
        (["--arch", "rnn", "--hidden", "0"], "--hidden"),
        (["--arch", "lstm", "--layers", "0"], "--layers"),
        (["--arch", "gru", "--hidden", "8", "--embed-dim", "6"], "tied embeddings need them equal"),
    ])
    func badConfigsFailBeforeAnyWork(extra: [String], message: String) throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shard = dir.appendingPathComponent("train.bin")
        try Self.byteShard(Self.text, at: shard)
        let run = dir.appendingPathComponent("run").path
        let r = try CommandRunner.run(["train-lm", "--tokens", shard.path, "--tokenizer", "bytes", "-o", run] + extra)
        #expect(r.status != 0, "\(extra): exit status 0")
        #expect(r.stderr.contains(message), "\(extra): stderr was \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run), "\(extra): the run directory was created")
    }

    @Test func trainResumeGenerateAndEvaluateALSTM() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shard = dir.appendingPathComponent("train.bin")
        try Self.byteShard(Self.text, at: shard)
        let run = dir.appendingPathComponent("run").path
        let train = [
            "train-lm", "--arch", "lstm", "--hidden", "16", "--layers", "2", "--context", "16", "--batch", "4", "--steps", "6",
            "--eval-interval", "3", "--eval-batches", "1", "--threads", "1", "--tokens", shard.path, "--tokenizer", "bytes", "-o", run,
        ]
        let first = try CommandRunner.run(train + ["--stop-after", "3"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("lstm: 2 layers, hidden 16"))
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/config.json"))) as? [String: Any]
        #expect(config?["arch"] as? String == "lstm")
        let wrongArch = try CommandRunner.run(train.map { $0 == "lstm" ? "gru" : $0 } + ["--resume"])
        #expect(wrongArch.status != 0 && wrongArch.stderr.contains("resume it with --arch lstm"), "\(wrongArch.stderr)")
        let resumed = try CommandRunner.run(train + ["--resume"])
        #expect(resumed.status == 0 && resumed.stderr.contains("done: step 6"), "\(resumed.stderr)")

        let generated = try CommandRunner.run(["generate", "--model", run, "--prompt", "the ", "--max-tokens", "20", "--seed", "3"])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(String(decoding: generated.stdout, as: UTF8.self).hasPrefix("the "))
        let evaluated = try CommandRunner.run(["evaluate-lm", "--model", run, "--tokens", shard.path, "--threads", "1"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let json = try JSONSerialization.jsonObject(with: evaluated.stdout) as? [String: Any]
        #expect((json?["loss"] as? Double).map { $0 > 0 && $0 < 10 } == true, "\(String(decoding: evaluated.stdout, as: UTF8.self))")

        let attention = try CommandRunner.run([
            "attention", "--model", run, "--text", "the cat", "-o", dir.appendingPathComponent("att").path,
        ])
        #expect(
            attention.status != 0 && attention.stderr.contains("attention weights exist only for --arch transformer"), "\(attention.stderr)"
        )
    }

    /// A safetensors file with one float32 `[rows, columns]` tensor `embeddings` of `value(k)`.
    static func embeddingTable(rows: Int, columns: Int, at url: URL, value: (Int) -> Float) throws {
        let header = #"{"embeddings":{"dtype":"F32","shape":[\#(rows),\#(columns)],"data_offsets":[0,\#(4 * rows * columns)]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for k in 0..<(rows * columns) { withUnsafeBytes(of: value(k).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: url)
    }

    /// `--init-embeddings` fills a recurrent model's embedding when the table is as wide as it, and
    /// names both widths when not.
    @Test func word2VecInitializesARecurrentEmbedding() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shard = dir.appendingPathComponent("train.bin")
        try Self.byteShard(Self.text, at: shard)
        // The byte-level tokenizer has 257 ids (256 bytes and end-of-text).
        let fits = dir.appendingPathComponent("w16.safetensors"), narrow = dir.appendingPathComponent("w8.safetensors")
        try Self.embeddingTable(rows: 257, columns: 16, at: fits) { Float(($0 * 7919) % 101) / 50 - 1 }
        try Self.embeddingTable(rows: 257, columns: 8, at: narrow) { Float($0 % 13) }
        let train = [
            "train-lm", "--arch", "gru", "--hidden", "16", "--layers", "1", "--context", "16", "--batch", "2", "--steps", "2",
            "--eval-interval", "2", "--eval-batches", "1", "--threads", "1", "--tokens", shard.path, "--tokenizer", "bytes",
        ]
        let good = try CommandRunner.run(train + ["--init-embeddings", fits.path, "-o", dir.appendingPathComponent("a").path])
        #expect(good.status == 0 && good.stderr.contains("initialized token embeddings from \(fits.path)"), "\(good.stderr)")
        let bad = try CommandRunner.run(train + ["--init-embeddings", narrow.path, "-o", dir.appendingPathComponent("b").path])
        #expect(bad.status != 0 && bad.stderr.contains("has dimension 8 but the model's dim is 16"), "\(bad.stderr)")
    }
}
