/// What the skip-gram trainer reads: a stream of row ids cut into sentences, and per-row counts.
///
/// A row is a word (word mode, rows in descending frequency) or a tokenizer id (token mode, all
/// ids of the vocabulary). Rows with a count of 0 are never trained and keep their initial value.
/// The stream is held in memory (``ids``, ``sentenceStarts``) or read in place from a mapped
/// token shard (``shardStream``; then ``ids`` and ``sentenceStarts`` are empty).
public struct TrainingCorpus: Sendable {
    /// The token string of every row.
    public var tokens: [String]
    /// How often each row occurs in ``ids`` (0: not trained).
    public var counts: [Int]
    /// The training stream: row ids, only rows with a non-zero count.
    public var ids: [Int32]
    /// Sentence `s` is `ids[sentenceStarts[s] ..< sentenceStarts[s + 1]]`; the last entry is `ids.count`.
    public var sentenceStarts: [Int]
    /// The stream read from a mapped shard instead of ``ids``, or `nil`.
    public var shardStream: ShardSentenceStream?

    /// Creates a corpus; `sentenceStarts` begins with 0 and ends with `ids.count`.
    public init(tokens: [String], counts: [Int], ids: [Int32], sentenceStarts: [Int]) {
        self.tokens = tokens
        self.counts = counts
        self.ids = ids
        self.sentenceStarts = sentenceStarts
        self.shardStream = nil
    }

    /// Creates a corpus whose stream is read from a mapped shard.
    public init(tokens: [String], counts: [Int], shardStream: ShardSentenceStream) {
        self.tokens = tokens
        self.counts = counts
        self.ids = []
        self.sentenceStarts = [0, 0]
        self.shardStream = shardStream
    }

    /// Number of words in the stream (one epoch).
    public var wordCount: Int { shardStream?.words ?? ids.count }

    /// Number of rows of the embedding matrix.
    public var rowCount: Int { tokens.count }
    /// Number of sentences.
    public var sentenceCount: Int { shardStream?.sentenceCount ?? max(sentenceStarts.count - 1, 0) }
    /// Rows that training never updates (count 0), in ascending order.
    public var untrainedRows: [Int] { counts.indices.filter { counts[$0] == 0 } }
}
