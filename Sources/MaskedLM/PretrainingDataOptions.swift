/// How pretraining documents become masked training batches and held-out batches with fixed
/// masks (see ``PretrainingData``).
public struct PretrainingDataOptions: Sendable, Equatable {
    /// Maximum sequence length, the three special tokens included (the model's context).
    public var maxLength: Int
    /// Whether B is a random segment half the time (next-sentence prediction).
    public var nextSentencePrediction: Bool
    /// Fraction of the non-special tokens to predict (BERT: 0.15).
    public var maskProbability: Double
    /// Whether a word's WordPiece pieces are masked together.
    public var wholeWord: Bool
    /// Sequences per batch.
    public var batchSize: Int
    /// Seed of the pairs (cuts, random B, truncation) and the training masks; the held-out masks
    /// use `seed + 1`.
    public var seed: UInt64

    /// Creates options; ``PretrainingData`` checks them.
    public init(
        maxLength: Int, nextSentencePrediction: Bool = false, maskProbability: Double = 0.15, wholeWord: Bool = false,
        batchSize: Int, seed: UInt64
    ) {
        self.maxLength = maxLength
        self.nextSentencePrediction = nextSentencePrediction
        self.maskProbability = maskProbability
        self.wholeWord = wholeWord
        self.batchSize = batchSize
        self.seed = seed
    }
}
