/// An open-addressing hash map from a pair of ids (packed in a `UInt64`) to a `UInt64` value.
struct PairTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private var mask: Int
    /// Number of pairs stored.
    private(set) var count = 0
    private static let empty = UInt64.max

    /// Creates a table sized for about `capacity` pairs.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        keys = [UInt64](repeating: PairTable.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
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
        return keys.withUnsafeBufferPointer { k in
            while true {
                let s = k[i]
                if s == key { return values[i] }
                if s == PairTable.empty { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// Sets the value for `key`.
    mutating func set(_ key: UInt64, _ value: UInt64) {
        var i = probe(key)
        while true {
            let s = keys[i]
            if s == key { values[i] = value; return }
            if s == PairTable.empty { break }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = value
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        mask = (mask + 1) * 2 - 1
        keys = [UInt64](repeating: PairTable.empty, count: mask + 1)
        values = [UInt64](repeating: 0, count: mask + 1)
        for k in 0..<oldKeys.count where oldKeys[k] != PairTable.empty {
            var i = probe(oldKeys[k])
            while keys[i] != PairTable.empty { i = (i + 1) & mask }
            keys[i] = oldKeys[k]
            values[i] = oldValues[k]
        }
    }
}
