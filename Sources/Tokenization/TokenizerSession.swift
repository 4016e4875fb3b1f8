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
    /// The state, owned by the session. Held through a pointer rather than as a stored `var`:
    /// each access to a class's stored `var` costs a dynamic exclusivity check (a thread-local
    /// access set), a measurable share of encoding time for short lines. A session is used by
    /// one thread at a time, so the check proves nothing here.
    private let core: UnsafeMutablePointer<EncoderCore>

    /// The tokenizer.
    public var tokenizer: Tokenizer { core.pointee.tokenizer }

    /// Creates a session for `tokenizer`.
    public init(_ tokenizer: Tokenizer) {
        core = .allocate(capacity: 1)
        core.initialize(to: EncoderCore(tokenizer))
    }

    deinit {
        core.deinitialize(count: 1)
        core.deallocate()
    }

    /// Encodes valid UTF-8 `text`, appending ids.
    public func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32]) {
        core.pointee.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids)
    }

    /// Encodes valid UTF-8 `text`, appending ids and each token's byte range in `text`.
    public func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32], offsets: inout [Range<Int>]) {
        core.pointee.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids, offsets: &offsets)
    }

    /// Encodes valid UTF-8 `text` that goes on from text encoded before when `continuing` (a
    /// piece of a long line after the first, cut where the words do not change): no prefix
    /// space is added and its first token is not trimmed as a line's first. Appends ids.
    package func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, continuing: Bool, ids: inout [UInt32]) {
        core.pointee.continuing = continuing
        defer { core.pointee.continuing = false }
        core.pointee.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids)
    }

    /// As ``encode(_:addSpecialTokens:continuing:ids:)``, appending each token's byte range in `text` too.
    package func encode(
        _ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, continuing: Bool, ids: inout [UInt32], offsets: inout [Range<Int>]
    ) {
        core.pointee.continuing = continuing
        defer { core.pointee.continuing = false }
        core.pointee.encode(text, addSpecialTokens: addSpecialTokens, ids: &ids, offsets: &offsets)
    }

    /// Encodes arbitrary bytes. Invalid UTF-8 bytes become words of their own for byte-level
    /// models (so decoding gives the bytes back) and U+FFFD otherwise.
    public func encode(bytes: UnsafeBufferPointer<UInt8>, ids: inout [UInt32]) {
        core.pointee.encode(bytes: bytes, ids: &ids)
    }
}
