import CKernels
import TensorOps

/// One recurrent layer run through time, as a forward/backward pair on flat buffers.
///
/// Parameters sit in one block in PyTorch's order and layout: `weight_ih [G·H, I]`,
/// `weight_hh [G·H, H]`, `bias_ih [G·H]`, `bias_hh [G·H]` (G = ``RecurrentCell/gateCount``).
/// Sequences are time-major: the input is `[T, B, I]` and the output `[T, B, H]`. The input part of
/// every gate for the whole window is one GEMM; only the hidden-to-hidden product runs per step.
public struct RecurrentLayer: Sendable, Equatable {
    /// The cell.
    public let cell: RecurrentCell
    /// Input features `I`.
    public let inputSize: Int
    /// Hidden units `H`.
    public let hiddenSize: Int

    /// Creates a layer shape.
    public init(cell: RecurrentCell, inputSize: Int, hiddenSize: Int) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
    }

    /// Rows of the stacked gate matrices, `G·H`.
    public var gateWidth: Int { cell.gateCount * hiddenSize }
    /// Offset of `weight_ih` in the layer's block.
    public var weightIHOffset: Int { 0 }
    /// Offset of `weight_hh`.
    public var weightHHOffset: Int { gateWidth * inputSize }
    /// Offset of `bias_ih`.
    public var biasIHOffset: Int { weightHHOffset + gateWidth * hiddenSize }
    /// Offset of `bias_hh`.
    public var biasHHOffset: Int { biasIHOffset + gateWidth }
    /// Floats in the layer's parameter block.
    public var parameterCount: Int { biasHHOffset + gateWidth }

    /// The layer's tensors with PyTorch's names for layer index `k`, shapes and offsets in the block.
    public func tensors(layerIndex k: Int) -> [(name: String, shape: [Int], offset: Int)] {
        [
            ("weight_ih_l\(k)", [gateWidth, inputSize], weightIHOffset),
            ("weight_hh_l\(k)", [gateWidth, hiddenSize], weightHHOffset),
            ("bias_ih_l\(k)", [gateWidth], biasIHOffset),
            ("bias_hh_l\(k)", [gateWidth], biasHHOffset),
        ]
    }

    /// Fills the block as PyTorch does: every tensor uniform in `[−1/√H, 1/√H]`.
    public func initialize(_ parameters: UnsafeMutablePointer<Float>, rng: inout SeededGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        for i in 0..<parameterCount { parameters[i] = (2 * rng.nextUniform() - 1) * bound }
    }

    // MARK: Forward

    /// Runs the window forward. `state.hidden[0]` (and `state.cells[0]` for the LSTM) hold the
    /// initial state; on return `state.hidden[1...T]` is the output `[T, B, H]` (``RecurrentLayerState/output``).
    public func forward(parameters p: UnsafePointer<Float>, input: UnsafePointer<Float>, state s: RecurrentLayerState) {
        precondition(s.layer == self, "RecurrentLayerState was made for another layer")
        let T = s.steps, B = s.batch, H = hiddenSize, GH = gateWidth, BH = B * H
        let wih = p + weightIHOffset, whh = p + weightHHOffset, bih = p + biasIHOffset, bhh = p + biasHHOffset
        let gates = s.gates.pointer, hidden = s.hidden.pointer, gemm = s.gemm
        // Input part of every gate for the whole window: one GEMM.
        gemm.linearForward(out: gates, inp: input, weight: wih, bias: bih, rows: T * B, inChannels: inputSize, outChannels: GH)
        if cell != .gru { tk_add_bias(gates, bhh, Int64(T * B), Int64(GH)) }
        // W_hhᵀ packed once for every step's product.
        gemm.prepare(transB: true, k: H, n: GH, b: whh, ldb: H)
        for t in 0..<T {
            let g = gates + t * B * GH, hPrev = hidden + t * BH, h = hidden + (t + 1) * BH
            switch cell {
            case .rnn:
                gemm.multiplyPrepared(m: B, a: hPrev, lda: H, beta: 1, c: g, ldc: GH)
                tk_tanh_forward(h, g, Int64(BH))
            case .lstm:
                gemm.multiplyPrepared(m: B, a: hPrev, lda: H, beta: 1, c: g, ldc: GH)
                let c = s.cells.pointer
                tk_lstm_cell_forward(g, c + (t + 1) * BH, h, c + t * BH, Int64(B), Int64(H))
            case .gru:
                let hg = s.hiddenGates.pointer + t * B * GH
                gemm.multiplyPrepared(m: B, a: hPrev, lda: H, beta: 0, c: hg, ldc: GH)
                tk_add_bias(hg, bhh, Int64(B), Int64(GH))
                tk_gru_cell_forward(g, hg, h, hPrev, Int64(B), Int64(H))
            }
        }
    }

    // MARK: Backward

    /// Backpropagates through the window run by the last ``forward(parameters:input:state:)``.
    ///
    /// - `dOutput` `[T, B, H]`: gradient of the loss at the outputs; it is used as scratch (the
    ///   recurrent gradient of each step is added into the previous step's row).
    /// - `gradients`: the layer's gradient block, accumulated into.
    /// - `dInput` `[T, B, I]`: overwritten (or accumulated into with `accumulateInput`); nil skips it.
    /// - `dCells` `[T, B, H]` (LSTM only): gradient of the loss at the cell states `c_1 … c_T`
    ///   beyond what flows through the outputs (e.g. a final cell state handed to a decoder); nil: none.
    /// - `dInitial` / `dInitialCell` `[B, H]`: overwritten with the gradient at the initial state
    ///   `h_0` / `c_0` (an encoder's final state handed to a decoder); nil treats the initial state
    ///   as a constant (truncated BPTT).
    public func backward(
        parameters p: UnsafePointer<Float>, gradients dp: UnsafeMutablePointer<Float>,
        input: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false,
        dOutput: UnsafeMutablePointer<Float>, state s: RecurrentLayerState, scratch: RecurrentScratch,
        dCells: UnsafePointer<Float>? = nil, dInitial: UnsafeMutablePointer<Float>? = nil,
        dInitialCell: UnsafeMutablePointer<Float>? = nil
    ) {
        precondition(s.layer == self, "RecurrentLayerState was made for another layer")
        let T = s.steps, B = s.batch, H = hiddenSize, GH = gateWidth, BH = B * H
        precondition(scratch.gateCount >= T * B * GH && scratch.hiddenCount >= BH, "RecurrentScratch is too small")
        let whh = p + weightHHOffset
        let gates = s.gates.pointer, hidden = s.hidden.pointer
        let dGates = scratch.gates.pointer
        let dHiddenGates = cell == .gru ? scratch.hiddenGates.pointer : dGates
        if cell == .lstm { scratch.cell.zero() }
        dInitial?.update(repeating: 0, count: BH)
        let gemm = s.gemm
        // W_hh packed once for every step's recurrent gradient.
        gemm.prepare(transB: false, k: GH, n: H, b: whh, ldb: H)
        for t in stride(from: T - 1, through: 0, by: -1) {
            let dh = dOutput + t * BH, hPrev = hidden + t * BH
            let dg = dGates + t * B * GH
            switch cell {
            case .rnn:
                tk_tanh_backward(dg, hidden + (t + 1) * BH, dh, Int64(BH))
            case .lstm:
                let c = s.cells.pointer
                if let dCells { tk_accumulate(scratch.cell.pointer, dCells + t * BH, Int64(BH)) }
                tk_lstm_cell_backward(dg, scratch.cell.pointer, dh, gates + t * B * GH, c + (t + 1) * BH, c + t * BH, Int64(B), Int64(H))
            case .gru:
                tk_gru_cell_backward(
                    dg, dHiddenGates + t * B * GH, t > 0 ? dOutput + (t - 1) * BH : dInitial, dh,
                    gates + t * B * GH, s.hiddenGates.pointer + t * B * GH, hPrev, Int64(B), Int64(H))
            }
            // Recurrent gradient into the previous step's output gradient: one GEMM per step.
            if t > 0 {
                gemm.multiplyPrepared(m: B, a: dHiddenGates + t * B * GH, lda: GH, beta: 1, c: dOutput + (t - 1) * BH, ldc: H)
            } else if let dInitial {
                gemm.multiplyPrepared(m: B, a: dHiddenGates, lda: GH, beta: 1, c: dInitial, ldc: H)
            }
        }
        if cell == .lstm, let dInitialCell { dInitialCell.update(from: scratch.cell.pointer, count: BH) }
        // Hidden-to-hidden weights and bias over the whole window.
        gemm.tn(GH, H, T * B, dHiddenGates, lda: GH, hidden, ldb: H, dp + weightHHOffset, ldc: H, beta: 1)
        tk_bias_backward(dp + biasHHOffset, dHiddenGates, Int64(T * B), Int64(GH))
        // Input weights, bias and the input gradient.
        gemm.linearBackward(
            dinp: dInput, dweight: dp + weightIHOffset, dbias: dp + biasIHOffset, dout: dGates, inp: input,
            weight: p + weightIHOffset, rows: T * B, inChannels: inputSize, outChannels: GH,
            overwriteInput: !accumulateInput)
    }
}
