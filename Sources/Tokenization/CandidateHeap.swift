/// Merge candidates of one long word ordered by (rank, position), for long-word BPE encoding:
/// both packed in one `UInt64` so the heap compares integers.
struct CandidateHeap {
    private var heap = BinaryHeap<UInt64>()

    /// Adds a candidate.
    mutating func push(rank: UInt32, position: Int) {
        heap.push(UInt64(rank) << 32 | UInt64(UInt32(position)))
    }

    /// Removes and returns the candidate with the lowest rank (then position).
    mutating func pop() -> (rank: UInt32, position: Int)? {
        guard let top = heap.pop() else { return nil }
        return (UInt32(truncatingIfNeeded: top >> 32), Int(UInt32(truncatingIfNeeded: top)))
    }
}
