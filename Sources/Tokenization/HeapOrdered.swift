/// An element a ``BinaryHeap`` can order.
protocol HeapOrdered {
    /// Whether `a` must leave the heap before `b`.
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

extension UInt64: HeapOrdered {
    /// Smaller values first.
    @inline(__always)
    static func precedes(_ a: UInt64, _ b: UInt64) -> Bool { a < b }
}
