/// Decodes a long id stream slice by slice, in bounded memory, to the same bytes as decoding all
/// ids at once with ``Tokenizer/decodeBytes(_:skipSpecialTokens:)`` — for every decoder, not
/// only byte-level ones.
///
/// Byte-level decoding is concatenation: each slice is decoded on its own. Other decoders treat
/// the first token (no space before it, Metaspace's leading `▁`), the last one (a BPE end-of-word
/// suffix) or neighbours (WordPiece `##`, byte fallback `<0x..>` runs, CTC repeats, clean-up of
/// `" ."`) specially, so a slice is decoded after the last `contextTokens` (64) ids already written
/// and only the text past theirs is written; and it is written only up to a boundary where the
/// text is *stable*: decoding `lookaheadTokens` (16) more ids only appends to it. When no boundary in
/// the last `lookaheadTokens` (16) positions of a slice is stable, the slice grows until one is.
///
/// ```swift
/// var decoder = StreamingDecoder(tokenizer: tok)
/// try decoder.add(ids) { bytes in try writer.write(bytes) }
/// try decoder.finish { bytes in try writer.write(bytes) }
/// ```
public struct StreamingDecoder {
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// Leave special tokens out.
    public let skipSpecialTokens: Bool
    /// Ids decoded at a time.
    public var sliceTokens = 1 << 20
    /// Ids already written that are decoded again before a slice.
    package var contextTokens = 64
    /// Ids past a boundary that must not change the text before it.
    package var lookaheadTokens = 16
    private let concatenates: Bool
    private var pending: [UInt32] = []
    private var context: [UInt32] = []

    /// Creates a decoder.
    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
        concatenates = tokenizer.pipeline == nil && tokenizer.decoder == .byteLevel
    }

    /// Adds ids; the text that is final by now goes to `write`.
    public mutating func add(_ ids: [UInt32], write: ([UInt8]) throws -> Void) throws {
        pending += ids
        var limit = max(1, sliceTokens)
        while pending.count >= limit + lookaheadTokens {
            // No stable boundary near the slice's end (a long byte-fallback run): look further.
            limit = try emitStablePrefix(upTo: limit, write: write) ? max(1, sliceTokens) : limit + lookaheadTokens
        }
    }

    /// Writes the rest of the text.
    public mutating func finish(write: ([UInt8]) throws -> Void) throws {
        try emitAll(write: write)
    }

    private func decode(_ ids: ArraySlice<UInt32>) -> [UInt8] {
        tokenizer.decodeBytes(Array(ids), skipSpecialTokens: skipSpecialTokens)
    }

    /// Writes the text of `pending[0..<k]` for the last stable boundary `k <= limit` and drops
    /// those ids; false when there is none.
    private mutating func emitStablePrefix(upTo limit: Int, write: ([UInt8]) throws -> Void) throws -> Bool {
        if concatenates {
            try write(decode(pending[..<limit]))
            advance(limit)
            return true
        }
        // A boundary is stable when the text of the ids around it before it is a prefix of their
        // text with the lookahead (checked on that window only: the decoders are local).
        var k = limit
        while k > max(0, limit - lookaheadTokens) {
            let from = max(0, k - contextTokens)
            let text = decode(pending[from..<k])
            if decode(pending[from..<(k + lookaheadTokens)]).starts(with: text) { break }
            k -= 1
        }
        guard k > max(0, limit - lookaheadTokens) else { return false }
        let before = decode(context[...])
        let text = decode(context[...] + pending[..<k])
        guard text.starts(with: before) else { return false }
        try write(Array(text[before.count...]))
        advance(k)
        return true
    }

    /// Writes the text of every pending id.
    private mutating func emitAll(write: ([UInt8]) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        if concatenates {
            try write(decode(pending[...]))
        } else {
            let before = decode(context[...])
            let text = decode(context[...] + pending[...])
            // The context's text is a prefix whenever the decoder is local (checked for every
            // slice but the last); if not, the slice is written as decoded on its own.
            if text.starts(with: before) { try write(Array(text[before.count...])) } else { try write(decode(pending[...])) }
        }
        advance(pending.count)
    }

    private mutating func advance(_ k: Int) {
        context += pending[..<k]
        if context.count > contextTokens { context.removeFirst(context.count - contextTokens) }
        pending.removeFirst(k)
    }
}
