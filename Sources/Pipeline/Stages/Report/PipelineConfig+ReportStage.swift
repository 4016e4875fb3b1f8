extension PipelineConfig {
    /// Options of the report.
    public struct ReportStage: Codable, Sendable, Equatable {
        /// Sentences shown tokenized, one colour per token. Default: an English and a Korean one.
        public var exampleSentences = [
            "The Queen of Hearts, she made some tarts, all on a summer day.",
            "모든 국민은 법 앞에 평등하다.",
        ]
        /// Tokens whose nearest Word2Vec neighbours are listed. Default: a few frequent words.
        public var neighbourTokens = [" king", " said", " Alice", " man", " God"]
        /// Frequent tokens placed on the PCA plot. Default: 150.
        public var pcaTokens = 150
        /// Text whose attention weights are drawn (last layer, first head). Default: a short sentence.
        public var attentionText = "Alice was beginning to get very tired"
        /// The defaults.
        public init() {}
    }
}
