import TextNormalization

/// Hand-written matchers for the `Split` regexes models ship, used instead of the regex engine
/// when a file's pattern is one of them (compared as text, exactly).
package struct KnownPatternScanner: Sendable {
    /// Which pattern.
    package enum Kind: Sendable {
        /// GPT-2's `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
        case gpt2
    }

    package let kind: Kind

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// The scanner for `pattern`, or `nil` when it is not a known one.
    package init?(pattern: String) {
        switch pattern {
        case Self.gpt2Pattern: kind = .gpt2
        default: return nil
        }
    }

    /// The matches in valid UTF-8 `text`.
    package func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        switch kind {
        case .gpt2: ByteLevelPreTokenizer().split(text, into: &out)
        }
        return out
    }
}
