import CKernels
import Foundation
import NeuralCore
import TensorOps

/// A BERT encoder with its masked-LM head and optional NSP and classification heads, in the
/// llm.c shape: one flat parameter buffer, one flat gradient buffer, saved activations, and an
/// explicit forward/backward built from NeuralCore's layers.
///
/// Embeddings: `LN(wte[token] + wpe[t] + wtt[segment])`. Block (post-LN, BERT):
/// `r1 = x + Attn(x); a = LN1(r1); r2 = a + FFN(a); out = LN2(r2)`; pre-LN:
/// `r1 = x + Attn(LN1(x)); out = r1 + FFN(LN2(r1))`, with a final layer norm. Attention is
/// bidirectional with a padding mask (keys past each sequence's length are hidden).
/// MLM head: `LN(act(h·Wtᵀ + bt))·wteᵀ + bias`, computed only on the rows that are predicted.
/// Pooler: `tanh(h[CLS]·Wpᵀ + bp)`, then NSP (`[2, C]`) and classification (`[K, C]`) layers.
public final class BertModel {
    /// Shape and options.
    public let config: BertConfig
    /// Tensor offsets.
    public let layout: BertLayout
    /// All parameters, flat.
    public let parameters: FloatBuffer
    /// Gradients, same layout.
    public let gradients: FloatBuffer
    /// Threads for the kernels and BLAS.
    public var threads: Int { didSet { Matmul.setThreads(threads) } }

    /// Which rows the MLM head computes.
    public enum MaskedRows: Sendable, Equatable {
        /// The rows with an MLM target (training and evaluation).
        case labelled
        /// Every position (logits for fill-mask and for comparisons).
        case all
        /// The given positions (`b·T + t`), e.g. the `[MASK]` tokens of a fill-mask query.
        case positions([Int])
        /// None (encoder, pooler and the other heads only).
        case none
    }

    /// Saved activations of the last forward.
    var activations: BertActivations? { state }
    private var state: BertActivations?

    /// Creates a model with zeroed parameters (call ``initialize(seed:)`` or load weights).
    public init(config: BertConfig, threads: Int = 1) throws {
        try config.validate()
        self.config = config
        layout = BertLayout(config: config)
        parameters = FloatBuffer(count: layout.parameters.count)
        gradients = FloatBuffer(count: layout.parameters.count)
        self.threads = max(1, threads)
        Matmul.setThreads(self.threads)
    }

    /// The standard deviation of BERT's weight initialization (`initializer_range`).
    public static let initializerRange: Float = 0.02

    /// BERT's initialization: weights N(0, ``initializerRange``), biases 0, layer-norm weights 1.
    public func initialize(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let p = parameters.pointer
        for e in layout.parameters.entries {
            if e.name.hasSuffix("LayerNorm.weight") || e.name.hasSuffix("layer_norm.weight") {
                (p + e.offset).update(repeating: 1, count: e.count)
            } else if e.shape.count == 1 {
                (p + e.offset).update(repeating: 0, count: e.count)
            } else {
                rng.fillNormal(p + e.offset, count: e.count, std: Self.initializerRange)
            }
        }
    }

    /// Number of parameters.
    public var parameterCount: Int { layout.parameters.count }

    /// Sets all gradients to zero.
    public func zeroGradients() { gradients.zero() }

    @inline(__always) func w(_ o: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + o }
    @inline(__always) func g(_ o: Int) -> UnsafeMutablePointer<Float> { gradients.pointer + o }

    // MARK: Forward

    /// Runs the encoder and the heads whose targets `input` carries; returns their losses.
    /// `rows` picks the positions the MLM head computes (``MaskedRows/all`` needs no targets).
    @discardableResult
    public func forward(_ input: BertInput, rows: MaskedRows = .labelled) throws -> BertOutput {
        let c = config, B = input.batch, T = input.time, N = B * T, C = c.dim, V = c.vocabSize
        try check(input)
        if state == nil || state!.batch != B || state!.time != T { state = BertActivations(config: c, batch: B, time: T) }
        let s = state!
        s.tokens = input.tokens
        s.segments = input.segments
        s.lengths = input.lengths
        s.nextSentenceLabels = input.nextSentenceLabels
        s.classLabels = input.classLabels
        // Embeddings.
        let wte = w(layout.wordEmbeddings), wpe = w(layout.positionEmbeddings), wtt = w(layout.typeEmbeddings)
        for b in 0..<B {
            for t in 0..<T {
                let i = b * T + t, o = s.embedded.pointer + i * C
                o.update(from: wpe + t * C, count: C)
                tk_accumulate(o, wte + Int(input.tokens[i]) * C, Int64(C))
                tk_accumulate(o, wtt + Int(input.segments[i]) * C, Int64(C))
            }
        }
        LayerNorm.forward(
            out: s.embeddedNorm.pointer, mean: s.embMean.pointer, rstd: s.embRstd.pointer, inp: s.embedded.pointer,
            weight: w(layout.embeddingNormWeight), bias: w(layout.embeddingNormBias), rows: N, channels: C,
            epsilon: c.layerNormEpsilon, threads: threads)
        var x = s.embeddedNorm.pointer
        let mask = AttentionMask.keyLengths(input.lengths)
        for l in 0..<c.layers {
            blockForward(l, x: x, a: s.blocks[l], mask: mask, B: B, T: T)
            x = c.norm == .post ? s.blocks[l].ln2.pointer : s.blocks[l].res2.pointer
        }
        if let fw = layout.finalNormWeight, let fb = layout.finalNormBias {
            LayerNorm.forward(
                out: s.final.pointer, mean: s.finalMean.pointer, rstd: s.finalRstd.pointer, inp: x, weight: w(fw), bias: w(fb),
                rows: N, channels: C, epsilon: c.layerNormEpsilon, threads: threads)
            x = s.final.pointer
        }
        s.hidden = x
        var out = BertOutput()
        // MLM head on the chosen rows.
        switch rows {
        case .labelled:
            s.headRows = input.maskedLabels.map { labels in labels.indices.filter { labels[$0] != MaskedSequence.ignoreLabel } } ?? []
        case .all: s.headRows = Array(0..<N)
        case .positions(let p):
            if let bad = p.first(where: { $0 < 0 || $0 >= N }) {
                throw MaskedLMError.invalidOption("position \(bad) is outside the batch's \(N)")
            }
            s.headRows = p
        case .none: s.headRows = []
        }
        s.headTargets = rows == .labelled ? s.headRows.map { input.maskedLabels?[$0] ?? MaskedSequence.ignoreLabel } : []
        let R = s.headRows.count
        if R > 0 {
            for (r, i) in s.headRows.enumerated() { (s.headIn.pointer + r * C).update(from: x + i * C, count: C) }
            Linear.forward(
                out: s.transform.pointer, inp: s.headIn.pointer, weight: w(layout.transformWeight), bias: w(layout.transformBias),
                rows: R, inChannels: C, outChannels: C)
            c.activation.forward(out: s.transformAct.pointer, inp: s.transform.pointer, count: R * C, threads: threads)
            LayerNorm.forward(
                out: s.transformNorm.pointer, mean: s.transformMean.pointer, rstd: s.transformRstd.pointer,
                inp: s.transformAct.pointer, weight: w(layout.transformNormWeight), bias: w(layout.transformNormBias),
                rows: R, channels: C, epsilon: c.layerNormEpsilon, threads: threads)
            Linear.forward(
                out: s.logits.pointer, inp: s.transformNorm.pointer, weight: wte, bias: w(layout.decoderBias),
                rows: R, inChannels: C, outChannels: V)
            if rows == .labelled {
                let (loss, correct) = crossEntropy(
                    logits: s.logits.pointer, probs: s.probs.pointer, losses: s.losses.pointer,
                    targets: s.headTargets, rows: R, classes: V)
                out.maskedLoss = loss
                out.maskedCount = R
                out.maskedCorrect = correct
                out.loss += loss
            }
        }
        // Pooler and sentence heads.
        if let pw = layout.poolerWeight, let pb = layout.poolerBias {
            for b in 0..<B { (s.clsRows.pointer + b * C).update(from: x + b * T * C, count: C) }
            Linear.forward(
                out: s.poolPre.pointer, inp: s.clsRows.pointer, weight: w(pw), bias: w(pb), rows: B, inChannels: C, outChannels: C)
            for i in 0..<(B * C) { s.pooled.pointer[i] = tanhf(s.poolPre.pointer[i]) }
            if let nw = layout.nspWeight, let nb = layout.nspBias {
                Linear.forward(
                    out: s.nspLogits.pointer, inp: s.pooled.pointer, weight: w(nw), bias: w(nb), rows: B, inChannels: C, outChannels: 2)
                if let labels = input.nextSentenceLabels {
                    let (loss, _) = crossEntropy(
                        logits: s.nspLogits.pointer, probs: s.nspProbs.pointer, losses: s.smallLosses.pointer,
                        targets: labels, rows: B, classes: 2)
                    out.nextSentenceLoss = loss
                    out.loss += loss
                }
            }
            if let cw = layout.classifierWeight, let cb = layout.classifierBias {
                let K = c.classLabels.count
                Linear.forward(
                    out: s.classLogits.pointer, inp: s.pooled.pointer, weight: w(cw), bias: w(cb), rows: B, inChannels: C, outChannels: K)
                if let labels = input.classLabels {
                    let (loss, _) = crossEntropy(
                        logits: s.classLogits.pointer, probs: s.classProbs.pointer, losses: s.smallLosses.pointer,
                        targets: labels, rows: B, classes: K)
                    out.classLoss = loss
                    out.loss += loss
                }
            }
        }
        return out
    }

    /// Softmax cross-entropy over `rows` rows; returns the mean loss and the number of arg-max hits.
    private func crossEntropy(
        logits: UnsafePointer<Float>, probs: UnsafeMutablePointer<Float>, losses: UnsafeMutablePointer<Float>,
        targets: [Int32], rows R: Int, classes K: Int
    ) -> (Float, Int) {
        targets.withUnsafeBufferPointer { t in
            CrossEntropy.forward(probs: probs, losses: losses, logits: logits, targets: t.baseAddress!, rows: R, vocab: K, threads: threads)
        }
        var sum: Double = 0
        var correct = 0
        for r in 0..<R {
            sum += Double(losses[r])
            let row = logits + r * K
            var best = 0
            for k in 1..<K where row[k] > row[best] { best = k }
            if best == Int(targets[r]) { correct += 1 }
        }
        return (Float(sum / Double(max(R, 1))), correct)
    }

    private func check(_ input: BertInput) throws {
        let c = config, B = input.batch, T = input.time, N = B * T
        guard B >= 1, T >= 1 else { throw MaskedLMError.invalidOption("batch \(B) and time \(T) must be positive") }
        guard T <= c.maxPositions else {
            throw MaskedLMError.invalidOption("sequence length \(T) exceeds the model's \(c.maxPositions) positions")
        }
        guard input.tokens.count == N, input.segments.count == N, input.lengths.count == B else {
            throw MaskedLMError.invalidOption("expected \(N) tokens and segments and \(B) lengths")
        }
        if let bad = input.lengths.firstIndex(where: { $0 < 1 || $0 > T }) {
            throw MaskedLMError.invalidOption("length \(input.lengths[bad]) of sequence \(bad) is outside 1...\(T)")
        }
        for (i, id) in input.tokens.enumerated() where id < 0 || Int(id) >= c.vocabSize {
            throw MaskedLMError.tokenOutOfRange(source: "tokens", index: i, id: Int(id), vocabularySize: c.vocabSize)
        }
        for (i, id) in input.segments.enumerated() where id < 0 || Int(id) >= c.typeVocabSize {
            throw MaskedLMError.tokenOutOfRange(source: "segments", index: i, id: Int(id), vocabularySize: c.typeVocabSize)
        }
        if let labels = input.maskedLabels {
            guard labels.count == N else { throw MaskedLMError.invalidOption("expected \(N) MLM labels, got \(labels.count)") }
            for (i, id) in labels.enumerated() where id != MaskedSequence.ignoreLabel && (id < 0 || Int(id) >= c.vocabSize) {
                throw MaskedLMError.tokenOutOfRange(source: "MLM labels", index: i, id: Int(id), vocabularySize: c.vocabSize)
            }
        }
        if let labels = input.nextSentenceLabels {
            guard c.nextSentencePrediction else { throw MaskedLMError.invalidOption("NSP labels given to a model without the NSP head") }
            guard labels.count == B, labels.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw MaskedLMError.invalidOption("expected \(B) NSP labels of 0 or 1")
            }
        }
        if let labels = input.classLabels {
            let K = c.classLabels.count
            guard K > 0 else { throw MaskedLMError.invalidOption("class labels given to a model without a classification head") }
            guard labels.count == B else { throw MaskedLMError.invalidOption("expected \(B) class labels, got \(labels.count)") }
            if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= K }) {
                throw MaskedLMError.tokenOutOfRange(source: "class labels", index: bad, id: Int(labels[bad]), vocabularySize: K)
            }
        }
    }

    private func blockForward(_ l: Int, x: UnsafePointer<Float>, a: BertActivations.Block, mask: AttentionMask, B: Int, T: Int) {
        let c = config, b = layout.blocks[l], N = B * T, C = c.dim, F = c.ffnDim, eps = c.layerNormEpsilon
        let attIn: UnsafePointer<Float>
        if c.norm == .pre {
            LayerNorm.forward(
                out: a.ln1.pointer, mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, inp: x, weight: w(b.attentionNormWeight),
                bias: w(b.attentionNormBias), rows: N, channels: C, epsilon: eps, threads: threads)
            attIn = UnsafePointer(a.ln1.pointer)
        } else {
            attIn = x
        }
        Linear.forward(
            out: a.qkv.pointer, inp: attIn, weight: w(b.qkvWeight), bias: w(b.qkvBias), rows: N, inChannels: C, outChannels: 3 * C)
        let q = a.qkv.pointer
        Attention.forward(
            out: a.atty.pointer, att: a.att.pointer, query: q, queryStride: 3 * C, key: q + C, keyStride: 3 * C,
            value: q + 2 * C, valueStride: 3 * C, batch: B, queryTime: T, keyTime: T, dim: C, heads: c.heads, mask: mask,
            threads: threads)
        Linear.forward(
            out: a.proj.pointer, inp: a.atty.pointer, weight: w(b.projWeight), bias: w(b.projBias), rows: N, inChannels: C, outChannels: C)
        tk_add(a.res1.pointer, x, a.proj.pointer, Int64(N * C))
        let ffnIn: UnsafeMutablePointer<Float>
        if c.norm == .post {
            LayerNorm.forward(
                out: a.ln1.pointer, mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, inp: a.res1.pointer,
                weight: w(b.attentionNormWeight), bias: w(b.attentionNormBias), rows: N, channels: C, epsilon: eps, threads: threads)
            ffnIn = a.ln1.pointer
        } else {
            LayerNorm.forward(
                out: a.ln2.pointer, mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, inp: a.res1.pointer,
                weight: w(b.outputNormWeight), bias: w(b.outputNormBias), rows: N, channels: C, epsilon: eps, threads: threads)
            ffnIn = a.ln2.pointer
        }
        Linear.forward(out: a.fch.pointer, inp: ffnIn, weight: w(b.fcWeight), bias: w(b.fcBias), rows: N, inChannels: C, outChannels: F)
        c.activation.forward(out: a.fchAct.pointer, inp: a.fch.pointer, count: N * F, threads: threads)
        Linear.forward(
            out: a.fc2.pointer, inp: a.fchAct.pointer, weight: w(b.fc2Weight), bias: w(b.fc2Bias), rows: N, inChannels: F, outChannels: C)
        if c.norm == .post {
            tk_add(a.res2.pointer, a.ln1.pointer, a.fc2.pointer, Int64(N * C))
            LayerNorm.forward(
                out: a.ln2.pointer, mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, inp: a.res2.pointer,
                weight: w(b.outputNormWeight), bias: w(b.outputNormBias), rows: N, channels: C, epsilon: eps, threads: threads)
        } else {
            tk_add(a.res2.pointer, a.res1.pointer, a.fc2.pointer, Int64(N * C))
        }
    }

    // MARK: Outputs of the last forward

    /// MLM logits `[R, V]` of the last forward, one row per entry of ``maskedRows``.
    public var maskedLogits: UnsafePointer<Float>? { state.map { UnsafePointer($0.logits.pointer) } }
    /// Positions (`b·T + t`) the MLM head computed in the last forward.
    public var maskedRows: [Int] { state?.headRows ?? [] }
    /// NSP logits `[B, 2]` of the last forward (models with the NSP head).
    public var nextSentenceLogits: UnsafePointer<Float>? {
        layout.nspWeight == nil ? nil : state.map { UnsafePointer($0.nspLogits.pointer) }
    }
    /// Class logits `[B, K]` of the last forward (models with a classification head).
    public var classLogits: UnsafePointer<Float>? {
        layout.classifierWeight == nil ? nil : state.map { UnsafePointer($0.classLogits.pointer) }
    }
    /// Final hidden states `[B·T, C]` of the last forward.
    public var hiddenStates: UnsafePointer<Float>? { state?.hidden.map { UnsafePointer($0) } }
    /// Attention probabilities `[B, NH, T, T]` of block `l` in the last forward.
    public func attentionProbabilities(layer l: Int) -> UnsafePointer<Float>? { state.map { UnsafePointer($0.blocks[l].att.pointer) } }
}
