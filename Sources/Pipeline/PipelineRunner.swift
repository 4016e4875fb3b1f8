import ArtifactIO
import Foundation
import Tokenization

/// Runs the stages of a ``PipelineConfig`` in a run directory, skipping those whose inputs and
/// options have not changed since they last finished.
///
/// Each stage's fingerprint covers its own options and the fingerprints of the stages it reads
/// from, so a change re-runs that stage and everything downstream of it, and nothing upstream.
/// The language model stage checkpoints as it trains: a run that was killed resumes from the
/// last checkpoint when started again with the same configuration.
///
/// ```swift
/// let runner = try PipelineRunner(config: PipelineConfig(), run: "runs/demo")
/// try runner.run()
/// ```
public final class PipelineRunner {
    /// The configuration.
    public let config: PipelineConfig
    /// The run directory.
    public let run: String
    /// The corpus files, directories expanded.
    public let corpusFiles: [String]
    /// Where progress lines go.
    let log: (String) -> Void
    /// Fingerprints of the stages visited so far in this invocation.
    var fingerprints: [PipelineStage: String] = [:]
    /// Stop LM training with a checkpoint after this many steps of this invocation, as if the
    /// process had been interrupted there (for tests of resumption). Default: nil.
    public var interruptAfterSteps: Int?

    /// Checks the configuration (corpus paths, option values) before any work starts.
    public init(
        config: PipelineConfig, run: String, log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) throws {
        try config.validate()
        self.config = config
        self.run = run.hasSuffix("/") ? String(run.dropLast()) : run
        self.corpusFiles = try config.corpusFiles()
        self.log = log
    }

    // MARK: Running

    /// What one invocation did with a stage.
    public enum Outcome: String, Sendable {
        case ran, skipped
        /// Turned off in the configuration (`translation.enabled` or `mlm.enabled` false): not run, no record.
        case disabled
    }

    /// Runs the stages from `from` (forced to re-run, with everything after it) through `until`.
    @discardableResult
    public func run(from: PipelineStage? = nil, until: PipelineStage? = nil) throws -> [(PipelineStage, Outcome)] {
        if let from, let until, until < from {
            throw PipelineError("from \(from.rawValue) comes after until \(until.rawValue): no stage would run")
        }
        // The run directory is ours (marker) or new; the pipeline holds its lock and that of the
        // model directory inside it (so `train-lm --resume` on RUN/lm waits for the pipeline).
        let state = try RunDirectory.claim(run, as: .pipeline, legacy: { FileManager.default.fileExists(atPath: $0 + "/stages") })
        try RunDirectory.makeDirectories(run)
        let lock = try RunDirectory.lock(run)
        let modelLock = try RunDirectory.lock(path("lm"))
        defer { withExtendedLifetime((lock, modelLock)) {} }
        if state != .owned { try RunDirectory.create(run, as: .pipeline) }
        var outcomes: [(PipelineStage, Outcome)] = []
        for stage in PipelineStage.allCases {
            if let until, stage > until { break }
            if !isEnabled(stage) {
                log("[\(stage.rawValue)] disabled, skipped")
                outcomes.append((stage, .disabled))
                continue
            }
            let fingerprint = try self.fingerprint(of: stage)
            fingerprints[stage] = fingerprint
            let forced = from.map { stage >= $0 } ?? false
            if !forced, let record = StageRecord.load(run: run, stage: stage.rawValue),
                record.fingerprint == fingerprint, record.outputsIntact(run: run)
            {
                log("[\(stage.rawValue)] up to date, skipped")
                outcomes.append((stage, .skipped))
                continue
            }
            log("[\(stage.rawValue)] running")
            let start = Date()
            let (outputs, metrics) = try execute(stage, fingerprint: fingerprint, fresh: forced)
            let seconds = Date().timeIntervalSince(start)
            var record = StageRecord(stage: stage.rawValue, fingerprint: fingerprint, outputs: outputs, metrics: metrics, seconds: seconds)
            try record.stampOutputs(run: run)
            try record.save(run: run)
            log(String(format: "[%@] done in %.1f s", stage.rawValue, seconds))
            outcomes.append((stage, .ran))
        }
        return outcomes
    }

    private func execute(_ stage: PipelineStage, fingerprint: String, fresh: Bool) throws -> ([String], [String: Double]) {
        switch stage {
        case .normalize: return try runNormalize()
        case .tokenizer: return try runTokenizer()
        case .encode: return try runEncode()
        case .embeddings: return try runEmbeddings()
        case .lm: return try runLanguageModel(fingerprint: fingerprint, fresh: fresh)
        case .baselines: return try runBaselines()
        case .evaluate: return try runEvaluate()
        case .generate: return try runGenerate()
        case .translationTokenizer: return try runTranslationTokenizer()
        case .translationModel: return try runTranslationModel()
        case .translationEvaluate: return try runTranslationEvaluate()
        case .mlmTokenizer: return try runMLMTokenizer()
        case .mlmModel: return try runMLMModel()
        case .mlmEvaluate: return try runMLMEvaluate()
        case .report: return try runReport()
        }
    }

    // MARK: Fingerprints

    /// The fingerprint of `stage`: its options and the fingerprints of what it reads.
    func fingerprint(of stage: PipelineStage) throws -> String {
        var f = Fingerprint()
        f.add("tessera-pipeline-2/\(stage.rawValue)")
        func upstream(_ s: PipelineStage) throws { f.add(try fingerprints[s] ?? fingerprint(of: s)) }
        func options<T: Encodable>(_ value: T) throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            f.add(String(decoding: try encoder.encode(value), as: UTF8.self))
        }
        switch stage {
        case .normalize:
            try options(config.normalize)
            for path in corpusFiles { try f.addFile(path) }
        case .tokenizer:
            try upstream(.normalize)
            try options(config.tokenizer)
        case .encode:
            try upstream(.tokenizer)
            f.add("\(config.validationFraction)")
        case .embeddings:
            try upstream(.encode)
            try options(config.embeddings)
            f.add("dim=\(config.lm.embeddingWidth)")
        case .lm:
            try upstream(.encode)
            if config.embeddings.enabled { try upstream(.embeddings) }
            var lm = config.lm
            lm.baselines = []  // they have their own stage
            try options(lm)
        case .baselines:
            try upstream(.lm)
            f.add(config.baselineArchitectures.map(\.rawValue).joined(separator: ","))
            try options(config.baseline)
        case .evaluate:
            try upstream(.lm)
        case .generate:
            try upstream(.lm)
            try options(config.generate)
            if config.lm.arch == .transformer { f.add(config.report.attentionText) }
        case .report:
            try upstream(.generate)
            try upstream(.baselines)
            try upstream(.evaluate)
            try upstream(.embeddings)
            try options(config.report)
            if config.translation.enabled { try upstream(.translationEvaluate) } else { f.add("translation=off") }
            if config.mlm.enabled { try upstream(.mlmEvaluate) } else { f.add("mlm=off") }
        case .translationTokenizer, .translationModel, .translationEvaluate:
            try translationFingerprint(of: stage, into: &f)
        case .mlmTokenizer, .mlmModel, .mlmEvaluate:
            try mlmFingerprint(of: stage, into: &f)
        }
        return f.hex
    }

    // MARK: Paths

    /// A path inside the run directory.
    func path(_ relative: String) -> String { "\(run)/\(relative)" }

    /// The normalized copies of the corpus files, in corpus order.
    var normalizedFiles: [String] {
        corpusFiles.enumerated().map { k, file in
            let name = URL(fileURLWithPath: file).lastPathComponent
            return "corpus/\(String(format: "%03d", k))-\(name)"
        }
    }

    /// Loads the run's tokenizer.
    func loadTokenizer() throws -> Tokenizer {
        try TokenizerFile.load(path("tokenizer.json"))
    }

    /// Writes a JSON artifact atomically.
    func writeJSON<T: Encodable>(_ value: T, to relative: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFileWriter.write(Array(try encoder.encode(value)), to: path(relative))
    }

    /// Reads a JSON artifact.
    func readJSON<T: Decodable>(_ type: T.Type, from relative: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path(relative)) else {
            throw PipelineError("\(path(relative)): missing (run the stage that writes it)")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}
