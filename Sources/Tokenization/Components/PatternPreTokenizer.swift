import TextNormalization

/// The byte-range form of `Split(pattern, Isolated)` for the fast encoder: the matches and the
/// text between them, each a piece.
struct PatternPreTokenizer: PreTokenizer {
    let pattern: TextPattern

    func split(_ text: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>]) {
        let matches: [Range<Int>]
        switch pattern {
        case .regex(_, .scanner(let s)): matches = s.matches(in: text)
        default: matches = pattern.matches(in: Array(text))
        }
        var previous = 0
        for m in matches where !m.isEmpty {
            if m.lowerBound > previous { pieces.append(previous..<m.lowerBound) }
            pieces.append(m)
            previous = m.upperBound
        }
        if previous < text.count { pieces.append(previous..<text.count) }
    }
}
