/// One pretraining sequence `[CLS] A [SEP] B [SEP]` before masking.
public struct SentencePair: Sendable, Equatable {
    /// Token ids, specials included.
    public var tokens: [Int32]
    /// Segment (token type) ids: 0 for `[CLS] A [SEP]`, 1 for `B [SEP]`.
    public var segments: [Int32]
    /// Whether B was drawn from another place in the corpus (the NSP label: 1 = random, 0 = true next, as in Hugging Face).
    public var isRandomNext: Bool

    /// Creates a pair from its parts.
    public init(tokens: [Int32], segments: [Int32], isRandomNext: Bool) {
        self.tokens = tokens
        self.segments = segments
        self.isRandomNext = isRandomNext
    }

    /// Assembles `[CLS] a [SEP] b [SEP]` with its segment ids.
    public init(a: [Int32], b: [Int32], isRandomNext: Bool, specials: SpecialTokenIDs) {
        tokens = [specials.cls] + a + [specials.sep] + b + [specials.sep]
        segments = [Int32](repeating: 0, count: a.count + 2) + [Int32](repeating: 1, count: b.count + 1)
        self.isRandomNext = isRandomNext
    }
}
