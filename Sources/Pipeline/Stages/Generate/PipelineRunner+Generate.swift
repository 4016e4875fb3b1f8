import ArtifactIO
import Foundation
import LanguageModels
import NeuralCore
import Tokenization

/// The generate stage: samples from the prompts (any `lm.arch`) and, for a Transformer, the
/// attention maps of a short text (a recurrent model has none: no `attention.json`).
extension PipelineRunner {
    func runGenerate() throws -> ([String], [String: Double]) {
        let options = config.generate
        let tokenizer = try loadTokenizer()
        let model = try LanguageModel.load(path("lm"), threads: 1)
        let stop = tokenizer.endOfTextID.map { Int32(bitPattern: $0) }
        var samples: [Sample] = []
        for (k, prompt) in options.prompts.enumerated() {
            let ids = tokenizer.encode(prompt).map { Int32(bitPattern: $0) }
            let out = try model.generate(
                prompt: ids, maxTokens: options.maxTokens, temperature: Float(options.temperature),
                topK: options.topK, topP: 1, seed: UInt64(max(options.seed, 0) + k), stopToken: stop)
            let text = prompt + tokenizer.decode(out.map { UInt32(bitPattern: $0) })
            samples.append(Sample(prompt: prompt, text: text))
            log("  sample \(k + 1): \(text.prefix(120).replacingOccurrences(of: "\n", with: " "))…")
        }
        try writeJSON(samples, to: "samples.json")

        guard case .transformer(let transformer) = model else {
            // Attention maps are the Transformer's; the report says why there are none.
            try? FileManager.default.removeItem(atPath: path("attention.json"))
            log("  no attention maps: the main model is \(model.arch.rawValue), not a Transformer")
            return (["samples.json"], ["samples": Double(samples.count)])
        }
        let ids = Array(
            tokenizer.encode(config.report.attentionText).map { Int32(bitPattern: $0) }.prefix(transformer.config.contextLength))
        let layers = try transformer.attentionMaps(ids)
        let labels = ids.map { tokenizer.decode([UInt32(bitPattern: $0)]) }
        try writeJSON(AttentionFile(tokens: labels, layers: layers), to: "attention.json")
        return (["samples.json", "attention.json"], ["samples": Double(samples.count)])
    }
}
