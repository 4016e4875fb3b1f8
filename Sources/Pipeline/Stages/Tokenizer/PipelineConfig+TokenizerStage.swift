import Tokenization

extension PipelineConfig {
    /// Options of the tokenizer stage.
    public struct TokenizerStage: Codable, Sendable, Equatable {
        /// `byte-bpe`, `bpe` or `wordpiece` in JSON. Default: `byte-bpe`.
        public var model: TokenizerRecipe.Kind = .byteBPE
        /// Vocabulary size, special tokens included. Default: 4096.
        public var vocabSize = 4096
        /// Least count of a pair to be merged. Default: 2.
        public var minFrequency = 2
        /// Special tokens, given the first ids. Default: `["<|endoftext|>"]`.
        public var specialTokens = ["<|endoftext|>"]
        /// The defaults.
        public init() {}
    }
}
