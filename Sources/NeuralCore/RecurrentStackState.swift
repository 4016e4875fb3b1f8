import TensorOps

/// Activations and gradient scratch of a ``RecurrentStack`` for windows of `steps × batch`.
public final class RecurrentStackState: @unchecked Sendable {
    /// The stack these buffers fit.
    public let stack: RecurrentStack
    /// Time steps `T`.
    public let steps: Int
    /// Sequences `B`.
    public let batch: Int
    /// Each layer's activations.
    public let layers: [RecurrentLayerState]
    /// The matrix products of every layer; set its `threads` to parallelize them.
    public let gemm: RecurrentGEMM
    /// Dropout masks (0 or 1/(1 − p)) on the outputs of layers `0 ..< L − 1`.
    package let masks: [FloatBuffer]
    /// The outputs of layers `0 ..< L − 1` after dropout.
    let dropped: [FloatBuffer]
    /// Gate-gradient scratch shared by the layers.
    let scratch: RecurrentScratch
    /// Two `[T, B, H]` buffers for the gradients passed down between layers.
    let gradientBuffers: [FloatBuffer]
    /// Whether the last forward applied dropout.
    var usedDropout = false

    /// Allocates zeroed buffers (the initial state is zero).
    public init(stack: RecurrentStack, steps: Int, batch: Int) {
        self.stack = stack
        self.steps = steps
        self.batch = batch
        let gemm = RecurrentGEMM(preparedCapacity: stack.layers.map(RecurrentLayerState.preparedCapacity).max() ?? 0)
        self.gemm = gemm
        layers = stack.layers.map { RecurrentLayerState(layer: $0, steps: steps, batch: batch, gemm: gemm) }
        let n = steps * batch * stack.hiddenSize
        let between = stack.dropout > 0 ? stack.layers.count - 1 : 0
        masks = (0..<between).map { _ in FloatBuffer(count: n) }
        dropped = (0..<between).map { _ in FloatBuffer(count: n) }
        scratch = RecurrentScratch(cell: stack.cell, hiddenSize: stack.hiddenSize, steps: steps, batch: batch)
        gradientBuffers = stack.layers.count > 1 ? [FloatBuffer(count: n), FloatBuffer(count: n)] : []
    }

    /// The top layer's outputs `[T, B, H]` after the last forward.
    public var output: UnsafeMutablePointer<Float> { layers[layers.count - 1].output }

    /// Sets every layer's initial state to zero.
    public func resetState() { for l in layers { l.resetState() } }

    /// Carries every layer's final state into the next window's initial state (truncated BPTT).
    public func carryState() { for l in layers { l.carryState() } }
}
