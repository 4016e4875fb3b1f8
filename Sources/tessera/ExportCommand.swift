import ArgumentParser
import Foundation
import NeuralCore
import Tokenization
import TransformerLM

/// `tessera export`: write a trained model in another ecosystem's layout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a model (hf-gpt2: Hugging Face GPT2LMHeadModel directory).",
        discussion: """
            Needs a GPT-2-shaped config: pre-LN, GELU, dense FFN, tied head (learned positions, or \
            sinusoidal ones materialized as the position table). Otherwise a clear error names the \
            option that prevents it.

            Example: tessera export --model runs/demo --format hf-gpt2 -o runs/demo-hf
            """
    )

    @Option(help: "Model directory.") var model: String
    @Option(help: "Format: hf-gpt2.") var format: String = "hf-gpt2"
    @Option(name: .shortAndLong, help: "Output directory.") var output: String

    func run() throws {
        guard format == "hf-gpt2" else { throw ValidationError("unknown --format '\(format)' (expected hf-gpt2)") }
        let lm = try Checkpoint.loadModel(model)
        let codec = try loadModelTokenCodec(model)
        try HFExport.write(lm, to: output, eosTokenID: codec.endOfTextID.map { Int($0) })
        let dir = try Checkpoint.resolve(model)
        if let tok = FileManager.default.contents(atPath: dir + "/tokenizer.json") {
            try tok.write(to: URL(fileURLWithPath: output + "/tokenizer.json"), options: .atomic)
        }
        FileHandle.standardError.write(Data("wrote \(output)/config.json and model.safetensors (GPT2LMHeadModel)\n".utf8))
    }
}
