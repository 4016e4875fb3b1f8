/// A padded batch of masked sequences `[B, T]` in row-major order.
public struct MaskedLMBatch: Sendable, Equatable {
    /// Sequences in the batch.
    public var batch: Int
    /// Padded length of each sequence.
    public var time: Int
    /// Input ids (masked), `[PAD]` after each sequence's end.
    public var inputs: [Int32]
    /// Segment ids (0 for `[CLS] A [SEP]`, 1 for `B [SEP]`, 0 on padding).
    public var segments: [Int32]
    /// Original ids at predicted positions, ``MaskedSequence/ignoreLabel`` elsewhere (padding included).
    public var labels: [Int32]
    /// Real (non-padding) length of each sequence.
    public var lengths: [Int]
    /// NSP label per sequence: 1 when B is random, 0 when it is the true next segment.
    public var nextSentenceLabels: [Int32]

    /// Creates a batch from its parts.
    public init(batch: Int, time: Int, inputs: [Int32], segments: [Int32], labels: [Int32], lengths: [Int], nextSentenceLabels: [Int32]) {
        self.batch = batch
        self.time = time
        self.inputs = inputs
        self.segments = segments
        self.labels = labels
        self.lengths = lengths
        self.nextSentenceLabels = nextSentenceLabels
    }

    /// Pads `pairs` (masked by `masked`) to `time` tokens each.
    public init(pairs: [SentencePair], masked: [MaskedSequence], time T: Int, pad: Int32) {
        batch = pairs.count
        time = T
        inputs = [Int32](repeating: pad, count: pairs.count * T)
        segments = [Int32](repeating: 0, count: pairs.count * T)
        labels = [Int32](repeating: MaskedSequence.ignoreLabel, count: pairs.count * T)
        lengths = []
        nextSentenceLabels = []
        for (b, pair) in pairs.enumerated() {
            let n = min(T, pair.tokens.count, masked[b].inputs.count)
            for t in 0..<n {
                inputs[b * T + t] = masked[b].inputs[t]
                segments[b * T + t] = pair.segments[t]
                labels[b * T + t] = masked[b].labels[t]
            }
            lengths.append(n)
            nextSentenceLabels.append(pair.isRandomNext ? 1 : 0)
        }
    }

    /// Number of predicted positions.
    public var maskedCount: Int { labels.reduce(0) { $1 == MaskedSequence.ignoreLabel ? $0 : $0 + 1 } }

    /// Tokens that are not padding.
    public var realTokens: Int { lengths.reduce(0, +) }
}
