import CKernels
import TensorOps

/// A mixture-of-experts FFN for `rows` tokens: a linear gate picks the top-k experts of each token
/// from `p = softmax(x·W_gᵀ)`; the output is `Σ_{i ∈ top-k} p_i · E_i(x)` with
/// `E_i(x) = act(x·W1_iᵀ + b1_i)·W2_iᵀ + b2_i`. The load-balancing loss (Switch Transformer) is
/// `α · E · Σ_e f_e · P_e` with `f_e` the fraction of routed slots sent to expert e and `P_e` the
/// mean gate probability of e; it is differentiated through `P_e`.
///
/// The object holds the routing and the per-expert activations of the last forward for backward.
public final class MixtureOfExperts {
    /// Token rows this instance is sized for.
    public let rows: Int
    let C: Int, F: Int, E: Int, K: Int
    let activation: Activation
    let auxWeight: Float

    // Forward state
    let probs: FloatBuffer  // [N, E]
    /// The expert chosen for each (token, slot) by the last forward, `[N, K]`.
    public private(set) var selected: [Int32]
    let gates: FloatBuffer  // [N, K]
    var rowSlot: [Int32]  // [N*K] slot (t*K+j) of each expert row, grouped by expert
    var expertStart: [Int]  // [E+1]
    let xe: FloatBuffer, he: FloatBuffer, ae: FloatBuffer, ye: FloatBuffer
    /// The auxiliary loss of the last forward (already multiplied by its weight).
    public private(set) var auxLoss: Float = 0
    var fraction: [Float]

    // Backward scratch
    let dye: FloatBuffer, dhe: FloatBuffer, dxe: FloatBuffer, dprobs: FloatBuffer

    /// Allocates state for `rows` tokens of width `dim`, with `experts` experts of hidden width
    /// `hidden`, `topK` of them per token, and load-balancing loss weight `auxLossWeight`.
    public init(dim: Int, hidden: Int, experts: Int, topK: Int, activation: Activation, auxLossWeight: Float, rows: Int) {
        self.rows = rows
        C = dim; F = hidden; E = experts; K = topK
        self.activation = activation
        auxWeight = auxLossWeight
        probs = FloatBuffer(count: rows * E)
        selected = [Int32](repeating: 0, count: rows * K)
        gates = FloatBuffer(count: rows * K)
        rowSlot = [Int32](repeating: 0, count: rows * K)
        expertStart = [Int](repeating: 0, count: E + 1)
        xe = FloatBuffer(count: rows * K * C); he = FloatBuffer(count: rows * K * F)
        ae = FloatBuffer(count: rows * K * F); ye = FloatBuffer(count: rows * K * C)
        dye = FloatBuffer(count: rows * K * C); dhe = FloatBuffer(count: rows * K * F)
        dxe = FloatBuffer(count: rows * K * C); dprobs = FloatBuffer(count: rows * E)
        fraction = [Float](repeating: 0, count: E)
    }

    // MARK: Forward

    /// `out[n, :] = MoE(inp[n, :])` for `n < count` (count ≤ rows). Parameters: gate `[E, C]`,
    /// fc `[E, F, C]` + `[E, F]`, proj `[E, C, F]` + `[E, C]`.
    public func forward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count N: Int,
        gate: UnsafePointer<Float>, fcw: UnsafePointer<Float>, fcb: UnsafePointer<Float>,
        projw: UnsafePointer<Float>, projb: UnsafePointer<Float>
    ) {
        precondition(N <= rows)
        Linear.forward(out: probs.pointer, inp: inp, weight: gate, bias: nil, rows: N, inChannels: C, outChannels: E)
        for n in 0..<N { tk_softmax(probs.pointer + n * E, probs.pointer + n * E, Int64(E)) }
        // top-k per token (ties: lower expert index first)
        var counts = [Int](repeating: 0, count: E)
        for n in 0..<N {
            let p = probs.pointer + n * E
            var taken = [Bool](repeating: false, count: E)
            for j in 0..<K {
                var best = -1
                for e in 0..<E where !taken[e] && (best < 0 || p[e] > p[best]) { best = e }
                taken[best] = true
                selected[n * K + j] = Int32(best)
                gates.pointer[n * K + j] = p[best]
                counts[best] += 1
            }
        }
        expertStart[0] = 0
        for e in 0..<E { expertStart[e + 1] = expertStart[e] + counts[e] }
        var fill = expertStart
        for s in 0..<(N * K) {
            let e = Int(selected[s])
            rowSlot[fill[e]] = Int32(s)
            fill[e] += 1
        }
        for r in 0..<(N * K) {
            let n = Int(rowSlot[r]) / K
            (xe.pointer + r * C).update(from: inp + n * C, count: C)
        }
        for e in 0..<E {
            let lo = expertStart[e], cnt = expertStart[e + 1] - lo
            guard cnt > 0 else { continue }
            Linear.forward(
                out: he.pointer + lo * F, inp: xe.pointer + lo * C, weight: fcw + e * F * C, bias: fcb + e * F,
                rows: cnt, inChannels: C, outChannels: F)
            activation.forward(out: ae.pointer + lo * F, inp: he.pointer + lo * F, count: cnt * F)
            Linear.forward(
                out: ye.pointer + lo * C, inp: ae.pointer + lo * F, weight: projw + e * C * F, bias: projb + e * C,
                rows: cnt, inChannels: F, outChannels: C)
        }
        out.update(repeating: 0, count: N * C)
        for r in 0..<(N * K) {
            let s = Int(rowSlot[r])
            tk_axpy(out + (s / K) * C, gates.pointer[s], ye.pointer + r * C, Int64(C))
        }
        // load balancing
        var aux: Double = 0
        for e in 0..<E {
            fraction[e] = Float(counts[e]) / Float(N * K)
            var pe: Double = 0
            for n in 0..<N { pe += Double(probs.pointer[n * E + e]) }
            aux += Double(fraction[e]) * pe / Double(N)
        }
        auxLoss = auxWeight * Float(E) * Float(aux)
    }

    // MARK: Backward

    /// Backward of the last ``forward(out:inp:count:gate:fcw:fcb:projw:projb:)``: `dinp += …`, parameter gradients accumulate.
    /// `auxScale` multiplies the auxiliary loss's gradient (1 when it is part of the loss).
    public func backward(
        dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, count N: Int,
        gate: UnsafePointer<Float>, fcw: UnsafePointer<Float>, projw: UnsafePointer<Float>,
        dgate: UnsafeMutablePointer<Float>, dfcw: UnsafeMutablePointer<Float>, dfcb: UnsafeMutablePointer<Float>,
        dprojw: UnsafeMutablePointer<Float>, dprojb: UnsafeMutablePointer<Float>, auxScale: Float = 1
    ) {
        dprobs.pointer.update(repeating: 0, count: N * E)
        for r in 0..<(N * K) {
            let s = Int(rowSlot[r]), n = s / K
            let e = Int(selected[s])
            dprobs.pointer[n * E + e] += Float(tk_dot(dout + n * C, ye.pointer + r * C, Int64(C)))
            let dy = dye.pointer + r * C
            dy.update(from: dout + n * C, count: C)
            tk_scale(dy, gates.pointer[s], Int64(C))
        }
        for e in 0..<E {
            let lo = expertStart[e], cnt = expertStart[e + 1] - lo
            guard cnt > 0 else { continue }
            let dh = dhe.pointer + lo * F
            Linear.backward(
                dinp: dh, dweight: dprojw + e * C * F, dbias: dprojb + e * C, dout: dye.pointer + lo * C,
                inp: ae.pointer + lo * F, weight: projw + e * C * F, rows: cnt, inChannels: F, outChannels: C,
                overwriteInput: true)
            activation.backward(dinp: dh, inp: he.pointer + lo * F, dout: dh, count: cnt * F)
            let dx = dxe.pointer + lo * C
            Linear.backward(
                dinp: dx, dweight: dfcw + e * F * C, dbias: dfcb + e * F, dout: dh, inp: xe.pointer + lo * C,
                weight: fcw + e * F * C, rows: cnt, inChannels: C, outChannels: F, overwriteInput: true)
        }
        for r in 0..<(N * K) {
            let n = Int(rowSlot[r]) / K
            tk_accumulate(dinp + n * C, dxe.pointer + r * C, Int64(C))
        }
        // auxiliary loss: d/dp[n,e] of α·E·Σ f_e·mean_n p[n,e]
        let coef = auxScale * auxWeight * Float(E) / Float(N)
        for n in 0..<N {
            let dp = dprobs.pointer + n * E, p = probs.pointer + n * E
            for e in 0..<E { dp[e] += coef * fraction[e] }
            var s: Float = 0
            for e in 0..<E { s += p[e] * dp[e] }
            for e in 0..<E { dp[e] = p[e] * (dp[e] - s) }  // now d(gate logits)
        }
        Linear.backward(
            dinp: dinp, dweight: dgate, dbias: nil, dout: dprobs.pointer, inp: inp, weight: gate,
            rows: N, inChannels: C, outChannels: E)
    }
}
