extension PipelineRunner {
    /// `attention.json`: the attention weights of a short text: `layers[l][h][i][j]`.
    struct AttentionFile: Codable {
        var tokens: [String]
        var layers: [[[[Double]]]]
    }
}
