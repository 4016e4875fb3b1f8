import ArgumentParser
import Foundation
import Pipeline

extension PipelineStage: ExpressibleByArgument {}

/// `tessera pipeline`: the whole chain, corpus to language model, with a report.
struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract:
            "Run normalize → tokenizer → encode → embeddings → lm → baselines → evaluate → generate → translation-tokenizer → translation-model → translation-evaluate → report.",
        discussion: """
            Every stage writes its artifacts under the run directory together with a fingerprint of \
            its inputs and options; running again skips the stages whose fingerprint is unchanged and \
            re-runs a changed stage with everything after it. A run killed during LM training resumes \
            from its last checkpoint. Without --config the defaults train on Corpora/ (see \
            --print-config for every field and its default).

            Example: tessera pipeline --config pipeline.json --run runs/demo
            """
    )

    @Option(help: "Configuration file (JSON); fields left out keep their defaults.")
    var config: String?

    @Option(name: .customLong("run"), help: "Run directory.")
    var runDirectory: String = "runs/demo"

    @Option(help: "Re-run from this stage on, even if it is up to date.")
    var from: PipelineStage?

    @Option(help: "Stop after this stage.")
    var until: PipelineStage?

    @Flag(name: .customLong("print-config"), help: "Print the configuration in effect (defaults merged with --config) and exit.")
    var printConfig = false

    func validate() throws {
        if let from, let until, until < from {
            throw ValidationError("--from \(from.rawValue) comes after --until \(until.rawValue): no stage would run")
        }
        if let config { try OptionCheck.readable("--config", config) }
    }

    func run() throws {
        var settings = PipelineConfig()
        if let config {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw ValidationError("\(config): cannot read the configuration file")
            }
            settings = try StrictJSON.decode(PipelineConfig.self, defaults: PipelineConfig(), from: data, file: config)
        }
        if printConfig {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(settings), as: UTF8.self))
            return
        }
        let runner = try PipelineRunner(config: settings, run: runDirectory)
        let start = Date()
        let outcomes = try runner.run(from: from, until: until)
        let ran = outcomes.filter { $0.1 == .ran }.map(\.0.rawValue)
        let disabled = outcomes.filter { $0.1 == .disabled }.count
        FileHandle.standardError.write(
            Data(
                String(
                    format: "pipeline: %d stages run (%@), %d up to date, %d disabled, %.1f s; report: %@/report.html\n",
                    ran.count, ran.joined(separator: ", "), outcomes.count - ran.count - disabled, disabled,
                    Date().timeIntervalSince(start), runDirectory
                ).utf8))
    }
}
