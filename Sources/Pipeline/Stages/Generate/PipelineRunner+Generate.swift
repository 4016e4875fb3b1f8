import ArtifactIO
import NeuralCore
import Tokenization
import TransformerLM

/// The generate stage: samples from the prompts and the attention maps of a short text.
extension PipelineRunner {
    func runGenerate() throws -> ([String], [String: Double]) {
        let options = config.generate
        let tokenizer = try loadTokenizer()
        let model = try Checkpoint.loadModel(path("lm"), threads: 1)
        let sampler = Sampler(model: model)
        let stop = tokenizer.endOfTextID.map { Int32(bitPattern: $0) }
        var samples: [Sample] = []
        for (k, prompt) in options.prompts.enumerated() {
            let ids = tokenizer.encode(prompt).map { Int32(bitPattern: $0) }
            let out = try sampler.generate(
                prompt: ids, maxTokens: options.maxTokens, temperature: Float(options.temperature),
                topK: options.topK, topP: 1, seed: UInt64(max(options.seed, 0) + k), stopToken: stop
            ) { _ in }
            let text = prompt + tokenizer.decode(out.map { UInt32(bitPattern: $0) })
            samples.append(Sample(prompt: prompt, text: text))
            log("  sample \(k + 1): \(text.prefix(120).replacingOccurrences(of: "\n", with: " "))…")
        }
        try writeJSON(samples, to: "samples.json")

        let ids = Array(tokenizer.encode(config.report.attentionText).map { Int32(bitPattern: $0) }.prefix(model.config.contextLength))
        let layers = try model.attentionMaps(ids)
        let labels = ids.map { tokenizer.decode([UInt32(bitPattern: $0)]) }
        try writeJSON(AttentionFile(tokens: labels, layers: layers), to: "attention.json")
        return (["samples.json", "attention.json"], ["samples": Double(samples.count)])
    }
}
