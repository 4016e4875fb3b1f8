import Foundation
import NeuralCore
import TensorOps
import Testing

/// Backward through time of every cell (float32 kernels) against central finite differences of the
/// float64 reference forward in `RecurrentReference`, for a 2-layer stack with a non-zero initial
/// state, with and without dropout between the layers. The scalar is `L = Σ r ⊙ y` with random `r`.
@Suite struct RecurrentGradientTests {
    static let T = 4, B = 2, I = 3, H = 3, L = 2

    static func random(_ n: Int, _ rng: inout SeededGenerator, std: Float = 1) -> [Float] {
        (0..<n).map { _ in std * rng.nextNormal() }
    }

    /// Central differences of `f` with respect to every element of `x`, in Double.
    static func numericGradient(_ x: [Double], eps: Double = 1e-6, _ f: ([Double]) -> Double) -> [Double] {
        var x = x
        return x.indices.map { i in
            let old = x[i]
            x[i] = old + eps; let plus = f(x)
            x[i] = old - eps; let minus = f(x)
            x[i] = old
            return (plus - minus) / (2 * eps)
        }
    }

    static func expectClose(_ analytic: [Float], _ numeric: [Double], _ what: String, tolerance: Double = 2e-3) {
        #expect(analytic.count == numeric.count, "\(what): \(analytic.count) vs \(numeric.count) values")
        let scale = numeric.map { abs($0) }.max() ?? 0
        var worst = 0.0
        for (a, n) in zip(analytic, numeric) { worst = max(worst, abs(Double(a) - n)) }
        #expect(scale > 0, "\(what): gradient is zero")
        #expect(worst <= tolerance * scale, "\(what): max |analytic - numeric| = \(worst), max |numeric| = \(scale)")
    }

    @Test(arguments: RecurrentCell.allCases, [Float(0), 0.3])
    func backwardThroughTimeMatchesFiniteDifferences(cell: RecurrentCell, dropout: Float) throws {
        let (T, B, I, H, L) = (Self.T, Self.B, Self.I, Self.H, Self.L)
        let seed: UInt64 = 42 + UInt64(cell.gateCount) + (dropout > 0 ? 100 : 0)
        var rng = SeededGenerator(seed: seed)
        let stack = RecurrentStack(cell: cell, inputSize: I, hiddenSize: H, layerCount: L, dropout: dropout)
        let params = FloatBuffer(Self.random(stack.parameterCount, &rng, std: 0.6))
        let grads = FloatBuffer(count: stack.parameterCount)
        let x = Self.random(T * B * I, &rng), r = Self.random(T * B * H, &rng)
        let h0 = (0..<L).map { _ in Self.random(B * H, &rng, std: 0.5) }
        let c0 = (0..<L).map { _ in cell == .lstm ? Self.random(B * H, &rng, std: 0.5) : [Float](repeating: 0, count: B * H) }

        let state = RecurrentStackState(stack: stack, steps: T, batch: B)
        for k in 0..<L {
            state.layers[k].hidden.pointer.update(from: h0[k], count: B * H)
            if cell == .lstm { state.layers[k].cells.pointer.update(from: c0[k], count: B * H) }
        }
        var dropoutRNG: SeededGenerator? = dropout > 0 ? SeededGenerator(seed: seed + 1) : nil
        let input = FloatBuffer(x)
        stack.forward(parameters: params.pointer, input: input.pointer, state: state, dropoutRNG: &dropoutRNG)
        let y = Array(UnsafeBufferPointer(start: state.output, count: T * B * H))
        let masks = state.masks.map { $0.array.map(Double.init) }
        #expect(masks.count == (dropout > 0 ? L - 1 : 0))
        if dropout > 0 { #expect(masks[0].contains(0) && masks[0].contains { $0 > 1 }, "seed \(seed): dropout mask is trivial") }

        let dOut = FloatBuffer(r), dInput = FloatBuffer(count: T * B * I)
        stack.backward(
            parameters: params.pointer, gradients: grads.pointer, input: input.pointer, dInput: dInput.pointer,
            dOutput: dOut.pointer, state: state)

        // The float64 reference, as a function of (x, every tensor).
        let tensors = stack.tensors()
        let pd = params.array.map(Double.init), xd = x.map(Double.init), rd = r.map(Double.init)
        let h0d = h0.map { $0.map(Double.init) }, c0d = c0.map { $0.map(Double.init) }
        func unpack(_ flat: [Double]) -> [[[Double]]] {
            (0..<L).map { k in
                (0..<4).map { j in
                    let e = tensors[k * 4 + j]
                    return Array(flat[e.offset..<(e.offset + e.shape.reduce(1, *))])
                }
            }
        }
        func forward(_ xv: [Double], _ pv: [Double]) -> [Double] {
            RecurrentReference.stack(cell, x: xv, params: unpack(pv), h0: h0d, c0: c0d, masks: masks, T: T, B: B, I: I, H: H)
        }
        func loss(_ xv: [Double], _ pv: [Double]) -> Double { zip(rd, forward(xv, pv)).reduce(0) { $0 + $1.0 * $1.1 } }

        let reference = forward(xd, pd)
        #expect(reference.count == y.count)
        let forwardError = zip(y, reference).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(forwardError < 1e-5, "seed \(seed) \(cell): forward differs by \(forwardError)")

        Self.expectClose(dInput.array, Self.numericGradient(xd) { loss($0, pd) }, "seed \(seed) \(cell) dropout \(dropout) dx")
        let numeric = Self.numericGradient(pd) { loss(xd, $0) }
        for e in tensors {
            let n = e.shape.reduce(1, *)
            Self.expectClose(
                Array(grads.array[e.offset..<(e.offset + n)]), Array(numeric[e.offset..<(e.offset + n)]),
                "seed \(seed) \(cell) dropout \(dropout) \(e.name)")
        }
    }

    @Test(arguments: RecurrentCell.allCases)
    func carriedStateContinuesTheSequence(cell: RecurrentCell) {
        // Two windows of 3 steps with the state carried equal one window of 6 steps.
        let stack = RecurrentStack(cell: cell, inputSize: 3, hiddenSize: 4, layerCount: 2)
        var rng = SeededGenerator(seed: 7)
        let params = FloatBuffer(count: stack.parameterCount)
        stack.initialize(params.pointer, rng: &rng)
        let x = FloatBuffer(Self.random(6 * 2 * 3, &rng))
        var none: SeededGenerator? = nil
        let whole = RecurrentStackState(stack: stack, steps: 6, batch: 2)
        stack.forward(parameters: params.pointer, input: x.pointer, state: whole, dropoutRNG: &none)
        let halves = RecurrentStackState(stack: stack, steps: 3, batch: 2)
        stack.forward(parameters: params.pointer, input: x.pointer, state: halves, dropoutRNG: &none)
        let first = Array(UnsafeBufferPointer(start: halves.output, count: 3 * 2 * 4))
        halves.carryState()
        stack.forward(parameters: params.pointer, input: x.pointer + 3 * 2 * 3, state: halves, dropoutRNG: &none)
        let second = Array(UnsafeBufferPointer(start: halves.output, count: 3 * 2 * 4))
        let expected = Array(UnsafeBufferPointer(start: whole.output, count: 6 * 2 * 4))
        #expect(first + second == expected)
    }
}
