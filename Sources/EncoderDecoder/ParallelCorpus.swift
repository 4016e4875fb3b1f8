/// Sentence pairs read from a parallel corpus, with what reading skipped.
public struct ParallelCorpus: Sendable {
    /// The pairs, in file order.
    public var pairs: [ParallelPair]
    /// Pairs left out because their source or target was empty (only whitespace).
    public var skippedEmpty: Int
    /// The input files, for messages.
    public var origin: String

    /// Creates a corpus.
    public init(pairs: [ParallelPair], skippedEmpty: Int = 0, origin: String) {
        self.pairs = pairs
        self.skippedEmpty = skippedEmpty
        self.origin = origin
    }
}
