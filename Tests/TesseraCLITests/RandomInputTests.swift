import Foundation
import TestFixtures
import Testing

/// Property test over every file format the CLI reads and over option values: random bytes,
/// random truncations and random byte flips of valid files, and random values for numeric
/// options. Whatever the input, `tessera` must not trap (status < 128), must fail with one line,
/// and must leave an existing output file untouched unless it succeeded. Seeded; a failure
/// prints its seed, case and input.
@Suite struct RandomInputTests {
    static let seed: UInt64 = 0x7E55_E4A_2026

    /// One way of corrupting a file's bytes.
    static func mutate(_ bytes: [UInt8], _ rng: inout SeededRandom) -> (bytes: [UInt8], what: String) {
        switch rng.next() % 4 {
        case 0:
            let n = Int(rng.next() % 2048)
            return ((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, "\(n) random bytes")
        case 1:
            let cut = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
            return (Array(bytes.prefix(cut)), "cut at byte \(cut)")
        case 2:
            var out = bytes
            var flips: [Int] = []
            for _ in 0..<(1 + Int(rng.next() % 8)) where !out.isEmpty {
                let i = Int(rng.next() % UInt64(out.count))
                out[i] = UInt8(truncatingIfNeeded: rng.next())
                flips.append(i)
            }
            return (out, "bytes changed at \(flips)")
        default:
            // A run of digits somewhere: a huge or negative number in a header or a count.
            var out = bytes
            let i = out.isEmpty ? 0 : Int(rng.next() % UInt64(out.count))
            let digits = ["-1", "0", "4294967296", "1099511627776", "99999999999999999999", "1e308", "2.5", "-9223372036854775808"][
                Int(rng.next() % 8)]
            out.insert(contentsOf: Array(digits.utf8), at: i)
            return (out, "\(digits) inserted at byte \(i)")
        }
    }

    /// Runs one case and checks the three properties; `output` holds a sentinel before the run.
    static func check(_ args: [String], output: String?, label: String) throws {
        if let output { try Data("sentinel".utf8).write(to: URL(fileURLWithPath: output)) }
        let r = try CommandRunner.run(args, timeout: 120)
        #expect(r.status < 128, "\(label): trapped with status \(r.status): \(args)\n\(r.stderr)")
        if r.status != 0 {
            // Progress lines may come first; the error itself is the one last line.
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(
                lines.count >= 2 && lines[lines.count - 1].isEmpty && lines[lines.count - 2].hasPrefix("Error: "),
                "\(label): not one line: \(r.stderr.debugDescription)")
            #expect(
                lines.dropLast(2).allSatisfy { !$0.contains("Error") && !$0.hasPrefix(" ") },
                "\(label): not one line: \(r.stderr.debugDescription)")
            #expect(!r.stderr.contains("\0"), "\(label): NUL in the message")
            if let output {
                #expect(FileManager.default.contents(atPath: output) == Data("sentinel".utf8), "\(label): failed but changed \(output)")
            }
        }
    }

    @Test func corruptFilesOfEveryFormat() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus(), tokenizer = try f.tokenizer(), shard = try f.shard(), model = try f.model()
        let countsPath = f.path("a.counts")
        #expect(try CommandRunner.run(["count", "-o", countsPath, corpus]).status == 0)
        let embeddings = f.path("e.safetensors"), vectors = f.path("e.vec")
        let trained = try CommandRunner.run([
            "train-embeddings", "--words", corpus, "--dim", "4", "--epochs", "1", "--min-count", "1",
            "--threads", "1", "-o", embeddings, "--vec", vectors,
        ])
        #expect(trained.status == 0, "\(trained.stderr)")
        let out = f.path("out.txt")
        // (file to corrupt, how a command reads it, whether the command writes `out`)
        let formats: [(String, (String) -> [String], Bool)] = [
            (corpus, { ["normalize", $0, "-o", out] }, true),
            (corpus, { ["count", $0, "-o", out] }, true),
            (tokenizer, { ["encode", "--tokenizer", $0, corpus, "-o", out] }, true),
            (shard, { ["decode", "--tokenizer", tokenizer, $0, "-o", out] }, true),
            (shard, { ["evaluate-lm", "--model", model, "--tokens", $0] }, false),
            (countsPath, { ["train-tokenizer", "--vocab-size", "300", "--from-counts", $0, "-o", out] }, true),
            (embeddings, { ["similar", "--embeddings", $0, "the"] }, false),
            (vectors, { ["similar", "--embeddings", $0, "the"] }, false),
            (model + "/config.json", { _ in ["generate", "--model", f.path("m"), "--max-tokens", "3"] }, false),
            (model + "/model.safetensors", { _ in ["generate", "--model", f.path("m"), "--max-tokens", "3"] }, false),
            (model + "/tokenizer.json", { _ in ["generate", "--model", f.path("m"), "--max-tokens", "3"] }, false),
        ]
        var rng = SeededRandom(seed: Self.seed)
        for round in 0..<4 {
            for (k, (original, command, writes)) in formats.enumerated() {
                let valid = [UInt8](FileManager.default.contents(atPath: original) ?? Data())
                let (bytes, what) = Self.mutate(valid, &rng)
                let label = "seed \(Self.seed) round \(round) format \(k) (\((original as NSString).lastPathComponent)): \(what)"
                var path = f.path("input-" + (original as NSString).lastPathComponent)
                if original.hasPrefix(model + "/") {
                    // A copy of the model directory with one file corrupted.
                    try? FileManager.default.removeItem(atPath: f.path("m"))
                    try FileManager.default.copyItem(atPath: model, toPath: f.path("m"))
                    path = f.path("m/" + (original as NSString).lastPathComponent)
                }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                try Self.check(command(path), output: writes ? out : nil, label: label)
            }
        }
    }

    @Test func randomOptionValues() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus(), tokenizer = try f.tokenizer(), shard = try f.shard(), model = try f.model()
        let out = f.path("out.txt")
        let values = ["-1", "0", "1", "2", "nan", "inf", "-inf", "1e300", "2.5", "99999999999999999999", "1099511627776", "abc", "", "-0"]
        // (command, options to vary, whether it writes `out`)
        let commands: [([String], [String], Bool)] = [
            (["encode", "--tokenizer", tokenizer, corpus, "-o", out], ["--threads"], true),
            (["count", corpus, "-o", out], ["--threads"], true),
            (["train-tokenizer", corpus, "-o", out], ["--vocab-size", "--min-frequency", "--limit-alphabet", "--threads"], true),
            (["generate", "--model", model], ["--max-tokens", "--temperature", "--top-k", "--top-p", "--threads"], false),
            (["evaluate-lm", "--model", model, "--tokens", shard], ["--batch", "--threads"], false),
            (
                [
                    "train-lm", "--tokens", shard, "--tokenizer", tokenizer, "-o", f.path("lm"), "--steps", "1", "--dim", "8", "--heads",
                    "2", "--layers", "1", "--context", "8", "--batch", "2",
                ],
                ["--lr", "--clip", "--weight-decay", "--dropout", "--val-fraction", "--warmup", "--eval-batches", "--threads"], false
            ),
            (
                ["train-embeddings", "--words", corpus, "--dim", "4", "--epochs", "1", "--threads", "1", "-o", out],
                ["--window", "--negative", "--sample", "--alpha", "--min-count"], true
            ),
            (["bench", "generate", "--tokens", "2"], ["--threads"], false),
        ]
        var rng = SeededRandom(seed: Self.seed ^ 0xA11)
        for round in 0..<40 {
            let (base, options, writes) = commands[Int(rng.next() % UInt64(commands.count))]
            let option = options[Int(rng.next() % UInt64(options.count))]
            let value = values[Int(rng.next() % UInt64(values.count))]
            try? FileManager.default.removeItem(atPath: f.path("lm"))
            try Self.check(
                base + [option, value], output: writes ? out : nil,
                label: "seed \(Self.seed ^ 0xA11) round \(round): \(option) \(value.debugDescription)")
        }
    }
}
