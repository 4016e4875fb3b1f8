import TensorOps

/// Gradient scratch for ``RecurrentLayer/backward(parameters:gradients:input:dInput:accumulateInput:dOutput:state:scratch:dCells:dInitial:dInitialCell:)``,
/// shareable by every layer of a stack that is no wider than it.
public final class RecurrentScratch: @unchecked Sendable {
    /// Pre-activation gate gradients `[T, B, G·H]` (the GRU's input part).
    public let gates: FloatBuffer
    /// GRU only: gradients of the hidden part `[T, B, 3H]`.
    public let hiddenGates: FloatBuffer
    /// LSTM only: the running gradient at the cell state `[B, H]`.
    public let cell: FloatBuffer

    /// Floats in ``gates``.
    public var gateCount: Int { gates.count }
    /// Floats in ``cell`` (or `B·H` where the cell has no cell state).
    public let hiddenCount: Int

    /// Scratch for layers of `cell` with `hidden` units over `steps × batch`.
    public init(cell: RecurrentCell, hiddenSize: Int, steps: Int, batch: Int) {
        let rows = steps * batch, width = cell.gateCount * hiddenSize
        gates = FloatBuffer(count: rows * width)
        hiddenGates = FloatBuffer(count: cell == .gru ? rows * width : 0)
        self.cell = FloatBuffer(count: cell.hasCellState ? batch * hiddenSize : 0)
        hiddenCount = batch * hiddenSize
    }
}
