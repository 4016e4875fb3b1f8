import NeuralCore
import RecurrentLM
import TransformerLM

extension LanguageModelSettings {
    /// The recurrent model these settings describe (`arch` rnn, lstm or gru; `hidden`, `embedDim`,
    /// `layers`, `context`, `dropout`, `tieEmbeddings`, `projection`, `carryState`), for a
    /// vocabulary of `vocabularySize` ids; nil for the Transformer.
    public func recurrentConfig(vocabularySize: Int) -> RecurrentConfig? {
        guard let cell = arch.cell else { return nil }
        return RecurrentConfig(
            arch: cell, vocabSize: vocabularySize, contextLength: context, embeddingDim: embeddingWidth, hiddenSize: hidden,
            layers: layers, dropout: Float(dropout), tieEmbeddings: tieEmbeddings, projection: projection, carryState: carryState)
    }
}
