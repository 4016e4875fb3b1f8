import TensorOps

/// The activations one ``RecurrentLayer`` keeps for a window of `steps × batch` (time-major).
///
/// `hidden` is `[T + 1, B, H]`: row 0 is the initial state, rows 1...T the outputs. The LSTM's
/// `cells` has the same shape. `gates` `[T, B, G·H]` holds the activated gates after the forward;
/// the GRU also keeps its hidden part `hiddenGates` `[T, B, 3H]` (W_hh h + b_hh).
public final class RecurrentLayerState: @unchecked Sendable {
    /// The layer these buffers fit.
    public let layer: RecurrentLayer
    /// Time steps `T`.
    public let steps: Int
    /// Sequences `B`.
    public let batch: Int
    /// Activated gates `[T, B, G·H]`.
    public let gates: FloatBuffer
    /// GRU only: `W_hh h + b_hh` per step, `[T, B, 3H]` (empty otherwise).
    public let hiddenGates: FloatBuffer
    /// Hidden states `[T + 1, B, H]`.
    public let hidden: FloatBuffer
    /// LSTM only: cell states `[T + 1, B, H]` (empty otherwise).
    public let cells: FloatBuffer
    /// The matrix products (shared by the layers of a stack); set its `threads` to parallelize them.
    public let gemm: RecurrentGEMM

    /// Allocates zeroed buffers (so the initial state is zero); `gemm` must hold a prepared
    /// ``RecurrentLayer/gateWidth`` × ``RecurrentLayer/hiddenSize`` matrix (a new one when nil).
    public init(layer: RecurrentLayer, steps: Int, batch: Int, gemm: RecurrentGEMM? = nil) {
        precondition(steps > 0 && batch > 0, "RecurrentLayerState needs steps and batch > 0")
        self.layer = layer
        self.steps = steps
        self.batch = batch
        let rows = steps * batch, bh = batch * layer.hiddenSize
        gates = FloatBuffer(count: rows * layer.gateWidth)
        hiddenGates = FloatBuffer(count: layer.cell == .gru ? rows * layer.gateWidth : 0)
        hidden = FloatBuffer(count: (steps + 1) * bh)
        cells = FloatBuffer(count: layer.cell.hasCellState ? (steps + 1) * bh : 0)
        self.gemm = gemm ?? RecurrentGEMM(preparedCapacity: Self.preparedCapacity(layer))
    }

    /// Floats the layer's prepared `W_hh` (either orientation) takes in a ``RecurrentGEMM``.
    public static func preparedCapacity(_ layer: RecurrentLayer) -> Int {
        max(
            RecurrentGEMM.preparedFloats(k: layer.hiddenSize, n: layer.gateWidth),
            RecurrentGEMM.preparedFloats(k: layer.gateWidth, n: layer.hiddenSize))
    }

    /// The outputs `h_1 … h_T`, `[T, B, H]`.
    public var output: UnsafeMutablePointer<Float> { hidden.pointer + batch * layer.hiddenSize }

    /// Sets the initial state to zero.
    public func resetState() {
        let bh = batch * layer.hiddenSize
        hidden.pointer.update(repeating: 0, count: bh)
        if layer.cell.hasCellState { cells.pointer.update(repeating: 0, count: bh) }
    }

    /// Makes the last step's state the initial state of the next window (truncated BPTT).
    public func carryState() {
        let bh = batch * layer.hiddenSize
        hidden.pointer.update(from: hidden.pointer + steps * bh, count: bh)
        if layer.cell.hasCellState { cells.pointer.update(from: cells.pointer + steps * bh, count: bh) }
    }
}
