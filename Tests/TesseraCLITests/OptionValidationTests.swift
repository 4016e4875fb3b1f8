import Foundation
import Testing

/// Traps: every numeric option has a range checked before any work. Each value here trapped
/// ("Range requires lowerBound <= upperBound"), aborted in allocation, looped forever, trained
/// with NaN, or was silently accepted before.
@Suite struct OptionValidationTests {
    @Test func outOfRangeOptionsAreOneLineErrorsBeforeAnyWork() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let corpus = try f.corpus(), tokenizer = try f.tokenizer(), shard = try f.shard(), model = try f.model()
        let out = f.path("out")
        let trainLM = ["train-lm", "--tokens", shard, "--tokenizer", tokenizer, "-o", out]
        let cases: [([String], String)] = [
            (trainLM + ["--batch", "0"], "--batch 0"),
            (trainLM + ["--lr", "nan"], "--lr nan"),
            (trainLM + ["--clip", "nan"], "--clip nan"),
            (trainLM + ["--weight-decay", "inf"], "--weight-decay inf"),
            (trainLM + ["--dropout", "2"], "--dropout 2"),
            (trainLM + ["--context", "1000000000"], "--context 1000000000"),
            (trainLM + ["--threads", "-1"], "--threads -1"),
            (trainLM + ["--steps", "-5"], "--steps -5"),
            (trainLM + ["--top-k", "5", "--experts", "2"], "--top-k 5"),
            (["generate", "--model", model, "--max-tokens", "-1"], "--max-tokens -1"),
            (["generate", "--model", model, "--temperature", "nan"], "--temperature nan"),
            (["generate", "--model", model, "--temperature", "-1"], "--temperature -1"),
            (["generate", "--model", model, "--top-p", "0"], "--top-p 0"),
            (["generate", "--model", model, "--top-p", "2"], "--top-p 2"),
            (["generate", "--model", model, "--top-k", "-1"], "--top-k -1"),
            (["evaluate-lm", "--model", model, "--tokens", shard, "--batch", "0"], "--batch 0"),
            (["evaluate-lm", "--model", model, "--tokens", shard, "--batch", "-1"], "--batch -1"),
            (["train-tokenizer", "--vocab-size", "300", "--limit-alphabet", "-1", "-o", out, corpus], "--limit-alphabet -1"),
            (["train-tokenizer", "--vocab-size", "300", "--special-tokens", "a,a", "-o", out, corpus], "listed twice"),
            (["count", "--threads", "1099511627776", "-o", out, corpus], "--threads 1099511627776"),
            (["encode", "--tokenizer", tokenizer, "--threads", "1000", "-o", out, corpus], "--threads 1000"),
            (["similar", "--embeddings", out, "-k", "1000000000000", "the"], "-k 1000000000000"),
            (["bench", "train-lm", "--steps", "-1"], "--steps -1"),
            (["bench", "train-lm", "--steps", "0"], "--steps 0"),
            (["bench", "generate", "--tokens", "0"], "--tokens 0"),
            (["bench", "encode", "--tokenizer", tokenizer, "--reuse-session", corpus], "--reuse-session needs --lines"),
            (["train-embeddings", "--words", corpus, "--alpha", "-1", "-o", out], "--alpha"),
        ]
        for (args, expected) in cases {
            let r = try CommandRunner.run(args, timeout: 60)
            let lines = r.stderr.split(separator: "\n")
            #expect(r.status != 0 && r.status < 128, "\(args): status \(r.status)")
            #expect(lines.count == 1 && r.stderr.contains(expected), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(args) wrote \(out)")
        }
    }

    @Test func resumeWithAChangedArchitectureNamesTheOption() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let r = try CommandRunner.run([
            "train-lm", "--tokens", try f.shard(), "--tokenizer", try f.tokenizer(), "-o", try f.model(),
            "--resume", "--layers", "2", "--steps", "3",
        ])
        #expect(r.status != 0 && r.status < 128)
        #expect(r.stderr.contains("--layers 2 differs from the run's 1"), "\(r.stderr)")
    }
}
