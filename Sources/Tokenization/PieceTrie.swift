/// A byte trie over a vocabulary's pieces for common-prefix search, as a double array (the
/// layout of SentencePiece's Darts-clone): node `s`'s child for byte `c` is unit `base(s) ^ c`,
/// and that unit holds `c` as its label, so a step is one load and one compare. Base values are
/// unique, so a matching label proves the parent. Each unit packs the label, whether a piece
/// ends there, its own base and that piece's id in 64 bits; children of a node share a
/// 256-unit block. About 1 MB for a 32k vocabulary (it stays in the core's cache).
struct PieceTrie: Sendable {
    /// Bits 0–8: label + 1 (0 for a free unit); bit 9: a piece ends here; bits 10–31: base;
    /// bits 32–63: the piece id.
    private let units: [UInt64]

    /// Builds the trie over `pieces` (UTF-8 bytes by id); pieces where `include` is false are
    /// left out. Where two included pieces have the same bytes the smaller id is kept.
    init(pieces: [[UInt8]], include: (Int) -> Bool) {
        var order: [Int] = pieces.indices.filter { !pieces[$0].isEmpty && include($0) }
        order.sort { a, b in
            let x = pieces[a], y = pieces[b]
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        var builder = Builder()
        builder.place(node: 0, range: 0..<order.count, depth: 0, pieces: pieces, order: order)
        builder.grow(to: 256)  // a step from the root (base 0 when there are no pieces) stays inside
        units = builder.units
    }

    /// Calls `body(length, pieceID)` for every piece that is a prefix of the `count` bytes at `p`
    /// (shortest first).
    @inline(__always)
    func forEachPrefix(_ p: UnsafePointer<UInt8>, _ count: Int, _ body: (Int, Int32) -> Void) {
        units.withUnsafeBufferPointer { u in
            var node = u[0]
            var k = 0
            while k < count {
                let c = UInt64(p[k])
                let next = u[Int(truncatingIfNeeded: (node >> 10) & 0x3F_FFFF ^ c)]
                if next & 0x1FF != c &+ 1 { return }
                k += 1
                if next & 0x200 != 0 { body(k, Int32(truncatingIfNeeded: next >> 32)) }
                node = next
            }
        }
    }

    /// Calls `body` with the units, for a caller that walks them itself with ``step(_:_:_:)``
    /// from the root, unit 0.
    @inline(__always)
    func withUnits<R>(_ body: (UnsafePointer<UInt64>) -> R) -> R {
        units.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// The child unit of the node whose unit is `node` for byte `c`, or nil when there is none.
    /// A piece ends at it when ``endsPiece(_:)``; its id is ``pieceID(_:)``.
    @inline(__always)
    static func step(_ u: UnsafePointer<UInt64>, _ node: UInt64, _ c: UInt8) -> UInt64? {
        let next = u[Int(truncatingIfNeeded: (node >> 10) & 0x3F_FFFF ^ UInt64(c))]
        return next & 0x1FF == UInt64(c) &+ 1 ? next : nil
    }

    @inline(__always) static func endsPiece(_ unit: UInt64) -> Bool { unit & 0x200 != 0 }
    @inline(__always) static func pieceID(_ unit: UInt64) -> Int32 { Int32(truncatingIfNeeded: unit >> 32) }

    /// Places nodes into the double array, depth first (a node's children close to it).
    private struct Builder {
        var units: [UInt64] = [0]
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
            if base < baseUsed.count && baseUsed[base] { return false }
            for c in labels {
                let t = base ^ Int(c)
                if t == 0 { return false }
                if t < units.count && units[t] & 0x1FF != 0 { return false }
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
            baseUsed[base] = true
            units[node] = units[node] & ~(0x3F_FFFF << 10) | UInt64(base) << 10
            for (k, c) in labels.enumerated() {
                let child = base ^ Int(c)
                occupy(child)
                var unit = UInt64(c) + 1
                let first = order[ranges[k].lowerBound]
                if pieces[first].count == depth + 1 { unit |= 0x200 | UInt64(UInt32(first)) << 32 }
                units[child] = unit
            }
            for (k, c) in labels.enumerated() {
                place(node: base ^ Int(c), range: ranges[k], depth: depth + 1, pieces: pieces, order: order)
            }
        }
    }
}
