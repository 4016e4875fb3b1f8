import NeuralCore

extension PipelineConfig {
    /// Options of the recurrent baselines that `lm.baselines` names (the `baselines` stage): each is
    /// trained on the same shards, batch and context as the main model, for the same wall time.
    public struct BaselineStage: Codable, Sendable, Equatable {
        /// Recurrent layers. Default: 2.
        public var layers = 2
        /// Hidden units (= embedding width, tied head); 0 picks the size whose parameter
        /// count is closest to the main model's. Default: 0.
        public var hidden = 0
        /// Peak learning rate (recurrent models train well at a higher rate than the Transformer).
        /// Default: 0.01.
        public var lr = 0.01
        /// Training budget in seconds; 0 takes the main model's measured training time (equal wall
        /// time). Default: 0.
        public var seconds = 0.0

        /// The defaults.
        public init() {}
    }

    /// The architectures the baselines stage trains: `lm.baselines` without `lm.arch` itself (the
    /// main model already is that architecture, trained on the same tokens), in their order.
    public var baselineArchitectures: [LanguageModelArchitecture] { lm.baselines.filter { $0 != lm.arch } }
}
