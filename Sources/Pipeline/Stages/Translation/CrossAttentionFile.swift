extension PipelineRunner {
    /// `translation/attention.json`: the decoder's cross-attention for one sentence,
    /// `layers[l][h][i][j]` = how much the step producing output token i attended to source token j.
    struct CrossAttentionFile: Codable {
        var source: [String]
        var output: [String]
        var translation: String
        var layers: [[[[Double]]]]
    }
}
