import NeuralCore

/// Where each tensor of a ``RecurrentModel`` lives in its flat parameter buffer.
///
/// Names follow PyTorch's `word_language_model` example (`RNNModel`): `encoder.weight` `[V, E]`,
/// `rnn.weight_ih_l{k}` … (exactly `torch.nn.RNN`/`LSTM`/`GRU`'s names and layout under `rnn.`),
/// `projection.weight` `[E, H]` + `projection.bias` when projected, `decoder.weight` `[V, ·]`
/// (absent when tied) and `decoder.bias` `[V]`.
public struct RecurrentLayout: Sendable {
    /// All tensors, in order.
    public let tensors: ParameterLayout
    /// `encoder.weight`.
    public let encoder: Int
    /// Start of the recurrent stack's block (`RecurrentStack` order).
    public let stack: Int
    /// `projection.weight` and `projection.bias`, when projected.
    public let projectionWeight: Int?, projectionBias: Int?
    /// The head's weight: `decoder.weight`, or `encoder.weight` when tied.
    public let head: Int
    /// `decoder.bias`.
    public let headBias: Int

    /// The layout of `config`.
    public init(config c: RecurrentConfig) {
        var t = ParameterLayout()
        encoder = t.add("encoder.weight", [c.vocabSize, c.embeddingDim])
        let stack = c.stack
        self.stack = t.count
        for e in stack.tensors() { t.add("rnn." + e.name, e.shape) }
        if c.projection {
            projectionWeight = t.add("projection.weight", [c.embeddingDim, c.hiddenSize])
            projectionBias = t.add("projection.bias", [c.embeddingDim])
        } else {
            projectionWeight = nil
            projectionBias = nil
        }
        head = c.tieEmbeddings ? encoder : t.add("decoder.weight", [c.vocabSize, c.headInputSize])
        headBias = t.add("decoder.bias", [c.vocabSize])
        tensors = t
    }
}
