/// A word-level model (Hugging Face `WordLevel`): each pre-tokenized piece is one token, or the
/// unknown token when it is not in the vocabulary.
public struct WordLevelModel: Sendable {
    /// The tokens.
    public private(set) var vocabulary: Vocabulary
    /// The unknown token.
    public var unknownToken: String

    /// Creates a model.
    public init(vocabulary: Vocabulary, unknownToken: String) {
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
    }

    /// Encodes one piece, appending `(id, start, end)`.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into out: inout [(UInt32, Int32, Int32)]) {
        guard let base = word.baseAddress, !word.isEmpty else { return }
        if let id = vocabulary.id(bytes: base, count: word.count) ?? vocabulary.id(for: unknownToken) {
            out.append((id, 0, Int32(word.count)))
        }
    }
}
