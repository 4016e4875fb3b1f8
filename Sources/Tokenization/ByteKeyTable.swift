#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open-addressing hash table from byte strings to 64-bit values, with its keys stored in
/// one arena (no per-key allocation). The hot-path map of the tokenizers and word counters.
struct ByteKeyTable: Sendable {
    // MARK: Storage

    /// One slot: key start in the arena (`UInt32.max` when empty), key length, 32 bits of hash, value.
    struct Slot {
        var start: UInt32 = .max
        var length: UInt32 = 0
        var hash: UInt32 = 0
        var value: UInt64 = 0
    }

    /// Key bytes, back to back.
    private(set) var arena: [UInt8] = []
    private var slots: [Slot]
    /// Number of keys.
    private(set) var count = 0
    private var mask: Int

    /// Creates a table sized for about `capacity` keys.
    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        slots = [Slot](repeating: Slot(), count: size)
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
        return slots.withUnsafeBufferPointer { sp in
            arena.withUnsafeBufferPointer { a in
                while true {
                    let s = sp[i]
                    if s.start == .max { return (i, false) }
                    if s.hash == h32 && Int(s.length) == n && (n == 0 || memcmp(a.baseAddress! + Int(s.start), p, n) == 0) {
                        return (i, true)
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// The value stored for the `n` bytes at `p`.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
        let (i, found) = slot(p, n, ByteKeyTable.hash(p, n))
        return found ? slots[i].value : nil
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
        if found { slots[i].value &+= delta; return }
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

    /// Stores `value` for `key`, replacing any value it had.
    mutating func set(_ key: [UInt8], _ value: UInt64) {
        key.withUnsafeBufferPointer { b in
            let p = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
            let h = ByteKeyTable.hash(p, b.count)
            let (i, found) = slot(p, b.count, h)
            if found { slots[i].value = value } else { insertNew(at: i, p, b.count, h, value) }
        }
    }

    private mutating func insertNew(at i: Int, _ p: UnsafePointer<UInt8>, _ n: Int, _ h: UInt64, _ value: UInt64) {
        slots[i] = Slot(start: UInt32(arena.count), length: UInt32(n), hash: UInt32(truncatingIfNeeded: h), value: value)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let old = slots
        mask = (mask + 1) * 2 - 1
        slots = [Slot](repeating: Slot(), count: mask + 1)
        arena.withUnsafeBufferPointer { a in
            for s in old where s.start != .max {
                // Rehash from the stored bytes (the 32-bit hash alone does not give the probe start).
                let h = ByteKeyTable.hash(a.baseAddress! + Int(s.start), Int(s.length))
                var i = Int(truncatingIfNeeded: h >> 20) & mask
                while slots[i].start != .max { i = (i + 1) & mask }
                slots[i] = s
            }
        }
    }

    /// Removes every key, keeping the capacity.
    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        for i in 0..<slots.count { slots[i].start = .max }
        count = 0
    }

    // MARK: Iteration

    /// Calls `body` with each key's bytes and value, in slot order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt64) throws -> Void) rethrows {
        try arena.withUnsafeBufferPointer { a in
            for s in slots where s.start != .max {
                try body(
                    UnsafeBufferPointer(start: (a.baseAddress ?? UnsafePointer(bitPattern: 1)!) + Int(s.start), count: Int(s.length)),
                    s.value)
            }
        }
    }
}
