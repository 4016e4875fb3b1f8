import Foundation
import NeuralCore

/// A float64 forward of a recurrent stack written out from the formulas (PyTorch's), for the
/// finite-difference tests. Everything is time-major: `x` `[T, B, I]`, output `[T, B, H]`.
enum RecurrentReference {
    static func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }

    /// `W[rows, cols] · v[cols]` plus `b`, for one row block of `W` starting at row `r0`.
    static func affine(_ w: [Double], _ b: [Double], row r0: Int, cols: Int, _ v: ArraySlice<Double>) -> Double {
        var s = b[r0]
        var j = v.startIndex
        for c in 0..<cols { s += w[r0 * cols + c] * v[j]; j += 1 }
        return s
    }

    /// One layer. `p` = [weight_ih, weight_hh, bias_ih, bias_hh]; `h0`, `c0` `[B, H]`.
    static func layer(
        _ cell: RecurrentCell, x: [Double], p: [[Double]], h0: [Double], c0: [Double],
        T: Int, B: Int, I: Int, H: Int
    ) -> [Double] {
        let (wih, whh, bih, bhh) = (p[0], p[1], p[2], p[3])
        var h = h0, c = c0
        var out = [Double]()
        for t in 0..<T {
            var hNew = [Double](repeating: 0, count: B * H), cNew = c
            for b in 0..<B {
                let xv = x[((t * B + b) * I)..<((t * B + b + 1) * I)]
                let hv = h[(b * H)..<((b + 1) * H)]
                for j in 0..<H {
                    func xa(_ g: Int) -> Double { affine(wih, bih, row: g * H + j, cols: I, xv) }
                    func ha(_ g: Int) -> Double { affine(whh, bhh, row: g * H + j, cols: H, hv) }
                    switch cell {
                    case .rnn:
                        hNew[b * H + j] = tanh(xa(0) + ha(0))
                    case .lstm:
                        let i = sigmoid(xa(0) + ha(0)), f = sigmoid(xa(1) + ha(1))
                        let g = tanh(xa(2) + ha(2)), o = sigmoid(xa(3) + ha(3))
                        cNew[b * H + j] = f * c[b * H + j] + i * g
                        hNew[b * H + j] = o * tanh(cNew[b * H + j])
                    case .gru:
                        let r = sigmoid(xa(0) + ha(0)), z = sigmoid(xa(1) + ha(1))
                        let n = tanh(xa(2) + r * ha(2))
                        hNew[b * H + j] = (1 - z) * n + z * h[b * H + j]
                    }
                }
            }
            h = hNew
            c = cNew
            out += h
        }
        return out
    }

    /// The stack: `params[k]` are layer `k`'s four tensors; `masks[k]` multiplies layer `k`'s output
    /// (dropout between layers) when present.
    static func stack(
        _ cell: RecurrentCell, x: [Double], params: [[[Double]]], h0: [[Double]], c0: [[Double]],
        masks: [[Double]], T: Int, B: Int, I: Int, H: Int
    ) -> [Double] {
        var v = x
        for k in params.indices {
            v = layer(cell, x: v, p: params[k], h0: h0[k], c0: c0[k], T: T, B: B, I: k == 0 ? I : H, H: H)
            if k < masks.count { v = zip(v, masks[k]).map { $0 * $1 } }
        }
        return v
    }
}
