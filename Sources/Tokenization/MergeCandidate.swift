/// An entry of the BPE trainer's priority queue: highest count first, then the smaller pair of ids.
struct MergeCandidate: HeapOrdered {
    /// The pair's count when the entry was made (entries go stale and are re-checked on pop).
    var count: UInt64
    /// The pair of symbol ids, packed.
    var pair: UInt64
    /// Index of the list of words the pair was recorded in.
    var positions: Int32

    @inline(__always)
    static func precedes(_ x: MergeCandidate, _ y: MergeCandidate) -> Bool {
        x.count != y.count ? x.count > y.count : x.pair < y.pair
    }
}
