/// A token that the model does not produce: matched whole in the input and never split
/// (`<|endoftext|>`, `[CLS]`, …), as Hugging Face's `added_tokens`.
public struct AddedToken: Sendable, Hashable {
    /// Its id.
    public var id: UInt32
    /// Its text.
    public var content: String
    /// Whether it is special (skipped when decoding with `skipSpecialTokens`).
    public var special: Bool

    /// Creates an added token.
    public init(id: UInt32, content: String, special: Bool = true) {
        self.id = id
        self.content = content
        self.special = special
    }
}
