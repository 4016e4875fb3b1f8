#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Added tokens to find in text: at a position, the longest whose content starts there, found
/// by one walk down a byte trie over the contents rather than by comparing each content (Llama
/// 3 has 256 added tokens, all starting with `<|`, and text has `<` of its own). A class: an
/// encoder hands it to a closure for every text, which then costs one reference count.
package final class AddedTokenMatcher: Sendable {
    /// The tokens with their contents' bytes, longest first.
    let patterns: [(bytes: [UInt8], token: AddedToken)]
    /// Whether a content starts with each byte.
    let first: [Bool]
    /// The contents, with the index in ``patterns`` as the piece id (of equal contents, the first).
    private let trie: PieceTrie?

    /// A matcher for `tokens` (their contents as bytes, none empty).
    package init(_ tokens: [(bytes: [UInt8], token: AddedToken)]) {
        patterns = tokens.sorted { $0.bytes.count > $1.bytes.count }
        var first = [Bool](repeating: false, count: 256)
        for t in patterns { first[Int(t.bytes[0])] = true }
        self.first = first
        trie =
            patterns.isEmpty
            ? nil : PieceTrie(pieces: patterns.map(\.bytes), scores: [Double](repeating: 0, count: patterns.count), include: { _ in true })
    }

    /// Whether there is no token to find.
    var isEmpty: Bool { patterns.isEmpty }

    /// The longest content at `i` of the `n` bytes at `base`: its length and token.
    package func longestMatch(_ base: UnsafePointer<UInt8>, at i: Int, _ n: Int) -> (Int, AddedToken)? {
        guard let trie else {
            // (Only when the contents need more trie units than a trie holds.)
            for (bytes, token) in patterns where bytes.count <= n - i {
                if bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base + i, $0.count) == 0 }) { return (bytes.count, token) }
            }
            return nil
        }
        var longest = -1
        var length = 0
        trie.forEachPrefix(base + i, n - i) { l, id in
            length = l
            longest = Int(id)
        }
        return longest >= 0 ? (length, patterns[longest].token) : nil
    }
}
