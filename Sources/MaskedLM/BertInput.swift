/// A padded batch for the encoder: `[B, T]` token and segment ids, the real length of each
/// sequence, and the targets of whichever heads are trained.
public struct BertInput: Sendable {
    /// Sequences.
    public var batch: Int
    /// Padded length.
    public var time: Int
    /// Token ids `[B·T]`.
    public var tokens: [Int32]
    /// Segment ids `[B·T]`.
    public var segments: [Int32]
    /// Real length of each sequence; keys past it are padding.
    public var lengths: [Int]
    /// MLM targets `[B·T]`: the original id where predicted, ``MaskedSequence/ignoreLabel`` elsewhere.
    public var maskedLabels: [Int32]?
    /// NSP targets `[B]` (1 = random B).
    public var nextSentenceLabels: [Int32]?
    /// Class targets `[B]`.
    public var classLabels: [Int32]?

    /// Creates an input from its parts.
    public init(
        batch: Int, time: Int, tokens: [Int32], segments: [Int32], lengths: [Int], maskedLabels: [Int32]? = nil,
        nextSentenceLabels: [Int32]? = nil, classLabels: [Int32]? = nil
    ) {
        self.batch = batch
        self.time = time
        self.tokens = tokens
        self.segments = segments
        self.lengths = lengths
        self.maskedLabels = maskedLabels
        self.nextSentenceLabels = nextSentenceLabels
        self.classLabels = classLabels
    }

    /// A masked-LM training batch (with its NSP labels when `nextSentencePrediction`).
    public init(_ b: MaskedLMBatch, nextSentencePrediction: Bool) {
        self.init(
            batch: b.batch, time: b.time, tokens: b.inputs, segments: b.segments, lengths: b.lengths, maskedLabels: b.labels,
            nextSentenceLabels: nextSentencePrediction ? b.nextSentenceLabels : nil)
    }
}
