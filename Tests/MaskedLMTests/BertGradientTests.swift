import CKernels
import Foundation
import MaskedLM
import TensorOps
import Testing

/// Finite-difference checks of what BERT adds to NeuralCore's layers: the erf-GELU kernel, the
/// bidirectional padded encoder with segment embeddings, the MLM head (tied decoder, own bias),
/// the pooler with NSP and classification heads, and the pre-LN option.
@Suite struct BertGradientTests {
    @Test func erfGELUMatchesTheDefinitionAndItsDerivative() {
        let xs: [Float] = stride(from: -6, through: 6, by: 0.25).map { Float($0) }
        var out = [Float](repeating: 0, count: xs.count), grad = [Float](repeating: 0, count: xs.count)
        let ones = [Float](repeating: 1, count: xs.count)
        tk_gelu_erf_forward(&out, xs, Int64(xs.count))
        tk_gelu_erf_backward(&grad, xs, ones, Int64(xs.count))
        for (i, x) in xs.enumerated() {
            let d = Double(x)
            let exact = 0.5 * d * (1 + erf(d / 2.0.squareRoot()))
            #expect(abs(Double(out[i]) - exact) < 2e-6 * max(1, abs(exact)), "gelu(\(x)) = \(out[i]) vs \(exact)")
            let h = 1e-4
            let fd =
                (0.5 * (d + h) * (1 + erf((d + h) / 2.0.squareRoot())) - 0.5 * (d - h) * (1 + erf((d - h) / 2.0.squareRoot()))) / (2 * h)
            #expect(abs(Double(grad[i]) - fd) < 2e-5, "gelu'(\(x)) = \(grad[i]) vs \(fd)")
        }
    }

    /// A random model and a padded batch with MLM, NSP and class targets.
    static func setUp(norm: BertConfig.Norm, seed: UInt64) throws -> (BertModel, BertInput) {
        let config = BertConfig(
            vocabSize: 23, maxPositions: 8, layers: 2, heads: 2, dim: 8, ffnDim: 12, norm: norm,
            nextSentencePrediction: true, classLabels: ["x", "y", "z"])
        let model = try BertModel(config: config)
        var rng = SeededGenerator(seed: seed)
        // Larger-than-BERT weights so every path carries a visible gradient.
        for e in model.layout.parameters.entries {
            let p = model.parameters.pointer + e.offset
            if e.name.hasSuffix("LayerNorm.weight") || e.name.hasSuffix("layer_norm.weight") {
                for i in 0..<e.count { p[i] = 1 + 0.2 * rng.nextNormal() }
            } else {
                rng.fillNormal(p, count: e.count, std: e.shape.count == 1 ? 0.1 : 0.4)
            }
        }
        let B = 3, T = 7, lengths = [7, 4, 5]
        var tokens = [Int32](repeating: 0, count: B * T), segments = [Int32](repeating: 0, count: B * T)
        var labels = [Int32](repeating: MaskedSequence.ignoreLabel, count: B * T)
        for b in 0..<B {
            for t in 0..<lengths[b] {
                tokens[b * T + t] = Int32(1 + rng.next() % 22)
                segments[b * T + t] = t > lengths[b] / 2 ? 1 : 0
                if t % 2 == 1 { labels[b * T + t] = Int32(rng.next() % 23) }
            }
        }
        return (
            model,
            BertInput(
                batch: B, time: T, tokens: tokens, segments: segments, lengths: lengths, maskedLabels: labels,
                nextSentenceLabels: [0, 1, 1], classLabels: [2, 0, 1])
        )
    }

    @Test(arguments: [BertConfig.Norm.post, .pre])
    func everyGradientMatchesFiniteDifferences(norm: BertConfig.Norm) throws {
        let (model, input) = try Self.setUp(norm: norm, seed: norm == .post ? 3 : 4)
        model.zeroGradients()
        try model.forward(input)
        try model.backward()
        let analytic = Array(UnsafeBufferPointer(start: model.gradients.pointer, count: model.parameterCount))
        var rng = SeededGenerator(seed: 99)
        for e in model.layout.parameters.entries {
            // A few coordinates per tensor, in Double-accumulated central differences.
            for _ in 0..<3 {
                let i = e.offset + Int(rng.next() % UInt64(e.count))
                let p = model.parameters.pointer + i
                let saved = p.pointee, h: Float = 1e-2
                p.pointee = saved + h
                let up = Double(try model.forward(input).loss)
                p.pointee = saved - h
                let down = Double(try model.forward(input).loss)
                p.pointee = saved
                let fd = (up - down) / (2 * Double(h))
                let g = Double(analytic[i])
                #expect(
                    abs(g - fd) <= 2e-3 + 3e-2 * abs(fd), "\(norm) \(e.name)[\(i - e.offset)]: analytic \(g) vs finite difference \(fd)")
            }
        }
    }

    @Test func paddingDoesNotChangeTheRealPositions() throws {
        let (model, input) = try Self.setUp(norm: .post, seed: 5)
        try model.forward(input, rows: .all)
        let V = model.config.vocabSize, T = input.time
        let padded = Array(UnsafeBufferPointer(start: try #require(model.maskedLogits), count: input.batch * T * V))
        // Sequence 1 alone, unpadded, and with different garbage in its padding.
        let n = input.lengths[1]
        let alone = BertInput(
            batch: 1, time: n, tokens: Array(input.tokens[T..<(T + n)]), segments: Array(input.segments[T..<(T + n)]), lengths: [n])
        try model.forward(alone, rows: .all)
        let single = try #require(model.maskedLogits)
        for i in 0..<(n * V) {
            #expect(
                abs(single[i] - padded[T * V + i]) <= 1e-5 * max(1, abs(single[i])),
                "logit \(i): \(single[i]) vs padded \(padded[T * V + i])")
        }
    }

    @Test func badInputsAreErrorsNotTraps() throws {
        let (model, input) = try Self.setUp(norm: .post, seed: 6)
        var tooLong = input
        tooLong.lengths[0] = 9
        #expect(throws: MaskedLMError.self) { try model.forward(tooLong) }
        var badToken = input
        badToken.tokens[3] = 23
        #expect(throws: MaskedLMError.tokenOutOfRange(source: "tokens", index: 3, id: 23, vocabularySize: 23)) {
            try model.forward(badToken)
        }
        var badClass = input
        badClass.classLabels = [0, 3, 1]
        #expect(throws: MaskedLMError.tokenOutOfRange(source: "class labels", index: 1, id: 3, vocabularySize: 3)) {
            try model.forward(badClass)
        }
    }
}
