import TextNormalization

/// SentencePiece's own normalizer (its `normalizer_spec`), byte for byte: at each position a
/// user-defined piece is kept as it is, else the longest key of the precompiled character map
/// is replaced, else one character is copied (a malformed byte becomes U+FFFD); with
/// `remove_extra_whitespaces` leading spaces are dropped, runs of spaces become one and
/// trailing spaces are removed; `add_dummy_prefix` puts a space first; with
/// `escape_whitespaces` every space becomes `▁` (U+2581).
package struct SentencePieceNormalizer: Sendable {
    let charsmap: PrecompiledCharsmap?
    /// User-defined pieces, longest first, and whether one starts with each byte.
    let userDefined: [[UInt8]]
    let userFirst: [Bool]
    let addDummyPrefix: Bool
    let removeExtraWhitespaces: Bool
    let escapeWhitespaces: Bool
    /// ASCII bytes that normalize to themselves whatever follows (no user-defined piece or longer
    /// charsmap key starts with them): copied without a lookup.
    let copiesASCII: [Bool]
    /// ASCII bytes that normalize to themselves when the next byte is ASCII too or the input
    /// ends (no user-defined piece starts with them; no charsmap key is the byte alone or
    /// starts with the byte and an ASCII byte): most letters of a map with composition keys.
    let copiesBeforeASCII: [Bool]

    package init(
        charsmap: PrecompiledCharsmap?, userDefined: [String], addDummyPrefix: Bool, removeExtraWhitespaces: Bool,
        escapeWhitespaces: Bool
    ) {
        self.charsmap = charsmap
        let pieces = userDefined.map { Array($0.utf8) }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        self.userDefined = pieces
        var first = [Bool](repeating: false, count: 256)
        for p in pieces { first[Int(p[0])] = true }
        userFirst = first
        self.addDummyPrefix = addDummyPrefix
        self.removeExtraWhitespaces = removeExtraWhitespaces
        self.escapeWhitespaces = escapeWhitespaces
        copiesASCII = (0..<256).map { b in
            guard b < 0x80, b != 0, !first[b] else { return false }
            guard let map = charsmap else { return true }
            if map.hasLongerKey(startingWith: [UInt8(b)]) { return false }
            let byte = [UInt8(b)]
            return byte.withUnsafeBufferPointer { map.longestPrefix($0.baseAddress!, 1) } == nil
        }
        copiesBeforeASCII = (0..<256).map { b in
            guard b < 0x80, b != 0, !first[b] else { return false }
            guard let map = charsmap else { return true }
            if [UInt8(b)].withUnsafeBufferPointer({ map.longestPrefix($0.baseAddress!, 1) }) != nil { return false }
            // A key of two bytes or more that starts with `b` and an ASCII byte (none holds NUL).
            for x in 1..<0x80 {
                let pair = [UInt8(b), UInt8(x)]
                if map.hasLongerKey(startingWith: pair) { return false }
                if pair.withUnsafeBufferPointer({ map.longestPrefix($0.baseAddress!, 2) })?.length == 2 { return false }
            }
            return true
        }
    }

    /// Where the normalization of one unit of input comes from.
    enum Source { case input, charsmap, replacementCharacter }

    /// The unit at `i`: its replacement (a range in the input, in the charsmap's strings, or U+FFFD) and the bytes it consumes.
    @inline(__always)
    func prefix(_ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (Source, Range<Int>, Int) {
        if userFirst[Int(base[i])] {
            for p in userDefined where p.count <= n - i && p[0] == base[i] {
                var same = true
                for k in 1..<p.count where p[k] != base[i + k] { same = false; break }
                if same { return (.input, i..<(i + p.count), p.count) }
            }
        }
        if let map = charsmap, let (length, replacement) = map.longestPrefix(base + i, n - i) {
            return (.charsmap, replacement, length)
        }
        let length = UTF8Validation.sequenceLength(base, at: i, end: n)
        if length == 0 { return (.replacementCharacter, 0..<3, 1) }
        return (.input, i..<(i + length), length)
    }

    /// Normalizes `input`, appending the normalized bytes to `out` and, for each, the range of
    /// input bytes it comes from to `starts` / `ends` (the dummy prefix comes from an empty range).
    package func normalize(
        _ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], starts: inout [Int32], ends: inout [Int32], wantOffsets: Bool = true
    ) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        let n = input.count
        let fffd: [UInt8] = [0xEF, 0xBF, 0xBD]
        let strings = charsmap?.replacements ?? []
        var i = 0
        if removeExtraWhitespaces {
            while i < n {
                let (source, range, length) = prefix(base, i, n)
                let isSpace: Bool
                switch source {
                case .input: isSpace = range.count == 1 && base[range.lowerBound] == 0x20
                case .charsmap: isSpace = range.count == 1 && strings[range.lowerBound] == 0x20
                case .replacementCharacter: isSpace = false
                }
                if !isSpace { break }
                i += length
            }
        }
        if i == n { return }
        let firstOut = out.count
        @inline(__always) func emit(_ b: UInt8, _ s: Int, _ e: Int) {
            if escapeWhitespaces && b == 0x20 {
                out.append(0xE2); out.append(0x96); out.append(0x81)
                if wantOffsets {
                    starts.append(Int32(s)); starts.append(Int32(s)); starts.append(Int32(s))
                    ends.append(Int32(e)); ends.append(Int32(e)); ends.append(Int32(e))
                }
            } else {
                out.append(b)
                if wantOffsets { starts.append(Int32(s)); ends.append(Int32(e)) }
            }
        }
        if addDummyPrefix { emit(0x20, i, i) }
        var previousSpace = removeExtraWhitespaces
        while i < n {
            // A run of ASCII bytes (not spaces) that normalize to themselves, copied at once.
            var j = i
            while j < n {
                let c = base[j]
                if c == 0x20 || !(copiesASCII[Int(c)] || (copiesBeforeASCII[Int(c)] && (j + 1 == n || base[j + 1] < 0x80))) { break }
                j += 1
            }
            if j > i {
                out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
                if wantOffsets {
                    for k in i..<j { starts.append(Int32(k)); ends.append(Int32(k + 1)) }
                }
                previousSpace = false
                i = j
                if i == n { break }
            }
            let c = base[i]
            if copiesASCII[Int(c)] {
                if c == 0x20 {
                    if !previousSpace { emit(c, i, i + 1) }
                    previousSpace = removeExtraWhitespaces
                } else {
                    emit(c, i, i + 1)
                    previousSpace = false
                }
                i += 1
                continue
            }
            let (source, range, length) = prefix(base, i, n)
            var lower = range.lowerBound
            let upper = range.upperBound
            @inline(__always) func byte(_ k: Int) -> UInt8 {
                switch source {
                case .input: return base[k]
                case .charsmap: return strings[k]
                case .replacementCharacter: return fffd[k]
                }
            }
            while previousSpace && lower < upper && byte(lower) == 0x20 { lower += 1 }
            if lower < upper {
                for k in lower..<upper { emit(byte(k), i, i + length) }
                previousSpace = byte(upper - 1) == 0x20
            }
            i += length
            if !removeExtraWhitespaces { previousSpace = false }
        }
        if removeExtraWhitespaces {
            let width = escapeWhitespaces ? 3 : 1
            while out.count - firstOut >= width {
                let c = out.count
                let isSpace = escapeWhitespaces ? (out[c - 3] == 0xE2 && out[c - 2] == 0x96 && out[c - 1] == 0x81) : out[c - 1] == 0x20
                if !isSpace { break }
                out.removeLast(width)
                if wantOffsets { starts.removeLast(width); ends.removeLast(width) }
            }
        }
    }
}
