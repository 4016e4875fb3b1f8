extension PipelineConfig {
    /// Options of the Word2Vec stage (the vector size is the LM's embedding width: `lm.dim` for the
    /// Transformer, `lm.embedDim` or `lm.hidden` for a recurrent model).
    public struct EmbeddingsStage: Codable, Sendable, Equatable {
        /// Train Word2Vec and initialize the LM's token embeddings from it. Default: true.
        public var enabled = true
        /// Context window. Default: 5.
        public var window = 5
        /// Negative samples per positive. Default: 5.
        public var negative = 5
        /// Sub-sampling threshold. Default: 0.001.
        public var sample = 0.001
        /// Ids seen fewer times keep a random initialization. Default: 2.
        public var minCount = 2
        /// Passes over the corpus. Default: 5.
        public var epochs = 5
        /// Initial learning rate. Default: 0.025.
        public var alpha = 0.025
        /// Training threads. Default: 2.
        public var threads = 2
        /// Random seed. Default: 1.
        public var seed = 1
        /// The defaults.
        public init() {}
    }
}
