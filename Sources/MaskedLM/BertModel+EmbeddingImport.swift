import NeuralCore

extension BertModel {
    /// Copies a Word2Vec `[vocab, dim]` table (safetensors, as `train-embeddings` writes it) into
    /// the token embedding (`word_embeddings`, which the MLM decoder shares), rescaled to BERT's
    /// initialization std (``initializerRange``) — NeuralCore's `EmbeddingImport`, as the GPT and
    /// the recurrent models use it. The table's width must be `dim` and its rows the vocabulary
    /// size (an error naming both otherwise; the weights are untouched). Returns the scale applied.
    @discardableResult
    public func initializeEmbeddings(from path: String) throws -> Float {
        try EmbeddingImport.load(
            path, into: parameters.pointer + layout.wordEmbeddings, vocabularySize: config.vocabSize, width: config.dim,
            std: Self.initializerRange)
    }
}
