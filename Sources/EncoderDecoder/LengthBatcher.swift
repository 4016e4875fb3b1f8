import TensorOps

/// Groups examples of similar length into batches under a token budget.
///
/// Examples are ordered by (source length, target length) — ties in a seeded random order — and cut
/// greedily into batches whose padded size `sentences × max(longest source, longest target + 1)`
/// stays within `tokenBudget` (a single longer example still gets a batch of its own). Each epoch
/// visits the batches in a new seeded random order, so similar lengths share a batch (little
/// padding) while the order of batches is shuffled.
public struct LengthBatcher: Sendable {
    /// The batches, as indices into the examples.
    public let batches: [[Int]]

    /// Builds the batches.
    public init(examples: [TranslationExample], tokenBudget: Int, seed: UInt64) throws(Seq2SeqError) {
        guard tokenBudget >= 1 else { throw .invalidConfig("token budget \(tokenBudget): expected at least 1") }
        var rng = SeededGenerator(seed: seed)
        var order = Array(examples.indices)
        Self.shuffle(&order, &rng)
        order.sort { a, b in
            let ea = examples[a], eb = examples[b]
            if ea.source.count != eb.source.count { return ea.source.count < eb.source.count }
            return ea.target.count < eb.target.count
        }
        var batches: [[Int]] = []
        var current: [Int] = []
        var longest = 0
        for index in order {
            let length = max(examples[index].source.count, examples[index].target.count + 1)
            let widened = max(longest, length)
            if !current.isEmpty && widened * (current.count + 1) > tokenBudget {
                batches.append(current)
                current = []
                longest = 0
            }
            current.append(index)
            longest = max(longest, length)
        }
        if !current.isEmpty { batches.append(current) }
        self.batches = batches
    }

    /// The batch order of `epoch` (a permutation of `batches.indices`, seeded by `seed` and `epoch`).
    public func order(epoch: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1))
        var order = Array(batches.indices)
        Self.shuffle(&order, &rng)
        return order
    }

    /// Fisher–Yates with the project's generator (the standard library's shuffle may change between releases).
    static func shuffle(_ values: inout [Int], _ rng: inout SeededGenerator) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            values.swapAt(i, j)
        }
    }
}
