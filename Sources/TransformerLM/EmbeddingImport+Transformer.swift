import NeuralCore

extension EmbeddingImport {
    /// Copies the `[vocab, dim]` table of a safetensors file (its only 2-D tensor, or the one named
    /// `embeddings`) into the GPT's token embedding, rescaled so that its standard deviation equals
    /// the model's initialization std. Returns the scale applied.
    @discardableResult
    public static func load(_ path: String, into model: TransformerModel) throws -> Float {
        let c = model.config
        return try load(path, into: model, tensor: model.layout.wte, vocabularySize: c.vocabSize, width: c.dim, std: c.embeddingInitStd)
    }
}
