import ArtifactIO

/// Token ids for training or evaluation, checked against the vocabulary, read in consecutive
/// `[B, T+1]` windows (wrapping to the start when the end is reached).
///
/// The ids are held in memory, or read in place from a ``TokenWindowSource`` (a memory-mapped
/// shard): then only the windows in use are copied, so a shard larger than memory trains.
public struct TokenStream: Sendable {
    /// In-memory ids (empty when `mapped` is set).
    private let memory: [Int32]
    /// Ids read in place, from `offset` on.
    private let mapped: (any TokenWindowSource)?
    private let offset: Int
    /// Number of ids.
    public let count: Int
    /// Where they came from (for errors).
    public let source: String

    /// The ids — a copy of the whole stream when it reads a mapped shard (use ``count`` and
    /// ``window(from:count:)`` there).
    public var ids: [Int32] { mapped == nil ? memory : window(from: 0, count: count) }

    /// Wraps ids after checking each is below `vocabularySize`.
    public init(ids: [UInt32], vocabularySize: Int, source: String) throws {
        for (i, id) in ids.enumerated() where Int(id) >= vocabularySize {
            throw ModelError.tokenOutOfRange(source: source, index: i, id: Int(id), vocabularySize: vocabularySize)
        }
        self.memory = ids.map { Int32(bitPattern: $0) }
        self.mapped = nil
        self.offset = 0
        self.count = ids.count
        self.source = source
    }

    /// Reads `ids` in place after checking each is below `vocabularySize` (one pass, no copy).
    public init(reading ids: any TokenWindowSource, vocabularySize: Int, source: String) throws {
        for i in 0..<ids.count where Int(ids.id(at: i)) >= vocabularySize {
            throw ModelError.tokenOutOfRange(source: source, index: i, id: Int(ids.id(at: i)), vocabularySize: vocabularySize)
        }
        self.memory = []
        self.mapped = ids
        self.offset = 0
        self.count = ids.count
        self.source = source
    }

    private init(memory: [Int32], mapped: (any TokenWindowSource)?, offset: Int, count: Int, source: String) {
        self.memory = memory
        self.mapped = mapped
        self.offset = offset
        self.count = count
        self.source = source
    }

    /// The ids `start ..< start + n` (within ``count``).
    public func window(from start: Int, count n: Int) -> [Int32] {
        guard let mapped else { return Array(memory[start..<(start + n)]) }
        var out = [Int32](repeating: 0, count: n)
        for k in 0..<n { out[k] = Int32(bitPattern: mapped.id(at: offset + start + k)) }
        return out
    }

    /// The ids in `range` as a stream of their own (a mapped stream stays mapped).
    public func slice(_ range: Range<Int>, source: String) -> TokenStream {
        if mapped == nil { return TokenStream(memory: Array(memory[range]), mapped: nil, offset: 0, count: range.count, source: source) }
        return TokenStream(memory: [], mapped: mapped, offset: offset + range.lowerBound, count: range.count, source: source)
    }

    /// Reads an llm.c token shard, memory-mapped: the ids stay in the file (after one pass
    /// checking them against the vocabulary) and only the windows in use are copied.
    public static func read(_ path: String, vocabularySize: Int) throws -> TokenStream {
        try TokenStream(reading: ShardTokenSource(shard: MappedTokenShard(path: path)), vocabularySize: vocabularySize, source: path)
    }

    /// Throws unless one `[B, T+1]` batch fits.
    public func requireBatch(batch B: Int, time T: Int) throws {
        if count < B * T + 1 { throw ModelError.shardTooShort(source: source, tokens: count, needed: B * T + 1) }
    }

    /// The batch starting at `position` and the position of the next one.
    public func batch(at position: Int, batch B: Int, time T: Int) -> (inputs: [Int32], targets: [Int32], next: Int) {
        var pos = position
        if pos + B * T + 1 > count { pos = 0 }
        let window = self.window(from: pos, count: B * T + 1)
        let inputs = Array(window[0..<(B * T)])
        let targets = Array(window[1...(B * T)])
        var next = pos + B * T
        if next + B * T + 1 > count { next = 0 }
        return (inputs, targets, next)
    }

    /// A batch of `B` windows of `T + 1` tokens at random offsets, drawn from `seed` and `step`
    /// alone (the same step of a resumed run draws the same windows).
    public func randomBatch(step: Int, seed: UInt64, batch B: Int, time T: Int) -> (inputs: [Int32], targets: [Int32]) {
        let span = UInt64(max(count - T, 1))  // starts 0 ..< count - T leave room for the shifted target
        let base = Self.mix(seed ^ Self.mix(UInt64(truncatingIfNeeded: step)))
        var inputs: [Int32] = [], targets: [Int32] = []
        inputs.reserveCapacity(B * T)
        targets.reserveCapacity(B * T)
        for b in 0..<B {
            let start = Int(Self.mix(base &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(b + 1)) % span)
            let window = self.window(from: start, count: T + 1)
            inputs.append(contentsOf: window[0..<T])
            targets.append(contentsOf: window[1...T])
        }
        return (inputs, targets)
    }

    /// SplitMix64's finalizer: a bijective, well-mixed 64-bit hash.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The batch at offset `position` of `B` parallel lanes (lane `b` is the `b`-th of `B` equal
    /// contiguous parts of the stream): row `b` is lane `b`'s tokens `position ..< position + T`,
    /// so that consecutive batches continue each row's sequence (truncated BPTT). Wraps to offset 0
    /// when a lane has no further window.
    public func laneBatch(at position: Int, batch B: Int, time T: Int) -> (inputs: [Int32], targets: [Int32], next: Int) {
        let lane = (ids.count - 1) / B
        let pos = position + T > lane ? 0 : position
        var inputs: [Int32] = [], targets: [Int32] = []
        inputs.reserveCapacity(B * T); targets.reserveCapacity(B * T)
        for b in 0..<B {
            let start = b * lane + pos
            inputs.append(contentsOf: ids[start..<(start + T)])
            targets.append(contentsOf: ids[(start + 1)...(start + T)])
        }
        let next = pos + 2 * T > lane ? 0 : pos + T
        return (inputs, targets, next)
    }
}
