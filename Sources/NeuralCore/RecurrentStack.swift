import TensorOps

/// Stacked recurrent layers of one cell, as `torch.nn.RNN`/`LSTM`/`GRU` with `num_layers` and
/// `dropout`: layer `k > 0` reads layer `k − 1`'s output, with dropout between layers (not after
/// the last) while training.
///
/// The parameter block is the layers' blocks one after another, each in PyTorch's order
/// (``RecurrentLayer``); ``tensors()`` names them `weight_ih_l{k}` … `bias_hh_l{k}`.
public struct RecurrentStack: Sendable, Equatable {
    /// The cell of every layer.
    public let cell: RecurrentCell
    /// Input features of layer 0.
    public let inputSize: Int
    /// Hidden units of every layer.
    public let hiddenSize: Int
    /// The layers, bottom first.
    public let layers: [RecurrentLayer]
    /// Dropout probability on the outputs of every layer but the last (training only).
    public let dropout: Float

    /// Creates a stack; sizes must be positive and `dropout` in `[0, 1)`.
    public init(cell: RecurrentCell, inputSize: Int, hiddenSize: Int, layerCount: Int, dropout: Float = 0) {
        precondition(inputSize > 0 && hiddenSize > 0 && layerCount > 0, "RecurrentStack sizes must be positive")
        precondition(dropout >= 0 && dropout < 1, "RecurrentStack dropout must be in [0, 1)")
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.dropout = dropout
        layers = (0..<layerCount).map { RecurrentLayer(cell: cell, inputSize: $0 == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize) }
    }

    /// Offset of layer `k`'s block.
    public func parameterOffset(layer k: Int) -> Int { layers[..<k].reduce(0) { $0 + $1.parameterCount } }

    /// Floats in the whole block.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Every tensor with PyTorch's name, shape and offset in the block.
    public func tensors() -> [(name: String, shape: [Int], offset: Int)] {
        layers.indices.flatMap { k in
            let base = parameterOffset(layer: k)
            return layers[k].tensors(layerIndex: k).map { ($0.name, $0.shape, base + $0.offset) }
        }
    }

    /// PyTorch's initialization of every layer.
    public func initialize(_ parameters: UnsafeMutablePointer<Float>, rng: inout SeededGenerator) {
        for k in layers.indices { layers[k].initialize(parameters + parameterOffset(layer: k), rng: &rng) }
    }

    /// Runs the stack over `input` `[T, B, I]`; the result is ``RecurrentStackState/output``.
    /// With `dropoutRNG` and `dropout > 0`, masks are drawn from it (training); otherwise none.
    public func forward(
        parameters p: UnsafePointer<Float>, input: UnsafePointer<Float>, state s: RecurrentStackState,
        dropoutRNG: inout SeededGenerator?
    ) {
        precondition(s.stack == self, "RecurrentStackState was made for another stack")
        let n = s.steps * s.batch * hiddenSize
        s.usedDropout = dropout > 0 && dropoutRNG != nil
        var x = input
        for k in layers.indices {
            layers[k].forward(parameters: p + parameterOffset(layer: k), input: x, state: s.layers[k])
            x = UnsafePointer(s.layers[k].output)
            if k + 1 < layers.count, s.usedDropout, var rng = dropoutRNG {
                Dropout.fillMask(s.masks[k], probability: dropout, rng: &rng)
                dropoutRNG = rng
                let dropped = s.dropped[k].pointer
                dropped.update(from: x, count: n)
                Dropout.forward(dropped, mask: s.masks[k].pointer, count: n)
                x = UnsafePointer(dropped)
            }
        }
    }

    /// Backpropagates the last forward. `dOutput` `[T, B, H]` (gradient at the top layer's output)
    /// is used as scratch; `gradients` is accumulated into; `dInput` `[T, B, I]` is overwritten
    /// (accumulated into with `accumulateInput`), or skipped when nil.
    public func backward(
        parameters p: UnsafePointer<Float>, gradients dp: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
        dInput: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false,
        dOutput: UnsafeMutablePointer<Float>, state s: RecurrentStackState
    ) {
        precondition(s.stack == self, "RecurrentStackState was made for another stack")
        let n = s.steps * s.batch * hiddenSize
        var dOut = dOutput
        for k in layers.indices.reversed() {
            let layerInput: UnsafePointer<Float>
            if k == 0 {
                layerInput = input
            } else {
                layerInput = UnsafePointer(s.usedDropout ? s.dropped[k - 1].pointer : s.layers[k - 1].output)
            }
            let dIn: UnsafeMutablePointer<Float>? = k == 0 ? dInput : s.gradientBuffers[k % 2].pointer
            layers[k].backward(
                parameters: p + parameterOffset(layer: k), gradients: dp + parameterOffset(layer: k), input: layerInput,
                dInput: dIn, accumulateInput: k == 0 && accumulateInput, dOutput: dOut, state: s.layers[k],
                scratch: s.scratch)
            if k > 0, let dIn {
                if s.usedDropout { Dropout.backward(dIn, mask: s.masks[k - 1].pointer, count: n) }
                dOut = dIn
            }
        }
    }
}
