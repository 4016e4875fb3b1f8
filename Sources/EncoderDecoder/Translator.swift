/// Text in, text out: encodes a sentence with the model's vocabulary (truncating it to the model's
/// maximum source length), decodes with ``SequenceDecoder``, and detokenizes. `translate` and
/// `evaluate-seq2seq` both go through this type, so they decode identically.
public struct Translator {
    /// The model.
    public let model: any Seq2SeqNetwork
    /// The joint vocabulary.
    public let vocabulary: TranslationVocabulary
    /// The search.
    public let decoder: SequenceDecoder

    /// Creates a translator.
    public init(model: any Seq2SeqNetwork, vocabulary: TranslationVocabulary, options: DecodingOptions) throws(Seq2SeqError) {
        self.model = model
        self.vocabulary = vocabulary
        decoder = try SequenceDecoder(model: model, options: options)
    }

    /// The source ids the model reads for `text` (`<eos>` last), and whether they were truncated.
    public func sourceIDs(_ text: String) -> (ids: [Int32], truncated: Bool) {
        var ids = vocabulary.encode(text)
        let limit = model.config.maxSourceLength - 1
        let truncated = ids.count > limit
        if truncated { ids.removeLast(ids.count - limit) }
        return (ids + [vocabulary.eosID], truncated)
    }

    /// The translation of `text`, and whether the source was truncated to the model's maximum.
    public func translate(_ text: String) -> (text: String, truncated: Bool) {
        let (ids, truncated) = sourceIDs(text)
        return (vocabulary.decode(decoder.decode(source: ids)), truncated)
    }
}
