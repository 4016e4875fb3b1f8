/// A ``DecoderSession`` that keeps only the prefixes and asks the model for
/// ``TranslationModel/nextLogProbabilities(source:prefixes:)`` on the whole prefixes at every step
/// (no cache): the reference the cached Transformer session is tested against, and the session of
/// models without one.
public final class PrefixDecoderSession: DecoderSession {
    /// The model.
    public let model: any TranslationModel
    /// The encoded source.
    public let source: EncodedSource
    /// The live hypotheses' tokens, `<bos>` first.
    public private(set) var prefixes: [[Int32]] = [[]]

    /// Starts a session with one empty hypothesis.
    public init(model: any TranslationModel, source: EncodedSource) {
        self.model = model
        self.source = source
    }

    /// Extends the hypotheses and recomputes the decoder over each whole prefix.
    public func step(parents: [Int], tokens: [Int32]) -> [[Float]] {
        prefixes = zip(parents, tokens).map { parent, token in prefixes[parent] + [token] }
        return model.nextLogProbabilities(source: source, prefixes: prefixes)
    }
}
