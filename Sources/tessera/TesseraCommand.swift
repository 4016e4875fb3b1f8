// tessera: the command line of Tessera. One file per command; each stage's work is done by
// its library module, the commands only parse options and move bytes.
import ArgumentParser

/// The `tessera` command and its subcommands.
@main
struct TesseraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "Raw text to a small language model: normalize, tokenize, embed, train.",
        subcommands: [
            NormalizeCommand.self,
            PretokenizeCommand.self,
            TrainTokenizerCommand.self,
            CountCommand.self,
            EncodeCommand.self,
            DecodeCommand.self,
            TrainEmbeddingsCommand.self,
            SimilarCommand.self,
            AnalogyCommand.self,
            EvaluateEmbeddingsCommand.self,
            TrainLMCommand.self,
            GenerateCommand.self,
            EvaluateLMCommand.self,
            AttentionCommand.self,
            TrainMLMCommand.self,
            FillMaskCommand.self,
            EvaluateMLMCommand.self,
            EmbedCommand.self,
            FineTuneCommand.self,
            ClassifyCommand.self,
            ExportCommand.self,
            PipelineCommand.self,
            BenchCommand.self,
        ]
    )
}
