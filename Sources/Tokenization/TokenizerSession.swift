/// A tokenizer's per-thread working state: a word → tokens cache and reusable buffers.
///
/// Not thread-safe: give each thread its own session. Ids and offsets are appended to the
/// caller's arrays, so a caller can reuse them too.
///
/// ```swift
/// let session = TokenizerSession(tokenizer)
/// var ids: [UInt32] = [], offsets: [Range<Int>] = []
/// line.withUTF8 { session.encode($0, addSpecialTokens: false, ids: &ids, offsets: &offsets) }
/// ```
public final class TokenizerSession {
    private var core: EncoderCore

    /// The tokenizer.
    public var tokenizer: Tokenizer { core.tokenizer }

    /// Creates a session for `tokenizer`.
    public init(_ tokenizer: Tokenizer) {
        core = EncoderCore(tokenizer)
    }

    /// Encodes valid UTF-8 `text`, appending ids.
    public func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32]) {
        core.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids)
    }

    /// Encodes valid UTF-8 `text`, appending ids and each token's byte range in `text`.
    public func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32], offsets: inout [Range<Int>]) {
        core.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids, offsets: &offsets)
    }

    /// Encodes valid UTF-8 `text` that goes on from text encoded before when `continuing` (a
    /// piece of a long line after the first, cut where the words do not change): no prefix
    /// space is added and its first token is not trimmed as a line's first. Appends ids.
    package func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, continuing: Bool, ids: inout [UInt32]) {
        core.continuing = continuing
        defer { core.continuing = false }
        core.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids)
    }

    /// As ``encode(_:addSpecialTokens:continuing:ids:)``, appending each token's byte range in `text` too.
    package func encode(
        _ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, continuing: Bool, ids: inout [UInt32], offsets: inout [Range<Int>]
    ) {
        core.continuing = continuing
        defer { core.continuing = false }
        core.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids, offsets: &offsets)
    }

    /// Encodes arbitrary bytes. Invalid UTF-8 bytes become words of their own for byte-level
    /// models (so decoding gives the bytes back) and U+FFFD otherwise.
    public func encode(bytes: UnsafeBufferPointer<UInt8>, ids: inout [UInt32]) {
        core.encode(bytes: bytes, ids: &ids)
    }
}
