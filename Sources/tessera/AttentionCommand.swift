import ArgumentParser
import ArtifactIO
import EncoderDecoder
import Foundation
import LanguageModels
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

            For a translation model (train-seq2seq), --text is translated (greedy) and the maps are the \
            decoder's cross-attention (for --arch rnn-attention one map: its global attention; --arch rnn \
            has none and is an error): {"source": [...], "output": [...], "layers": [[head matrix, ...], ...]}, \
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
        let loaded = try LanguageModel.load(model, threads: 1)
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

    /// The cross-attention of a translation model: `--text` translated greedily, then the decoder's
    /// attention over the source while producing that output.
    func crossAttention(state: RunDirectory.State) throws {
        let (network, vocabulary) = try Seq2SeqModelDirectory.load(model)
        let translator = try Translator(model: network, vocabulary: vocabulary, options: DecodingOptions())
        let source = translator.sourceIDs(text).ids
        let outputIDs = translator.decoder.decode(source: source)
        let maps = try network.crossAttentionMaps(source: source, output: outputIDs)
        let sourceLabels = source.map { vocabulary.tokenizer.decode([UInt32($0)]) }
        let outputLabels = (outputIDs + [vocabulary.eosID]).prefix(network.config.maxTargetLength).map {
            vocabulary.tokenizer.decode([UInt32($0)])
        }
        if state != .owned { try RunDirectory.create(output, as: .attention) }
        var layers: [[[[Double]]]] = []
        for (l, map) in maps.enumerated() {
            var heads: [[[Double]]] = []
            for (h, matrix) in map.enumerated() {
                let m = matrix.map { row in row.map { ($0 * 1e5).rounded() / 1e5 } }
                heads.append(m)
                let svg = SVGChart.heatmap(
                    title: "cross-attention layer \(l) head \(h)", values: m, rowLabels: Array(outputLabels), columnLabels: sourceLabels)
                try AtomicFileWriter.write(Array(svg.utf8), to: "\(output)/layer\(l)_head\(h).svg")
            }
            layers.append(heads)
        }
        let json = try JSONSerialization.data(
            withJSONObject: ["source": sourceLabels, "output": Array(outputLabels), "layers": layers],
            options: [.sortedKeys])
        try AtomicFileWriter.write(Array(json), to: output + "/attention.json")
        FileHandle.standardError.write(
            Data(
                "translation: \(vocabulary.decode(outputIDs))\nwrote \(output)/attention.json and \(maps.reduce(0) { $0 + $1.count }) cross-attention heat-maps (\(outputLabels.count) output × \(source.count) source tokens)\n"
                    .utf8))
    }
}
