import ArtifactIO
import ArgumentParser
import ArtifactIO
import Foundation
import NeuralCore
import Pipeline
import TransformerLM

/// `tessera attention`: the attention weights of every layer and head for a short text.
struct AttentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "Attention weights of every layer and head for a text (JSON + one SVG heat-map per head).",
        discussion: """
            Writes DIR/attention.json ({"tokens": [...], "layers": [[head T×T matrix, ...], ...]}, row i \
            = how much position i attended to each earlier position) and DIR/layerL_headH.svg.

            Example: tessera attention --model runs/demo --text "To be, or not to be" -o attn
            """
    )

    @Option(help: "Model directory.") var model: String
    @Option(help: "Text to analyse (at most the model's context in tokens).") var text: String
    @Option(name: .shortAndLong, help: "Output directory.") var output: String = "attention"

    func run() throws {
        let state = try RunDirectory.claim(output, as: .attention)
        let loaded = try LoadedLanguageModel.load(model, threads: 1)
        guard case .transformer(let lm) = loaded else {
            throw ValidationError("\(model) holds a \(loaded.arch.rawValue) model: attention weights exist only for --arch transformer")
        }
        let codec = try loadModelTokenCodec(model, vocabularySize: lm.config.vocabSize)
        let ids = codec.encode(text).map { Int32(bitPattern: $0) }
        guard !ids.isEmpty else { throw ValidationError("--text encodes to no tokens") }
        let T = ids.count, c = lm.config
        let maps = try lm.attentionMaps(ids)
        let labels = ids.map { codec.decode([UInt32(bitPattern: $0)]) }
        // Spaces and line ends made visible in the heat-maps' labels.
        let visible = labels.map { $0.replacingOccurrences(of: " ", with: "␣").replacingOccurrences(of: "\n", with: "⏎") }
        var layers: [[[[Double]]]] = []
        if state != .owned { try RunDirectory.create(output, as: .attention) }
        for (l, map) in maps.enumerated() {
            var heads: [[[Double]]] = []
            for (h, matrix) in map.enumerated() {
                let m = matrix.map { row in row.map { ($0 * 1e5).rounded() / 1e5 } }
                heads.append(m)
                let svg = SVGChart.heatmap(title: "layer \(l) head \(h)", values: m, rowLabels: visible, columnLabels: visible)
                try AtomicFileWriter.write(Array(svg.utf8), to: "\(output)/layer\(l)_head\(h).svg")
            }
            layers.append(heads)
        }
        let json = try JSONSerialization.data(withJSONObject: ["tokens": labels, "layers": layers], options: [.sortedKeys])
        try AtomicFileWriter.write(Array(json), to: output + "/attention.json")
        FileHandle.standardError.write(Data("wrote \(output)/attention.json and \(c.layers * c.heads) heat-maps for \(T) tokens\n".utf8))
    }
}
