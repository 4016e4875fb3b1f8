import Tokenization

/// The ids of BERT's special tokens in a tokenizer, and which ids are special (never masked,
/// never drawn as a random replacement).
public struct SpecialTokenIDs: Sendable, Equatable {
    /// `[CLS]`, first token of every sequence.
    public var cls: Int32
    /// `[SEP]`, after each segment.
    public var sep: Int32
    /// `[MASK]`, the replacement of 80% of the chosen tokens.
    public var mask: Int32
    /// `[PAD]`, filling sequences up to the batch length.
    public var pad: Int32
    /// `[UNK]` when the tokenizer has it.
    public var unknown: Int32?

    /// Creates the set from explicit ids.
    public init(cls: Int32, sep: Int32, mask: Int32, pad: Int32, unknown: Int32? = nil) {
        self.cls = cls
        self.sep = sep
        self.mask = mask
        self.pad = pad
        self.unknown = unknown
    }

    /// Looks the four tokens up in `tokenizer`; throws naming the first one that is missing.
    /// `source` (a file path) goes into the error message.
    public init(tokenizer: Tokenizer, source: String = "tokenizer") throws {
        func find(_ name: String) throws -> Int32 {
            guard let id = tokenizer.id(for: name) else { throw MaskedLMError.missingSpecialToken(source: source, token: name) }
            return Int32(id)
        }
        self.init(
            cls: try find("[CLS]"), sep: try find("[SEP]"), mask: try find("[MASK]"), pad: try find("[PAD]"),
            unknown: tokenizer.id(for: "[UNK]").map { Int32($0) })
    }

    /// The special ids, `[UNK]` included when present.
    public var all: Set<Int32> {
        var s: Set<Int32> = [cls, sep, mask, pad]
        if let unknown { s.insert(unknown) }
        return s
    }
}
