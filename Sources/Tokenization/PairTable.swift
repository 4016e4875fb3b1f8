/// An open-addressing hash map from a pair of ids (packed in a `UInt64`) to a `UInt64` value.
/// Each slot holds its key and value side by side, so a lookup in a table too large for the
/// core's caches costs one miss, not two.
struct PairTable: Sendable {
    /// Slot `i`: key at `2 i` (``empty`` when free), value at `2 i + 1`.
    private var slots: [UInt64]
    private var mask: Int
    /// Number of pairs stored.
    private(set) var count = 0
    private static let empty = UInt64.max

    /// Creates a table sized for about `capacity` pairs.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        slots = PairTable.emptySlots(size)
    }

    private static func emptySlots(_ size: Int) -> [UInt64] {
        var slots = [UInt64](repeating: 0, count: 2 * size)
        for i in 0..<size { slots[2 * i] = empty }
        return slots
    }

    /// Packs a pair.
    @inline(__always)
    static func key(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    @inline(__always)
    private func probe(_ key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        return Int(truncatingIfNeeded: h) & mask
    }

    /// The value for `key`.
    @inline(__always)
    func find(_ key: UInt64) -> UInt64? {
        var i = probe(key)
        return slots.withUnsafeBufferPointer { s in
            while true {
                let k = s[2 &* i]
                if k == key { return s[2 &* i &+ 1] }
                if k == PairTable.empty { return nil }
                i = (i &+ 1) & mask
            }
        }
    }

    /// Sets the value for `key`.
    mutating func set(_ key: UInt64, _ value: UInt64) {
        var i = probe(key)
        while true {
            let k = slots[2 * i]
            if k == key { slots[2 * i + 1] = value; return }
            if k == PairTable.empty { break }
            i = (i + 1) & mask
        }
        slots[2 * i] = key
        slots[2 * i + 1] = value
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let old = slots
        mask = (mask + 1) * 2 - 1
        slots = PairTable.emptySlots(mask + 1)
        for k in stride(from: 0, to: old.count, by: 2) where old[k] != PairTable.empty {
            var i = probe(old[k])
            while slots[2 * i] != PairTable.empty { i = (i + 1) & mask }
            slots[2 * i] = old[k]
            slots[2 * i + 1] = old[k + 1]
        }
    }
}
