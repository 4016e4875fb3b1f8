import TextNormalization

/// One pre-tokenizer of a `tokenizer.json` (`"pre_tokenizer"`): splits each piece of text into
/// smaller pieces (and may rewrite them, as `ByteLevel` and `Metaspace` do).
package protocol PreTokenizerComponent: Sendable {
    /// Splits `piece`, appending the non-empty results to `out`.
    func split(_ piece: AlignedText, into out: inout [AlignedText])
    /// The component as `tokenizer.json` writes it (one JSON object).
    var json: String { get }
}

extension PreTokenizerComponent {
    /// Splits every piece in turn.
    package func preTokenize(_ pieces: inout [AlignedText]) {
        var out: [AlignedText] = []
        out.reserveCapacity(pieces.count * 2)
        for piece in pieces { split(piece, into: &out) }
        pieces = out
    }

    /// The pieces of a string (for tests).
    package func pieces(of string: String) -> [String] {
        var copy = string
        var pieces = [copy.withUTF8 { AlignedText(original: $0, at: 0) }]
        preTokenize(&pieces)
        return pieces.map(\.string)
    }
}

/// What `Split` and the other splitting pre-tokenizers do with the delimiters they find
/// (Hugging Face's `SplitDelimiterBehavior`).
package enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}

extension AlignedText {
    /// Splits the text at `matches` (sorted, non-overlapping byte ranges) with `behavior`, as
    /// `NormalizedString::split`; `invert` swaps what counts as the delimiter. Empty pieces are dropped.
    package func split(matches: [Range<Int>], behavior: SplitBehavior, invert: Bool = false, into out: inout [AlignedText]) {
        if bytes.isEmpty { return }
        // (range, isMatch) covering the whole text.
        var segments: [(Range<Int>, Bool)] = []
        segments.reserveCapacity(matches.count * 2 + 1)
        var previous = 0
        for m in matches {
            if previous != m.lowerBound { segments.append((previous..<m.lowerBound, invert)) }
            segments.append((m, !invert))
            previous = m.upperBound
        }
        if previous != bytes.count { segments.append((previous..<bytes.count, invert)) }
        var kept: [Range<Int>] = []
        kept.reserveCapacity(segments.count)
        switch behavior {
        case .isolated:
            kept = segments.map(\.0)
        case .removed:
            kept = segments.filter { !$0.1 }.map(\.0)
        case .contiguous:
            var previousMatch = false
            for (r, isMatch) in segments {
                if isMatch == previousMatch, let last = kept.last {
                    kept[kept.count - 1] = last.lowerBound..<r.upperBound
                } else {
                    kept.append(r)
                }
                previousMatch = isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for (r, isMatch) in segments {
                if isMatch && !previousMatch, let last = kept.last {
                    kept[kept.count - 1] = last.lowerBound..<r.upperBound
                } else {
                    kept.append(r)
                }
                previousMatch = isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for (r, isMatch) in segments.reversed() {
                if isMatch && !previousMatch, let last = kept.last {
                    kept[kept.count - 1] = r.lowerBound..<last.upperBound
                } else {
                    kept.append(r)
                }
                previousMatch = isMatch
            }
            kept.reverse()
        }
        for r in kept where !r.isEmpty { out.append(slice(r)) }
    }

    /// Each character for which `predicate` holds, as a match of its own.
    package func characterMatches(_ predicate: (UInt32) -> Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            var i = 0
            while i < b.count {
                let length = max(UTF8Validation.sequenceLength(base, at: i, end: b.count), 1)
                let scalar = length == 1 ? UInt32(base[i]) : UTF8Validation.decode(base, at: i, length: length)
                if predicate(scalar) { out.append(i..<(i + length)) }
                i += length
            }
        }
        return out
    }
}

/// Rust's `char::is_whitespace` (the White_Space property).
@inline(__always) func isWhitespaceScalar(_ s: UInt32) -> Bool { CharacterClass.of(s).contains(.whitespace) }

/// BERT's punctuation: ASCII punctuation or general category P*.
@inline(__always) func isPunctuationScalar(_ s: UInt32) -> Bool {
    (s >= 0x21 && s <= 0x2F) || (s >= 0x3A && s <= 0x40) || (s >= 0x5B && s <= 0x60) || (s >= 0x7B && s <= 0x7E)
        || CharacterClass.of(s).contains(.punctuation)
}
