import Foundation
import MaskedLM
import TestFixtures
import Tokenization

/// Small tokenizers and corpora shared by the MaskedLM tests.
enum TestSupport {
    /// `Tests/MaskedLMTests/Fixtures/<name>`.
    static func fixture(_ name: String) -> String { TestFixtures.path(name, in: "MaskedLMTests") }

    /// The repository's own WordPiece vocabulary (trained from Corpora/ by Vocab/make_vocab.sh).
    static func wordPiece() throws -> Tokenizer {
        try Tokenizer.load(fromFile: TestFixtures.packageFile("Vocab/en-wordpiece-uncased-8k.json"))
    }

    /// A WordPiece tokenizer over exactly `tokens` (whitespace pre-tokenizer).
    static func tokenizer(_ tokens: [String]) throws -> Tokenizer {
        let model = try WordPieceModel(vocabulary: try Vocabulary(tokens: tokens))
        return Tokenizer(preTokenization: .whitespaceSplit, model: .wordPiece(model), decoder: .wordPiece(prefix: "##", cleanup: false))
    }

    /// Alice in Wonderland from Corpora/ (shipped with the repository).
    static func alice() throws -> String {
        try String(contentsOfFile: TestFixtures.packageFile("Corpora/en/alice29.txt"), encoding: .utf8)
    }
}
