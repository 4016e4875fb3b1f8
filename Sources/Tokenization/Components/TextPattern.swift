import ArtifactIO
import TextNormalization

/// The `pattern` of `Replace` and `Split`: `{"String": …}` (a literal) or `{"Regex": …}`.
/// Common regexes run through hand-written scanners (``KnownPatternScanner``); any other through ICU.
package enum TextPattern: Sendable {
    /// A literal string.
    case string(String)
    /// A regular expression (Oniguruma syntax as written in the file), with its matcher.
    case regex(String, RegexMatcher)

    /// Compiles a regular expression; throws ``ICURegex/CompileError`` when it does not compile.
    package static func regex(_ pattern: String) throws -> TextPattern {
        if let scanner = KnownPatternScanner(pattern: pattern) { return .regex(pattern, .scanner(scanner)) }
        return .regex(pattern, .icu(try ICURegex(oniguruma: pattern)))
    }

    /// The byte ranges of non-overlapping matches, leftmost first.
    package func matches(in bytes: [UInt8]) -> [Range<Int>] {
        switch self {
        case .string(let literal):
            let needle = Array(literal.utf8)
            guard !needle.isEmpty, bytes.count >= needle.count else { return [] }
            var out: [Range<Int>] = []
            var i = 0
            let first = needle[0]
            while i + needle.count <= bytes.count {
                if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                    out.append(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
            return out
        case .regex(_, let matcher):
            return matcher.matches(in: bytes)
        }
    }

    /// `{"String": "…"}` or `{"Regex": "…"}`.
    package var json: String {
        switch self {
        case .string(let s): return "{\"String\": \(JSONText.string(s))}"
        case .regex(let s, _): return "{\"Regex\": \(JSONText.string(s))}"
        }
    }
}

/// How a regex is matched.
package enum RegexMatcher: Sendable {
    /// A hand-written scanner for a pattern models ship.
    case scanner(KnownPatternScanner)
    /// ICU's regex engine.
    case icu(ICURegex)

    /// The byte ranges of the matches.
    package func matches(in bytes: [UInt8]) -> [Range<Int>] {
        switch self {
        case .scanner(let s): return bytes.withUnsafeBufferPointer { s.matches(in: $0) }
        case .icu(let re): return re.matches(in: bytes)
        }
    }
}
