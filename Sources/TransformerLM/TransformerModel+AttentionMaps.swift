import NeuralCore
import TensorOps

extension TransformerModel {
    /// The attention maps of every layer for one sequence: `maps[l][h][i][j]` is how much position
    /// `i` attended to position `j ≤ i` in head `h` of block `l` (runs a forward over `ids`).
    public func attentionMaps(_ ids: [Int32]) throws -> [[[[Double]]]] {
        guard !ids.isEmpty else { return [] }
        let T = ids.count
        var rng = SeededGenerator(seed: 0)
        try forward(inputs: ids, targets: nil, batch: 1, time: T, rng: &rng)
        return (0..<config.layers).compactMap { l in
            attentionProbabilities(layer: l).map { AttentionMap.heads($0, heads: config.heads, queryTime: T, keyTime: T) }
        }
    }
}
