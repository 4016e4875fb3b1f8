// MARK: - Pipeline components of a Tokenizer

/// How text is split into words before the model sees them.
public enum PreTokenization: Sendable, Hashable {
    /// No split: the whole text is one word.
    case none
    /// GPT-2's byte-level split (``ByteLevelPreTokenizer``); the model then works on bytes.
    case byteLevel(trimOffsets: Bool)
    /// BERT's whitespace + punctuation split, with CJK ideographs as words when `splitCJK`.
    case bert(splitCJK: Bool)
    /// Split on whitespace only (Hugging Face's `WhitespaceSplit`).
    case whitespaceSplit

    /// Whether the model works on bytes (byte-level BPE).
    public var isByteLevel: Bool { if case .byteLevel = self { return true } else { return false } }

    /// The pre-tokenizer, or `nil` for ``none``.
    func makePreTokenizer() -> (any PreTokenizer)? {
        switch self {
        case .none: return nil
        case .byteLevel: return ByteLevelPreTokenizer()
        case .bert(let cjk): return BertPreTokenizer(splitCJK: cjk)
        case .whitespaceSplit: return WhitespacePreTokenizer()
        }
    }
}

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

/// Tokens added around an encoded text when special tokens are asked for (Hugging Face's
/// `TemplateProcessing` / `BertProcessing` for a single sequence).
public struct PostProcessor: Sendable, Hashable {
    /// Tokens before the text (e.g. `[CLS]`).
    public var prefix: [AddedToken]
    /// Tokens after the text (e.g. `[SEP]`).
    public var suffix: [AddedToken]

    /// Creates a post-processor.
    public init(prefix: [AddedToken] = [], suffix: [AddedToken] = []) {
        self.prefix = prefix
        self.suffix = suffix
    }
}

/// How ids become text again.
public enum TokenDecoder: Sendable, Hashable {
    /// Hugging Face's default: token strings joined by spaces.
    case none
    /// Byte-level: alphabet characters back to bytes.
    case byteLevel
    /// WordPiece: strip the prefix from continuations, a space before other tokens, optional clean-up.
    case wordPiece(prefix: String, cleanup: Bool)
    /// BPE with an end-of-word suffix: the suffix becomes a space.
    case bpeSuffix(String)
}
