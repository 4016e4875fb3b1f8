import TextNormalization

/// SentencePiece's own normalizer (its `normalizer_spec`), byte for byte: at each position a
/// user-defined piece is kept as it is, else the longest key of the precompiled character map
/// is replaced, else one character is copied (a malformed byte becomes U+FFFD); with
/// `remove_extra_whitespaces` leading spaces are dropped, runs of spaces become one and
/// trailing spaces are removed; `add_dummy_prefix` puts a space first; with
/// `escape_whitespaces` every space becomes `▁` (U+2581).
package final class SentencePieceNormalizer: Sendable {
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
    /// By code point below U+10000, for the characters of two and three UTF-8 bytes: 1 when
    /// the character normalizes to itself whatever follows; a byte `b` ≥ 2 when it does unless
    /// the next byte is `b` (the only byte that continues a longer charsmap key); 0 otherwise
    /// (also for `▁` itself, whose cut the general path records).
    let copiesCharacter: [UInt8]
    /// By ASCII byte: 1 when ``copiesASCII`` (a space excepted), 2 when only
    /// ``copiesBeforeASCII``, 3 for a space that ``copiesASCII``, else 0.
    let asciiClass: [UInt8]
    /// Whether runs of printable ASCII (0x21–0x7E) are copied eight bytes at a time: every such
    /// byte has class 1 or 2 in ``asciiClass`` but at most four (``asciiRunStops``).
    let copiesPrintableASCII: Bool
    /// The printable ASCII bytes of class 0 (those a user-defined piece starts with, say), each
    /// repeated in the eight bytes of a word, padded with spaces: an eight-byte copy stops at them.
    let asciiRunStops: (UInt64, UInt64, UInt64, UInt64)

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
        let copies = copiesASCII, copiesBefore = copiesBeforeASCII
        let classes: [UInt8] = (0..<128).map { b in b == 0x20 ? (copies[b] ? 3 : 0) : copies[b] ? 1 : copiesBefore[b] ? 2 : 0 }
        asciiClass = classes
        let stops = (0x21...0x7E).filter { classes[$0] == 0 }.map { UInt64($0) * 0x0101_0101_0101_0101 }
        copiesPrintableASCII = stops.count <= 4
        let padded = stops + [UInt64](repeating: 0x2020_2020_2020_2020, count: max(0, 4 - stops.count))
        asciiRunStops = (padded[0], padded[1], padded[2], padded[3])
        var table = [UInt8](repeating: 0, count: 0x10000)
        for cp in 0x80..<0x10000 where !(0xD800...0xDFFF).contains(cp) && cp != 0x2581 {
            var bytes: [UInt8]
            if cp < 0x800 {
                bytes = [UInt8(0xC0 | cp >> 6), UInt8(0x80 | cp & 0x3F)]
            } else {
                bytes = [UInt8(0xE0 | cp >> 12), UInt8(0x80 | (cp >> 6) & 0x3F), UInt8(0x80 | cp & 0x3F)]
            }
            if first[Int(bytes[0])] { continue }
            guard let map = charsmap else { table[cp] = 1; continue }
            if bytes.withUnsafeBufferPointer({ map.longestPrefix($0.baseAddress!, $0.count) }) != nil { continue }
            let next = map.continuingBytes(after: bytes)
            if next.isEmpty {
                table[cp] = 1
            } else if next.count == 1 && next[0] >= 2 {
                table[cp] = next[0]
            }
        }
        copiesCharacter = table
    }

    /// Whether the ASCII byte at `i` of the `n` bytes at `base`, of class `cls` in ``asciiClass``,
    /// normalizes to itself: class 1 always, class 2 when an ASCII byte or the end follows.
    @inline(__always)
    static func asciiCopiesItself(_ cls: UInt8, _ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Bool {
        cls == 1 || (cls == 2 && (i + 1 == n || base[i + 1] < 0x80))
    }

    /// The byte length (2 or 3) of the character at `i` of the `n` bytes at `base` when it
    /// normalizes to itself (``copiesCharacter``, read through `table`; the byte after it checked),
    /// with 0x40 added when its bit is set in `uncovered` (one bit per code point, bit `cp & 63`
    /// of word `cp >> 6`); else 0.
    @inline(__always)
    static func unchangedLength(
        _ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ table: UnsafePointer<UInt8>, uncovered: UnsafePointer<UInt64>? = nil
    ) -> Int {
        let c = base[i]
        var length = 0
        var cp = 0
        if c >= 0xC2 && c <= 0xDF {
            if i + 1 < n && base[i + 1] & 0xC0 == 0x80 {
                length = 2
                cp = Int(c & 0x1F) << 6 | Int(base[i + 1] & 0x3F)
            }
        } else if c >= 0xE0 && c <= 0xEF {
            if i + 2 < n && base[i + 1] & 0xC0 == 0x80 && base[i + 2] & 0xC0 == 0x80 {
                cp = Int(c & 0x0F) << 12 | Int(base[i + 1] & 0x3F) << 6 | Int(base[i + 2] & 0x3F)
                if cp >= 0x800 { length = 3 }
            }
        }
        guard length > 0 else { return 0 }
        let v = table[cp]
        guard v == 1 || (v > 1 && (i + length == n || base[i + length] != v)) else { return 0 }
        if let uncovered, uncovered[cp >> 6] >> UInt64(cp & 63) & 1 != 0 { return length | 0x40 }
        return length
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
        if let (length, replacement) = charsmap?.longestPrefix(base + i, n - i) {
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
    /// ``normalize(_:into:starts:ends:wantOffsets:)`` without offsets, into `out` (room for
    /// `capacity` bytes), recording where a ``SentencePieceCodec`` cuts the text when `cutting`:
    /// before each `▁` at a position above 0 that does not follow another `▁` (in increasing
    /// order, at most `capacity / 3` of them). Characters that normalize to themselves are
    /// copied without a lookup. Given `runs`, each run of the characters it copies unchanged whose
    /// bit is set in `runs.uncovered` (one bit per code point below U+10000, bit `cp & 63` of word
    /// `cp >> 6`, set only for characters copied whatever follows: ``SentencePieceCodec/runCharacters``)
    /// goes to `runs.out` as a start and an end in
    /// the output (at most `capacity` values), and `runCharacters` counts those characters. Returns the normalized length, or -1 when `capacity` is too small
    /// (the caller grows the buffers and calls again).
    package func normalize(
        _ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, capacity: Int, cuts: UnsafeMutablePointer<Int32>,
        cutCount: inout Int, cutting: Bool,
        runs: (uncovered: UnsafePointer<UInt64>, out: UnsafeMutablePointer<Int32>)? = nil, runCount: inout Int, runCharacters: inout Int
    ) -> Int {
        cutCount = 0
        runCount = 0
        runCharacters = 0
        guard let base = input.baseAddress, !input.isEmpty else { return 0 }
        let n = input.count
        let strings = charsmap?.replacements ?? []
        var i = 0
        if removeExtraWhitespaces {
            while i < n {
                let c = base[i]
                if c == 0x20 && copiesASCII[0x20] {
                    i += 1
                    continue
                }
                // A character that normalizes to itself (so not to a space) ends the leading spaces.
                if c < 0x80 {
                    let cls = asciiClass[Int(c)]
                    if Self.asciiCopiesItself(cls, base, i, n) { break }
                } else if copiesCharacter.withUnsafeBufferPointer({ Self.unchangedLength(base, i, n, $0.baseAddress!) }) > 0 {
                    break
                }
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
        if i == n { return 0 }
        let escape = escapeWhitespaces
        var o = 0
        var k = 0
        var r = 0
        var uncovered = 0
        /// The uncovered run not yet written out (none while `runEnd` is 0).
        var runStart = 0, runEnd = 0
        /// Writes one byte (a space as `▁` when escaping), noting a cut before each `▁` that
        /// does not follow another. The caller has checked the room (3 bytes per byte).
        @inline(__always) func put(_ b: UInt8) {
            if escape && b == 0x20 {
                if cutting && o >= 1 && !(o >= 3 && out[o - 3] == 0xE2 && out[o - 2] == 0x96 && out[o - 1] == 0x81) {
                    cuts[k] = Int32(truncatingIfNeeded: o)
                    k += 1
                }
                out[o] = 0xE2; out[o + 1] = 0x96; out[o + 2] = 0x81
                o += 3
            } else {
                out[o] = b
                o += 1
                if b == 0x81 && cutting && o >= 4 && out[o - 3] == 0xE2 && out[o - 2] == 0x96 {
                    let p = o - 3
                    if !(p >= 3 && out[p - 3] == 0xE2 && out[p - 2] == 0x96 && out[p - 1] == 0x81) {
                        cuts[k] = Int32(truncatingIfNeeded: p)
                        k += 1
                    }
                }
            }
        }
        if capacity < 3 { return -1 }
        if addDummyPrefix { put(0x20) }
        var previousSpace = removeExtraWhitespaces
        let fffd: [UInt8] = [0xEF, 0xBF, 0xBD]
        let result: Int = copiesCharacter.withUnsafeBufferPointer { table in asciiClass.withUnsafeBufferPointer { classes in
            let uncoveredTable = runs?.uncovered
            let runOut = runs?.out
            while i < n {
                let c = base[i]
                if c < 0x80 {
                    let cls = classes[Int(c)]
                    if cls == 3 {
                        if !previousSpace {
                            if o + 3 > capacity { return -1 }
                            put(0x20)
                        }
                        previousSpace = removeExtraWhitespaces
                        i += 1
                        continue
                    }
                    if Self.asciiCopiesItself(cls, base, i, n) {
                        if o + (n - i) > capacity { return -1 }
                        // The run of bytes that copy (no room check: one byte out per byte in).
                        out[o] = c
                        o += 1
                        i += 1
                        if copiesPrintableASCII {
                            // Eight bytes at a time while they are printable ASCII (a byte of
                            // class 2 is copied only when an ASCII byte follows it).
                            let raw = UnsafeRawPointer(base), rawOut = UnsafeMutableRawPointer(out)
                            let (s0, s1, s2, s3) = asciiRunStops
                            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                            /// High bit of each byte of `v` that is zero (exact up to the first such byte).
                            @inline(__always) func zeros(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
                            while i + 8 <= n {
                                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                                rawOut.storeBytes(of: w, toByteOffset: o, as: UInt64.self)
                                // High bit of a byte: not in 0x21–0x7E, or a stop (exact up to the
                                // first such byte: carries and borrows only move up).
                                let outside = (w | ~(w &+ 0x5F * ones) | (w &+ ones)) & highs
                                    | zeros(w ^ s0) | zeros(w ^ s1) | zeros(w ^ s2) | zeros(w ^ s3)
                                var k = outside == 0 ? 8 : outside.trailingZeroBitCount >> 3
                                if k > 0 && (i + k < n && base[i + k] >= 0x80) && classes[Int(base[i + k - 1])] == 2 { k -= 1 }
                                o += k
                                i += k
                                if k < 8 { break }
                            }
                        }
                        while i < n {
                            let d = base[i]
                            if d >= 0x80 { break }
                            let k = classes[Int(d)]
                            if !Self.asciiCopiesItself(k, base, i, n) { break }
                            out[o] = d
                            o += 1
                            i += 1
                        }
                        previousSpace = false
                        continue
                    }
                } else {
                    // A character of two or three bytes that normalizes to itself.
                    var unchanged = Self.unchangedLength(base, i, n, table.baseAddress!, uncovered: uncoveredTable)
                    if unchanged > 0 {
                        // This character and those of two or three bytes after it that copy too.
                        let raw = UnsafeRawPointer(base), rawOut = UnsafeMutableRawPointer(out)
                        repeat {
                            let length = unchanged & 7
                            if o + 4 <= capacity && i + 4 <= n {
                                // (One four-byte copy; a byte past the character is overwritten next.)
                                rawOut.storeBytes(of: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self), toByteOffset: o, as: UInt32.self)
                            } else {
                                if o + length > capacity { return -1 }
                                for j in 0..<length { out[o + j] = base[i + j] }
                            }
                            if unchanged & 0x40 != 0, let runs = runOut {
                                // An uncovered character: it extends the run that ends here, or starts
                                // one (the run before it written out).
                                uncovered += 1
                                if o != runEnd {
                                    if runEnd > 0 {
                                        runs[2 * r] = Int32(truncatingIfNeeded: runStart)
                                        runs[2 * r + 1] = Int32(truncatingIfNeeded: runEnd)
                                        r += 1
                                    }
                                    runStart = o
                                }
                                runEnd = o + length
                            }
                            o += length
                            i += length
                            if unchanged & 0x40 != 0, let bits = uncoveredTable {
                                // More uncovered characters of three bytes that copy whatever
                                // follows (the bits given hold no others): the run goes on.
                                while i + 4 <= n && o + 4 <= capacity {
                                    let w = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)
                                    guard w & 0x00C0_C0F0 == 0x0080_80E0 else { break }
                                    let cp = Int(w & 0x0F) << 12 | Int(w >> 8 & 0x3F) << 6 | Int(w >> 16 & 0x3F)
                                    guard cp >= 0x800 && bits[cp >> 6] >> UInt64(cp & 63) & 1 != 0 else { break }
                                    rawOut.storeBytes(of: w, toByteOffset: o, as: UInt32.self)
                                    o += 3
                                    i += 3
                                    uncovered += 1
                                }
                                runEnd = o
                            }
                            if i == n || base[i] < 0x80 { break }
                            unchanged = Self.unchangedLength(base, i, n, table.baseAddress!, uncovered: uncoveredTable)
                        } while unchanged > 0
                        previousSpace = false
                        continue
                    }
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
                    if o + 3 * (upper - lower) > capacity { return -1 }
                    for j in lower..<upper { put(byte(j)) }
                    previousSpace = byte(upper - 1) == 0x20
                }
                i += length
                if !removeExtraWhitespaces { previousSpace = false }
            }
            return o
        } }
        if result < 0 { return -1 }
        if removeExtraWhitespaces {
            let width = escape ? 3 : 1
            while o >= width {
                let isSpace = escape ? (out[o - 3] == 0xE2 && out[o - 2] == 0x96 && out[o - 1] == 0x81) : out[o - 1] == 0x20
                if !isSpace { break }
                o -= width
            }
        }
        while k > 0 && Int(cuts[k - 1]) >= o { k -= 1 }
        cutCount = k
        if runEnd > 0, let runs = runs?.out {
            runs[2 * r] = Int32(truncatingIfNeeded: runStart)
            runs[2 * r + 1] = Int32(truncatingIfNeeded: runEnd)
            r += 1
        }
        runCount = r
        runCharacters = uncovered
        return o
    }
}
