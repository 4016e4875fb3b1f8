import TextNormalization

/// Merging the bytes of a multi-byte character before the rest of the word, where that is
/// provably what byte-level BPE does anyway: in Chinese, Japanese and Korean text most merges of
/// a new word are inside its characters.
///
/// A character `c` merged alone goes through states (its byte symbols, then each merge); `imax`
/// is the highest rank it uses. Every pair that can form at `c`'s edges in a word has the last
/// symbol of one of `c`'s states on its left (or the first on its right) and, on the other side,
/// a symbol that starts (ends) with the neighbouring character's first (last) byte. When all such
/// pairs rank above `imax`, none of them is merged while `c` has a merge pending (that merge
/// ranks lower), and `c`'s own merges touch no other symbol: taking them out of the greedy run
/// over the bytes leaves the greedy run over the word with `c` merged first. So `c` may start as
/// its merged symbols. The lowest such ranks are found per class of the neighbouring byte (ASCII,
/// or a lead / continuation byte), so the check is made per character in its word.
///
/// The entries of all characters below U+10000 are computed when the model is made.
struct CharacterPremerge: Sendable {
    /// By code point: bit 7 set when the character merges (else it starts as its bytes); bits
    /// 0–1: its symbol count; bit 2: with two symbols, the first is two bytes long; bits 3–6: it
    /// may start merged after an ASCII byte, after a continuation byte, before an ASCII byte,
    /// before a lead byte; bits 8–61: the symbols, 18 bits each.
    private let entries: [UInt64]

    /// The largest vocabulary the entries hold (18 bits per id).
    static let idLimit = 1 << 18

    /// The entries of a byte-level vocabulary (`tokens` in the byte-level alphabet, `byteIDs`
    /// the token of each byte) with its `merges` in rank order and `merge` giving a pair's value
    /// (rank << 32 | merged id, `UInt64.max` when it does not merge); nil when a token is not in
    /// the alphabet or the vocabulary is too large.
    init?(tokens: [String], merges: [BPEModel.MergePair], byteIDs: [UInt32], merge: (UInt32, UInt32) -> UInt64) {
        guard tokens.count < Self.idLimit, byteIDs.count == 256, !byteIDs.contains(.max) else { return nil }
        var first = [UInt8](repeating: 0, count: tokens.count)
        var last = [UInt8](repeating: 0, count: tokens.count)
        for (id, token) in tokens.enumerated() {
            guard let f = token.unicodeScalars.first, let l = token.unicodeScalars.last,
                let fb = ByteLevelAlphabet.byte(for: f), let lb = ByteLevelAlphabet.byte(for: l)
            else { return nil }
            first[id] = fb
            last[id] = lb
        }
        // Per token `t`, at `4 t`: the lowest rank of a merge `(t, y)` where `y` starts with an
        // ASCII byte, then with a lead byte; of a merge `(x, t)` where `x` ends with an ASCII
        // byte, then with a continuation byte. (A pair listed twice counts with both ranks: the
        // lower bound is only safer.)
        var bounds = [UInt32](repeating: .max, count: 4 * tokens.count)
        for (rank, m) in merges.enumerated() {
            let a = Int(m.left), b = Int(m.right), r = UInt32(truncatingIfNeeded: rank)
            let f = first[b], l = last[a]
            if f < 0x80 { bounds[4 * a] = min(bounds[4 * a], r) } else if f >= 0xC0 { bounds[4 * a + 1] = min(bounds[4 * a + 1], r) }
            if l < 0x80 { bounds[4 * b + 2] = min(bounds[4 * b + 2], r) } else if l < 0xC0 { bounds[4 * b + 3] = min(bounds[4 * b + 3], r) }
        }
        // Which byte pairs merge: a character with none of its pairs there stays as its bytes.
        var bytePairs = [Bool](repeating: false, count: 0x10000)
        for x in 0..<256 {
            for y in 0..<256 where merge(byteIDs[x], byteIDs[y]) != .max { bytePairs[x << 8 | y] = true }
        }
        var entries = [UInt64](repeating: 0, count: 0x10000)
        for cp in 0x80..<0x10000 where !(0xD800...0xDFFF).contains(cp) {
            let bytes: (UInt8, UInt8, UInt8) =
                cp < 0x800
                ? (UInt8(0xC0 | cp >> 6), UInt8(0x80 | cp & 0x3F), 0)
                : (UInt8(0xE0 | cp >> 12), UInt8(0x80 | (cp >> 6) & 0x3F), UInt8(0x80 | cp & 0x3F))
            let length = cp < 0x800 ? 2 : 3
            guard bytePairs[Int(bytes.0) << 8 | Int(bytes.1)] || (length == 3 && bytePairs[Int(bytes.1) << 8 | Int(bytes.2)]) else { continue }
            entries[cp] = Self.entry(bytes, length: length, byteIDs: byteIDs, bounds: bounds, merge: merge)
        }
        self.entries = entries
    }

    /// The entry of one character: its bytes merged alone, the lowest ranks at its edges over
    /// its states compared with the highest rank it used.
    private static func entry(
        _ bytes: (UInt8, UInt8, UInt8), length: Int, byteIDs: [UInt32], bounds: [UInt32], merge: (UInt32, UInt32) -> UInt64
    ) -> UInt64 {
        var s = (byteIDs[Int(bytes.0)], byteIDs[Int(bytes.1)], length == 3 ? byteIDs[Int(bytes.2)] : 0)
        var lengths = (1, 1, 1)
        var count = length
        var imax: UInt32 = 0
        var lowest: (UInt32, UInt32, UInt32, UInt32) = (.max, .max, .max, .max)
        /// Takes the edges of the current state into the lowest ranks.
        func note() {
            let l = 4 * Int(count == 1 ? s.0 : count == 2 ? s.1 : s.2), f = 4 * Int(s.0)
            lowest = (min(lowest.0, bounds[l]), min(lowest.1, bounds[l + 1]), min(lowest.2, bounds[f + 2]), min(lowest.3, bounds[f + 3]))
        }
        note()
        while count > 1 {
            // The lowest-ranked pair, leftmost.
            let left = merge(s.0, s.1)
            let right = count == 3 ? merge(s.1, s.2) : UInt64.max
            let best = min(left, right)
            if best == .max { break }
            if left <= right {
                s = (UInt32(truncatingIfNeeded: left), s.2, 0)
                lengths = (lengths.0 + lengths.1, lengths.2, 0)
            } else {
                s = (s.0, UInt32(truncatingIfNeeded: right), 0)
                lengths = (lengths.0, lengths.1 + lengths.2, 0)
            }
            count -= 1
            imax = max(imax, UInt32(truncatingIfNeeded: best >> 32))
            note()
        }
        guard count < length else { return 0 }
        var entry: UInt64 = 1 << 7 | UInt64(count)
        if count == 2 && lengths.0 == 2 { entry |= 1 << 2 }
        if lowest.2 > imax { entry |= 1 << 3 }
        if lowest.3 > imax { entry |= 1 << 4 }
        if lowest.0 > imax { entry |= 1 << 5 }
        if lowest.1 > imax { entry |= 1 << 6 }
        entry |= UInt64(s.0) << 8
        if count == 2 { entry |= UInt64(s.1) << 26 }
        return entry
    }

    /// The entry of the character with code point `cp` (below U+10000).
    @inline(__always)
    func entry(_ cp: Int) -> UInt64 { entries.withUnsafeBufferPointer { $0[cp] } }

    /// Whether the character of `entry` may start merged between the byte before it (`nil` at
    /// the word's start) and the byte after it (`nil` at its end).
    @inline(__always)
    static func mayMerge(_ entry: UInt64, after previous: UInt8?, before next: UInt8?) -> Bool {
        guard entry & (1 << 7) != 0 else { return false }
        if let p = previous {
            if p >= 0xC0 { return false }
            if entry & (p < 0x80 ? 1 << 3 : 1 << 4) == 0 { return false }
        }
        if let q = next {
            if q >= 0x80 && q < 0xC0 { return false }
            if entry & (q < 0x80 ? 1 << 5 : 1 << 6) == 0 { return false }
        }
        return true
    }
}
