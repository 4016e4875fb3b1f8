import Foundation
import Testing

/// `fine-tune` and `classify` on a `train-lm` Transformer run (GPT last-token classification), and
/// the refusal of a recurrent run.
@Suite("GPT fine-tuning commands")
struct GPTFineTuneCommandTests {
    /// A tiny byte-level language-model run of `arch` in `dir/name`.
    static func languageModel(_ dir: URL, _ name: String, arch: [String]) throws -> String {
        let shard = dir.appendingPathComponent("train.bin")
        if !FileManager.default.fileExists(atPath: shard.path) { try RecurrentLMCommandTests.byteShard(RecurrentLMCommandTests.text, at: shard) }
        let run = dir.appendingPathComponent(name).path
        let r = try CommandRunner.run(
            ["train-lm"] + arch + [
                "--layers", "1", "--context", "32", "--batch", "2", "--steps", "2", "--eval-interval", "2", "--eval-batches", "1",
                "--threads", "1", "--tokens", shard.path, "--tokenizer", "bytes", "-o", run,
            ])
        #expect(r.status == 0, "\(r.stderr)")
        return run
    }

    /// Labelled JSON lines: texts about cats are "cat", texts about dogs are "dog".
    static func labelled(_ dir: URL, _ name: String, count: Int) throws -> String {
        var lines = ""
        for k in 0..<count {
            let (text, label) = k % 2 == 0 ? ("the cat sat on the mat", "cat") : ("the lazy dog jumps over the fox", "dog")
            lines += "{\"text\": \"\(text)\", \"label\": \"\(label)\"}\n"
        }
        let url = dir.appendingPathComponent(name)
        try lines.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("fine-tune of a train-lm Transformer run: dev accuracy and macro-F1 as for BERT; classify reads the result; --from-scratch too")
    func gptFineTuneAndClassify() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Self.languageModel(dir, "gpt", arch: ["--dim", "16", "--heads", "2"])
        let train = try Self.labelled(dir, "train.jsonl", count: 16), dev = try Self.labelled(dir, "dev.jsonl", count: 4)
        for scratch in [false, true] {
            let out = dir.appendingPathComponent(scratch ? "scratch" : "ft").path
            let r = try CommandRunner.run(
                ["fine-tune", "--model", run, "--train", train, "--dev", dev, "--epochs", "1", "--batch", "4", "--threads", "1", "-o", out]
                    + (scratch ? ["--from-scratch"] : []))
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("GPT last-token classifier"), "\(r.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
            #expect(Set(json.keys) == ["accuracy", "macro_f1", "dev_examples", "classes", "from_scratch", "steps"], "\(json)")
            #expect(json["classes"] as? Int == 2 && json["dev_examples"] as? Int == 4 && json["from_scratch"] as? Bool == scratch)
            let accuracy = try #require(json["accuracy"] as? Double), f1 = try #require(json["macro_f1"] as? Double)
            #expect((0...1).contains(accuracy) && (0...1).contains(f1))
            let c = try CommandRunner.run(["classify", "--model", out, "--text", "the cat sat", "--text", "the dog"])
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
    }

    @Test("export of a fine-tuned GPT writes GPT2ForSequenceClassification; -o on a training run is refused with its kind")
    func exportOfFineTunedGPT() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Self.languageModel(dir, "gpt", arch: ["--dim", "16", "--heads", "2"])
        let train = try Self.labelled(dir, "train.jsonl", count: 8), dev = try Self.labelled(dir, "dev.jsonl", count: 2)
        let tuned = dir.appendingPathComponent("ft").path
        let f = try CommandRunner.run(
            ["fine-tune", "--model", run, "--train", train, "--dev", dev, "--epochs", "1", "--batch", "4", "--threads", "1", "-o", tuned])
        try #require(f.status == 0, "\(f.stderr)")
        let out = dir.appendingPathComponent("hf").path
        let e = try CommandRunner.run(["export", "--model", tuned, "--format", "hf-gpt2", "-o", out])
        #expect(e.status == 0, "\(e.stderr)")
        let config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as? [String: Any])
        #expect(config["architectures"] as? [String] == ["GPT2ForSequenceClassification"], "\(config)")
        #expect(config["id2label"] as? [String: String] == ["0": "cat", "1": "dog"], "\(config)")
        #expect(config["pad_token_id"] as? Int == 256, "the byte codec's end-of-text id pads: \(config)")
        let weights = try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors"))
        #expect(String(decoding: weights.prefix(4096), as: UTF8.self).contains("\"score.weight\""))
        // -o naming the language-model run is refused, and the run is untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        let refused = try CommandRunner.run(["export", "--model", tuned, "--format", "hf-gpt2", "-o", run])
        MaskedLMCommandTests.expectOneLineError(refused, mentioning: "holds a Tessera language-model run, not an exported model")
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")) == before)
    }

    @Test("fine-tune of a recurrent train-lm run is one line naming the arch; nothing is written")
    func recurrentRunIsRefused() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Self.languageModel(dir, "gru", arch: ["--arch", "gru", "--hidden", "16"])
        let train = try Self.labelled(dir, "train.jsonl", count: 8), dev = try Self.labelled(dir, "dev.jsonl", count: 2)
        let out = dir.appendingPathComponent("ft").path
        let r = try CommandRunner.run(["fine-tune", "--model", run, "--train", train, "--dev", dev, "--threads", "1", "-o", out])
        MaskedLMCommandTests.expectOneLineError(r, mentioning: "holds a gru language model")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
