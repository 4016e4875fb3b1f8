/// What the skip-gram trainer reads: a stream of row ids cut into sentences, and per-row counts.
///
/// A row is a word (word mode, rows in descending frequency) or a tokenizer id (token mode, all
/// ids of the vocabulary). Rows with a count of 0 are never trained and keep their initial value.
public struct TrainingCorpus: Sendable {
    /// The token string of every row.
    public var tokens: [String]
    /// How often each row occurs in ``ids`` (0: not trained).
    public var counts: [Int]
    /// The training stream: row ids, only rows with a non-zero count.
    public var ids: [Int32]
    /// Sentence `s` is `ids[sentenceStarts[s] ..< sentenceStarts[s + 1]]`; the last entry is `ids.count`.
    public var sentenceStarts: [Int]

    /// Creates a corpus; `sentenceStarts` begins with 0 and ends with `ids.count`.
    public init(tokens: [String], counts: [Int], ids: [Int32], sentenceStarts: [Int]) {
        self.tokens = tokens
        self.counts = counts
        self.ids = ids
        self.sentenceStarts = sentenceStarts
    }

    /// Number of rows of the embedding matrix.
    public var rowCount: Int { tokens.count }
    /// Number of sentences.
    public var sentenceCount: Int { max(sentenceStarts.count - 1, 0) }
    /// Rows that training never updates (count 0), in ascending order.
    public var untrainedRows: [Int] { counts.indices.filter { counts[$0] == 0 } }
}
