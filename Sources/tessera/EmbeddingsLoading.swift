import Embeddings

/// Loading embeddings for the query commands, optionally renaming rows with a tokenizer's tokens.
enum EmbeddingsLoading {
    /// The table at `path` (safetensors, .vec or .bin); with `tokenizer`, rows take its tokens.
    static func load(_ path: String, tokenizer: String?) throws -> EmbeddingTable {
        var table = try EmbeddingTable.load(path)
        if let tokenizer {
            let vocabulary = try TokenizerVocabulary.load(tokenizer)
            guard vocabulary.size == table.rowCount else {
                throw EmbeddingsError.badTokenizer(path: tokenizer, reason: "\(vocabulary.size) ids, but \(path) has \(table.rowCount) rows")
            }
            table.tokens = vocabulary.tokens
        }
        return table
    }
}
