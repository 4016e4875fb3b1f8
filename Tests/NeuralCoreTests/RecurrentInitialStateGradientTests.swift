import Foundation
import NeuralCore
import TensorOps
import Testing

/// The gradient at a layer's initial state (`dInitial`, `dInitialCell` of `RecurrentLayer.backward`,
/// used when an encoder's final state starts a decoder) against central finite differences of the
/// float64 reference forward in `RecurrentReference`. The scalar is `L = Σ r ⊙ y` with random `r`.
/// (`dCells`, the gradient entering at cell states, is checked through whole encoder–decoders
/// against PyTorch in EncoderDecoderTests.)
@Suite struct RecurrentInitialStateGradientTests {
    @Test(arguments: RecurrentCell.allCases)
    func initialStateGradientMatchesFiniteDifferences(cell: RecurrentCell) throws {
        let (T, B, I, H) = (4, 2, 3, 3)
        var rng = SeededGenerator(seed: 77 + UInt64(cell.gateCount))
        let layer = RecurrentLayer(cell: cell, inputSize: I, hiddenSize: H)
        let params = FloatBuffer(RecurrentGradientTests.random(layer.parameterCount, &rng, std: 0.6))
        let x = RecurrentGradientTests.random(T * B * I, &rng), r = RecurrentGradientTests.random(T * B * H, &rng)
        let h0 = RecurrentGradientTests.random(B * H, &rng, std: 0.5)
        let c0 = cell == .lstm ? RecurrentGradientTests.random(B * H, &rng, std: 0.5) : [Float](repeating: 0, count: B * H)

        let state = RecurrentLayerState(layer: layer, steps: T, batch: B)
        state.hidden.pointer.update(from: h0, count: B * H)
        if cell == .lstm { state.cells.pointer.update(from: c0, count: B * H) }
        let input = FloatBuffer(x)
        layer.forward(parameters: params.pointer, input: input.pointer, state: state)
        let grads = FloatBuffer(count: layer.parameterCount), dOut = FloatBuffer(r)
        let dInitial = FloatBuffer([Float](repeating: 99, count: B * H))  // overwritten, not accumulated into
        let dInitialCell = FloatBuffer([Float](repeating: 99, count: B * H))
        let scratch = RecurrentScratch(cell: cell, hiddenSize: H, steps: T, batch: B)
        layer.backward(
            parameters: params.pointer, gradients: grads.pointer, input: input.pointer, dInput: nil, dOutput: dOut.pointer,
            state: state, scratch: scratch, dInitial: dInitial.pointer, dInitialCell: cell == .lstm ? dInitialCell.pointer : nil)

        let tensors = layer.tensors(layerIndex: 0)
        let pd = params.array.map(Double.init)
        let p = tensors.map { Array(pd[$0.offset..<($0.offset + $0.shape.reduce(1, *))]) }
        let xd = x.map(Double.init), rd = r.map(Double.init)
        func loss(_ h: [Double], _ c: [Double]) -> Double {
            let y = RecurrentReference.layer(cell, x: xd, p: p, h0: h, c0: c, T: T, B: B, I: I, H: H)
            return zip(y, rd).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let h0d = h0.map(Double.init), c0d = c0.map(Double.init)
        RecurrentGradientTests.expectClose(
            dInitial.array, RecurrentGradientTests.numericGradient(h0d) { loss($0, c0d) }, "\(cell) dInitial")
        if cell == .lstm {
            RecurrentGradientTests.expectClose(
                dInitialCell.array, RecurrentGradientTests.numericGradient(c0d) { loss(h0d, $0) }, "\(cell) dInitialCell")
        }
    }
}
