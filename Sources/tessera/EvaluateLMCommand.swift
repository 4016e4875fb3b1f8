import ArgumentParser
import Foundation
import LanguageModels
import NeuralCore
import TransformerLM

/// `tessera evaluate-lm`: loss, perplexity and bits per byte of a model on a token shard.
struct EvaluateLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-lm",
        abstract: "Next-token loss of a model on a token shard (one JSON line).",
        discussion: """
            The shard is cut into windows of context+1 tokens stepping by context (inputs w[0..<T], \
            targets w[1...T]; the remainder is dropped); the loss is the mean cross-entropy over all \
            targets, bits_per_byte = loss × tokens / ln 2 / UTF-8 bytes of the decoded targets.

            Example: tessera evaluate-lm --model runs/demo --tokens val.bin
            """
    )

    @Option(help: "Model directory.") var model: String
    @Option(help: "Token shard (llm.c .bin).") var tokens: String
    @Option(help: "Windows per forward pass.") var batch: Int = 8
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        try OptionCheck.range("--batch", batch, 1...65536)
        try OptionCheck.threads(threads)
        try OptionCheck.readable("--tokens", tokens)
    }

    func run() throws {
        let lm = try LanguageModel.load(model, threads: threads)
        let codec = try loadModelTokenCodec(model, vocabularySize: lm.vocabularySize)
        let stream = try TokenStream.read(tokens, vocabularySize: lm.vocabularySize)
        let result = try Evaluator.evaluate(lm.trainable, stream: stream, batch: batch)
        guard result.loss.isFinite else {
            throw ValidationError("\(tokens): the loss is \(result.loss) for the model in \(model): its weights are not finite")
        }
        let bytes = codec.decode(result.targetIDs.map { UInt32(bitPattern: $0) }).utf8.count
        let bpb = Evaluator.bitsPerByte(loss: result.loss, tokens: result.tokens, bytes: bytes) ?? .nan
        try BenchSupport.emit(["loss": result.loss, "perplexity": result.perplexity, "bits_per_byte": bpb, "tokens": result.tokens])
    }
}
