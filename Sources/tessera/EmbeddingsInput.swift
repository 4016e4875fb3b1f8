import ArgumentParser
import Embeddings

/// The embeddings a query command reads (`similar`, `analogy`, `evaluate-embeddings`), rows
/// optionally named by a tokenizer's tokens.
struct EmbeddingsInput: ParsableArguments {
    @Option(help: "Embeddings: .safetensors, word2vec text (.vec) or binary (.bin).")
    var embeddings: String

    @Option(help: "tokenizer.json naming the rows (token-mode embeddings).")
    var tokenizer: String?

    /// The table, searchable; with `--tokenizer`, rows take its tokens.
    func index() throws -> EmbeddingIndex {
        var table = try EmbeddingTable.load(embeddings)
        if let tokenizer {
            let vocabulary = try TokenizerVocabulary.load(tokenizer)
            guard vocabulary.size == table.rowCount else {
                throw EmbeddingsError.badTokenizer(
                    path: tokenizer, reason: "\(vocabulary.size) ids, but \(embeddings) has \(table.rowCount) rows")
            }
            table.tokens = vocabulary.tokens
        }
        return EmbeddingIndex(table)
    }
}
