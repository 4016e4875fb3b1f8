import TextNormalization

extension PipelineConfig {
    /// Options of the normalize stage.
    public struct NormalizeStage: Codable, Sendable, Equatable {
        /// `none`, `nfc`, `nfd`, `nfkc` or `nfkd` in JSON. Default: `nfkc`.
        public var form: NormalizationForm = .nfkc
        /// Lowercase everything. Default: false.
        public var lowercase = false
        /// BERT clean-up (drop control characters, unify whitespace; line ends kept). Default: true.
        public var clean = true
        /// Replace invalid UTF-8 with U+FFFD instead of stopping. Default: false.
        public var replaceInvalid = false
        /// The defaults.
        public init() {}
    }
}
