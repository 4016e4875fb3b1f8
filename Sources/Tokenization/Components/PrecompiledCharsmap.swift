/// SentencePiece's precompiled character map: a Darts double-array trie over UTF-8 keys whose
/// values are offsets of NUL-terminated replacement strings (the `precompiled_charsmap` of a
/// `.model` file's normalizer spec and of Hugging Face's `Precompiled` normalizer).
package struct PrecompiledCharsmap: Sendable {
    /// The raw map (as stored in the file).
    package let data: [UInt8]
    private let units: [UInt32]
    private let normalized: [UInt8]

    /// Parses a map: a little-endian `UInt32` trie size in bytes, the trie, then the strings.
    package init(_ data: [UInt8], source: String) throws {
        guard data.count >= 4 else {
            throw TokenizerError.malformed(source: source, what: "precompiled_charsmap is \(data.count) bytes, expected at least 4")
        }
        let size = Int(UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24)
        guard size % 4 == 0, size <= data.count - 4 else {
            throw TokenizerError.malformed(
                source: source, what: "precompiled_charsmap trie size \(size) does not fit its \(data.count) bytes")
        }
        var units: [UInt32] = []
        units.reserveCapacity(size / 4)
        var k = 4
        while k < 4 + size {
            units.append(UInt32(data[k]) | UInt32(data[k + 1]) << 8 | UInt32(data[k + 2]) << 16 | UInt32(data[k + 3]) << 24)
            k += 4
        }
        self.data = data
        self.units = units
        self.normalized = Array(data[(4 + size)...])
    }

    /// The replacement of the shortest key that is a prefix of `key`, if any (Darts'
    /// common-prefix search, first result — as `spm_precompiled` uses it).
    package func transform(_ key: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard !units.isEmpty else { return nil }
        var position = 0
        var unit = units[0]
        position ^= Self.offset(unit)
        for c in key {
            if c == 0 { break }
            position ^= Int(c)
            guard position < units.count else { return nil }
            unit = units[position]
            if Self.label(unit) != UInt32(c) { return nil }
            position ^= Self.offset(unit)
            if Self.hasLeaf(unit) {
                guard position < units.count else { return nil }
                let value = Int(units[position] & 0x7FFF_FFFF)
                guard value < normalized.count else { return nil }
                var end = value
                while end < normalized.count && normalized[end] != 0 { end += 1 }
                return normalized[value..<end]
            }
        }
        return nil
    }

    /// The longest key that is a prefix of the `count` bytes at `p` (SentencePiece's own
    /// normalizer picks the longest of Darts' common-prefix results): its byte length and the
    /// range of its replacement in ``replacements``.
    @inline(__always)
    package func longestPrefix(_ p: UnsafePointer<UInt8>, _ count: Int) -> (length: Int, replacement: Range<Int>)? {
        guard !units.isEmpty else { return nil }
        var position = Self.offset(units[0])
        var best: (Int, Int)? = nil
        var k = 0
        while k < count {
            let c = p[k]
            if c == 0 { break }
            position ^= Int(c)
            guard position < units.count else { break }
            let unit = units[position]
            if Self.label(unit) != UInt32(c) { break }
            position ^= Self.offset(unit)
            if Self.hasLeaf(unit) {
                guard position < units.count else { break }
                let value = Int(units[position] & 0x7FFF_FFFF)
                if value < normalized.count { best = (k + 1, value) }
            }
            k += 1
        }
        guard let (length, value) = best else { return nil }
        var end = value
        while end < normalized.count && normalized[end] != 0 { end += 1 }
        return (length, value..<end)
    }

    /// Whether some key is longer than `prefix` and starts with it.
    package func hasLongerKey(startingWith prefix: [UInt8]) -> Bool {
        guard !units.isEmpty else { return false }
        var position = Self.offset(units[0])
        for c in prefix {
            position ^= Int(c)
            guard position < units.count, Self.label(units[position]) == UInt32(c) else { return false }
            position ^= Self.offset(units[position])
        }
        for c in 1...255 {
            let child = position ^ c
            if child < units.count && Self.label(units[child]) == UInt32(c) { return true }
        }
        return false
    }

    /// The bytes that follow `prefix` in some longer key (empty when no key is longer than
    /// `prefix` and starts with it).
    package func continuingBytes(after prefix: [UInt8]) -> [UInt8] {
        guard !units.isEmpty else { return [] }
        var position = Self.offset(units[0])
        for c in prefix {
            if c == 0 { return [] }
            position ^= Int(c)
            guard position < units.count, Self.label(units[position]) == UInt32(c) else { return [] }
            position ^= Self.offset(units[position])
        }
        return (1...255).compactMap { c in
            let child = position ^ c
            return child < units.count && Self.label(units[child]) == UInt32(c) ? UInt8(c) : nil
        }
    }

    /// The NUL-separated replacement strings that ``longestPrefix(_:_:)`` ranges point into.
    package var replacements: [UInt8] { normalized }

    @inline(__always) private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    @inline(__always) private static func label(_ unit: UInt32) -> UInt32 { unit & (0x8000_0000 | 0xFF) }
    @inline(__always) private static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }
}
