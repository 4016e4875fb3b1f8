import TensorOps

/// Serves training batches of freshly masked pairs (dynamic masking: each time a pair is served
/// it gets a new mask), deterministically: batch `step` depends only on the pairs, the masker and
/// the seed, so a resumed run sees the same batches as an uninterrupted one.
///
/// Pairs are visited in a seeded random order per epoch; batch `step` holds the pairs at positions
/// `step·B ..< (step+1)·B` of the endless sequence of epochs.
public struct MaskedLMBatcher: Sendable {
    /// The pairs.
    public let pairs: [SentencePair]
    /// The masker.
    public let masker: TokenMasker
    /// Sequences per batch.
    public let batchSize: Int
    /// Padded length (the model's context).
    public let time: Int
    /// Seed of the epoch orders and the masks.
    public let seed: UInt64

    /// Creates a batcher; throws when there are no pairs or a pair does not fit `time`.
    public init(pairs: [SentencePair], masker: TokenMasker, batchSize: Int, time: Int, seed: UInt64) throws {
        if pairs.isEmpty { throw MaskedLMError.noPairs(source: "training data") }
        if batchSize < 1 { throw MaskedLMError.invalidOption("batch size \(batchSize) must be at least 1") }
        if let long = pairs.firstIndex(where: { $0.tokens.count > time }) {
            throw MaskedLMError.invalidOption("pair \(long) has \(pairs[long].tokens.count) tokens, more than the length \(time)")
        }
        self.pairs = pairs
        self.masker = masker
        self.batchSize = batchSize
        self.time = time
        self.seed = seed
    }

    /// The order of the pairs in `epoch`.
    public func order(epoch: Int) -> [Int] {
        var rng = SeededGenerator(seed: Self.mix(seed, 0x4550_4f43, UInt64(epoch)))
        var order = Array(pairs.indices)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        }
        return order
    }

    /// Batch number `step` (0-based).
    public func batch(step: Int) -> MaskedLMBatch {
        var chosen: [SentencePair] = []
        var cachedEpoch = -1
        var cachedOrder: [Int] = []
        for j in 0..<batchSize {
            let position = step * batchSize + j
            let epoch = position / pairs.count
            if epoch != cachedEpoch { cachedOrder = order(epoch: epoch); cachedEpoch = epoch }
            chosen.append(pairs[cachedOrder[position % pairs.count]])
        }
        var rng = SeededGenerator(seed: Self.mix(seed, 0x4d41_534b, UInt64(step)))
        let masked = chosen.map { masker.mask($0.tokens, rng: &rng) }
        return MaskedLMBatch(pairs: chosen, masked: masked, time: time, pad: masker.specials.pad)
    }

    /// All pairs in their stored order, masked with a fixed `seed` (for evaluation), in batches of
    /// at most `batchSize`: the same input and seed always give the same masks.
    public static func evaluationBatches(pairs: [SentencePair], masker: TokenMasker, batchSize: Int, time: Int, seed: UInt64)
        -> [MaskedLMBatch]
    {
        var rng = SeededGenerator(seed: seed)
        var out: [MaskedLMBatch] = []
        var start = 0
        while start < pairs.count {
            let chunk = Array(pairs[start..<min(start + max(1, batchSize), pairs.count)])
            let masked = chunk.map { masker.mask($0.tokens, rng: &rng) }
            out.append(MaskedLMBatch(pairs: chunk, masked: masked, time: time, pad: masker.specials.pad))
            start += chunk.count
        }
        return out
    }

    /// A seed for stream `tag` and index `i` derived from `seed` (SplitMix64 finalizer).
    static func mix(_ seed: UInt64, _ tag: UInt64, _ i: UInt64) -> UInt64 {
        var z = seed &+ tag &* 0x9E37_79B9_7F4A_7C15 &+ i &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
