/// One sequence after masking: the model's input and, at the chosen positions, the original token.
public struct MaskedSequence: Sendable, Equatable {
    /// Label of positions that are not predicted (PyTorch's `ignore_index`).
    public static let ignoreLabel: Int32 = -100

    /// Input ids with the chosen positions replaced.
    public var inputs: [Int32]
    /// The original id at chosen positions, ``ignoreLabel`` elsewhere.
    public var labels: [Int32]

    /// Creates a masked sequence from its parts.
    public init(inputs: [Int32], labels: [Int32]) {
        self.inputs = inputs
        self.labels = labels
    }

    /// Positions that are predicted.
    public var maskedPositions: [Int] { labels.indices.filter { labels[$0] != Self.ignoreLabel } }
}
