import TextNormalization

/// How text is split into words before the model sees them.
public enum PreTokenization: Sendable, Hashable {
    /// No split: the whole text is one word.
    case none
    /// GPT-2's byte-level split (TextNormalization's `ByteLevelPreTokenizer`); the model then works on bytes.
    /// `trimOffsets`: token offsets leave out leading and trailing spaces (Hugging Face's
    /// `ByteLevel` post-processor); `trimKeepsPrefixSpace`: except one leading space of the
    /// first token (that post-processor's `add_prefix_space`). `addPrefixSpace`: a space is put
    /// before each text (and each part between added tokens) that does not start with one
    /// (the pre-tokenizer's `add_prefix_space`, as RoBERTa uses).
    case byteLevel(trimOffsets: Bool, trimKeepsPrefixSpace: Bool = false, addPrefixSpace: Bool = false)
    /// BERT's whitespace + punctuation split, with CJK ideographs as words when `splitCJK`.
    case bert(splitCJK: Bool)
    /// Split on whitespace only (Hugging Face's `WhitespaceSplit`).
    case whitespaceSplit
    /// A `Split` regex (`Isolated`) then `ByteLevel(use_regex: false)`, as Llama 3 and the
    /// tiktoken encodings split: byte-level like `byteLevel` but with another pattern.
    case byteLevelSplit(pattern: String)

    /// Whether the model works on bytes (byte-level BPE).
    public var isByteLevel: Bool {
        switch self {
        case .byteLevel, .byteLevelSplit: return true
        default: return false
        }
    }

    /// Whether text may be cut before a space between printable ASCII characters (`x| y`)
    /// without changing the words: every pre-tokenizer but ``none`` starts a word there
    /// (GPT-2 attaches the space to the next word; the others split on it). A prefix space added
    /// to each text would land at the cut, so that setting rules it out.
    var splitsBeforeSpaces: Bool {
        switch self {
        case .none: return false
        case .byteLevel(_, _, let addPrefixSpace): return !addPrefixSpace
        case .bert, .whitespaceSplit: return true
        case .byteLevelSplit: return false  // an arbitrary pattern: not assumed
        }
    }

    /// The pre-tokenizer, or `nil` for ``none``.
    func makePreTokenizer() -> (any PreTokenizer)? {
        switch self {
        case .none: return nil
        case .byteLevel: return ByteLevelPreTokenizer()
        case .bert(let cjk): return BertPreTokenizer(splitCJK: cjk)
        case .whitespaceSplit: return WhitespacePreTokenizer()
        case .byteLevelSplit(let pattern): return (try? TextPattern.regex(pattern)).map { PatternPreTokenizer(pattern: $0) }
        }
    }
}
