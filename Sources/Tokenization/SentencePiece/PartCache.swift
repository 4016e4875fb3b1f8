#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The parts of normalized text a ``SentencePieceEncoder`` has encoded, with their tokens: an
/// open-addressing table of 64-bit slots (32 bits of hash and an entry's place) into one flat
/// array that holds each entry's header, key bytes, ids and byte ranges back to back, so a hit
/// reads the slot and then one stretch of memory.
///
/// An entry at `e`: `data[e]` = key length | token count << 16; `data[e + 1]`, `data[e + 2]`:
/// the `Float` bits of its ``Entry/risk`` and ``Entry/magnitude``; the key bytes from `e + 3`
/// (padded to whole words); then the ids; then each token's byte range in the key (start | end << 16).
struct PartCache {
    /// An entry found: where its ids and ranges are, and what the `float` check needs.
    struct Entry {
        /// Index of the first id in the data.
        var ids: Int
        var count: Int
        /// The smallest gap between two compared path scores divided by 2 × (characters + 1),
        /// rounded down (`infinity` when nothing was compared or for BPE).
        var risk: Float
        /// The magnitude of the best path score, rounded up.
        var magnitude: Float
    }

    /// 0 when empty, else the hash's high 32 bits and entry index + 1. A key's probe starts at
    /// its hash's high half modulo the size, so growing moves slots without reading entries.
    private var slots: [UInt64]
    private var data: [UInt32] = []
    /// Number of entries.
    private(set) var count = 0
    /// How many times the cache started again empty (entry places from before are void).
    private(set) var generation = 0
    private var mask: Int
    /// Entries kept before the cache starts again empty.
    static let limit = 1 << 18
    /// Parts longer than this (bytes) are not cached.
    static let longest = 256

    /// A 64-bit hash of `n` bytes at `p`: ``ByteKeyTable/hash(_:_:)``'s word-at-a-time mixing,
    /// with the last 1–7 bytes taken in one word by two loads that may overlap (the length,
    /// mixed in first, tells such words apart), none past the end.
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
            let r = n - i
            var w: UInt64
            if r >= 4 {
                w = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
            } else if r >= 2 {
                w = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt16.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)) << 16
            } else {
                w = UInt64(p[i])
            }
            h = (h ^ w) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }

    /// Whether the `n` bytes at `a` and at `b` are the same: eight bytes at a time, the last
    /// 1–7 by loads that may overlap (as in ``hash(_:_:)``), none past the end; inline, since a
    /// call to `memcmp` takes more instructions than the comparison of a part's few bytes.
    @inline(__always)
    static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        let r = n - i
        if r >= 4 {
            return a.loadUnaligned(fromByteOffset: i, as: UInt32.self) == b.loadUnaligned(fromByteOffset: i, as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if r >= 2 {
            return a.loadUnaligned(fromByteOffset: i, as: UInt16.self) == b.loadUnaligned(fromByteOffset: i, as: UInt16.self)
                && a.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self) == b.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)
        }
        return r == 0 || a.load(fromByteOffset: i, as: UInt8.self) == b.load(fromByteOffset: i, as: UInt8.self)
    }

    init() {
        mask = (1 << 15) - 1
        slots = [UInt64](repeating: 0, count: mask + 1)
    }

    /// The entry for the `n` bytes at `p`, whose ``hash(_:_:)`` is `h`.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Entry? {
        let h32 = h >> 32
        var i = Int(truncatingIfNeeded: h >> 32) & mask
        return slots.withUnsafeBufferPointer { s in
            data.withUnsafeBufferPointer { d in
                let base = d.baseAddress!
                while true {
                    let slot = s[i]
                    if slot == 0 { return nil }
                    if slot >> 32 == h32 {
                        let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                        let header = Int(base[e])
                        if header & 0xFFFF == n && Self.same(base + e + 3, p, n) {
                            return Entry(
                                ids: e + 3 + (n + 3) / 4, count: header >> 16, risk: Float(bitPattern: base[e + 1]),
                                magnitude: Float(bitPattern: base[e + 2]))
                        }
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// The entry stored at `e` (a place ``findAll(_:parts:stride:count:scratch:into:)`` gave) for a key of `n` bytes.
    @inline(__always)
    func entry(at e: Int, keyLength n: Int) -> Entry {
        data.withUnsafeBufferPointer { d in
            let header = Int(d[e])
            return Entry(
                ids: e + 3 + (n + 3) / 4, count: header >> 16, risk: Float(bitPattern: d[e + 1]), magnitude: Float(bitPattern: d[e + 2]))
        }
    }

    /// Looks up each of the `parts` parts of `base`, part `k` from `ranges[stride k]` to
    /// `ranges[stride k + 1]` (`stride` 1: between consecutive values; 2: a start and an end
    /// each), setting `entries[k]` to its entry place or -1, and leaving its ``hash(_:_:)`` in
    /// `scratch[2 k]` (for a caller that then stores a missing part). A part whose start is
    /// negative is not looked up (-1). The slot loads of all parts are issued before any is
    /// compared, and then the header loads, so their cache misses overlap.
    func findAll(
        _ base: UnsafePointer<UInt8>, parts ranges: UnsafePointer<Int32>, stride: Int, count parts: Int, scratch: inout [UInt64],
        into entries: inout [Int32]
    ) {
        guard parts > 0 else { return }
        if scratch.count < 2 * parts { scratch = [UInt64](repeating: 0, count: 2 * parts) }
        if entries.count < parts { entries = [Int32](repeating: -1, count: parts) }
        slots.withUnsafeBufferPointer { s in
            data.withUnsafeBufferPointer { d in
                scratch.withUnsafeMutableBufferPointer { hs in
                    entries.withUnsafeMutableBufferPointer { out in
                        // Hashes and first slots.
                        for k in 0..<parts {
                            let start = Int(ranges[stride &* k]), n = Int(ranges[stride &* k &+ 1]) - start
                            if start < 0 {
                                hs[2 * k] = 0
                                hs[2 * k + 1] = 0
                                continue
                            }
                            let h = PartCache.hash(base + start, n)
                            hs[2 * k] = h
                            hs[2 * k + 1] = s[Int(truncatingIfNeeded: h >> 32) & mask]
                        }
                        // Headers where the first slot's hash matches (an entry place, or -1).
                        for k in 0..<parts {
                            let slot = hs[2 * k + 1]
                            if slot != 0 && slot >> 32 == hs[2 * k] >> 32 {
                                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                                out[k] = Int32(truncatingIfNeeded: d[e] & 0xFFFF) == ranges[stride &* k &+ 1] - ranges[stride &* k] ? Int32(e) : -2
                            } else {
                                out[k] = slot == 0 ? -1 : -2
                            }
                        }
                        // Keys compared; a probe past the first slot (-2) goes the long way.
                        for k in 0..<parts {
                            let start = Int(ranges[stride &* k]), n = Int(ranges[stride &* k &+ 1]) - start
                            let e = Int(out[k])
                            if e >= 0 {
                                if !PartCache.same(d.baseAddress! + e + 3, base + start, n) { out[k] = -2 }
                            }
                            if out[k] == -2 {
                                out[k] = -1
                                var i = (Int(truncatingIfNeeded: hs[2 * k] >> 32) + 1) & mask
                                let h32 = hs[2 * k] >> 32
                                while true {
                                    let slot = s[i]
                                    if slot == 0 { break }
                                    if slot >> 32 == h32 {
                                        let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                                        if Int(d[e] & 0xFFFF) == n && PartCache.same(d.baseAddress! + e + 3, base + start, n) {
                                            out[k] = Int32(e)
                                            break
                                        }
                                    }
                                    i = (i + 1) & mask
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Appends the entry's ids to `ids`.
    @inline(__always)
    func appendIDs(_ entry: Entry, to ids: inout [UInt32]) {
        data.withUnsafeBufferPointer { d in
            ids.append(contentsOf: UnsafeBufferPointer(start: d.baseAddress! + entry.ids, count: entry.count))
        }
    }

    /// Copies the entry's ids to `out`.
    @inline(__always)
    func copyIDs(_ entry: Entry, to out: UnsafeMutablePointer<UInt32>) {
        data.withUnsafeBufferPointer { d in
            let from = d.baseAddress! + entry.ids
            for k in 0..<entry.count { out[k] = from[k] }
        }
    }

    /// The `k`-th token of the entry: id and byte range in the key.
    @inline(__always)
    func token(_ entry: Entry, _ k: Int) -> (UInt32, Int32, Int32) {
        let range = data[entry.ids + entry.count + k]
        return (data[entry.ids + k], Int32(range & 0xFFFF), Int32(range >> 16))
    }

    /// Stores the tokens of the `n` bytes at `p` (absent, at most ``longest`` bytes), whose
    /// ``hash(_:_:)`` is `h`. Starts again empty once ``limit`` entries are stored.
    mutating func insert(
        _ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, tokens: [(UInt32, Int32, Int32)], risk: Double, magnitude: Double
    ) {
        guard n <= Self.longest, tokens.count < 1 << 16 else { return }
        if count >= Self.limit {
            for i in slots.indices { slots[i] = 0 }
            data.removeAll(keepingCapacity: true)
            count = 0
            generation += 1
        }
        var r = Float(risk)
        if Double(r) > risk { r = r.nextDown }
        var m = Float(magnitude)
        if Double(m) < magnitude { m = m.nextUp }
        let e = data.count
        let keyWords = (n + 3) / 4
        data.append(contentsOf: repeatElement(0, count: 3 + keyWords + 2 * tokens.count))
        data.withUnsafeMutableBufferPointer { d in
            let entry = d.baseAddress! + e
            entry[0] = UInt32(n) | UInt32(tokens.count) << 16
            entry[1] = r.bitPattern
            entry[2] = m.bitPattern
            _ = memcpy(entry + 3, p, n)
            let ids = entry + 3 + keyWords
            for (k, t) in tokens.enumerated() {
                ids[k] = t.0
                ids[tokens.count + k] = UInt32(t.1) | UInt32(t.2) << 16
            }
        }
        var i = Int(truncatingIfNeeded: h >> 32) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (h >> 32) << 32 | UInt64(e + 1)
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let old = slots
        mask = (mask + 1) * 2 - 1
        slots = [UInt64](repeating: 0, count: mask + 1)
        // A slot's high half is its hash's, which gives the probe start: no entry is read.
        for slot in old where slot != 0 {
            var i = Int(truncatingIfNeeded: slot >> 32) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}
