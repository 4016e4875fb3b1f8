/// The model that maps words to tokens.
public enum TokenModel: Sendable {
    /// Byte-pair encoding.
    case bpe(BPEModel)
    /// WordPiece.
    case wordPiece(WordPieceModel)
    /// Unigram language model (SentencePiece).
    case unigram(UnigramModel)
    /// Whole words.
    case wordLevel(WordLevelModel)

    /// The model's vocabulary.
    public var vocabulary: Vocabulary {
        switch self {
        case .bpe(let m): return m.vocabulary
        case .wordPiece(let m): return m.vocabulary
        case .unigram(let m): return m.vocabulary
        case .wordLevel(let m): return m.vocabulary
        }
    }
}
