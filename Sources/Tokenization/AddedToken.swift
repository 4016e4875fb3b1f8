/// A token that the model does not produce: matched whole in the input and never split
/// (`<|endoftext|>`, `[CLS]`, …), as Hugging Face's `added_tokens`.
public struct AddedToken: Sendable, Hashable {
    /// Its id.
    public var id: UInt32
    /// Its text.
    public var content: String
    /// Whether it is special (skipped when decoding with `skipSpecialTokens`).
    public var special: Bool
    /// Whether a match also takes the whitespace before it (Hugging Face's `lstrip`).
    public var leftStrip: Bool
    /// Whether a match also takes the whitespace after it (Hugging Face's `rstrip`).
    public var rightStrip: Bool
    /// Whether it matches only as a whole word (not inside one; Hugging Face's `single_word`).
    public var singleWord: Bool = false
    /// Whether it is matched in the normalized text, its content normalized too (Hugging Face's `normalized`).
    public var normalized: Bool = false

    /// Creates an added token.
    public init(id: UInt32, content: String, special: Bool = true, leftStrip: Bool = false, rightStrip: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.leftStrip = leftStrip
        self.rightStrip = rightStrip
    }
}
