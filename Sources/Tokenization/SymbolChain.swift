/// A long word being merged by a trainer: its symbols as a linked list with an index from each
/// pair to the places it occurs, so a merge visits only the pair's occurrences instead of the
/// whole word.
///
/// Merging every pair of an `n`-symbol word costs O(n log n) in all (each merge removes a symbol
/// and records at most two new pairs; each pair's places are sorted once when it is merged), where
/// rescanning the word for each merge costs O(n) per merge and removing from an array O(n) per
/// occurrence. The pair-count changes are reported exactly as ``BPETrainer/mergeWord(_:_:_:_:_:)``
/// reports them (left to right, non-overlapping), so training gives the same merges either way.
struct SymbolChain: Sendable {
    /// Symbol ids by place; `removed` marks places merged into their left neighbour.
    private var symbols: [UInt32]
    /// The next live place, or -1.
    private var next: [Int32]
    /// The previous live place, or -1.
    private var previous: [Int32]
    /// Places where each pair may start (entries are checked when used: a later merge may have
    /// changed them).
    private var places: [UInt64: [Int32]] = [:]
    private static let removed = UInt32.max

    /// Words with more symbols than this are merged as chains by the trainers.
    static let threshold = 64

    /// A chain of `word`'s symbols.
    init(_ word: [UInt32]) {
        symbols = word
        let n = word.count
        next = (0..<n).map { Int32($0 + 1 < n ? $0 + 1 : -1) }
        previous = (0..<n).map { Int32($0 - 1) }
        if n > 1 {
            for i in 0..<(n - 1) { places[PairTable.key(word[i], word[i + 1]), default: []].append(Int32(i)) }
        }
    }

    /// The live symbols in order.
    var word: [UInt32] {
        var out: [UInt32] = []
        var p: Int32 = symbols.isEmpty ? -1 : 0
        while p >= 0 {
            out.append(symbols[Int(p)])
            p = next[Int(p)]
        }
        return out
    }

    /// Replaces each `a b` (left to right, non-overlapping) with `replacement`, reporting the
    /// pair-count changes as `(pair, ±1)`; the merged pair's own count is left as it is.
    /// `merged` is called once per occurrence replaced.
    mutating func merge(_ a: UInt32, _ b: UInt32, _ replacement: UInt32, merged: () -> Void = {}, _ change: (UInt64, Int32) -> Void) {
        guard var list = places.removeValue(forKey: PairTable.key(a, b)) else { return }
        list.sort()
        var last: Int32 = -1
        for p32 in list where p32 != last {
            last = p32
            let p = Int(p32)
            guard symbols[p] == a else { continue }
            let q32 = next[p]
            guard q32 >= 0, symbols[Int(q32)] == b else { continue }
            let q = Int(q32)
            let before = previous[p]
            if before >= 0 {
                let s = symbols[Int(before)]
                change(PairTable.key(s, a), -1)
                change(PairTable.key(s, replacement), 1)
                places[PairTable.key(s, replacement), default: []].append(before)
            }
            merged()
            symbols[p] = replacement
            symbols[q] = SymbolChain.removed
            let after = next[q]
            next[p] = after
            if after >= 0 {
                previous[Int(after)] = p32
                let s = symbols[Int(after)]
                change(PairTable.key(b, s), -1)
                change(PairTable.key(replacement, s), 1)
                places[PairTable.key(replacement, s), default: []].append(p32)
            }
        }
    }
}
