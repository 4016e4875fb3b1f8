import ArgumentParser
import Embeddings

/// `tessera similar`: nearest neighbours of a word by cosine similarity.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Print the nearest tokens of a token (cosine), one 'token<TAB>score' per line.",
        discussion: "Example: tessera similar --embeddings words.safetensors king -k 5"
    )

    @Option(help: "Embeddings: .safetensors, word2vec text (.vec) or binary (.bin).")
    var embeddings: String

    @Option(help: "tokenizer.json naming the rows (token-mode embeddings).")
    var tokenizer: String?

    @Option(name: .short, help: "How many neighbours.")
    var k: Int = 10

    @Argument(help: "The token.")
    var word: String

    func run() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1, got \(k)") }
        let index = EmbeddingIndex(try EmbeddingsLoading.load(embeddings, tokenizer: tokenizer))
        for (token, score) in try index.similar(to: word, k: k) {
            print("\(token)\t\(score)")
        }
    }
}
