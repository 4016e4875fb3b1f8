/// One source sentence and its translation.
public struct ParallelPair: Sendable, Equatable {
    /// The source side (English in the bundled corpus).
    public var source: String
    /// The target side (Korean in the bundled corpus).
    public var target: String

    /// Creates a pair.
    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }
}
