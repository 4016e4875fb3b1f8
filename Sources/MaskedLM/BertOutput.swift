/// Losses and counts of one forward.
public struct BertOutput: Sendable, Equatable {
    /// Sum of the head losses below (what the backward differentiates).
    public var loss: Float = 0
    /// Mean MLM cross-entropy over the predicted positions (nil without MLM targets).
    public var maskedLoss: Float?
    /// Predicted positions.
    public var maskedCount = 0
    /// Predicted positions whose arg-max is the target.
    public var maskedCorrect = 0
    /// Mean NSP cross-entropy (nil without NSP targets).
    public var nextSentenceLoss: Float?
    /// Mean classification cross-entropy (nil without class targets).
    public var classLoss: Float?

    /// An empty output.
    public init() {}
}
