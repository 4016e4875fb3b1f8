import ArgumentParser
import Foundation
import NeuralCore
import TransformerLM

/// `tessera bench generate`: per-token generation time with the KV cache vs recomputing the context.
struct BenchGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generation ms/token with the KV cache vs full recompute (JSON line).",
        discussion: """
            Generates --tokens tokens greedily from a 1-token prompt twice: with the KV cache, and by \
            running the whole sequence so far through the model for every new token.

            Example: tessera bench generate --config tiny --tokens 128
            """
    )

    @Option(help: "tiny|small (random weights), unless --model is given.") var config: String = "tiny"
    @Option(help: "A trained model directory instead of a preset.") var model: String?
    @Option(help: "Tokens to generate (at most the context).") var tokens: Int = 128
    @Option(help: "Threads.") var threads: Int = 1

    func validate() throws {
        try OptionCheck.range("--tokens", tokens, 1...1_000_000)
        try OptionCheck.threads(threads)
    }

    func run() throws {
        let lm: TransformerModel
        if let model {
            lm = try Checkpoint.loadModel(model, threads: threads)
        } else {
            var c: ModelConfig = config == "small" ? .small(vocabSize: 257) : .tiny(vocabSize: 257)
            c.positions = .learned
            lm = try TransformerModel(config: c, threads: threads)
            lm.initialize(seed: 1)
        }
        let n = min(tokens, lm.config.contextLength)
        let sampler = Sampler(model: lm)
        var seq: [Int32] = [1]
        let t0 = DispatchTime.now().uptimeNanoseconds
        var logits = try sampler.step(seq[0])
        for _ in 1..<n {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            seq.append(Int32(best))
            logits = try sampler.step(Int32(best))
        }
        let cached = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        var seq2: [Int32] = [1]
        let t1 = DispatchTime.now().uptimeNanoseconds
        for _ in 1..<n {
            let l = try sampler.recomputedLogits(seq2)
            var best = 0
            for i in 1..<l.count where l[i] > l[best] { best = i }
            seq2.append(Int32(best))
        }
        _ = try sampler.recomputedLogits(seq2)
        let recompute = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        try BenchSupport.emit([
            "bench": "generate", "config": model ?? config, "tokens": n, "threads": threads,
            "kv_cache_ms_per_token": cached * 1000 / Double(n), "recompute_ms_per_token": recompute * 1000 / Double(n),
            "speedup": recompute / cached, "same_tokens": seq == seq2,
        ])
    }
}
