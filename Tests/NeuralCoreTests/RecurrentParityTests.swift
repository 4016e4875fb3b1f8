import ArtifactIO
import Foundation
import NeuralCore
import TensorOps
import TestFixtures
import Testing

/// A 2-layer `torch.nn.RNN`/`LSTM`/`GRU` (float64 autograd, Fixtures/make_fixtures.py) against the
/// stack: output, loss `Σ y ⊙ r` and every gradient, to 1e-4 relative, with the weights loaded by
/// PyTorch's own names.
@Suite struct RecurrentParityTests {
    static func fixture(_ cell: RecurrentCell) throws -> SafeTensors {
        try SafeTensors.read(TestFixtures.path("stack_\(cell.rawValue).safetensors", in: "NeuralCoreTests"))
    }

    static func expectClose(_ got: [Float], _ expected: [Float], _ what: String) {
        #expect(got.count == expected.count, "\(what): \(got.count) vs \(expected.count) values")
        let scale = expected.map { abs($0) }.max() ?? 0
        var worst: Float = 0
        for (g, e) in zip(got, expected) { worst = max(worst, abs(g - e)) }
        #expect(scale > 0, "\(what): reference is all zero")
        #expect(worst <= 1e-4 * scale, "\(what): max |Δ| \(worst) vs max |ref| \(scale)")
    }

    @Test(arguments: RecurrentCell.allCases)
    func stackMatchesPyTorch(cell: RecurrentCell) throws {
        let file = try Self.fixture(cell)
        #expect(file.metadata["cell"] == cell.rawValue)
        func meta(_ key: String) throws -> Int { try #require(Int(file.metadata[key] ?? ""), "metadata \(key)") }
        let T = try meta("steps"), B = try meta("batch"), I = try meta("input"), H = try meta("hidden"), L = try meta("layers")
        let stack = RecurrentStack(cell: cell, inputSize: I, hiddenSize: H, layerCount: L)
        let params = FloatBuffer(count: stack.parameterCount), grads = FloatBuffer(count: stack.parameterCount)
        for e in stack.tensors() { try file.copyFloats(e.name, shape: e.shape, into: params.pointer + e.offset) }
        let state = RecurrentStackState(stack: stack, steps: T, batch: B)
        let h0 = try file.floats("h0", shape: [L, B, H])
        let c0 = cell == .lstm ? try file.floats("c0", shape: [L, B, H]) : []
        for k in 0..<L {
            state.layers[k].hidden.pointer.update(from: Array(h0[(k * B * H)..<((k + 1) * B * H)]), count: B * H)
            if cell == .lstm { state.layers[k].cells.pointer.update(from: Array(c0[(k * B * H)..<((k + 1) * B * H)]), count: B * H) }
        }
        let x = FloatBuffer(try file.floats("x", shape: [T, B, I])), r = try file.floats("r", shape: [T, B, H])
        var none: SeededGenerator? = nil
        stack.forward(parameters: params.pointer, input: x.pointer, state: state, dropoutRNG: &none)
        let y = Array(UnsafeBufferPointer(start: state.output, count: T * B * H))
        Self.expectClose(y, try file.floats("y", shape: [T, B, H]), "\(cell) output")
        #expect(r.count == y.count)
        let loss = zip(y, r).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let expectedLoss = try file.floats("loss")[0]
        #expect(abs(loss - expectedLoss) <= 1e-4 * max(1, abs(expectedLoss)), "\(cell) loss \(loss) vs \(expectedLoss)")

        let dOut = FloatBuffer(r), dx = FloatBuffer(count: T * B * I)
        stack.backward(
            parameters: params.pointer, gradients: grads.pointer, input: x.pointer, dInput: dx.pointer,
            dOutput: dOut.pointer, state: state)
        Self.expectClose(dx.array, try file.floats("grad.x", shape: [T, B, I]), "\(cell) grad.x")
        for e in stack.tensors() {
            let n = e.shape.reduce(1, *)
            Self.expectClose(
                Array(grads.array[e.offset..<(e.offset + n)]), try file.floats("grad." + e.name, shape: e.shape),
                "\(cell) grad.\(e.name)")
        }
    }
}
