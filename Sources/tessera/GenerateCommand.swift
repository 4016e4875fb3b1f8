import ArgumentParser
import Foundation
import LanguageModels
import NeuralCore

/// `tessera generate`: sample text from a trained model with a KV cache.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a trained model (Transformer: KV cache; RNN/LSTM/GRU: carried state; stops at end-of-text).",
        discussion: "Example: tessera generate --model runs/demo --prompt \"ROMEO:\" --max-tokens 300 --temperature 0.8 --top-k 40"
    )

    @Option(help: "Model directory written by train-lm.") var model: String
    @Option(help: "Prompt text.") var prompt: String = ""
    @Option(name: .customLong("max-tokens"), help: "Tokens to generate at most.") var maxTokens: Int = 200
    @Option(help: "Sampling temperature (0: greedy).") var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), help: "Sample among the k most likely tokens (0: all).") var topK: Int = 40
    @Option(name: .customLong("top-p"), help: "Nucleus sampling mass (1: off).") var topP: Float = 1.0
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Threads.") var threads: Int = 1

    func validate() throws {
        try OptionCheck.range("--max-tokens", maxTokens, 0...1_000_000)
        try OptionCheck.range("--temperature", temperature, 0...100)
        try OptionCheck.range("--top-k", topK, 0...Int(Int32.max))
        try OptionCheck.range("--top-p", topP, 0...1, openLower: true)
        try OptionCheck.threads(threads)
    }

    func run() throws {
        let lm = try LanguageModel.load(model, threads: threads)
        let codec = try loadModelTokenCodec(model, vocabularySize: lm.vocabularySize)
        let prompt = codec.encode(self.prompt).map { Int32(bitPattern: $0) }
        let stop = codec.endOfTextID.map { Int32(bitPattern: $0) }
        let start = DispatchTime.now().uptimeNanoseconds
        let ids = try lm.generate(
            prompt: prompt, maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP, seed: seed, stopToken: stop)
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(self.prompt + codec.decode(ids.map { UInt32(bitPattern: $0) }))
        FileHandle.standardError.write(
            Data(String(format: "%d tokens in %.2f s (%.0f tok/s)\n", ids.count, secs, Double(ids.count + prompt.count) / secs).utf8))
    }
}
