import Foundation
import NeuralCore
import TensorOps
import Testing

/// Cross-entropy with an ignore index and label smoothing against central finite differences of a
/// float64 version of PyTorch's definition: `(1 − ε)·nll + ε·mean_c(−log p_c)` per row, averaged
/// over the rows whose target is not ignored.
@Suite struct CrossEntropyOptionsTests {
    typealias G = LayerGradientTests

    static let N = 8, V = 11
    static let targets: [Int32] = [3, -100, 0, 10, 7, -100, 5, 5]

    static func reference(_ logits: [Double], options: CrossEntropy.Options) -> Double {
        var total = 0.0, counted = 0
        for n in 0..<N where options.ignoreIndex.map({ targets[n] != $0 }) ?? true {
            let p = G.softmax(Array(logits[(n * V)..<((n + 1) * V)]))
            let nll = -log(p[Int(targets[n])])
            let smooth = p.map { -log($0) }.reduce(0, +) / Double(V)
            let eps = Double(options.labelSmoothing)
            total += (1 - eps) * nll + eps * smooth
            counted += 1
        }
        return total / Double(counted)
    }

    @Test(arguments: [Float(0), 0.1, 0.3])
    func ignoreIndexAndLabelSmoothing(_ eps: Float) {
        let options = CrossEntropy.Options(ignoreIndex: -100, labelSmoothing: eps)
        var rng = SeededGenerator(seed: 50)
        let logits = G.random(Self.N * Self.V, &rng, std: 2)
        var probs = [Float](repeating: 0, count: Self.N * Self.V), losses = [Float](repeating: .nan, count: Self.N)
        let counted = CrossEntropy.forward(
            probs: &probs, losses: &losses, logits: logits, targets: Self.targets, rows: Self.N,
            vocab: Self.V, options: options)
        #expect(counted == 6)
        #expect(losses[1] == 0 && losses[5] == 0, "ignored rows have no loss: \(losses)")
        let xs = [logits.map(Double.init)]
        let mean = Double(losses.reduce(0, +)) / Double(counted)
        #expect(
            abs(mean - Self.reference(xs[0], options: options)) < 1e-5, "ε \(eps): \(mean) vs \(Self.reference(xs[0], options: options))")
        CrossEntropy.backward(
            probs: &probs, targets: Self.targets, rows: Self.N, vocab: Self.V, scale: 1 / Float(counted), options: options)
        #expect(probs[(1 * Self.V)..<(2 * Self.V)].allSatisfy { $0 == 0 }, "ignored rows pass no gradient")
        G.expectClose(probs, G.numericGradient(xs, 0) { Self.reference($0[0], options: options) }, "cross-entropy ε \(eps) dlogits")
    }

    /// Label smoothing alone (no ignored rows): every row counts.
    @Test func labelSmoothingWithoutIgnoreIndex() {
        let options = CrossEntropy.Options(labelSmoothing: 0.2)
        let targets: [Int32] = Self.targets.map { $0 < 0 ? 1 : $0 }
        var rng = SeededGenerator(seed: 51)
        let logits = G.random(Self.N * Self.V, &rng, std: 2)
        var probs = [Float](repeating: 0, count: Self.N * Self.V), losses = [Float](repeating: 0, count: Self.N)
        let counted = CrossEntropy.forward(
            probs: &probs, losses: &losses, logits: logits, targets: targets, rows: Self.N, vocab: Self.V,
            options: options)
        #expect(counted == Self.N)
        CrossEntropy.backward(probs: &probs, targets: targets, rows: Self.N, vocab: Self.V, scale: 1 / Float(Self.N), options: options)
        let f: ([[Double]]) -> Double = { x in
            (0..<Self.N).map { n -> Double in
                let p = G.softmax(Array(x[0][(n * Self.V)..<((n + 1) * Self.V)]))
                return 0.8 * -log(p[Int(targets[n])]) + 0.2 * p.map { -log($0) }.reduce(0, +) / Double(Self.V)
            }.reduce(0, +) / Double(Self.N)
        }
        let xs = [logits.map(Double.init)]
        #expect(abs(Double(losses.reduce(0, +)) / Double(Self.N) - f(xs)) < 1e-5)
        G.expectClose(probs, G.numericGradient(xs, 0, f), "label smoothing 0.2 dlogits")
    }

    /// Plain options are the fused kernels, bit for bit.
    @Test func plainOptionsAreTheFusedKernels() {
        let targets: [Int32] = Self.targets.map { $0 < 0 ? 2 : $0 }
        var rng = SeededGenerator(seed: 52)
        let logits = G.random(Self.N * Self.V, &rng, std: 2)
        var p1 = [Float](repeating: 0, count: Self.N * Self.V), l1 = [Float](repeating: 0, count: Self.N), p2 = p1, l2 = l1
        CrossEntropy.forward(probs: &p1, losses: &l1, logits: logits, targets: targets, rows: Self.N, vocab: Self.V)
        CrossEntropy.forward(probs: &p2, losses: &l2, logits: logits, targets: targets, rows: Self.N, vocab: Self.V, options: .plain)
        CrossEntropy.backward(probs: &p1, targets: targets, rows: Self.N, vocab: Self.V, scale: 0.125)
        CrossEntropy.backward(probs: &p2, targets: targets, rows: Self.N, vocab: Self.V, scale: 0.125, options: .plain)
        #expect(l1 == l2)
        #expect(p1 == p2)
    }
}
