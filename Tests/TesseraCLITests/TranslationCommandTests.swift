import Foundation
import Testing

/// `train-seq2seq`, `translate`, `evaluate-seq2seq` and `attention` end to end on a tiny model, and
/// their bad-input errors.
@Suite struct TranslationCommandTests {
    static let pairs: [(String, String)] = [
        ("Open file", "파일 열기"), ("Close file", "파일 닫기"), ("Save file", "파일 저장"), ("Open window", "창 열기"),
        ("Close window", "창 닫기"), ("Save window", "창 저장"), ("Open folder", "폴더 열기"), ("Close folder", "폴더 닫기"),
    ]

    static func writePairs(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("pairs.jsonl").path
        let lines = try pairs.map { en, ko in
            String(decoding: try JSONSerialization.data(withJSONObject: ["en": en, "ko": ko], options: [.sortedKeys]), as: UTF8.self)
        }
        let text = (lines + ["{\"en\": \"Empty\", \"ko\": \"\"}"]).joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func trainTranslateEvaluateAndAttention() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pairs = try Self.writePairs(dir)
        let run = dir.appendingPathComponent("run").path
        let train = try CommandRunner.run([
            "train-seq2seq", "--pairs", pairs, "--dev", pairs, "--layers", "1", "--dim", "16", "--heads", "2", "--vocab-size", "300",
            "--batch-tokens", "64", "--steps", "30", "--warmup", "3", "--lr", "5e-3", "--eval-interval", "15", "--eval-sentences", "4",
            "--threads", "1", "-o", run,
        ])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("1 skipped: empty source or target"), "\(train.stderr)")
        #expect(train.stderr.contains("dev chrF"), "\(train.stderr)")
        for file in ["config.json", "model.safetensors", "tokenizer.json", "optimizer.safetensors", "trainer_state.json"] {
            #expect(FileManager.default.fileExists(atPath: run + "/" + file), "\(file)")
        }
        // translate: one line in, one line out, greedy = beam 1.
        let input = Data("Open file\nClose window\n".utf8)
        let greedy = try CommandRunner.run(["translate", "--model", run], stdin: input)
        #expect(greedy.status == 0, "\(greedy.stderr)")
        #expect(String(decoding: greedy.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).count == 3)
        let beamOne = try CommandRunner.run(["translate", "--model", run, "--beam", "1", "-"], stdin: input)
        #expect(beamOne.stdout == greedy.stdout)
        // evaluate-seq2seq: one JSON line, decoding exactly as translate does.
        let hypotheses = dir.appendingPathComponent("hyp.txt").path
        let evaluate = try CommandRunner.run(["evaluate-seq2seq", "--model", run, "--pairs", pairs, "--hypotheses", hypotheses])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: evaluate.stdout) as? [String: Any])
        #expect(json["sentences"] as? Int == Self.pairs.count)
        #expect(json["skipped_empty"] as? Int == 1)
        for key in ["bleu", "chrf", "loss", "bleu_signature", "chrf_signature"] { #expect(json[key] != nil, "\(key)") }
        let written = try String(contentsOfFile: hypotheses, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let sources = Self.pairs.map(\.0).joined(separator: "\n") + "\n"
        let translated = try CommandRunner.run(["translate", "--model", run], stdin: Data(sources.utf8))
        #expect(written.joined(separator: "\n") == String(decoding: translated.stdout, as: UTF8.self))
        // attention: cross-attention maps of the translation.
        let attention = dir.appendingPathComponent("attn").path
        let maps = try CommandRunner.run(["attention", "--model", run, "--text", "Open file", "-o", attention])
        #expect(maps.status == 0, "\(maps.stderr)")
        #expect(FileManager.default.fileExists(atPath: attention + "/layer0_head1.svg"))
        // Marian export of the post-LN Transformer.
        let marian = dir.appendingPathComponent("marian").path
        let export = try CommandRunner.run(["export", "--model", run, "--format", "hf-marian", "-o", marian])
        #expect(export.status == 0, "\(export.stderr)")
        for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
            #expect(FileManager.default.fileExists(atPath: marian + "/" + file), "\(file)")
        }
        // A second run into the finished directory is refused; --resume continues.
        let again = try CommandRunner.run(["train-seq2seq", "--pairs", pairs, "--steps", "40", "-o", run])
        #expect(again.status != 0 && again.stderr.contains("--resume"), "\(again.stderr)")
        let resumed = try CommandRunner.run([
            "train-seq2seq", "--pairs", pairs, "--dev", pairs, "--steps", "34", "--threads", "1", "--resume", "-o", run,
        ])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("done: step 34"), "\(resumed.stderr)")
    }

    /// `--batch-log` writes one JSON line per step, numbered from 1, whose pairs cover the train part
    /// once per epoch and whose ids are the training examples' (sources end in `<eos>`, id 2); a
    /// path that is one of the command's inputs is refused before any work.
    @Test func batchLogWritesEachStepsBatch() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pairs = try Self.writePairs(dir)
        let run = dir.appendingPathComponent("run").path, log = dir.appendingPathComponent("batches.jsonl").path
        let options = [
            "train-seq2seq", "--pairs", pairs, "--dev", pairs, "--layers", "1", "--dim", "16", "--heads", "2", "--vocab-size", "300",
            "--batch-tokens", "32", "--steps", "12", "--warmup", "2", "--eval-interval", "0", "--eval-sentences", "0", "--threads", "1",
        ]
        let train = try CommandRunner.run(options + ["--batch-log", log, "-o", run])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("training steps alone"), "\(train.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        try #require(lines.count == 12, "\(lines.count) lines")
        var epoch: [Int] = [], epochs = 0
        for (n, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "line \(n + 1)")
            #expect(object["step"] as? Int == n + 1)
            let indices = try #require(object["pairs"] as? [Int]), sources = try #require(object["source"] as? [[Int]])
            let targets = try #require(object["target"] as? [[Int]])
            try #require(indices.count == sources.count && indices.count == targets.count, "line \(n + 1)")
            #expect(sources.allSatisfy { $0.last == 2 }, "line \(n + 1): \(sources)")
            epoch += indices
            if epoch.count >= Self.pairs.count {
                #expect(epoch.sorted() == Array(0..<Self.pairs.count), "epoch \(epochs): \(epoch)")
                epoch = []
                epochs += 1
            }
        }
        #expect(epochs >= 2, "12 steps should cover two epochs of \(Self.pairs.count) pairs")
        let clobber = try CommandRunner.run(options + ["--batch-log", pairs, "-o", dir.appendingPathComponent("run2").path])
        #expect(clobber.status != 0, "\(clobber.stderr)")
        #expect(try String(contentsOfFile: pairs, encoding: .utf8).contains("파일 열기"))
    }

    /// The recurrent archs through the same commands: rnn-attention draws its one attention map;
    /// rnn has none (an error), and neither exports to Marian.
    @Test func recurrentArchitectures() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pairs = try Self.writePairs(dir)
        for arch in ["rnn-attention", "rnn"] {
            let run = dir.appendingPathComponent(arch).path
            let train = try CommandRunner.run([
                "train-seq2seq", "--pairs", pairs, "--dev", pairs, "--arch", arch, "--cell", "gru", "--bidirectional", "--layers", "2",
                "--dim", "16", "--vocab-size", "300", "--batch-tokens", "64", "--steps", "20", "--warmup", "3", "--lr", "5e-3",
                "--eval-interval", "10", "--eval-sentences", "4", "--threads", "1", "-o", run,
            ])
            #expect(train.status == 0, "\(train.stderr)")
            #expect(train.stderr.contains("model: \(arch), bidirectional gru encoder, 2+2 layers"), "\(train.stderr)")
            let input = Data("Open file\nClose window\n".utf8)
            let greedy = try CommandRunner.run(["translate", "--model", run], stdin: input)
            #expect(greedy.status == 0, "\(greedy.stderr)")
            let beamOne = try CommandRunner.run(["translate", "--model", run, "--beam", "1"], stdin: input)
            #expect(beamOne.stdout == greedy.stdout)
            let evaluate = try CommandRunner.run(["evaluate-seq2seq", "--model", run, "--pairs", pairs, "--beam", "3"])
            #expect(evaluate.status == 0, "\(evaluate.stderr)")
            let attention = dir.appendingPathComponent("attn-" + arch).path
            let maps = try CommandRunner.run(["attention", "--model", run, "--text", "Open file", "-o", attention])
            if arch == "rnn" {
                #expect(maps.status != 0 && maps.stderr.contains("architecture rnn has no attention"), "\(maps.stderr)")
            } else {
                #expect(maps.status == 0, "\(maps.stderr)")
                #expect(FileManager.default.fileExists(atPath: attention + "/layer0_head0.svg"))
            }
            let export = try CommandRunner.run([
                "export", "--model", run, "--format", "hf-marian", "-o", dir.appendingPathComponent("m").path,
            ])
            #expect(export.status != 0 && export.stderr.contains("architecture \(arch)"), "\(export.stderr)")
        }
        let resumed = try CommandRunner.run([
            "train-seq2seq", "--pairs", pairs, "--dev", pairs, "--steps", "24", "--threads", "1", "--resume", "-o",
            dir.appendingPathComponent("rnn-attention").path,
        ])
        #expect(resumed.status == 0 && resumed.stderr.contains("done: step 24"), "\(resumed.stderr)")
    }

    @Test func badInputIsAOneLineErrorBeforeAnyWork() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let english = dir.appendingPathComponent("a.en").path, korean = dir.appendingPathComponent("a.ko").path
        try Data("Open\nClose\nSave\n".utf8).write(to: URL(fileURLWithPath: english))
        try Data("열기\n닫기\n".utf8).write(to: URL(fileURLWithPath: korean))
        let run = dir.appendingPathComponent("run").path
        let mismatch = try CommandRunner.run(["train-seq2seq", "--source", english, "--target", korean, "-o", run])
        #expect(mismatch.status != 0)
        #expect(mismatch.stderr.contains("\(english) has 3 lines but \(korean) has 2"), "\(mismatch.stderr)")
        let jsonl = dir.appendingPathComponent("bad.jsonl").path
        try Data("{\"en\": \"Open\", \"ko\": \"열기\"}\n{\"en\": \"Close\"}\n".utf8).write(to: URL(fileURLWithPath: jsonl))
        let missing = try CommandRunner.run(["train-seq2seq", "--pairs", jsonl, "-o", run])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("\(jsonl):2: expected a string field \"ko\""), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run), "bad input must leave no run directory behind")
        let bidirectional = try CommandRunner.run(["train-seq2seq", "--pairs", jsonl, "--bidirectional", "-o", run])
        #expect(bidirectional.status != 0 && bidirectional.stderr.contains("--bidirectional"), "\(bidirectional.stderr)")
        let heads = try CommandRunner.run(["train-seq2seq", "--pairs", jsonl, "--dim", "30", "--heads", "4", "-o", run])
        #expect(heads.status != 0 && heads.stderr.contains("--heads"), "\(heads.stderr)")
    }
}
