/// A corpus BLEU score with its sufficient statistics, as sacreBLEU's `BLEUScore` reports them.
public struct BLEUScore: Sendable, Equatable {
    /// BLEU on a 0–100 scale.
    public var score: Double
    /// Matched n-grams per order (1…4), clipped by the reference counts.
    public var counts: [Int]
    /// Hypothesis n-grams per order.
    public var totals: [Int]
    /// Precision per order on a 0–100 scale (after smoothing).
    public var precisions: [Double]
    /// The brevity penalty.
    public var brevityPenalty: Double
    /// Total hypothesis length in 13a tokens.
    public var hypothesisLength: Int
    /// Total reference length in 13a tokens.
    public var referenceLength: Int
}
