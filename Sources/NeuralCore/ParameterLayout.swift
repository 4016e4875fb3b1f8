/// Where each parameter tensor lives inside a model's one flat parameter buffer (llm.c style):
/// named tensors, in order, back to back. The gradient and optimizer buffers use the same layout.
public struct ParameterLayout: Sendable {
    /// One named tensor.
    public struct Entry: Sendable {
        /// Name (also the safetensors name).
        public let name: String
        /// Shape.
        public let shape: [Int]
        /// Offset in floats.
        public let offset: Int
        /// Number of floats.
        public var count: Int { shape.reduce(1, *) }
        /// Whether AdamW applies weight decay (matrices yes; biases and norms no).
        public var decays: Bool { shape.count >= 2 }
    }

    /// All tensors in order.
    public private(set) var entries: [Entry] = []
    /// Total number of floats.
    public private(set) var count = 0

    /// An empty layout.
    public init() {}

    /// Appends a tensor and returns its offset.
    @discardableResult
    public mutating func add(_ name: String, _ shape: [Int]) -> Int {
        let e = Entry(name: name, shape: shape, offset: count)
        entries.append(e)
        count += e.count
        return e.offset
    }
}
