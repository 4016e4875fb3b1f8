import TextNormalization

/// Hand-written matchers for the `Split` regexes models ship, used instead of the regex engine
/// when a file's pattern is one of them (compared as text, exactly).
package struct KnownPatternScanner: Sendable {
    /// Which pattern.
    package enum Kind: Sendable {
        /// GPT-2's `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
        case gpt2
        /// Llama 3's (tiktoken cl100k-like) `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
        case llama3
    }

    package let kind: Kind

    static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// The scanner for `pattern`, or `nil` when it is not a known one.
    package init?(pattern: String) {
        switch pattern {
        case Self.gpt2Pattern: kind = .gpt2
        case Self.llama3Pattern: kind = .llama3
        default: return nil
        }
    }

    /// The matches in valid UTF-8 `text`.
    package func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        switch kind {
        case .gpt2: ByteLevelPreTokenizer().split(text, into: &out)
        case .llama3: Self.scanLlama3(text, into: &out)
        }
        return out
    }

    /// The Llama 3 pattern, alternative by alternative in the regex's order (first that matches wins).
    static func scanLlama3(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Range<Int>]) {
        guard let base = text.baseAddress else { return }
        let n = text.count
        @inline(__always) func at(_ i: Int) -> (UInt32, Int) {
            let b = base[i]
            if b < 0x80 { return (UInt32(b), 1) }
            let l = max(UTF8Validation.sequenceLength(base, at: i, end: n), 1)
            return (UTF8Validation.decode(base, at: i, length: l), l)
        }
        @inline(__always) func isLetter(_ c: UInt32) -> Bool {
            c < 0x80 ? (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A : CharacterClass.of(c).contains(.letter)
        }
        @inline(__always) func isNumber(_ c: UInt32) -> Bool { c < 0x80 ? c >= 0x30 && c <= 0x39 : CharacterClass.of(c).contains(.number) }
        @inline(__always) func isSpace(_ c: UInt32) -> Bool {
            c < 0x80 ? c == 0x20 || (c >= 0x09 && c <= 0x0D) : CharacterClass.of(c).contains(.whitespace)
        }
        @inline(__always) func isNewline(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D }
        func lettersEnd(_ from: Int) -> Int {
            var j = from
            while j < n { let (c, l) = at(j); if !isLetter(c) { break }; j += l }
            return j
        }
        var i = 0
        while i < n {
            let (c, l) = at(i)
            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if c == 0x27 && i + 1 < n {
                let a = base[i + 1] | 0x20
                if a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64 { out.append(i..<(i + 2)); i += 2; continue }
                if i + 2 < n {
                    let b = base[i + 2] | 0x20
                    if (a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C) {
                        out.append(i..<(i + 3)); i += 3; continue
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if isLetter(c) { let e = lettersEnd(i + l); out.append(i..<e); i = e; continue }
            if !isNewline(c) && !isNumber(c) && i + l < n {
                let (d, _) = at(i + l)
                if isLetter(d) { let e = lettersEnd(i + l); out.append(i..<e); i = e; continue }
            }
            // \p{N}{1,3}
            if isNumber(c) {
                var j = i + l, k = 1
                while j < n && k < 3 { let (d, m) = at(j); if !isNumber(d) { break }; j += m; k += 1 }
                out.append(i..<j); i = j; continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            @inline(__always) func isOther(_ d: UInt32) -> Bool { !isSpace(d) && !isLetter(d) && !isNumber(d) }
            var start = i
            if c == 0x20 && i + 1 < n { let (d, _) = at(i + 1); if isOther(d) { start = i + 1 } }
            let (c0, l0) = start == i ? (c, l) : at(start)
            if isOther(c0) {
                var j = start + l0
                while j < n { let (d, m) = at(j); if !isOther(d) { break }; j += m }
                while j < n && (base[j] == 0x0A || base[j] == 0x0D) { j += 1 }
                out.append(i..<j); i = j; continue
            }
            // Whitespace: \s*[\r\n]+ | \s+(?!\S) | \s+
            var j = i, lastNewlineEnd = -1, lastCharStart = i, chars = 0
            while j < n {
                let (d, m) = at(j)
                if !isSpace(d) { break }
                if isNewline(d) { lastNewlineEnd = j + m }
                lastCharStart = j; j += m; chars += 1
            }
            if lastNewlineEnd > 0 { out.append(i..<lastNewlineEnd); i = lastNewlineEnd; continue }
            if j == n || chars == 1 { out.append(i..<j); i = j; continue }
            out.append(i..<lastCharStart); i = lastCharStart
        }
    }
}
