/// How documents are cut into `[CLS] A [SEP] B [SEP]` pretraining pairs.
public struct PairBuildingOptions: Sendable, Equatable {
    /// Maximum sequence length, the three special tokens included.
    public var maxLength: Int
    /// Whether B is a random segment from another document half the time (next-sentence prediction).
    public var nextSentencePrediction: Bool
    /// Probability of a shorter target length (BERT uses 0.1), so the model also sees short sequences.
    public var shortSequenceProbability: Double
    /// Seed of the cuts, the random B segments and the truncation sides.
    public var seed: UInt64

    /// Creates options; ``validate()`` checks them.
    public init(maxLength: Int, nextSentencePrediction: Bool = false, shortSequenceProbability: Double = 0.1, seed: UInt64 = 1) {
        self.maxLength = maxLength
        self.nextSentencePrediction = nextSentencePrediction
        self.shortSequenceProbability = shortSequenceProbability
        self.seed = seed
    }

    /// Throws when the options cannot make a pair.
    public func validate() throws {
        if maxLength < 5 { throw MaskedLMError.invalidOption("maxLength \(maxLength) must be at least 5 ([CLS] A [SEP] B [SEP])") }
        if !(shortSequenceProbability >= 0 && shortSequenceProbability <= 1) {
            throw MaskedLMError.invalidOption("shortSequenceProbability \(shortSequenceProbability) must be in [0, 1]")
        }
    }
}
