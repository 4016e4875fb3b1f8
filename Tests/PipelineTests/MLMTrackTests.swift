import Foundation
import MaskedLM
import Pipeline
import Testing
import Tokenization

/// The pipeline's masked-LM track on the tiny corpus (English and Korean) with a tiny BERT: its
/// stages, artifacts and report section, strict validation of its keys, disabling it, and which
/// stages a changed key re-runs.
@Suite(.serialized) struct MLMTrackTests {
    static let stages = PipelineRunnerTests.mlmStages

    /// The tiny configuration with the track on: a 1-layer BERT of width 16, 12 steps, no budget.
    static func tinyMLMConfig() -> PipelineConfig {
        var c = PipelineRunnerTests.tinyConfig()
        c.mlm.enabled = true
        c.mlm.vocabSize = 1500
        c.mlm.layers = 1
        c.mlm.heads = 2
        c.mlm.dim = 16
        c.mlm.ffnDim = 32
        c.mlm.context = 32
        c.mlm.batch = 4
        c.mlm.steps = 12
        c.mlm.warmup = 2
        c.mlm.minutes = 0
        c.mlm.evalEvery = 4
        c.mlm.evalBatches = 2
        c.mlm.examples = 2
        c.mlm.threads = 1
        return c
    }

    struct Evaluation: Decodable {
        struct Candidate: Decodable {
            var token: String
            var probability: Double
        }
        struct Example: Decodable {
            var script: String
            var text: String
            var word: String
            var candidates: [Candidate]
        }
        var loss: Double
        var accuracy: Double
        var maskedTokens: Int
        var unigramAccuracy: Double
        var sequences: Int
        var examples: [Example]
    }

    struct CurvePoint: Decodable {
        var step: Int
        var trainLoss: Double?
        var heldOutAccuracy: Double?
        var unigramAccuracy: Double?
    }

    @Test func theTrackRunsWritesItsArtifactsAndReportSectionAndRerunsOnlyWhatAKeyChanges() throws {
        let run = PipelineRunnerTests.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = Self.tinyMLMConfig()
        let first = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        let translation: [PipelineStage] = [.translationTokenizer, .translationModel, .translationEvaluate]
        #expect(first.map(\.1) == PipelineStage.allCases.map { translation.contains($0) ? .disabled : .ran })
        for artifact in [
            "mlm/train.txt", "mlm/heldout.txt", "mlm/tokenizer.json", "mlm/model/config.json", "mlm/model/model.safetensors",
            "mlm/model/tokenizer.json", "mlm/curve.json", "mlm/evaluation.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(artifact)"), "\(artifact)")
        }
        // The held-out text is each file's tail: its lines are not in the training text, and both are non-empty.
        let train = try String(contentsOfFile: "\(run)/mlm/train.txt", encoding: .utf8)
        let heldOut = try String(contentsOfFile: "\(run)/mlm/heldout.txt", encoding: .utf8)
        let heldLines = heldOut.split(separator: "\n").filter { $0.count > 40 }
        #expect(!heldLines.isEmpty && !train.isEmpty)
        #expect(heldLines.filter { train.contains($0) }.count < heldLines.count / 10, "held-out lines repeated in the training text")

        // The model directory is one `fill-mask` and `evaluate-mlm` read, with the track's shape and tokenizer.
        let model = try MaskedLMCheckpoint.loadModel("\(run)/mlm/model")
        let tokenizer = try TokenizerFile.load("\(run)/mlm/model/tokenizer.json")
        #expect(model.config.dim == 16 && model.config.layers == 1 && model.config.maxPositions == 32)
        #expect(model.config.vocabSize == tokenizer.vocabularySize)
        #expect(try SpecialTokenIDs(tokenizer: tokenizer).all.count == 5)

        // The accuracy curve: held-out evaluations before training, every 4 steps and at the end.
        let curve = try JSONDecoder().decode([CurvePoint].self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/mlm/curve.json")))
        #expect(curve.filter { $0.heldOutAccuracy != nil }.map(\.step) == [0, 4, 8, 12])
        #expect(curve.filter { $0.trainLoss != nil }.map(\.step) == [10])
        #expect(curve.compactMap(\.heldOutAccuracy).allSatisfy { (0...1).contains($0) })

        // Held-out figures and fill-mask examples of both scripts, each a held-out line with one word masked.
        let evaluation = try JSONDecoder().decode(
            Evaluation.self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/mlm/evaluation.json")))
        #expect(evaluation.maskedTokens > 0 && evaluation.sequences > 0)
        #expect((0...1).contains(evaluation.accuracy) && (0...1).contains(evaluation.unigramAccuracy) && evaluation.loss > 0)
        // Two English lines (Latin script), then the Korean ones (the tiny corpus holds out few eligible Korean lines).
        let scripts = evaluation.examples.map(\.script)
        #expect(scripts.prefix(2) == ["Latin", "Latin"] && scripts.count > 2 && scripts.dropFirst(2).allSatisfy { $0 == "Hangul" }, "\(scripts)")
        let specials = try SpecialTokenIDs(tokenizer: tokenizer)
        for e in evaluation.examples {
            #expect(e.text.components(separatedBy: "[MASK]").count == 2, "\(e.text)")
            #expect(heldOut.contains(e.text.replacingOccurrences(of: "[MASK]", with: e.word)), "\(e.text)")
            #expect(tokenizer.encode(e.word).count == 1, "\(e.word)")
            // The candidates are fill-mask's on the saved model.
            let predicted = try FillMask.predict(model, tokenizer: tokenizer, specials: specials, text: e.text, topK: 5)
            try #require(predicted.masks.count == 1)
            #expect(e.candidates.count == 5 && predicted.masks[0].count == 5)
            #expect(e.candidates.map(\.token) == predicted.masks[0].map(\.token), "\(e.text)")
            #expect(zip(e.candidates, predicted.masks[0]).allSatisfy { abs($0.probability - $1.probability) < 1e-9 })
        }

        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        let section = try #require(html.range(of: "<h2>Masked language model (BERT)</h2>")).upperBound
        let tail = String(html[section...])
        #expect(tail.contains("<th>held-out MLM accuracy</th><th>unigram accuracy</th>"))
        #expect(tail.contains(String(format: "<td>%.3f</td><td>%.3f</td>", evaluation.accuracy, evaluation.unigramAccuracy)))
        #expect(tail.contains("Masked-LM accuracy (held-out pairs, fixed masks)"))
        #expect(tail.components(separatedBy: "<svg").count - 1 == 2)  // loss and accuracy curves
        #expect(tail.contains("<h3>Fill-mask on held-out lines</h3>"))
        #expect(tail.components(separatedBy: "[MASK]").count - 1 >= 4)

        // An example key re-runs the evaluation; a model key the model too; a data key the whole track;
        // no masked-LM key re-runs another stage, and no other key the track.
        config.mlm.examples = 1
        var ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == [.mlmEvaluate, .report])
        config.mlm.dim = 8
        ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == [.mlmModel, .mlmEvaluate, .report])
        config.mlm.vocabSize = 1400
        ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == Self.stages + [.report])
        config.lm.steps = 20
        ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == [.lm, .baselines, .evaluate, .generate, .report])
        let unchanged = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        #expect(unchanged.allSatisfy { $0.1 == .skipped || $0.1 == .disabled })
        // `--from mlm-tokenizer` re-runs the track and the report only.
        ran = try PipelineRunner(config: config, run: run, log: { _ in }).run(from: .mlmTokenizer).filter { $0.1 == .ran }.map(\.0)
        #expect(ran == Self.stages + [.report])
    }

    @Test func disablingTheTrackSkipsItsStagesAndTheReportSaysSo() throws {
        let run = PipelineRunnerTests.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = Self.tinyMLMConfig()
        config.mlm.enabled = false
        var lines: [String] = []
        let outcomes = try PipelineRunner(config: config, run: run, log: { lines.append($0) }).run()
        #expect(outcomes.map(\.1) == PipelineRunnerTests.allRanButTranslation)
        #expect(lines.contains("[mlm-model] disabled, skipped"))
        #expect(!FileManager.default.fileExists(atPath: "\(run)/mlm"))
        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        #expect(html.contains("The masked-LM track was disabled for this run (mlm.enabled = false)."))
        // Turning it on runs the track and the report, nothing upstream.
        config.mlm.enabled = true
        let ran = try PipelineRunner(config: config, run: run, log: { _ in }).run().filter { $0.1 == .ran }.map(\.0)
        #expect(ran == Self.stages + [.report])
    }

    @Test(arguments: [
        (#"{"mlm": {"dimm": 8}}"#, "mlm.dimm"),
        (#"{"mlm": {"norm": "middle"}}"#, "mlm.norm"),
        (#"{"mlm": {"minutes": "two"}}"#, "mlm.minutes"),
    ])
    func aBadKeyInTheFileIsAOneLineErrorNamingIt(json: String, field: String) throws {
        let error = #expect(throws: StrictJSON.ConfigError.self, "\(json)") {
            try StrictJSON.decode(PipelineConfig.self, defaults: PipelineConfig(), from: Data(json.utf8), file: "p.json")
        }
        #expect(error?.field == field, "\(json)")
        #expect(error.map { $0.description.hasPrefix("p.json: field '\(field)'") && !$0.description.contains("\n") } == true)
    }

    @Test func aBadValueIsAOneLineErrorNamingItsKeyBeforeAnyWork() throws {
        var cases: [(PipelineConfig, String)] = []
        var c = Self.tinyMLMConfig(); c.mlm.heads = 3; cases.append((c, "field 'mlm.heads'"))
        c = Self.tinyMLMConfig(); c.mlm.heldOutFraction = 0; cases.append((c, "field 'mlm.heldOutFraction'"))
        c = Self.tinyMLMConfig(); c.mlm.context = 4; cases.append((c, "field 'mlm.context'"))
        c = Self.tinyMLMConfig(); c.mlm.vocabSize = 3; cases.append((c, "field 'mlm.vocabSize'"))
        c = Self.tinyMLMConfig(); c.mlm.maskProbability = 0; cases.append((c, "field 'mlm.maskProbability'"))
        c = Self.tinyMLMConfig(); c.mlm.minutes = -1; cases.append((c, "field 'mlm.minutes'"))
        c = Self.tinyMLMConfig(); c.mlm.lr = .nan; cases.append((c, "field 'mlm.lr'"))
        c = Self.tinyMLMConfig(); c.mlm.topK = 0; cases.append((c, "field 'mlm.topK'"))
        for (config, field) in cases {
            let run = PipelineRunnerTests.temporaryRun()
            let error = #expect(throws: PipelineError.self, "\(field)") { try PipelineRunner(config: config, run: run, log: { _ in }) }
            #expect(
                error.map { $0.description.hasPrefix(field) && !$0.description.contains("\n") } == true, "\(error.map(\.description) ?? "")")
            #expect(!FileManager.default.fileExists(atPath: run), "\(field): nothing is written")
        }
        // A disabled track is not checked: its keys cannot stop a run that does not use them.
        c = Self.tinyMLMConfig(); c.mlm.heads = 3; c.mlm.enabled = false
        #expect(throws: Never.self) { try c.validate() }
    }
}
