/// A binary min-heap of merge candidates ordered by (rank, position), for long-word BPE.
struct CandidateHeap {
    private var items: [UInt64] = []

    /// Adds a candidate.
    mutating func push(rank: UInt32, position: Int) {
        items.append(UInt64(rank) << 32 | UInt64(UInt32(position)))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent] <= items[i] { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// Removes and returns the candidate with the lowest rank (then position).
    mutating func pop() -> (rank: UInt32, position: Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && items[l] < items[m] { m = l }
                if r < n && items[r] < items[m] { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return (UInt32(truncatingIfNeeded: top >> 32), Int(UInt32(truncatingIfNeeded: top)))
    }
}
