/// A byte trie over a vocabulary's pieces for common-prefix search: the children of the root
/// in a direct 256-entry table, every deeper edge in one open-addressing table keyed by
/// (node, byte), and the piece id of each node in a flat array. No allocation per lookup.
struct PieceTrie: Sendable {
    /// Child of the root for each first byte, or -1.
    private let root: [Int32]
    /// Edge keys `node << 8 | byte` (`UInt64.max` when empty) and their child nodes.
    private let keys: [UInt64]
    private let children: [Int32]
    private let mask: Int
    /// Piece id ending at each node, or -1.
    let pieceID: [Int32]

    /// Builds the trie over `pieces` (UTF-8 bytes by id); pieces where `include` is false are left out.
    init(pieces: [[UInt8]], include: (Int) -> Bool) {
        var root = [Int32](repeating: -1, count: 256)
        var edges: [UInt64: Int32] = [:]
        var ids: [Int32] = [-1]  // node 0 is the root
        for (id, piece) in pieces.enumerated() where !piece.isEmpty && include(id) {
            var node: Int32 = 0
            for (k, b) in piece.enumerated() {
                if k == 0 {
                    if root[Int(b)] < 0 { root[Int(b)] = Int32(ids.count); ids.append(-1) }
                    node = root[Int(b)]
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
        var keys = [UInt64](repeating: .max, count: size)
        var children = [Int32](repeating: -1, count: size)
        for (key, child) in edges {
            var slot = Self.slot(key, size - 1)
            while keys[slot] != .max { slot = (slot + 1) & (size - 1) }
            keys[slot] = key
            children[slot] = child
        }
        self.root = root
        self.keys = keys
        self.children = children
        self.mask = size - 1
        self.pieceID = ids
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    /// The root's child for `byte`, or -1.
    @inline(__always) func start(_ byte: UInt8) -> Int32 { root.withUnsafeBufferPointer { $0[Int(byte)] } }

    /// The child of `node` for `byte`, or -1.
    @inline(__always) func next(_ node: Int32, _ byte: UInt8) -> Int32 {
        let key = UInt64(node) << 8 | UInt64(byte)
        return keys.withUnsafeBufferPointer { k in
            var slot = Self.slot(key, mask)
            while true {
                let found = k[slot]
                if found == key { return children.withUnsafeBufferPointer { $0[slot] } }
                if found == .max { return -1 }
                slot = (slot + 1) & mask
            }
        }
    }
}
