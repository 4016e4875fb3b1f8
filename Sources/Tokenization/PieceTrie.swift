/// A byte trie over a vocabulary's pieces for common-prefix search, as a double array (the
/// layout of SentencePiece's Darts-clone): node `s`'s child for byte `c` is unit `base(s) ^ c`,
/// and that unit holds `c` as its label, so a step is one 64-bit load and one compare. Base
/// values are unique, so a matching label proves the parent; children of a node share a
/// 256-unit block. A unit where a piece ends holds its id; scores are by id. About 1 MB of
/// units for 32k pieces.
struct PieceTrie: Sendable {
    /// One node per unit: bits 0–7: label; bit 8: in use; bit 9: a piece ends here; bits
    /// 10–31: base; bits 32–63: the id of the piece that ends here (`UInt32.max` where none),
    /// so a walk that finds a piece has its id in the same load.
    private let nodes: [UInt64]
    /// Score by piece id, in `Double` and (when every included score is exactly a `Float`) in
    /// `Float`: dense, so the scores a walk reads stay in the core's cache.
    private let scores: [Double]
    private let floatScores: [Float]
    /// Whether every score is exactly a `Float`.
    let scoresAreFloats: Bool
    /// The longest included piece, in bytes (no walk goes deeper).
    let depth: Int
    /// The bytes the units take.
    var unitBytes: Int { nodes.count * MemoryLayout<UInt64>.stride }
    /// The most units a trie can have (22 bits of base).
    static let capacity = 1 << 22

    /// Builds the trie over `pieces` (UTF-8 bytes by id) with their `scores`; pieces where
    /// `include` is false are left out. Where two included pieces have the same bytes the
    /// smaller id is kept. Nil when the pieces need more than ``capacity`` units.
    init?(pieces: [[UInt8]], scores: [Double], include: (Int) -> Bool) {
        var order: [Int] = pieces.indices.filter { !pieces[$0].isEmpty && include($0) }
        depth = order.map { pieces[$0].count }.max() ?? 0
        order.sort { a, b in
            let x = pieces[a], y = pieces[b]
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        var builder = Builder()
        builder.place(node: 0, range: 0..<order.count, depth: 0, pieces: pieces, order: order)
        builder.grow(to: 256)  // a step from the root (base 0 when there are no pieces) stays inside
        guard builder.units.count <= Self.capacity else { return nil }
        var nodes = builder.units.map { $0 & 0xFFFF_FFFF | UInt64(UInt32.max) << 32 }
        var byID = [Double](repeating: 0, count: scores.count)
        var floats = true
        for (t, id) in builder.pieceIDs where id >= 0 {
            let score = scores[id]
            nodes[t] = nodes[t] & 0xFFFF_FFFF | UInt64(id) << 32
            byID[id] = score
            if Double(Float(score)) != score { floats = false }
        }
        self.nodes = nodes
        self.scores = byID
        floatScores = floats ? byID.map { Float($0) } : []
        scoresAreFloats = floats
    }

    /// Calls `body` with the nodes and the scores by piece id (`Float` ones empty unless
    /// ``scoresAreFloats``), for a caller that walks the nodes itself with ``child(_:_:)`` from
    /// the root, node 0.
    @inline(__always)
    func withNodes<R>(_ body: (UnsafePointer<UInt64>, UnsafePointer<Double>, UnsafePointer<Float>) -> R) -> R {
        nodes.withUnsafeBufferPointer { u in
            scores.withUnsafeBufferPointer { d in
                floatScores.withUnsafeBufferPointer { f in
                    body(u.baseAddress!, d.baseAddress ?? UnsafePointer(bitPattern: 8)!, f.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                }
            }
        }
    }

    /// The index of the child of the node whose unit (low 32 bits) is `node` for byte `c` (a
    /// child exists when ``isChild(_:_:)`` holds for the node there).
    @inline(__always)
    static func child(_ node: UInt32, _ c: UInt8) -> Int { Int(truncatingIfNeeded: node >> 10) ^ Int(c) }

    @inline(__always) static func isChild(_ node: UInt64, _ c: UInt8) -> Bool { UInt32(truncatingIfNeeded: node) & 0x1FF == UInt32(c) | 0x100 }
    @inline(__always) static func endsPiece(_ node: UInt64) -> Bool { node & 0x200 != 0 }
    /// The id of the piece that ends at `node` (where ``endsPiece(_:)``).
    @inline(__always) static func pieceID(_ node: UInt64) -> Int32 { Int32(truncatingIfNeeded: node >> 32) }

    /// Calls `body(length, pieceID)` for every piece that is a prefix of the `count` bytes at `p`
    /// (shortest first).
    func forEachPrefix(_ p: UnsafePointer<UInt8>, _ count: Int, _ body: (Int, Int32) -> Void) {
        nodes.withUnsafeBufferPointer { u in
            var node = UInt32(truncatingIfNeeded: u[0])
            var k = 0
            while k < count {
                let t = Self.child(node, p[k])
                let next = u[t]
                if !Self.isChild(next, p[k]) { return }
                k += 1
                if Self.endsPiece(next) { body(k, Self.pieceID(next)) }
                node = UInt32(truncatingIfNeeded: next)
            }
        }
    }

    /// Places nodes into the double array, depth first (a node's children close to it).
    private struct Builder {
        /// The root is in use with label 1: a node without children has base 0, which no other
        /// node gets, so a step from it finds no unit whose label matches (unit `c` has label
        /// `c` only when its parent's base is 0).
        var units: [UInt64] = [0x101]
        /// (unit, piece id) of each node where a piece ends.
        var pieceIDs: [(Int, Int)] = []
        /// Free units in increasing order, as a doubly linked list from `head` to `tail` (`-1` ends it).
        var next: [Int32] = [-1]
        var prev: [Int32] = [-1]
        var head: Int32 = -1
        var tail: Int32 = -1
        var baseUsed: [Bool] = []

        /// Grows the array to hold `size` units, linking the new ones as free.
        mutating func grow(to size: Int) {
            var last = tail
            let old = units.count
            guard size > old else { return }
            units += [UInt64](repeating: 0, count: size - old)
            next += [Int32](repeating: -1, count: size - old)
            prev += [Int32](repeating: -1, count: size - old)
            for t in old..<size {
                prev[t] = last
                if last >= 0 { next[Int(last)] = Int32(t) } else { head = Int32(t) }
                last = Int32(t)
            }
            tail = last
            if baseUsed.count < size + 256 { baseUsed += [Bool](repeating: false, count: size + 256 - baseUsed.count) }
        }

        mutating func occupy(_ t: Int) {
            let p = prev[t], n = next[t]
            if p >= 0 { next[Int(p)] = n } else { head = n }
            if n >= 0 { prev[Int(n)] = p } else { tail = p }
            next[t] = -1; prev[t] = -1
        }

        func fits(_ base: Int, _ labels: [UInt8]) -> Bool {
            if base == 0 || (base < baseUsed.count && baseUsed[base]) { return false }
            for c in labels {
                let t = base ^ Int(c)
                if t == 0 { return false }
                if t < units.count && units[t] & 0x100 != 0 { return false }
            }
            return true
        }

        /// Places the children of `node`, whose pieces (ids `order[range]`, sorted) all share
        /// their first `depth` bytes; pieces of exactly `depth` bytes end at `node`.
        mutating func place(node: Int, range: Range<Int>, depth: Int, pieces: [[UInt8]], order: [Int]) {
            var r = range.lowerBound
            while r < range.upperBound && pieces[order[r]].count == depth { r += 1 }
            guard r < range.upperBound else { return }
            // Children: distinct next bytes, with their sub-ranges.
            var labels: [UInt8] = []
            var ranges: [Range<Int>] = []
            var s = r
            while s < range.upperBound {
                let c = pieces[order[s]][depth]
                var e = s + 1
                while e < range.upperBound && pieces[order[e]][depth] == c { e += 1 }
                labels.append(c)
                ranges.append(s..<e)
                s = e
            }
            // A base: try free units as the first child's place, then a fresh block.
            var base = -1
            var t = head
            var tries = 0
            while t >= 0 && tries < 512 {
                let b = Int(t) ^ Int(labels[0])
                if fits(b, labels) { base = b; break }
                t = next[Int(t)]
                tries += 1
            }
            if base < 0 { base = (units.count + 255) & ~255 }
            grow(to: max(units.count, (base | 255) + 1))
            guard units.count <= PieceTrie.capacity else { return }
            baseUsed[base] = true
            units[node] = units[node] & ~(0x3F_FFFF << 10) | UInt64(base) << 10
            for (k, c) in labels.enumerated() {
                let child = base ^ Int(c)
                occupy(child)
                var unit = UInt64(c) | 0x100
                let first = order[ranges[k].lowerBound]
                if pieces[first].count == depth + 1 {
                    unit |= 0x200
                    pieceIDs.append((child, first))
                }
                units[child] = unit
            }
            for (k, c) in labels.enumerated() {
                place(node: base ^ Int(c), range: ranges[k], depth: depth + 1, pieces: pieces, order: order)
            }
        }
    }
}
