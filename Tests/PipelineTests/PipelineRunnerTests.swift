import ArtifactIO
import Foundation
import NeuralCore
import Pipeline
import TestFixtures
import Testing
import TransformerLM

/// The whole chain on a small real corpus with a tiny model: stages, skipping, re-running,
/// resumption after an interruption, and the report.
@Suite(.serialized) struct PipelineRunnerTests {
    static let root = TestFixtures.packageRoot

    static func tinyConfig() -> PipelineConfig {
        var c = PipelineConfig()
        c.corpora = [
            root.appendingPathComponent("Corpora/en/alice29.txt").path,
            root.appendingPathComponent("Corpora/ko/kolaw_constitution.txt").path,
        ]
        c.tokenizer.vocabSize = 400
        c.embeddings.epochs = 1
        c.embeddings.threads = 1
        c.lm.layers = 1
        c.lm.heads = 2
        c.lm.dim = 16
        c.lm.ffnDim = 32
        c.lm.context = 16
        c.lm.batch = 2
        c.lm.steps = 30
        c.lm.warmup = 5
        c.lm.evalEvery = 10
        c.lm.checkpointEvery = 10
        c.lm.threads = 1
        c.generate.maxTokens = 10
        c.report.pcaTokens = 20
        c.translation.enabled = false  // TranslationTrackTests turn it on (tinyTranslation)
        c.mlm.enabled = false  // MLMTrackTests turn it on (tinyMLMConfig)
        return c
    }

    /// The tiny configuration with the translation track on: a 1-layer Transformer of width 16 on
    /// the bundled English–Korean sample, 12 steps, greedy evaluation.
    static func tinyTranslationConfig() -> PipelineConfig {
        var c = tinyConfig()
        c.translation.enabled = true
        c.translation.pairs = root.appendingPathComponent("Corpora/parallel/en-ko.ui.sample.jsonl").path
        c.translation.vocabSize = 300
        c.translation.layers = 1
        c.translation.heads = 2
        c.translation.dim = 16
        c.translation.ffnDim = 32
        c.translation.maxSourceLength = 24
        c.translation.maxTargetLength = 24
        c.translation.batchTokens = 512
        c.translation.steps = 12
        c.translation.warmup = 2
        c.translation.minutes = 0
        c.translation.threads = 1
        c.translation.examples = 3
        return c
    }

    /// Every stage ran, but the translation and masked-LM stages, which are disabled in ``tinyConfig()``.
    static let allRanButTranslation: [PipelineRunner.Outcome] = PipelineStage.allCases.map {
        [.translationTokenizer, .translationModel, .translationEvaluate].contains($0) || mlmStages.contains($0) ? .disabled : .ran
    }

    /// The masked-LM track's stages (off in the tiny configurations).
    static let mlmStages: [PipelineStage] = [.mlmTokenizer, .mlmModel, .mlmEvaluate]

    /// The tiny configuration with a recurrent main model of `arch` (1 layer of 16 units, so the
    /// Word2Vec vectors keep the Transformer's width 16) and short recurrent baselines.
    static func tinyRecurrentConfig(_ arch: LanguageModelArchitecture) -> PipelineConfig {
        var c = tinyConfig()
        let defaults = LanguageModelSettings()
        c.lm.heads = defaults.heads  // the Transformer's shape options keep their defaults
        c.lm.dim = defaults.dim
        c.lm.ffnDim = defaults.ffnDim
        c.lm.arch = arch
        c.lm.hidden = 16
        c.lm.baselines = []
        c.baseline.hidden = 8
        c.baseline.seconds = 0.2
        return c
    }

    static func temporaryRun() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tessera-pipeline-\(UUID().uuidString)").path
    }

    @Test func runsEveryStageThenSkipsThemThenRerunsOnlyWhatChanged() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = Self.tinyConfig()
        let first = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        #expect(first.map(\.1) == Self.allRanButTranslation)
        for artifact in [
            "tokenizer.json", "data/train.bin", "data/val.bin", "embeddings.safetensors", "lm/model.safetensors",
            "evaluation.json", "samples.json", "attention.json", "report.html",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(artifact)"), "\(artifact)")
        }
        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 >= 4)  // loss, PCA, two attention maps
        #expect(html.contains("<polyline"))

        let second = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        #expect(second.map(\.1) == Self.allRanButTranslation.map { $0 == .ran ? .skipped : $0 })

        config.lm.steps = 40
        let third = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        let ran = third.filter { $0.1 == .ran }.map(\.0)
        #expect(ran == [.lm, .baselines, .evaluate, .generate, .report])
    }

    @Test func aChangedOutputRerunsItsStageAndFromRetrains() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = Self.tinyConfig()
        config.embeddings.enabled = false
        config.lm.steps = 4
        _ = try PipelineRunner(config: config, run: run, log: { _ in }).run(until: .lm)
        // A truncated shard: the fingerprint of the inputs is the same, the output is not.
        let shard = "\(run)/data/train.bin"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: shard))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: shard))
        let again = try PipelineRunner(config: config, run: run, log: { _ in }).run(until: .lm)
        // encode writes the same shard again, so what reads it stays up to date.
        #expect(again.filter { $0.1 == .ran }.map(\.0) == [.encode])
        #expect(try Data(contentsOf: URL(fileURLWithPath: shard)) == bytes)
        // A truncated model: the lm stage trains again (not resuming from the damaged checkpoint).
        let weights = "\(run)/lm/model.safetensors"
        let model = try Data(contentsOf: URL(fileURLWithPath: weights))
        try model.prefix(model.count / 2).write(to: URL(fileURLWithPath: weights))
        let retrained = try PipelineRunner(config: config, run: run, log: { _ in }).run(until: .lm)
        #expect(retrained.filter { $0.1 == .ran }.map(\.0) == [.lm])
        #expect(try Data(contentsOf: URL(fileURLWithPath: weights)) == model)
        // --from lm trains from the start instead of resuming the finished run.
        var lines: [String] = []
        let fromLM = try PipelineRunner(config: config, run: run, log: { lines.append($0) }).run(from: .lm, until: .lm)
        #expect(fromLM.last.map { $0.0 == .lm && $0.1 == .ran } == true)
        #expect(!lines.contains { $0.contains("resuming") }, "\(lines)")
        #expect(throws: PipelineError.self) {
            try PipelineRunner(config: config, run: run, log: { _ in }).run(from: .lm, until: .normalize)
        }
    }

    @Test func everyStageIsCheckedBeforeAnyWork() {
        let run = Self.temporaryRun()
        var cases: [(PipelineConfig, String)] = []
        var c = Self.tinyConfig(); c.lm.dropout = 2; cases.append((c, "field 'lm.dropout'"))
        c = Self.tinyConfig(); c.embeddings.alpha = -1; cases.append((c, "field 'embeddings.alpha'"))
        c = Self.tinyConfig(); c.lm.context = 1_000_000_000; cases.append((c, "field 'lm.context'"))
        c = Self.tinyConfig(); c.tokenizer.model = .wordPiece; c.tokenizer.specialTokens = ["[PAD]"];
        cases.append((c, "field 'tokenizer.specialTokens'"))
        c = Self.tinyConfig(); c.tokenizer.specialTokens = ["a", "a"]; cases.append((c, "field 'tokenizer.specialTokens'"))
        c = Self.tinyConfig(); c.lm.lr = .nan; cases.append((c, "field 'lm.lr'"))
        c = Self.tinyConfig(); c.lm.arch = .lstm; cases.append((c, "field 'lm.heads'"))  // tinyConfig's 2 heads: a Transformer option
        c = Self.tinyRecurrentConfig(.gru); c.lm.positions = .sinusoidal; cases.append((c, "field 'lm.positions'"))
        c = Self.tinyConfig(); c.lm.hidden = 64; cases.append((c, "field 'lm.hidden'"))
        c = Self.tinyConfig(); c.lm.carryState = true; cases.append((c, "field 'lm.carryState'"))
        c = Self.tinyRecurrentConfig(.lstm); c.lm.hidden = 0; cases.append((c, "field 'lm.hidden'"))
        c = Self.tinyRecurrentConfig(.rnn); c.lm.embedDim = 8; cases.append((c, "field 'lm.embedDim'"))
        c = Self.tinyConfig(); c.lm.baselines = [.transformer]; cases.append((c, "field 'lm.baselines.0'"))
        c = Self.tinyConfig(); c.lm.baselines = [.gru, .gru]; cases.append((c, "field 'lm.baselines.1'"))
        c = Self.tinyConfig(); c.baseline.layers = 0; cases.append((c, "field 'baseline.layers'"))
        c = Self.tinyConfig(); c.baseline.lr = 0; cases.append((c, "field 'baseline.lr'"))
        for (config, field) in cases {
            let error = #expect(throws: PipelineError.self, "\(field)") { try PipelineRunner(config: config, run: run) }
            #expect(error?.message.hasPrefix(field) == true, "\(String(describing: error))")
        }
        #expect(!FileManager.default.fileExists(atPath: run))
    }

    /// The recurrent baselines: sized to the main model's parameter count, trained on the same
    /// tokens, their curves (with wall time) beside the main model's in the report; changing only
    /// their options re-runs only them and the report.
    @Test func baselinesTrainBesideTheMainModelAndTheReportDrawsThem() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = Self.tinyConfig()
        config.embeddings.enabled = false
        config.lm.baselines = [.lstm, .gru]
        try PipelineRunner(config: config, run: run, log: { _ in }).run()
        struct Summary: Decodable { var arch: String, parameters: Int, steps: Int, finalValLoss: Double }
        struct Point: Decodable { var step: Int, valLoss: Double?, seconds: Double? }
        let summaries = try JSONDecoder().decode(
            [Summary].self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/baselines/summary.json")))
        #expect(summaries.map(\.arch) == ["lstm", "gru"])
        let record = try #require(StageRecord.load(run: run, stage: "lm"))
        let mainParameters = try #require(record.metrics["parameters"])
        for s in summaries {
            // The nearest hidden size matches the parameter count to within a few per cent here.
            #expect(abs(Double(s.parameters) - mainParameters) / mainParameters < 0.1, "\(s.arch): \(s.parameters) vs \(mainParameters)")
            #expect(s.steps > 0 && s.finalValLoss.isFinite, "\(s)")
            let curve = try JSONDecoder().decode(
                [Point].self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/baselines/\(s.arch).json")))
            #expect(curve.contains { $0.valLoss != nil && $0.seconds != nil }, "\(s.arch): no validation point with its wall time")
        }
        let mainCurve = try JSONDecoder().decode([Point].self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/lm/curve.json")))
        #expect(mainCurve.contains { $0.valLoss != nil && $0.seconds != nil })
        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        #expect(html.contains("Validation loss against training time"))
        #expect(html.contains("<td>lstm (2 × ") && html.contains("<td>gru (2 × "))

        config.baseline.lr = 0.005
        let again = try PipelineRunner(config: config, run: run, log: { _ in }).run()
        #expect(again.filter { $0.1 == .ran }.map(\.0) == [.baselines, .report])
    }

    /// `lm.arch: lstm`: the recurrent model is the one trained (its embedding from Word2Vec),
    /// evaluated and sampled; the report has its curves, samples and the baselines beside it, and
    /// says why there are no attention maps; `lm.baselines` naming the main arch trains it once.
    @Test func aRecurrentMainModelRunsEveryStageAndTheReportSkipsAttention() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        var config = Self.tinyRecurrentConfig(.lstm)
        config.lm.baselines = [.lstm, .gru]
        var lines: [String] = []
        let outcomes = try PipelineRunner(config: config, run: run, log: { lines.append($0) }).run()
        #expect(outcomes.map(\.1) == Self.allRanButTranslation)
        for artifact in ["embeddings.safetensors", "lm/model.safetensors", "evaluation.json", "samples.json", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: "\(run)/\(artifact)"), "\(artifact)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(run)/attention.json"))
        #expect(lines.contains { $0.contains("token embeddings initialized from Word2Vec") }, "\(lines)")

        struct ModelConfig: Decodable { var arch: String, hiddenSize: Int, layers: Int }
        let saved = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/lm/config.json")))
        #expect(saved.arch == "lstm" && saved.hiddenSize == 16 && saved.layers == 1, "\(saved)")
        let embeddings = try SafeTensors.read("\(run)/embeddings.safetensors")
        #expect(embeddings.tensors.values.map(\.shape) == [[400, 16]])
        struct Evaluation: Decodable { var loss: Double, unigramLoss: Double, tokens: Int }
        let evaluation = try JSONDecoder().decode(Evaluation.self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/evaluation.json")))
        #expect(evaluation.loss.isFinite && evaluation.loss > 0 && evaluation.tokens > 0, "\(evaluation)")
        struct Sample: Decodable { var prompt: String, text: String }
        let samples = try JSONDecoder().decode([Sample].self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/samples.json")))
        #expect(samples.map(\.prompt) == config.generate.prompts)
        #expect(samples.allSatisfy { $0.text.hasPrefix($0.prompt) }, "\(samples)")
        struct Summary: Decodable { var arch: String }
        let summaries = try JSONDecoder().decode(
            [Summary].self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/baselines/summary.json")))
        #expect(summaries.map(\.arch) == ["gru"])

        let html = try String(contentsOfFile: "\(run)/report.html", encoding: .utf8)
        #expect(html.contains("LSTM: 1 layers of 16 units"))
        #expect(html.contains("Loss (nats per token)") && html.contains("Validation loss against training time"))
        #expect(html.contains("<td>lstm (main, 1 × 16)</td>") && html.contains("<td>gru (2 × 8)</td>"))
        #expect(html.contains("it is not trained twice"))
        #expect(html.contains("Skipped: attention maps") && html.contains("lm.arch = lstm"))
        #expect(!html.contains("layer 1, head 1"))
    }

    /// Changing `lm.arch` trains the new model from scratch (no resuming the other family's
    /// checkpoint) and re-runs what reads it; Word2Vec of the same width is kept.
    @Test func changingTheArchitectureRetrainsTheLanguageModel() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        try PipelineRunner(config: Self.tinyConfig(), run: run, log: { _ in }).run(until: .evaluate)
        var lines: [String] = []
        let lstm = try PipelineRunner(config: Self.tinyRecurrentConfig(.lstm), run: run, log: { lines.append($0) }).run(until: .evaluate)
        #expect(lstm.filter { $0.1 == .ran }.map(\.0) == [.lm, .baselines, .evaluate])
        let gru = try PipelineRunner(config: Self.tinyRecurrentConfig(.gru), run: run, log: { lines.append($0) }).run(until: .evaluate)
        #expect(gru.filter { $0.1 == .ran }.map(\.0) == [.lm, .baselines, .evaluate])
        #expect(!lines.contains { $0.contains("resuming") }, "\(lines)")
        struct ModelConfig: Decodable { var arch: String }
        let saved = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: URL(fileURLWithPath: "\(run)/lm/config.json")))
        #expect(saved.arch == "gru")
        // A width of its own re-trains Word2Vec too.
        var wider = Self.tinyRecurrentConfig(.gru)
        wider.lm.hidden = 24
        let again = try PipelineRunner(config: wider, run: run, log: { _ in }).run(until: .evaluate)
        #expect(again.filter { $0.1 == .ran }.map(\.0) == [.embeddings, .lm, .baselines, .evaluate])
    }

    @Test(arguments: [LanguageModelArchitecture.transformer, .lstm])
    func anInterruptedRunResumesToTheSameWeights(arch: LanguageModelArchitecture) throws {
        let straight = Self.temporaryRun(), interrupted = Self.temporaryRun()
        defer {
            try? FileManager.default.removeItem(atPath: straight)
            try? FileManager.default.removeItem(atPath: interrupted)
        }
        let config = arch == .transformer ? Self.tinyConfig() : Self.tinyRecurrentConfig(arch)
        try PipelineRunner(config: config, run: straight, log: { _ in }).run(until: .lm)
        let runner = try PipelineRunner(config: config, run: interrupted, log: { _ in })
        runner.interruptAfterSteps = 13
        #expect(throws: PipelineError.self) { try runner.run(until: .lm) }
        #expect(FileManager.default.fileExists(atPath: "\(interrupted)/lm/trainer_state.json"))
        var lines: [String] = []
        let outcomes = try PipelineRunner(config: config, run: interrupted, log: { lines.append($0) }).run(until: .lm)
        #expect(outcomes.last.map { $0.0 == .lm && $0.1 == .ran } == true)
        #expect(lines.contains { $0.contains("resuming from step 13") })
        let a = try Data(contentsOf: URL(fileURLWithPath: "\(straight)/lm/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: "\(interrupted)/lm/model.safetensors"))
        #expect(a == b)
    }

    @Test func aRunDirectoryInUseIsRefused() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let lock = try RunDirectory.lock(run)
        #expect(throws: RunDirectoryError.self) {
            try PipelineRunner(config: Self.tinyConfig(), run: run, log: { _ in }).run()
        }
        withExtendedLifetime(lock) {}
        #expect(!FileManager.default.fileExists(atPath: "\(run)/stages"))
    }

    @Test func aDirectoryOfOtherFilesIsNotARun() throws {
        let run = Self.temporaryRun()
        defer { try? FileManager.default.removeItem(atPath: run) }
        try FileManager.default.createDirectory(atPath: run + "/lm", withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: run + "/lm/notes.txt"))
        #expect(throws: RunDirectoryError.self) {
            try PipelineRunner(config: Self.tinyConfig(), run: run, log: { _ in }).run()
        }
        #expect(FileManager.default.contents(atPath: run + "/lm/notes.txt") == Data("mine".utf8))
        #expect(!FileManager.default.fileExists(atPath: "\(run)/stages"))
    }

    @Test func badConfigurationsFailBeforeAnyWork() {
        let run = Self.temporaryRun()
        var config = Self.tinyConfig()
        config.corpora = ["/nonexistent/corpus.txt"]
        #expect(throws: PipelineError("field 'corpora.0': /nonexistent/corpus.txt: no such file or directory")) {
            try PipelineRunner(config: config, run: run)
        }
        config = Self.tinyConfig()
        config.lm.heads = 3
        #expect(throws: PipelineError("field 'lm.heads': dim 16 is not divisible by 3 heads")) {
            try PipelineRunner(config: config, run: run)
        }
        #expect(!FileManager.default.fileExists(atPath: run))
    }
}
