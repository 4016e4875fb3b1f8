import ArgumentParser
import Embeddings

/// `tessera analogy A B C`: the tokens nearest to B − A + C.
struct AnalogyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogy",
        abstract: "A is to B as C is to ?: print the tokens nearest to B - A + C.",
        discussion: "Example: tessera analogy --embeddings words.safetensors man king woman"
    )

    @OptionGroup var input: EmbeddingsInput

    @Option(name: .short, help: "How many answers.")
    var k: Int = 10

    @Argument(help: "A") var a: String
    @Argument(help: "B") var b: String
    @Argument(help: "C") var c: String

    func validate() throws {
        try OptionCheck.range("-k", k, 1...1_000_000)
    }

    func run() throws {
        guard k >= 1 else { throw ValidationError("-k must be at least 1, got \(k)") }
        let index = try input.index()
        for (token, score) in try index.analogy(a, b, c, k: k) {
            print("\(token)\t\(score)")
        }
    }
}
