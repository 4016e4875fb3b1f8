import Foundation
import NeuralCore
import TensorOps

/// A decoder-only Transformer in the llm.c shape: one flat parameter buffer, one flat gradient
/// buffer, saved activations per block, and explicit forward/backward for every layer.
///
/// Block `l` with input `x` (pre-LN, GPT-2):
/// `ln1 = LN(x); res2 = x + drop(Attn(ln1)); ln2 = LN(res2); res3 = res2 + drop(FFN(ln2))` → `res3`.
/// Post-LN (original Transformer):
/// `res2 = x + drop(Attn(x)); ln1 = LN(res2); res3 = ln1 + drop(FFN(ln1)); ln2 = LN(res3)` → `ln2`.
/// Pre-LN adds a final layer norm. Logits are `h·W_headᵀ` (the token embedding when tied).
public final class TransformerModel: TrainableModel {
    /// Shape and options.
    public let config: ModelConfig
    /// Tensor offsets inside ``parameters``.
    public let layout: TransformerLayout
    /// All parameters, flat.
    public let parameters: FloatBuffer
    /// Gradients, same layout as ``parameters``.
    public let gradients: FloatBuffer
    /// Threads for attention and BLAS.
    public var threads: Int { didSet { Matmul.setThreads(threads) } }

    /// Sinusoidal table `[T, C]` or nil for learned positions.
    let sinusoids: FloatBuffer?
    private(set) var state: ForwardState?

    /// Creates a model with zeroed parameters (call ``initialize(seed:)`` or load weights).
    public init(config: ModelConfig, threads: Int = 1) throws {
        try config.validate()
        self.config = config
        layout = TransformerLayout(config: config)
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
        self.threads = max(1, threads)
        sinusoids = config.positions == .sinusoidal ? SinusoidalPositions.table(context: config.contextLength, dim: config.dim) : nil
        Matmul.setThreads(self.threads)
    }

    // MARK: Parameters

    /// GPT-2 initialization: weights N(0, 0.02), output projections N(0, 0.02/√(2L)), biases 0, norms 1.
    public func initialize(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let p = parameters.pointer
        let residualStd = 0.02 / Float(2 * config.layers).squareRoot()
        for e in layout.entries {
            if e.name.hasSuffix("ln_1.weight") || e.name.hasSuffix("ln_2.weight") || e.name == "ln_f.weight" {
                (p + e.offset).update(repeating: 1, count: e.count)
            } else if e.shape.count == 1 || e.name.hasSuffix(".bias") {
                (p + e.offset).update(repeating: 0, count: e.count)
            } else {
                let std: Float = e.name == "wte" ? config.embeddingInitStd : e.name.hasSuffix("proj.weight") ? residualStd : 0.02
                rng.fillNormal(p + e.offset, count: e.count, std: std)
            }
        }
    }

    /// The generic layout (names, shapes, offsets) the optimizer and checkpoints use.
    public var parameterLayout: ParameterLayout { layout.tensors }

    /// The model's context: the length of a training window.
    public var contextLength: Int { config.contextLength }

    /// `config.json` of a checkpoint.
    public func configurationJSON() throws -> Data { try config.jsonData() }

    /// Pointer to parameter `offset`.
    @inline(__always) func w(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + offset }
    /// Pointer to gradient `offset`.
    @inline(__always) func g(_ offset: Int) -> UnsafeMutablePointer<Float> { gradients.pointer + offset }

    // MARK: Forward

    /// Runs the model on `inputs` (`[B, T]` ids) and, when `targets` are given, returns the mean
    /// next-token cross-entropy (the MoE auxiliary loss is in ``auxiliaryLoss``). With `training`
    /// and dropout > 0, masks are drawn from `rng`.
    @discardableResult
    public func forward(
        inputs: [Int32], targets: [Int32]?, batch B: Int, time T: Int, training: Bool = false,
        rng: inout SeededGenerator
    ) throws -> Float {
        let s = try trunkForward(inputs: inputs, targets: targets, batch: B, time: T, training: training, rng: &rng)
        let N = B * T, C = config.dim, V = config.vocabSize
        guard let h = s.finalHidden else { return .nan }
        Matmul.nt(N, V, C, h, lda: C, w(layout.head), ldb: C, s.logits.pointer, ldc: V)
        guard let targets else { return .nan }
        targets.withUnsafeBufferPointer { t in
            CrossEntropy.forward(
                probs: s.probs.pointer, losses: s.losses.pointer, logits: s.logits.pointer, targets: t.baseAddress!,
                rows: N, vocab: V, threads: threads)
        }
        var sum: Double = 0
        for i in 0..<N { sum += Double(s.losses.pointer[i]) }
        s.loss = Float(sum / Double(N))
        return s.loss
    }

    /// Runs the model on `inputs` (`[B, T]` ids) without the LM head and returns the final hidden
    /// states `[B·T, dim]` (after the final layer norm of a pre-LN model), valid until the next
    /// forward — the features a task head (e.g. last-token classification) reads. Follow with
    /// ``backward(finalHiddenGradient:)``.
    @discardableResult
    public func forwardHidden(
        inputs: [Int32], batch B: Int, time T: Int, training: Bool = false, rng: inout SeededGenerator
    ) throws -> UnsafePointer<Float> {
        let s = try trunkForward(inputs: inputs, targets: nil, batch: B, time: T, training: training, rng: &rng)
        guard let h = s.finalHidden else { throw ModelError.invalidConfig("no hidden states") }
        return h
    }

    /// Embeddings, blocks and the final layer norm; the activations are kept in ``state``.
    private func trunkForward(
        inputs: [Int32], targets: [Int32]?, batch B: Int, time T: Int, training: Bool, rng: inout SeededGenerator
    ) throws -> ForwardState {
        let c = config
        guard T <= c.contextLength else { throw ModelError.contextTooLong(length: T, context: c.contextLength) }
        guard inputs.count == B * T, targets.map({ $0.count == B * T }) ?? true else {
            throw ModelError.invalidConfig("expected \(B * T) inputs and targets")
        }
        for (i, id) in inputs.enumerated() where id < 0 || Int(id) >= c.vocabSize {
            throw ModelError.tokenOutOfRange(source: "inputs", index: i, id: Int(id), vocabularySize: c.vocabSize)
        }
        if let targets {
            for (i, id) in targets.enumerated() where id < 0 || Int(id) >= c.vocabSize {
                throw ModelError.tokenOutOfRange(source: "targets", index: i, id: Int(id), vocabularySize: c.vocabSize)
            }
        }
        let useDropout = training && c.dropout > 0
        if state == nil || state!.batch != B || state!.time != T || state!.hasDropout != useDropout {
            state = ForwardState(config: c, batch: B, time: T, dropout: useDropout)
        }
        let s = state!
        s.inputs = inputs
        s.targets = targets
        let N = B * T, C = c.dim
        let pos = sinusoids?.pointer ?? w(layout.wpe!)
        inputs.withUnsafeBufferPointer { tok in
            TokenEmbedding.forward(
                out: s.encoded.pointer, tokens: tok.baseAddress!, wte: w(layout.wte), pos: pos, batch: B, time: T, dim: C,
                scale: c.embeddingScale)
        }
        var x = UnsafePointer(s.encoded.pointer)
        var aux: Float = 0
        for l in 0..<c.layers {
            let a = s.blocks[l]
            if useDropout {
                Dropout.fillMask(a.mask1, probability: c.dropout, rng: &rng)
                Dropout.fillMask(a.mask2, probability: c.dropout, rng: &rng)
            }
            blockForward(l, x: x, a: a, batch: B, time: T, dropout: useDropout)
            aux += a.moe?.auxLoss ?? 0
            x = UnsafePointer(a.output(c.norm).pointer)
        }
        var h = x
        if let lnfw = layout.lnfw, let lnfb = layout.lnfb {
            LayerNorm.forward(
                out: s.lnf.pointer, mean: s.lnfMean.pointer, rstd: s.lnfRstd.pointer, inp: x, weight: w(lnfw), bias: w(lnfb),
                rows: N, channels: C, epsilon: c.layerNormEpsilon, threads: threads)
            h = UnsafePointer(s.lnf.pointer)
        }
        s.finalHidden = h
        s.auxLoss = aux
        return s
    }

    /// The MoE load-balancing loss of the last forward (0 for dense models).
    public var auxiliaryLoss: Float { state?.auxLoss ?? 0 }

    /// Logits `[B·T, V]` of the last forward.
    public var logits: UnsafePointer<Float>? { state.map { UnsafePointer($0.logits.pointer) } }

    /// Per-token losses `[B·T]` of the last forward with targets.
    public var tokenLosses: UnsafePointer<Float>? { state.map { UnsafePointer($0.losses.pointer) } }

    /// Attention probabilities of block `l` from the last forward, `[B, NH, T, T]`.
    public func attentionProbabilities(layer l: Int) -> UnsafePointer<Float>? { state.map { UnsafePointer($0.blocks[l].att.pointer) } }

    func blockForward(_ l: Int, x: UnsafePointer<Float>, a: BlockActivations, batch B: Int, time T: Int, dropout: Bool) {
        let c = config, b = layout.blocks[l]
        let N = B * T, C = c.dim, n = N * C, eps = c.layerNormEpsilon
        let attIn: UnsafePointer<Float>
        if c.norm == .pre {
            LayerNorm.forward(
                out: a.ln1.pointer, mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, inp: x, weight: w(b.ln1w), bias: w(b.ln1b),
                rows: N, channels: C, epsilon: eps, threads: threads)
            attIn = UnsafePointer(a.ln1.pointer)
        } else {
            attIn = x
        }
        Linear.forward(out: a.qkv.pointer, inp: attIn, weight: w(b.qkvw), bias: w(b.qkvb), rows: N, inChannels: C, outChannels: 3 * C)
        Attention.forward(
            out: a.atty.pointer, att: a.att.pointer, qkv: a.qkv.pointer, batch: B, time: T, dim: C, heads: c.heads, threads: threads)
        Linear.forward(
            out: a.attproj.pointer, inp: a.atty.pointer, weight: w(b.projw), bias: w(b.projb), rows: N, inChannels: C, outChannels: C)
        if dropout { Dropout.forward(a.attproj.pointer, mask: a.mask1.pointer, count: n) }
        Residual.forward(out: a.res2.pointer, x, a.attproj.pointer, count: n, threads: threads)
        let ffnIn: UnsafeMutablePointer<Float>
        if c.norm == .pre {
            LayerNorm.forward(
                out: a.ln2.pointer, mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, inp: a.res2.pointer, weight: w(b.ln2w),
                bias: w(b.ln2b), rows: N, channels: C, epsilon: eps, threads: threads)
            ffnIn = a.ln2.pointer
        } else {
            LayerNorm.forward(
                out: a.ln1.pointer, mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, inp: a.res2.pointer, weight: w(b.ln1w),
                bias: w(b.ln1b), rows: N, channels: C, epsilon: eps, threads: threads)
            ffnIn = a.ln1.pointer
        }
        ffnForward(l, out: a.fcproj.pointer, inp: ffnIn, a: a, rows: N)
        if dropout { Dropout.forward(a.fcproj.pointer, mask: a.mask2.pointer, count: n) }
        Residual.forward(out: a.res3.pointer, c.norm == .pre ? a.res2.pointer : ffnIn, a.fcproj.pointer, count: n, threads: threads)
        if c.norm == .post {
            LayerNorm.forward(
                out: a.ln2.pointer, mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, inp: a.res3.pointer, weight: w(b.ln2w),
                bias: w(b.ln2b), rows: N, channels: C, epsilon: eps, threads: threads)
        }
    }

    func ffnForward(_ l: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, a: BlockActivations, rows N: Int) {
        let c = config, b = layout.blocks[l], C = c.dim, F = c.ffnDim
        if let moe = a.moe {
            moe.forward(out: out, inp: inp, count: N, gate: w(b.gatew), fcw: w(b.fcw), fcb: w(b.fcb), projw: w(b.fc2w), projb: w(b.fc2b))
        } else {
            Linear.forward(out: a.fch.pointer, inp: inp, weight: w(b.fcw), bias: w(b.fcb), rows: N, inChannels: C, outChannels: F)
            c.activation.forward(out: a.fchAct.pointer, inp: a.fch.pointer, count: N * F, threads: threads)
            Linear.forward(out: out, inp: a.fchAct.pointer, weight: w(b.fc2w), bias: w(b.fc2b), rows: N, inChannels: F, outChannels: C)
        }
    }

    // MARK: Backward

    /// Accumulates into ``gradients`` the gradient of the last forward's loss
    /// (mean cross-entropy plus the MoE auxiliary loss). Call ``zeroGradients()`` first.
    public func backward() {
        guard let s = state, let targets = s.targets else { preconditionFailure("backward() needs a forward with targets") }
        let c = config, B = s.batch, T = s.time, N = B * T, C = c.dim, V = c.vocabSize
        // cross-entropy → dlogits (in place over probs)
        targets.withUnsafeBufferPointer { t in
            CrossEntropy.backward(probs: s.probs.pointer, targets: t.baseAddress!, rows: N, vocab: V, scale: 1 / Float(N), threads: threads)
        }
        let dh = s.dOut.pointer
        Linear.backward(
            dinp: dh, dweight: g(layout.head), dbias: nil, dout: s.probs.pointer, inp: s.finalHidden!,
            weight: w(layout.head), rows: N, inChannels: C, outChannels: V, overwriteInput: true)
        trunkBackward(s)
    }

    /// Accumulates into ``gradients`` the gradient of a loss on the final hidden states of the last
    /// ``forwardHidden(inputs:batch:time:training:rng:)`` (or forward), given `finalHiddenGradient`
    /// `[B·T, dim]` = d loss / d hidden (the MoE auxiliary loss's gradient is added, as in
    /// ``backward()``). Call ``zeroGradients()`` first.
    public func backward(finalHiddenGradient: UnsafePointer<Float>) {
        guard let s = state else { preconditionFailure("backward(finalHiddenGradient:) needs a forward") }
        s.dOut.pointer.update(from: finalHiddenGradient, count: s.batch * s.time * config.dim)
        trunkBackward(s)
    }

    /// Backward from d(final hidden) in `s.dOut` through the final layer norm, the blocks and the embeddings.
    private func trunkBackward(_ s: ForwardState) {
        let c = config, B = s.batch, T = s.time, N = B * T, C = c.dim
        var dOut = s.dOut, dIn = s.dIn
        if let lnfw = layout.lnfw, let lnfb = layout.lnfb {
            let xL = c.layers > 0 ? s.blocks[c.layers - 1].output(c.norm).pointer : s.encoded.pointer
            dIn.zero()
            LayerNorm.backward(
                dinp: dIn.pointer, dweight: g(lnfw), dbias: g(lnfb), dout: dOut.pointer, inp: xL, weight: w(lnfw),
                mean: s.lnfMean.pointer, rstd: s.lnfRstd.pointer, rows: N, channels: C, threads: threads)
            swap(&dOut, &dIn)
        }
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let x = l == 0 ? s.encoded.pointer : s.blocks[l - 1].output(c.norm).pointer
            blockBackward(l, x: x, a: s.blocks[l], dOut: dOut.pointer, dIn: dIn.pointer, s: s)
            swap(&dOut, &dIn)
        }
        s.inputs.withUnsafeBufferPointer { tok in
            TokenEmbedding.backward(
                dwte: g(layout.wte), dwpe: layout.wpe.map { g($0) }, dout: dOut.pointer, tokens: tok.baseAddress!,
                batch: B, time: T, dim: C, scale: c.embeddingScale)
        }
    }

    /// Backward of block `l`: reads `dOut` (gradient of the block output), overwrites `dIn` (gradient of its input).
    func blockBackward(
        _ l: Int, x: UnsafePointer<Float>, a: BlockActivations, dOut: UnsafeMutablePointer<Float>,
        dIn: UnsafeMutablePointer<Float>, s: ForwardState
    ) {
        let c = config, b = layout.blocks[l], B = s.batch, T = s.time, N = B * T, C = c.dim
        let n = N * C
        let dropout = s.hasDropout
        let dRes = s.dRes.pointer, dBranch = s.dBranch.pointer, dLn = s.dLn.pointer
        if c.norm == .pre {
            // res3 = res2 + drop(FFN(ln2))
            dRes.update(from: dOut, count: n)  // d res2 (residual path)
            dBranch.update(from: dOut, count: n)
            if dropout { Dropout.backward(dBranch, mask: a.mask2.pointer, count: n) }
            ffnBackward(l, dinp: dLn, dout: dBranch, inp: a.ln2.pointer, a: a, rows: N, overwrite: true)
            LayerNorm.backward(
                dinp: dRes, dweight: g(b.ln2w), dbias: g(b.ln2b), dout: dLn, inp: a.res2.pointer, weight: w(b.ln2w),
                mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, rows: N, channels: C, threads: threads)
            // res2 = x + drop(Attn(ln1))
            dIn.update(from: dRes, count: n)
            if dropout { Dropout.backward(dRes, mask: a.mask1.pointer, count: n) }
            attentionBackward(l, dinp: dLn, dout: dRes, inp: a.ln1.pointer, a: a, s: s, overwrite: true)
            LayerNorm.backward(
                dinp: dIn, dweight: g(b.ln1w), dbias: g(b.ln1b), dout: dLn, inp: x, weight: w(b.ln1w),
                mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, rows: N, channels: C, threads: threads)
        } else {
            // out = LN2(res3), res3 = ln1 + drop(FFN(ln1))
            dRes.update(repeating: 0, count: n)
            LayerNorm.backward(
                dinp: dRes, dweight: g(b.ln2w), dbias: g(b.ln2b), dout: dOut, inp: a.res3.pointer, weight: w(b.ln2w),
                mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, rows: N, channels: C, threads: threads)
            dLn.update(from: dRes, count: n)  // d ln1 (residual path)
            if dropout { Dropout.backward(dRes, mask: a.mask2.pointer, count: n) }
            ffnBackward(l, dinp: dLn, dout: dRes, inp: a.ln1.pointer, a: a, rows: N)
            // ln1 = LN1(res2)
            dBranch.update(repeating: 0, count: n)
            LayerNorm.backward(
                dinp: dBranch, dweight: g(b.ln1w), dbias: g(b.ln1b), dout: dLn, inp: a.res2.pointer, weight: w(b.ln1w),
                mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, rows: N, channels: C, threads: threads)
            // res2 = x + drop(Attn(x))
            dIn.update(from: dBranch, count: n)
            if dropout { Dropout.backward(dBranch, mask: a.mask1.pointer, count: n) }
            attentionBackward(l, dinp: dIn, dout: dBranch, inp: x, a: a, s: s)
        }
    }

    /// Attention sub-layer backward: `dinp += …` given `dout` = d(attention projection output).
    func attentionBackward(
        _ l: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
        a: BlockActivations, s: ForwardState, overwrite: Bool = false
    ) {
        let c = config, b = layout.blocks[l], B = s.batch, T = s.time, N = B * T, C = c.dim
        let datty = s.dAtty.pointer
        Linear.backward(
            dinp: datty, dweight: g(b.projw), dbias: g(b.projb), dout: dout, inp: a.atty.pointer, weight: w(b.projw),
            rows: N, inChannels: C, outChannels: C, overwriteInput: true)
        Attention.backward(
            dqkv: s.dQkv.pointer, scratch: s.dAtt.pointer, dout: datty, qkv: a.qkv.pointer, att: a.att.pointer,
            batch: B, time: T, dim: C, heads: c.heads, threads: threads)
        Linear.backward(
            dinp: dinp, dweight: g(b.qkvw), dbias: g(b.qkvb), dout: s.dQkv.pointer, inp: inp, weight: w(b.qkvw),
            rows: N, inChannels: C, outChannels: 3 * C, overwriteInput: overwrite)
    }

    /// FFN backward: `dinp += …` given `dout` = d(FFN output).
    func ffnBackward(
        _ l: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
        a: BlockActivations, rows N: Int, overwrite: Bool = false
    ) {
        let c = config, b = layout.blocks[l], C = c.dim, F = c.ffnDim
        if let moe = a.moe {
            if overwrite { dinp.update(repeating: 0, count: N * C) }
            moe.backward(
                dinp: dinp, dout: dout, inp: inp, count: N, gate: w(b.gatew), fcw: w(b.fcw), projw: w(b.fc2w),
                dgate: g(b.gatew), dfcw: g(b.fcw), dfcb: g(b.fcb), dprojw: g(b.fc2w), dprojb: g(b.fc2b))
            return
        }
        guard let dh = state?.dHidden.pointer else { return }
        Linear.backward(
            dinp: dh, dweight: g(b.fc2w), dbias: g(b.fc2b), dout: dout, inp: a.fchAct.pointer, weight: w(b.fc2w),
            rows: N, inChannels: F, outChannels: C, overwriteInput: true)
        c.activation.backward(dinp: dh, inp: a.fch.pointer, dout: dh, count: N * F, threads: threads)
        Linear.backward(
            dinp: dinp, dweight: g(b.fcw), dbias: g(b.fcb), dout: dh, inp: inp, weight: w(b.fcw),
            rows: N, inChannels: C, outChannels: F, overwriteInput: overwrite)
    }
}
