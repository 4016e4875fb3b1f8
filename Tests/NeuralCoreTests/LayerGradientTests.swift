import CKernels
import Foundation
import NeuralCore
import TensorOps
import Testing

/// Every layer's backward (float32 kernels) against central finite differences of a float64
/// forward of the same layer written here, on small random inputs. The scalar checked is
/// `L = Σ r ⊙ layer(x)` with random `r` (cross-entropy: its own mean loss).
@Suite struct LayerGradientTests {
    // MARK: Helpers

    static func random(_ n: Int, _ rng: inout SeededGenerator, std: Float = 1, mean: Float = 0) -> [Float] {
        (0..<n).map { _ in mean + std * rng.nextNormal() }
    }

    /// Central differences of `f` with respect to every element of `x[k]`, in Double.
    static func numericGradient(_ x: [[Double]], _ k: Int, eps: Double = 1e-5, _ f: ([[Double]]) -> Double) -> [Double] {
        var x = x
        return (0..<x[k].count).map { i in
            let old = x[k][i]
            x[k][i] = old + eps; let plus = f(x)
            x[k][i] = old - eps; let minus = f(x)
            x[k][i] = old
            return (plus - minus) / (2 * eps)
        }
    }

    static func expectClose(_ analytic: [Float], _ numeric: [Double], _ what: String, tolerance: Double = 2e-3) {
        let scale = numeric.map { abs($0) }.max() ?? 0
        var worst = 0.0
        #expect(analytic.count == numeric.count, "\(what): \(analytic.count) analytic vs \(numeric.count) numeric values")
        for (a, n) in zip(analytic, numeric) { worst = max(worst, abs(Double(a) - n)) }
        #expect(scale > 0, "\(what): gradient is zero")
        #expect(worst <= tolerance * scale + 1e-6, "\(what): max |analytic - numeric| = \(worst), max |numeric| = \(scale)")
    }

    static func dot(_ r: [Double], _ y: [Double]) -> Double { zip(r, y).reduce(0) { $0 + $1.0 * $1.1 } }

    // float64 reference forwards
    static func linear(_ x: [Double], _ w: [Double], _ b: [Double]?, rows: Int, ic: Int, oc: Int) -> [Double] {
        var y = [Double](repeating: 0, count: rows * oc)
        for r in 0..<rows {
            for o in 0..<oc {
                var s = b?[o] ?? 0
                for i in 0..<ic { s += x[r * ic + i] * w[o * ic + i] }
                y[r * oc + o] = s
            }
        }
        return y
    }

    static func layerNorm(_ x: [Double], _ w: [Double], _ b: [Double], rows: Int, cols: Int) -> [Double] {
        var y = x
        for r in 0..<rows {
            let row = Array(x[(r * cols)..<((r + 1) * cols)])
            let m = row.reduce(0, +) / Double(cols)
            let v = row.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(cols)
            for c in 0..<cols { y[r * cols + c] = (row[c] - m) / (v + 1e-5).squareRoot() * w[c] + b[c] }
        }
        return y
    }

    static func gelu(_ x: Double) -> Double { 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) }

    static func softmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        let e = x.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func attention(_ qkv: [Double], B: Int, T: Int, C: Int, NH: Int) -> [Double] {
        let hs = C / NH
        var out = [Double](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<T {
                    var s = [Double]()
                    for j in 0...t {
                        var d = 0.0
                        for i in 0..<hs { d += qkv[(b * T + t) * 3 * C + h * hs + i] * qkv[(b * T + j) * 3 * C + C + h * hs + i] }
                        s.append(d / Double(hs).squareRoot())
                    }
                    let p = softmax(s)
                    for i in 0..<hs {
                        var y = 0.0
                        for j in 0...t { y += p[j] * qkv[(b * T + j) * 3 * C + 2 * C + h * hs + i] }
                        out[(b * T + t) * C + h * hs + i] = y
                    }
                }
            }
        }
        return out
    }

    // MARK: Tests

    @Test func linearLayer() {
        var rng = SeededGenerator(seed: 11)
        let N = 5, IC = 7, OC = 6
        let x = Self.random(N * IC, &rng), w = Self.random(OC * IC, &rng), b = Self.random(OC, &rng), r = Self.random(N * OC, &rng)
        var dx = [Float](repeating: 0, count: N * IC), dw = [Float](repeating: 0, count: OC * IC), db = [Float](repeating: 0, count: OC)
        Linear.backward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: x, weight: w, rows: N, inChannels: IC, outChannels: OC)
        var out = [Float](repeating: 0, count: N * OC)
        Linear.forward(out: &out, inp: x, weight: w, bias: b, rows: N, inChannels: IC, outChannels: OC)
        let rd = r.map(Double.init)
        let f: ([[Double]]) -> Double = { Self.dot(rd, Self.linear($0[0], $0[1], $0[2], rows: N, ic: IC, oc: OC)) }
        let xs = [x, w, b].map { $0.map(Double.init) }
        let ref = Self.linear(xs[0], xs[1], xs[2], rows: N, ic: IC, oc: OC)
        #expect(out.count == ref.count && zip(out, ref).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        Self.expectClose(dx, Self.numericGradient(xs, 0, f), "linear dinp")
        Self.expectClose(dw, Self.numericGradient(xs, 1, f), "linear dweight")
        Self.expectClose(db, Self.numericGradient(xs, 2, f), "linear dbias")
    }

    @Test func layerNorm() {
        var rng = SeededGenerator(seed: 12)
        let N = 4, C = 9
        let x = Self.random(N * C, &rng, std: 2, mean: 0.5), w = Self.random(C, &rng, std: 0.3, mean: 1), b = Self.random(C, &rng),
            r = Self.random(N * C, &rng)
        var out = [Float](repeating: 0, count: N * C), mean = [Float](repeating: 0, count: N), rstd = mean
        tk_layernorm_forward(&out, &mean, &rstd, x, w, b, Int64(N), Int64(C), 1e-5)
        var dx = [Float](repeating: 0, count: N * C), dw = [Float](repeating: 0, count: C), db = dw
        tk_layernorm_backward(&dx, &dw, &db, r, x, w, mean, rstd, Int64(N), Int64(C))
        let rd = r.map(Double.init)
        let xs = [x, w, b].map { $0.map(Double.init) }
        let f: ([[Double]]) -> Double = { Self.dot(rd, Self.layerNorm($0[0], $0[1], $0[2], rows: N, cols: C)) }
        let reference = Self.layerNorm(xs[0], xs[1], xs[2], rows: N, cols: C)
        #expect(out.count == reference.count && zip(out, reference).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        Self.expectClose(dx, Self.numericGradient(xs, 0, f), "layernorm dinp")
        Self.expectClose(dw, Self.numericGradient(xs, 1, f), "layernorm dweight")
        Self.expectClose(db, Self.numericGradient(xs, 2, f), "layernorm dbias")
    }

    @Test(arguments: Activation.allCases)
    func activation(_ act: Activation) {
        var rng = SeededGenerator(seed: 13)
        let n = 40
        // keep ReLU inputs away from its kink at 0
        let x = Self.random(n, &rng, std: 2).map { abs($0) < 0.05 ? $0 + 0.2 : $0 }, r = Self.random(n, &rng)
        var out = [Float](repeating: 0, count: n), dx = out
        act.forward(out: &out, inp: x, count: n)
        act.backward(dinp: &dx, inp: x, dout: r, count: n)
        let g: (Double) -> Double = { (v: Double) -> Double in act == .gelu ? Self.gelu(v) : max(0, v) }
        let rd = r.map(Double.init)
        let xs = [x.map(Double.init)]
        let reference = xs[0].map(g)
        #expect(out.count == reference.count && zip(out, reference).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        Self.expectClose(dx, Self.numericGradient(xs, 0) { Self.dot(rd, $0[0].map(g)) }, "\(act) dinp")
    }

    /// Block sizes 2 and 3 exercise the causal blocking (T = 7 spans several, uneven blocks); 64 is one block.
    @Test(arguments: [2, 3, 64])
    func causalAttention(block: Int) {
        var rng = SeededGenerator(seed: 14)
        let B = 2, T = 7, C = 8, NH = 2
        let qkv = Self.random(B * T * 3 * C, &rng), r = Self.random(B * T * C, &rng)
        var out = [Float](repeating: 0, count: B * T * C), att = [Float](repeating: 0, count: B * NH * T * T)
        var dqkv = [Float](repeating: 0, count: B * T * 3 * C), scratch = att
        Attention.forward(out: &out, att: &att, qkv: qkv, batch: B, time: T, dim: C, heads: NH, threads: 1, block: block)
        Attention.backward(
            dqkv: &dqkv, scratch: &scratch, dout: r, qkv: qkv, att: att, batch: B, time: T, dim: C, heads: NH,
            threads: 2, block: block)
        let xs = [qkv.map(Double.init)], rd = r.map(Double.init)
        let reference = Self.attention(xs[0], B: B, T: T, C: C, NH: NH)
        #expect(out.count == reference.count && zip(out, reference).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        // causal: probabilities above the diagonal are exactly zero, rows sum to one
        for bh in 0..<(B * NH) {
            for t in 0..<T {
                let row = att[(bh * T + t) * T..<((bh * T + t + 1) * T)]
                #expect(row.dropFirst(t + 1).allSatisfy { $0 == 0 })
                #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            }
        }
        Self.expectClose(
            dqkv, Self.numericGradient(xs, 0) { Self.dot(rd, Self.attention($0[0], B: B, T: T, C: C, NH: NH)) }, "attention dqkv")
    }

    @Test func crossEntropy() {
        var rng = SeededGenerator(seed: 15)
        let N = 6, V = 11
        let logits = Self.random(N * V, &rng, std: 2)
        let targets: [Int32] = (0..<N).map { Int32(($0 * 7 + 3) % V) }
        var probs = [Float](repeating: 0, count: N * V), losses = [Float](repeating: 0, count: N)
        tk_softmax_cross_entropy(&probs, &losses, logits, targets, Int64(N), Int64(V))
        tk_cross_entropy_backward(&probs, targets, Int64(N), Int64(V), 1 / Float(N))
        let f: ([[Double]]) -> Double = { x in
            (0..<N).map { n -> Double in
                let p = Self.softmax(Array(x[0][(n * V)..<((n + 1) * V)]))
                return -log(p[Int(targets[n])])
            }.reduce(0, +) / Double(N)
        }
        let xs = [logits.map(Double.init)]
        #expect(abs(Double(losses.reduce(0, +)) / Double(N) - f(xs)) < 1e-5)
        Self.expectClose(probs, Self.numericGradient(xs, 0, f), "cross-entropy dlogits")
    }

    @Test func embedding() {
        var rng = SeededGenerator(seed: 16)
        let B = 2, T = 4, C = 5, V = 7
        let wte = Self.random(V * C, &rng), wpe = Self.random(T * C, &rng), r = Self.random(B * T * C, &rng)
        let tokens: [Int32] = [1, 3, 3, 6, 0, 1, 5, 3]
        var dwte = [Float](repeating: 0, count: V * C), dwpe = [Float](repeating: 0, count: T * C)
        let scale: Float = 1.7
        TokenEmbedding.backward(dwte: &dwte, dwpe: &dwpe, dout: r, tokens: tokens, batch: B, time: T, dim: C, scale: scale)
        let rd = r.map(Double.init)
        let f: ([[Double]]) -> Double = { x in
            var s = 0.0
            for i in 0..<(B * T) {
                for c in 0..<C { s += rd[i * C + c] * (Double(scale) * x[0][Int(tokens[i]) * C + c] + x[1][(i % T) * C + c]) }
            }
            return s
        }
        let xs = [wte, wpe].map { $0.map(Double.init) }
        Self.expectClose(dwte, Self.numericGradient(xs, 0, f), "embedding dwte")
        Self.expectClose(dwpe, Self.numericGradient(xs, 1, f), "embedding dwpe")
    }

    @Test(arguments: [Activation.gelu, .relu])
    func mixtureOfExperts(_ act: Activation) {
        var rng = SeededGenerator(seed: 17)
        let N = 6, C = 6, F = 5, E = 3, K = 2
        let x = Self.random(N * C, &rng), gate = Self.random(E * C, &rng), fcw = Self.random(E * F * C, &rng, std: 0.5)
        let fcb = Self.random(E * F, &rng, std: 0.3), pw = Self.random(E * C * F, &rng, std: 0.5), pb = Self.random(E * C, &rng, std: 0.3)
        let r = Self.random(N * C, &rng)
        let moe = MixtureOfExperts(dim: C, hidden: F, experts: E, topK: K, activation: act, auxLossWeight: 0.5, rows: N)
        var out = [Float](repeating: 0, count: N * C)
        moe.forward(out: &out, inp: x, count: N, gate: gate, fcw: fcw, fcb: fcb, projw: pw, projb: pb)
        var dx = [Float](repeating: 0, count: N * C), dgate = [Float](repeating: 0, count: E * C)
        var dfcw = [Float](repeating: 0, count: E * F * C), dfcb = [Float](repeating: 0, count: E * F)
        var dpw = [Float](repeating: 0, count: E * C * F), dpb = [Float](repeating: 0, count: E * C)
        moe.backward(
            dinp: &dx, dout: r, inp: x, count: N, gate: gate, fcw: fcw, projw: pw, dgate: &dgate, dfcw: &dfcw, dfcb: &dfcb,
            dprojw: &dpw, dprojb: &dpb)
        let selection = moe.selected
        let g: (Double) -> Double = { (v: Double) -> Double in act == .gelu ? Self.gelu(v) : max(0, v) }
        let rd = r.map(Double.init)
        // float64 MoE with the same (discrete) routing: Σ r·out + aux
        let f: ([[Double]]) -> Double = { p in
            var total = 0.0
            var counts = [Double](repeating: 0, count: E), meanP = [Double](repeating: 0, count: E)
            for n in 0..<N {
                let xn = Array(p[0][(n * C)..<((n + 1) * C)])
                let probs = Self.softmax(Self.linear(xn, p[1], nil, rows: 1, ic: C, oc: E))
                for e in 0..<E { meanP[e] += probs[e] / Double(N) }
                for j in 0..<K {
                    let e = Int(selection[n * K + j])
                    counts[e] += 1
                    let h = Self.linear(
                        xn, Array(p[2][(e * F * C)..<((e + 1) * F * C)]), Array(p[3][(e * F)..<((e + 1) * F)]), rows: 1, ic: C, oc: F
                    ).map(g)
                    let y = Self.linear(
                        h, Array(p[4][(e * C * F)..<((e + 1) * C * F)]), Array(p[5][(e * C)..<((e + 1) * C)]), rows: 1, ic: F, oc: C)
                    total += probs[e] * Self.dot(Array(rd[(n * C)..<((n + 1) * C)]), y)
                }
            }
            var aux = 0.0
            for e in 0..<E { aux += counts[e] / Double(N * K) * meanP[e] }
            return total + 0.5 * Double(E) * aux
        }
        let xs = [x, gate, fcw, fcb, pw, pb].map { $0.map(Double.init) }
        let floatValue = Self.dot(rd, out.map(Double.init)) + Double(moe.auxLoss)
        #expect(abs(floatValue - f(xs)) < 1e-4 * max(1, abs(f(xs))))
        Self.expectClose(dx, Self.numericGradient(xs, 0, f), "moe dinp")
        Self.expectClose(dgate, Self.numericGradient(xs, 1, f), "moe dgate")
        Self.expectClose(dfcw, Self.numericGradient(xs, 2, f), "moe dfc.weight")
        Self.expectClose(dfcb, Self.numericGradient(xs, 3, f), "moe dfc.bias")
        Self.expectClose(dpw, Self.numericGradient(xs, 4, f), "moe dproj.weight")
        Self.expectClose(dpb, Self.numericGradient(xs, 5, f), "moe dproj.bias")
    }
}
