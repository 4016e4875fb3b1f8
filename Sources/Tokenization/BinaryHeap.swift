/// A binary heap whose top is the element that ``HeapOrdered/precedes(_:_:)`` every other: the
/// priority queue of the BPE trainer (``MergeCandidate``), of long-word encoding (``CandidateHeap``) and of
/// SentencePiece BPE merges.
struct BinaryHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    /// Adds an element.
    mutating func push(_ element: Element) {
        items.append(element)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !Element.precedes(items[i], items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// Empties the heap, keeping its storage for reuse.
    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    /// Removes and returns the top element.
    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < n && Element.precedes(items[l], items[best]) { best = l }
                if r < n && Element.precedes(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return top
    }
}
