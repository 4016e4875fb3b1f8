// Tokenization: vocabulary training (BPE, WordPiece), encoding and tokenizer files.
// Built on TextNormalization's normalizer and pre-tokenizers.
@_exported import TextNormalization
