import ArtifactIO
import ArgumentParser
import Foundation
import NeuralCore
import TextNormalization
import TensorOps
import TransformerLM
import EncoderDecoder
import Pipeline

/// `tessera attention`: the attention weights of every layer and head for a short text.
struct AttentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "Attention weights of every layer and head for a text (JSON + one SVG heat-map per head).",
        discussion: """
            Writes DIR/attention.json ({"tokens": [...], "layers": [[head T×T matrix, ...], ...]}, row i \
            = how much position i attended to each earlier position) and DIR/layerL_headH.svg.

            For a translation model (train-seq2seq), --text is translated (greedy) and the maps are the \
            decoder's cross-attention: {"source": [...], "output": [...], "layers": [[head matrix, ...], ...]}, \
            row i = how much the step producing output token i attended to each source token.

            Example: tessera attention --model runs/demo --text "To be, or not to be" -o attn
            """
    )

    @Option(help: "Model directory.") var model: String
    @Option(help: "Text to analyse (at most the model's context in tokens).") var text: String
    @Option(name: .shortAndLong, help: "Output directory.") var output: String = "attention"

    func run() throws {
        let state = try RunDirectory.claim(output, as: .attention)
        if Seq2SeqModelDirectory.isModelDirectory(model) { return try crossAttention(state: state) }
        let lm = try Checkpoint.loadModel(model)
        let codec = try loadModelTokenCodec(model, vocabularySize: lm.config.vocabSize)
        let ids = codec.encode(text).map { Int32(bitPattern: $0) }
        guard !ids.isEmpty else { throw ValidationError("--text encodes to no tokens") }
        let T = ids.count, c = lm.config
        let maps = try lm.attentionMaps(ids)
        let labels = ids.map { codec.decode([UInt32(bitPattern: $0)]) }
        var layers: [[[[Double]]]] = []
        if state != .owned { try RunDirectory.create(output, as: .attention) }
        for (l, map) in maps.enumerated() {
            var heads: [[[Double]]] = []
            for (h, matrix) in map.enumerated() {
                let m = matrix.map { row in row.map { ($0 * 1e5).rounded() / 1e5 } }
                heads.append(m)
                let svg = Self.heatmap(m, labels: labels, title: "layer \(l) head \(h)")
                try AtomicFileWriter.write(Array(svg.utf8), to: "\(output)/layer\(l)_head\(h).svg")
            }
            layers.append(heads)
        }
        let json = try JSONSerialization.data(withJSONObject: ["tokens": labels, "layers": layers], options: [.sortedKeys])
        try AtomicFileWriter.write(Array(json), to: output + "/attention.json")
        FileHandle.standardError.write(Data("wrote \(output)/attention.json and \(c.layers * c.heads) heat-maps for \(T) tokens\n".utf8))
    }

    /// The cross-attention of a translation model: `--text` translated greedily, then the decoder's
    /// attention over the source while producing that output.
    func crossAttention(state: RunDirectory.State) throws {
        let (network, vocabulary) = try Seq2SeqModelDirectory.load(model)
        let translator = try Translator(model: network, vocabulary: vocabulary, options: DecodingOptions())
        let source = translator.sourceIDs(text).ids
        let outputIDs = translator.decoder.decode(source: source)
        let maps = network.crossAttentionMaps(source: source, output: outputIDs)
        let sourceLabels = source.map { vocabulary.tokenizer.decode([UInt32($0)]) }
        let outputLabels = (outputIDs + [vocabulary.eosID]).prefix(network.config.maxTargetLength).map { vocabulary.tokenizer.decode([UInt32($0)]) }
        if state != .owned { try RunDirectory.create(output, as: .attention) }
        var layers: [[[[Double]]]] = []
        for (l, map) in maps.enumerated() {
            var heads: [[[Double]]] = []
            for (h, matrix) in map.enumerated() {
                let m = matrix.map { row in row.map { ($0 * 1e5).rounded() / 1e5 } }
                heads.append(m)
                let svg = SVGChart.heatmap(title: "cross-attention layer \(l) head \(h)", values: m, rowLabels: Array(outputLabels), columnLabels: sourceLabels)
                try AtomicFileWriter.write(Array(svg.utf8), to: "\(output)/layer\(l)_head\(h).svg")
            }
            layers.append(heads)
        }
        let json = try JSONSerialization.data(withJSONObject: ["source": sourceLabels, "output": Array(outputLabels), "layers": layers],
                                              options: [.sortedKeys])
        try AtomicFileWriter.write(Array(json), to: output + "/attention.json")
        FileHandle.standardError.write(Data("translation: \(vocabulary.decode(outputIDs))\nwrote \(output)/attention.json and \(maps.count * network.config.heads) cross-attention heat-maps (\(outputLabels.count) output × \(source.count) source tokens)\n".utf8))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "\n", with: "⏎").replacingOccurrences(of: " ", with: "␣")
    }

    /// A T×T heat-map: row = querying position, column = attended position; darker = more weight.
    static func heatmap(_ m: [[Double]], labels: [String], title: String) -> String {
        let T = m.count, cell = 14, margin = 60
        let size = margin + T * cell + 10
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(size)\" height=\"\(size + 20)\" font-family=\"monospace\" font-size=\"10\">\n"
        s += "<text x=\"4\" y=\"14\" font-size=\"12\">\(escape(title))</text>\n"
        for i in 0..<T {
            let label = escape(labels[i])
            s += "<text x=\"\(margin - 4)\" y=\"\(margin + 20 + i * cell + 10)\" text-anchor=\"end\">\(label)</text>\n"
            s += "<text x=\"\(margin + i * cell + 10)\" y=\"\(margin + 16)\" transform=\"rotate(-90 \(margin + i * cell + 10) \(margin + 16))\">\(label)</text>\n"
            for j in 0..<T {
                let shade = Int(255 - (m[i][j] * 255).rounded())
                s += "<rect x=\"\(margin + j * cell)\" y=\"\(margin + 20 + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),255)\"><title>\(String(format: "%.3f", m[i][j]))</title></rect>\n"
            }
        }
        return s + "</svg>\n"
    }
}
