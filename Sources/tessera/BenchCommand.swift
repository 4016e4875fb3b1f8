import ArgumentParser

/// `tessera bench`: machine-readable performance figures, one JSON object per line.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput; prints JSON lines.",
        subcommands: [
            BenchNormalizeCommand.self, BenchPretokenizeCommand.self, BenchTrainTokenizerCommand.self, BenchEncodeCommand.self,
            BenchTrainEmbeddingsCommand.self, BenchTrainLMCommand.self, BenchTrainMLMCommand.self, BenchGenerateCommand.self,
        ]
    )
}
