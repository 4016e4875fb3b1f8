/// A byte trie over a vocabulary's pieces for common-prefix search. The root's children and
/// their children are in direct tables (two bytes, no hashing); deeper edges are in one
/// open-addressing table whose slots hold the edge key, the child and the child's piece id
/// together, so a step costs one memory access. No allocation per lookup.
struct PieceTrie: Sendable {
    /// One edge: key `node << 8 | byte` (`UInt64.max` when empty), child node, the child's piece id or -1.
    struct Slot {
        var key: UInt64 = .max
        var child: Int32 = -1
        var pieceID: Int32 = -1
    }

    /// Child of the root for each first byte, or -1; the depth-1 nodes are numbered 1...
    private let root: [Int32]
    /// Per depth-1 node (its index - 1), the child for each second byte (256 entries each), or -1.
    private let second: [Int32]
    private let slots: [Slot]
    private let mask: Int
    /// Piece id ending at each node, or -1.
    let pieceID: [Int32]

    /// Builds the trie over `pieces` (UTF-8 bytes by id); pieces where `include` is false are left out.
    init(pieces: [[UInt8]], include: (Int) -> Bool) {
        var root = [Int32](repeating: -1, count: 256)
        var ids: [Int32] = [-1]  // node 0 is the root
        // Depth-1 nodes first, so they are numbered 1...count.
        for (id, piece) in pieces.enumerated() where !piece.isEmpty && include(id) {
            if root[Int(piece[0])] < 0 { root[Int(piece[0])] = Int32(ids.count); ids.append(-1) }
        }
        let firstLevel = ids.count - 1
        var second = [Int32](repeating: -1, count: firstLevel * 256)
        var edges: [UInt64: Int32] = [:]
        for (id, piece) in pieces.enumerated() where !piece.isEmpty && include(id) {
            var node = root[Int(piece[0])]
            for k in 1..<max(piece.count, 1) where k < piece.count {
                let b = piece[k]
                if k == 1 {
                    let at = (Int(node) - 1) * 256 + Int(b)
                    if second[at] < 0 { second[at] = Int32(ids.count); ids.append(-1) }
                    node = second[at]
                } else {
                    let key = UInt64(node) << 8 | UInt64(b)
                    if let child = edges[key] {
                        node = child
                    } else {
                        let child = Int32(ids.count)
                        ids.append(-1)
                        edges[key] = child
                        node = child
                    }
                }
            }
            if ids[Int(node)] < 0 { ids[Int(node)] = Int32(id) }
        }
        var size = 16
        while size < edges.count * 2 { size <<= 1 }
        var slots = [Slot](repeating: Slot(), count: size)
        for (key, child) in edges {
            var slot = Self.slot(key, size - 1)
            while slots[slot].key != .max { slot = (slot + 1) & (size - 1) }
            slots[slot] = Slot(key: key, child: child, pieceID: ids[Int(child)])
        }
        self.root = root
        self.second = second
        self.slots = slots
        self.mask = size - 1
        self.pieceID = ids
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    /// Calls `body(length, pieceID)` for every piece that is a prefix of the `count` bytes at `p`
    /// (shortest first).
    @inline(__always)
    func forEachPrefix(_ p: UnsafePointer<UInt8>, _ count: Int, _ body: (Int, Int32) -> Void) {
        root.withUnsafeBufferPointer { root in
            second.withUnsafeBufferPointer { second in
                pieceID.withUnsafeBufferPointer { pieceID in
                    slots.withUnsafeBufferPointer { slots in
                        var node = root[Int(p[0])]
                        if node < 0 { return }
                        if pieceID[Int(node)] >= 0 { body(1, pieceID[Int(node)]) }
                        if count < 2 { return }
                        node = second[(Int(node) - 1) * 256 + Int(p[1])]
                        if node < 0 { return }
                        if pieceID[Int(node)] >= 0 { body(2, pieceID[Int(node)]) }
                        var k = 2
                        while k < count {
                            let key = UInt64(node) << 8 | UInt64(p[k])
                            var slot = Self.slot(key, mask)
                            while true {
                                let found = slots[slot].key
                                if found == key { break }
                                if found == .max { return }
                                slot = (slot + 1) & mask
                            }
                            node = slots[slot].child
                            k += 1
                            let id = slots[slot].pieceID
                            if id >= 0 { body(k, id) }
                        }
                    }
                }
            }
        }
    }
}
