#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing hash table from byte strings to 64-bit values, with its keys stored in
/// one arena (no per-key allocation). The hot-path map of the tokenizers and word counters.
struct ByteKeyTable: Sendable {
    // MARK: Storage

    /// Key bytes, back to back.
    private(set) var arena: [UInt8] = []
    /// Per slot: key start in the arena (or `UInt32.max` when empty), key length, hash.
    private var starts: [UInt32]
    private var lengths: [UInt32]
    private var hashes: [UInt32]
    /// Per slot: the value.
    private var values: [UInt64]
    /// Number of keys.
    private(set) var count = 0
    private var mask: Int

    /// Creates a table sized for about `capacity` keys.
    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        starts = [UInt32](repeating: .max, count: size)
        lengths = [UInt32](repeating: 0, count: size)
        hashes = [UInt32](repeating: 0, count: size)
        values = [UInt64](repeating: 0, count: size)
    }

    // MARK: Hashing

    /// A fast 64-bit hash of `n` bytes at `p` (word-at-a-time multiply–xorshift).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var s: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << s; s += 8; i += 1 }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    // MARK: Lookup

    @inline(__always)
    private func slot(_ p: UnsafePointer<UInt8>, _ n: Int, _ h: UInt64) -> (index: Int, found: Bool) {
        let h32 = UInt32(truncatingIfNeeded: h)
        var i = Int(truncatingIfNeeded: h >> 20) & mask
        return arena.withUnsafeBufferPointer { a in
            while true {
                let s = starts[i]
                if s == .max { return (i, false) }
                if hashes[i] == h32 && Int(lengths[i]) == n && (n == 0 || memcmp(a.baseAddress! + Int(s), p, n) == 0) {
                    return (i, true)
                }
                i = (i + 1) & mask
            }
        }
    }

    /// The value stored for the `n` bytes at `p`.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        let (i, found) = slot(p, n, ByteKeyTable.hash(p, n))
        return found ? values[i] : nil
    }

    /// The value stored for `key`.
    func find(_ key: [UInt8]) -> UInt64? {
        key.withUnsafeBufferPointer { find($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }

    // MARK: Update

    /// Adds `delta` to the value of the key (inserting it with `delta` when absent).
    @inline(__always)
    mutating func add(_ p: UnsafePointer<UInt8>, _ n: Int, _ delta: UInt64) {
        let h = ByteKeyTable.hash(p, n)
        let (i, found) = slot(p, n, h)
        if found { values[i] &+= delta; return }
        insertNew(at: i, p, n, h, delta)
    }

    /// Stores `value` for the key unless the key is present; returns whether it was inserted.
    @discardableResult
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, _ value: UInt64) -> Bool {
        let h = ByteKeyTable.hash(p, n)
        let (i, found) = slot(p, n, h)
        if found { return false }
        insertNew(at: i, p, n, h, value)
        return true
    }

    /// Stores `value` for `key` unless present; returns whether it was inserted.
    @discardableResult
    mutating func insert(_ key: [UInt8], _ value: UInt64) -> Bool {
        key.withUnsafeBufferPointer { insert($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, value) }
    }

    private mutating func insertNew(at i: Int, _ p: UnsafePointer<UInt8>, _ n: Int, _ h: UInt64, _ value: UInt64) {
        starts[i] = UInt32(arena.count)
        lengths[i] = UInt32(n)
        hashes[i] = UInt32(truncatingIfNeeded: h)
        values[i] = value
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let oldStarts = starts, oldLengths = lengths, oldHashes = hashes, oldValues = values
        let size = (mask + 1) * 2
        mask = size - 1
        starts = [UInt32](repeating: .max, count: size)
        lengths = [UInt32](repeating: 0, count: size)
        hashes = [UInt32](repeating: 0, count: size)
        values = [UInt64](repeating: 0, count: size)
        for k in 0..<oldStarts.count where oldStarts[k] != .max {
            // Rehash from the stored bytes (the 32-bit hash alone does not give the probe start).
            let h = arena.withUnsafeBufferPointer { ByteKeyTable.hash($0.baseAddress! + Int(oldStarts[k]), Int(oldLengths[k])) }
            var i = Int(truncatingIfNeeded: h >> 20) & mask
            while starts[i] != .max { i = (i + 1) & mask }
            starts[i] = oldStarts[k]
            lengths[i] = oldLengths[k]
            hashes[i] = oldHashes[k]
            values[i] = oldValues[k]
        }
    }

    /// Removes every key, keeping the capacity.
    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        for i in 0..<starts.count { starts[i] = .max }
        count = 0
    }

    // MARK: Iteration

    /// Calls `body` with each key's bytes and value, in slot order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt64) throws -> Void) rethrows {
        try arena.withUnsafeBufferPointer { a in
            for i in 0..<starts.count where starts[i] != .max {
                try body(UnsafeBufferPointer(start: (a.baseAddress ?? UnsafePointer(bitPattern: 1)!) + Int(starts[i]), count: Int(lengths[i])), values[i])
            }
        }
    }
}
