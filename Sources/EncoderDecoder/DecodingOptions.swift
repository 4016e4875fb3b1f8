/// How ``SequenceDecoder`` searches: greedy (`beamSize` 1) or beam search.
///
/// The output is at most `min(maxTargetLength − 1, ⌊maxLengthRatio · sourceLength⌋ + maxLengthOffset)`
/// tokens (source length counts the source ids with `<eos>`). Finished beam hypotheses are ranked by
/// `score / length^lengthPenalty` (Hugging Face's convention; the length counts `<eos>`), so 0
/// ranks by total log-probability and larger values favour longer outputs.
public struct DecodingOptions: Sendable, Equatable, Codable {
    /// Hypotheses kept per step; 1 is greedy search.
    public var beamSize: Int
    /// The exponent α of the length normalization.
    public var lengthPenalty: Double
    /// Output length limit relative to the source length.
    public var maxLengthRatio: Double
    /// Output length limit added to the relative one.
    public var maxLengthOffset: Int

    /// Creates options.
    public init(beamSize: Int = 1, lengthPenalty: Double = 1.0, maxLengthRatio: Double = 2.0, maxLengthOffset: Int = 10) {
        self.beamSize = beamSize
        self.lengthPenalty = lengthPenalty
        self.maxLengthRatio = maxLengthRatio
        self.maxLengthOffset = maxLengthOffset
    }

    /// Throws naming the first bad value.
    public func validate() throws(Seq2SeqError) {
        guard beamSize >= 1 else { throw .invalidConfig("beam size \(beamSize): expected at least 1") }
        guard lengthPenalty.isFinite else { throw .invalidConfig("length penalty \(lengthPenalty): expected a finite number") }
        guard maxLengthRatio.isFinite, maxLengthRatio >= 0 else {
            throw .invalidConfig("max length ratio \(maxLengthRatio): expected a number ≥ 0")
        }
        guard maxLengthOffset >= 0 else { throw .invalidConfig("max length offset \(maxLengthOffset): expected at least 0") }
    }

    /// The most output tokens for a source of `sourceLength` ids.
    public func maxOutputLength(sourceLength: Int, modelMaximum: Int) -> Int {
        let relative = Int((maxLengthRatio * Double(sourceLength)).rounded(.down)) + maxLengthOffset
        return max(1, min(modelMaximum - 1, relative))
    }
}
