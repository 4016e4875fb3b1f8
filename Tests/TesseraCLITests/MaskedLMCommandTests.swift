import Foundation
import Testing

/// The masked-LM commands end to end through the built `tessera`: `train-mlm`, `fill-mask`,
/// `evaluate-mlm`, `fine-tune` and `classify` on a tiny run, and their bad-input errors.
@Suite("Masked-LM commands")
struct MaskedLMCommandTests {
    /// A WordPiece tokenizer (with BERT's special tokens) trained on the fixture corpus.
    static func wordPiece(_ f: CLIFixture) throws -> String {
        let path = f.path("wordpiece.json")
        if FileManager.default.fileExists(atPath: path) { return path }
        let r = try CommandRunner.run(["train-tokenizer", "--model", "wordpiece", "--vocab-size", "120", "-o", path, try f.corpus()])
        #expect(r.status == 0, "\(r.stderr)")
        return path
    }

    /// The options of a tiny, fast BERT run.
    static let tinyBert = [
        "--steps", "3", "--context", "16", "--batch", "2", "--dim", "8", "--heads", "2", "--layers", "1", "--warmup", "1",
        "--eval-interval", "1", "--eval-batches", "1", "--threads", "1",
    ]

    /// A tiny trained masked-LM run directory (`mlm`).
    static func tinyRun(_ f: CLIFixture) throws -> String {
        let run = f.path("mlm")
        if FileManager.default.fileExists(atPath: run + "/model.safetensors") { return run }
        let r = try CommandRunner.run(["train-mlm", "--tokenizer", try wordPiece(f), "-o", run] + tinyBert + [try f.corpus()])
        #expect(r.status == 0, "\(r.stderr)")
        return run
    }

    /// The `model.vocab` of a WordPiece tokenizer.json: token → id.
    static func vocabulary(_ path: String) throws -> [String: Int] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try #require(root["model"] as? [String: Any])
        return try #require(model["vocab"] as? [String: Int])
    }

    /// One line on standard error, non-zero status, no crash (status < 128).
    static func expectOneLineError(_ r: CommandRunner.Result, mentioning needle: String, _ comment: Comment? = nil) {
        #expect(r.status != 0 && r.status < 128, "status \(r.status): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "expected one error line, got: \(r.stderr)")
        #expect(r.stderr.contains(needle), "error should mention \(needle): \(r.stderr)")
    }

    @Test("fill-mask --json: one line per mask, top-k candidates from the vocabulary, probabilities descending")
    func fillMaskJSON() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try Self.tinyRun(f)
        let vocab = try Self.vocabulary(run + "/tokenizer.json")
        let r = try CommandRunner.run(["fill-mask", "--model", run, "--json", "--top-k", "3", "the quick [MASK] fox jumps [MASK] the lazy dog"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == 2, "one JSON line per [MASK]: \(lines)")
        for line in lines {
            let items = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]])
            try #require(items.count == 3, "\(line)")
            var previous = Double.infinity, total = 0.0
            for item in items {
                let id = try #require(item["id"] as? Int), token = try #require(item["token"] as? String)
                let p = try #require(item["probability"] as? Double)
                #expect(vocab[token] == id, "\(token) is id \(String(describing: vocab[token])) in the vocabulary, not \(id)")
                #expect(p > 0 && p <= previous, "probabilities must be positive and descending: \(line)")
                previous = p
                total += p
            }
            #expect(total <= 1 + 1e-5, "three candidates' probabilities sum past 1: \(line)")
        }
    }

    @Test("evaluate-mlm prints loss, accuracy, masked tokens and the unigram baseline as one JSON line")
    func evaluate() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try Self.tinyRun(f)
        let r = try CommandRunner.run(["evaluate-mlm", "--model", run, "--threads", "1", try f.corpus()])
        #expect(r.status == 0, "\(r.stderr)")
        let line = try #require(String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").first)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let loss = try #require(json["loss"] as? Double), accuracy = try #require(json["accuracy"] as? Double)
        let masked = try #require(json["masked_tokens"] as? Int), unigram = try #require(json["unigram_accuracy"] as? Double)
        #expect(loss.isFinite && loss > 0)
        #expect(masked > 0)
        #expect((0...1).contains(accuracy) && (0...1).contains(unigram))
        // The same masking seed gives the same figures.
        let again = try CommandRunner.run(["evaluate-mlm", "--model", run, "--threads", "1", try f.corpus()])
        #expect(again.stdout == r.stdout)
    }

    @Test("a tokenizer without BERT's special tokens is refused before training, naming the token")
    func missingSpecialTokens() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let r = try CommandRunner.run(["train-mlm", "--tokenizer", try f.tokenizer(), "-o", f.path("mlm")] + Self.tinyBert + [try f.corpus()])
        Self.expectOneLineError(r, mentioning: "[CLS]")
        #expect(!FileManager.default.fileExists(atPath: f.path("mlm/model.safetensors")))
    }

    @Test("fill-mask: a text without [MASK] or an empty text is an error; a long text is truncated and counted")
    func fillMaskInputs() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try Self.tinyRun(f)
        Self.expectOneLineError(try CommandRunner.run(["fill-mask", "--model", run, "the quick brown fox"]), mentioning: "[MASK]")
        Self.expectOneLineError(try CommandRunner.run(["fill-mask", "--model", run, "   "]), mentioning: "empty")
        let tail = String(repeating: " the lazy dog", count: 20)
        let r = try CommandRunner.run(["fill-mask", "--model", run, "the [MASK] fox" + tail])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("truncated by"), "a text longer than the model is truncated with a count: \(r.stderr)")
        #expect(String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").count == 1)
        // A mask beyond the model's positions is cut off with the rest: an error that says so.
        Self.expectOneLineError(try CommandRunner.run(["fill-mask", "--model", run, tail + " [MASK]"]), mentioning: "16 positions")
    }

    /// Labelled JSON lines: texts about cats are "cat", texts about dogs are "dog".
    static func labelled(_ f: CLIFixture, _ name: String, count: Int, extra: String = "") throws -> String {
        var lines = ""
        for k in 0..<count {
            let (text, label) = k % 2 == 0 ? ("the cat sat on the mat", "cat") : ("the lazy dog jumps over the fox", "dog")
            lines += "{\"text\": \"\(text)\", \"label\": \"\(label)\"}\n"
        }
        return try f.write(name, lines + extra)
    }

    @Test("fine-tune then classify: dev accuracy and macro-F1 as JSON, labels from the training set")
    func fineTuneAndClassify() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try Self.tinyRun(f)
        let train = try Self.labelled(f, "train.jsonl", count: 16), dev = try Self.labelled(f, "dev.jsonl", count: 4)
        let r = try CommandRunner.run([
            "fine-tune", "--model", run, "--train", train, "--dev", dev, "--epochs", "1", "--batch", "4", "--threads", "1", "-o",
            f.path("ft"),
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        #expect(json["classes"] as? Int == 2)
        #expect(json["dev_examples"] as? Int == 4)
        let accuracy = try #require(json["accuracy"] as? Double), f1 = try #require(json["macro_f1"] as? Double)
        #expect((0...1).contains(accuracy) && (0...1).contains(f1))
        let c = try CommandRunner.run(["classify", "--model", f.path("ft"), "--text", "the cat sat", "--text", "the dog"])
        #expect(c.status == 0, "\(c.stderr)")
        let lines = String(decoding: c.stdout, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == 2)
        for line in lines {
            let p = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(["cat", "dog"].contains(p["label"] as? String ?? ""), "\(line)")
            let probability = try #require(p["probability"] as? Double)
            #expect(probability >= 0.5 - 1e-6 && probability <= 1, "the predicted label is the likelier of two: \(line)")
        }
    }

    @Test("fine-tune: a dev label not seen in training is an error naming the file, line and label")
    func unseenDevLabel() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let run = try Self.tinyRun(f)
        let train = try Self.labelled(f, "train.jsonl", count: 8)
        let dev = try Self.labelled(f, "dev.jsonl", count: 2, extra: "{\"text\": \"a bird\", \"label\": \"bird\"}\n")
        let r = try CommandRunner.run([
            "fine-tune", "--model", run, "--train", train, "--dev", dev, "--epochs", "1", "--threads", "1", "-o", f.path("ft"),
        ])
        Self.expectOneLineError(r, mentioning: "dev.jsonl:3")
        #expect(r.stderr.contains("bird"))
        #expect(!FileManager.default.fileExists(atPath: f.path("ft/model.safetensors")))
    }

    @Test("train-mlm --init-embeddings: a table of the model's width starts the run; another width is one line naming both")
    func word2VecInitialization() throws {
        let f = try CLIFixture()
        defer { f.remove() }
        let tokenizer = try Self.wordPiece(f)
        let rows = try Self.vocabulary(tokenizer).count
        let fits = f.path("w8.safetensors"), narrow = f.path("w5.safetensors")
        try RecurrentLMCommandTests.embeddingTable(rows: rows, columns: 8, at: URL(fileURLWithPath: fits)) { Float(($0 * 7919) % 101) / 50 - 1 }
        try RecurrentLMCommandTests.embeddingTable(rows: rows, columns: 5, at: URL(fileURLWithPath: narrow)) { Float($0 % 13) }
        let good = try CommandRunner.run(
            ["train-mlm", "--tokenizer", tokenizer, "--init-embeddings", fits, "-o", f.path("a")] + Self.tinyBert + [try f.corpus()])
        #expect(good.status == 0 && good.stderr.contains("initialized token embeddings from \(fits)"), "\(good.stderr)")
        let bad = try CommandRunner.run(
            ["train-mlm", "--tokenizer", tokenizer, "--init-embeddings", narrow, "-o", f.path("b")] + Self.tinyBert + [try f.corpus()])
        Self.expectOneLineError(bad, mentioning: "has dimension 5 but the model's dim is 8")
        #expect(!FileManager.default.fileExists(atPath: f.path("b/model.safetensors")))
    }
}
