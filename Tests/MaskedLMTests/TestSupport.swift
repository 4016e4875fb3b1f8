import Foundation
import MaskedLM
import Tokenization

/// Paths and small tokenizers shared by the MaskedLM tests.
enum TestSupport {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The committed fixtures folder.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// The repository's own WordPiece vocabulary (trained from Corpora/ by Vocab/make_vocab.sh).
    static func wordPiece() throws -> Tokenizer {
        try Tokenizer.load(fromFile: root + "/Vocab/en-wordpiece-uncased-8k.json")
    }

    /// A WordPiece tokenizer over exactly `tokens` (whitespace pre-tokenizer).
    static func tokenizer(_ tokens: [String]) throws -> Tokenizer {
        let model = try WordPieceModel(vocabulary: try Vocabulary(tokens: tokens))
        return Tokenizer(preTokenization: .whitespaceSplit, model: .wordPiece(model), decoder: .wordPiece(prefix: "##", cleanup: false))
    }

    /// Alice in Wonderland from Corpora/ (shipped with the repository).
    static func alice() throws -> String {
        try String(contentsOfFile: root + "/Corpora/en/alice29.txt", encoding: .utf8)
    }
}
