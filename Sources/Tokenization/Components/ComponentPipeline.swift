/// The components of a `tokenizer.json` around its model, composed as the file gives them:
/// normalizer, pre-tokenizer, post-processor and decoder (each may be a `Sequence`). A
/// ``Tokenizer`` that has one encodes and decodes through it (``PipelineEncoder``).
package struct ComponentPipeline: Sendable {
    package var normalizer: (any NormalizerComponent)?
    package var preTokenizer: (any PreTokenizerComponent)?
    package var postProcessor: (any PostProcessorComponent)?
    package var decoder: (any DecoderComponent)?
    /// Whether the tokenizer's own fast fields (``Tokenizer/preTokenization`` etc.) encode exactly
    /// as these components do, so the fast encoder runs instead of the general one.
    package var encodesWithFastPath = false
    /// For a SentencePiece `.model`: how `sentencepiece` itself encodes, used instead of the
    /// components above (which stay the `tokenizer.json` layout the model is written as).
    package var sentencePiece: SentencePieceCodec?

    package init(
        normalizer: (any NormalizerComponent)? = nil, preTokenizer: (any PreTokenizerComponent)? = nil,
        postProcessor: (any PostProcessorComponent)? = nil, decoder: (any DecoderComponent)? = nil
    ) {
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.decoder = decoder
    }
}
