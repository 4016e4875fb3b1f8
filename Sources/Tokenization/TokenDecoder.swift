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
