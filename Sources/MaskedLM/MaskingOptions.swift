/// BERT's masking rule: choose a fraction of the (non-special) tokens to predict; of those, 80%
/// become `[MASK]`, 10% a random token and 10% stay as they are.
public struct MaskingOptions: Sendable, Equatable {
    /// Fraction of the non-special tokens to predict (BERT: 0.15).
    public var probability: Double
    /// Of the chosen tokens, the fraction replaced by `[MASK]` (BERT: 0.8).
    public var maskFraction: Double
    /// Of the chosen tokens, the fraction replaced by a random non-special token (BERT: 0.1); the rest stay.
    public var randomFraction: Double
    /// Whether a word's WordPiece continuation pieces (`##…`) are chosen together with its first piece.
    public var wholeWord: Bool
    /// At most this many predictions per sequence (nil: no cap).
    public var maxPredictions: Int?

    /// Creates options; ``validate()`` checks them.
    public init(
        probability: Double = 0.15, maskFraction: Double = 0.8, randomFraction: Double = 0.1, wholeWord: Bool = false,
        maxPredictions: Int? = nil
    ) {
        self.probability = probability
        self.maskFraction = maskFraction
        self.randomFraction = randomFraction
        self.wholeWord = wholeWord
        self.maxPredictions = maxPredictions
    }

    /// Throws when the fractions are not probabilities.
    public func validate() throws {
        if !(probability > 0 && probability <= 1) { throw MaskedLMError.invalidOption("mask probability \(probability) must be in (0, 1]") }
        if !(maskFraction >= 0 && randomFraction >= 0 && maskFraction + randomFraction <= 1) {
            throw MaskedLMError.invalidOption(
                "mask fraction \(maskFraction) and random fraction \(randomFraction) must be ≥ 0 with a sum ≤ 1")
        }
        if let m = maxPredictions, m < 1 { throw MaskedLMError.invalidOption("maxPredictions \(m) must be at least 1") }
    }
}
