/// The model that maps words to tokens.
public enum TokenModel: Sendable {
    /// Byte-pair encoding.
    case bpe(BPEModel)
    /// WordPiece.
    case wordPiece(WordPieceModel)

    /// The model's vocabulary.
    public var vocabulary: Vocabulary {
        switch self {
        case .bpe(let m): return m.vocabulary
        case .wordPiece(let m): return m.vocabulary
        }
    }
}
