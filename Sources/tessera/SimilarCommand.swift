import ArgumentParser
import Embeddings

/// `tessera similar`: nearest neighbours of a word by cosine similarity.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Print the nearest tokens of a token (cosine), one 'token<TAB>score' per line.",
        discussion: "Example: tessera similar --embeddings words.safetensors king -k 5"
    )

    @OptionGroup var input: EmbeddingsInput

    @Option(name: .short, help: "How many neighbours.")
    var k: Int = 10

    @Argument(help: "The token.")
    var word: String

    func validate() throws {
        try OptionCheck.range("-k", k, 1...1_000_000)
    }

    func run() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1, got \(k)") }
        let index = try input.index()
        for (token, score) in try index.similar(to: word, k: k) {
            print("\(token)\t\(score)")
        }
    }
}
