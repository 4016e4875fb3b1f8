extension PipelineConfig {
    /// Options of the generate stage.
    public struct GenerateStage: Codable, Sendable, Equatable {
        /// Prompts, one sample each. Default: an English and a Korean one.
        public var prompts = ["Alice was beginning to", "대한민국은"]
        /// Tokens per sample. Default: 200.
        public var maxTokens = 200
        /// Sampling temperature. Default: 0.8.
        public var temperature = 0.8
        /// Sample among the k likeliest tokens (0: all). Default: 40.
        public var topK = 40
        /// Random seed. Default: 1.
        public var seed = 1
        /// The defaults.
        public init() {}
    }
}
