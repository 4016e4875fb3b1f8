/// The trainer's priority queue: highest count first, then the smaller pair of ids.
struct MergeHeap {
    struct Entry {
        var count: UInt64
        var pair: UInt64
        /// Index of the list of words the pair was recorded in.
        var positions: Int32
    }
    private var items: [Entry] = []

    @inline(__always)
    private static func above(_ x: Entry, _ y: Entry) -> Bool {
        x.count != y.count ? x.count > y.count : x.pair < y.pair
    }

    mutating func push(_ e: Entry) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !MergeHeap.above(items[i], items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < n && MergeHeap.above(items[l], items[best]) { best = l }
                if r < n && MergeHeap.above(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return first
    }
}
