/// A corpus chrF score with its summed statistics.
public struct CHRFScore: Sendable, Equatable {
    /// chrF on a 0–100 scale.
    public var score: Double
    /// Per character n-gram order (1…6): hypothesis n-grams, reference n-grams, matches.
    public var statistics: [(hypothesis: Int, reference: Int, matched: Int)]

    /// Equal when the score and every statistic are equal.
    public static func == (lhs: CHRFScore, rhs: CHRFScore) -> Bool {
        lhs.score == rhs.score && lhs.statistics.count == rhs.statistics.count
            && zip(lhs.statistics, rhs.statistics).allSatisfy { $0 == $1 }
    }
}
