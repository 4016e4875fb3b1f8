import Foundation

/// The loss of the best context-free model: every target predicted from the token frequencies of
/// the training ids (add-one smoothed over the vocabulary). A trained LM must beat it.
public struct UnigramBaseline: Sendable {
    /// Add-one smoothed counts per id.
    public let counts: [Double]
    /// Their sum.
    public let total: Double

    /// Counts `trainingIDs` (ids at or above `vocabularySize` are skipped).
    public init(trainingIDs: [UInt32], vocabularySize: Int) {
        var counts = [Double](repeating: 1, count: vocabularySize)
        for id in trainingIDs where Int(id) < vocabularySize { counts[Int(id)] += 1 }
        self.counts = counts
        total = counts.reduce(0, +)
    }

    /// Mean `−log p(id)` in nats over `targets` (ids outside the vocabulary are skipped but
    /// counted, as by the pipeline before this type existed); 0 for no targets.
    public func loss(targets: [UInt32]) -> Double {
        var sum = 0.0
        for id in targets where Int(id) < counts.count { sum -= Foundation.log(counts[Int(id)] / total) }
        return sum / Double(max(targets.count, 1))
    }
}
