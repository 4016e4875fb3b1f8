/// What building pretraining pairs did to the corpus.
public struct PairBuildingReport: Sendable, Equatable {
    /// Pairs made.
    public var pairs = 0
    /// Pairs whose B segment is random (NSP negatives).
    public var randomNext = 0
    /// Pairs longer than the maximum that were truncated.
    public var truncatedPairs = 0
    /// Tokens removed by truncation.
    public var truncatedTokens = 0
    /// Segments (lines) longer than a whole sequence, cut into sequence-sized pieces first.
    public var splitSegments = 0
    /// Tokens in the documents (before pairing).
    public var corpusTokens = 0

    /// An empty report.
    public init() {}
}
