/// One encoded sentence pair: source ids ending in `<eos>`, target ids without `<bos>`/`<eos>`.
public struct TranslationExample: Sendable, Equatable {
    /// Source ids, `<eos>` last.
    public var source: [Int32]
    /// Target ids (the decoder input prepends `<bos>`, the labels append `<eos>`).
    public var target: [Int32]

    /// Creates an example.
    public init(source: [Int32], target: [Int32]) {
        self.source = source
        self.target = target
    }
}
