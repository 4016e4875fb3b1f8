/// A padded batch of translation examples, row-major `[batch, time]`.
///
/// Source rows are `ids… <eos> <pad>…`; decoder input rows are `<bos> ids… <pad>…`; label rows are
/// `ids… <eos>` followed by ``ignoreIndex`` where the decoder input is padding, so padded positions
/// contribute no loss. The lengths give the padding masks.
public struct TranslationBatch: Sendable, Equatable {
    /// The label of a padded position (PyTorch's default ignore index).
    public static let ignoreIndex: Int32 = -100

    /// Sentences in the batch.
    public var batch: Int
    /// Padded source length.
    public var sourceTime: Int
    /// Padded target length.
    public var targetTime: Int
    /// `[batch, sourceTime]` source ids.
    public var source: [Int32]
    /// Real source positions per sentence.
    public var sourceLengths: [Int]
    /// `[batch, targetTime]` decoder input ids.
    public var decoderInput: [Int32]
    /// `[batch, targetTime]` labels.
    public var labels: [Int32]
    /// Real target positions per sentence.
    public var targetLengths: [Int]

    /// Pads `examples` into one batch with the vocabulary's special tokens.
    public init(_ examples: [TranslationExample], vocabulary: TranslationVocabulary) {
        self.init(examples, padID: vocabulary.padID, bosID: vocabulary.bosID, eosID: vocabulary.eosID)
    }

    /// Pads `examples` into one batch with the given special-token ids.
    public init(_ examples: [TranslationExample], padID: Int32, bosID: Int32, eosID: Int32) {
        batch = examples.count
        sourceLengths = examples.map(\.source.count)
        targetLengths = examples.map { $0.target.count + 1 }
        sourceTime = sourceLengths.max() ?? 0
        targetTime = targetLengths.max() ?? 0
        source = [Int32](repeating: padID, count: batch * sourceTime)
        decoderInput = [Int32](repeating: padID, count: batch * targetTime)
        labels = [Int32](repeating: Self.ignoreIndex, count: batch * targetTime)
        for (b, example) in examples.enumerated() {
            for (t, id) in example.source.enumerated() { source[b * sourceTime + t] = id }
            decoderInput[b * targetTime] = bosID
            for (t, id) in example.target.enumerated() {
                decoderInput[b * targetTime + t + 1] = id
                labels[b * targetTime + t] = id
            }
            labels[b * targetTime + example.target.count] = eosID
        }
    }

    /// Labels that count for the loss.
    public var labelCount: Int { targetLengths.reduce(0, +) }
}
