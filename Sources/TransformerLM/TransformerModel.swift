import ArtifactIO
import CKernels
import Foundation
import TensorOps

/// A decoder-only Transformer in the llm.c shape: one flat parameter buffer, one flat gradient
/// buffer, saved activations per block, and explicit forward/backward for every layer.
///
/// Block `l` with input `x` (pre-LN, GPT-2):
/// `ln1 = LN(x); res2 = x + drop(Attn(ln1)); ln2 = LN(res2); res3 = res2 + drop(FFN(ln2))` → `res3`.
/// Post-LN (original Transformer):
/// `res2 = x + drop(Attn(x)); ln1 = LN(res2); res3 = ln1 + drop(FFN(ln1)); ln2 = LN(res3)` → `ln2`.
/// Pre-LN adds a final layer norm. Logits are `h·W_headᵀ` (the token embedding when tied).
public final class TransformerModel {
    /// Shape and options.
    public let config: ModelConfig
    /// Tensor offsets inside ``parameters``.
    public let layout: ParameterLayout
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
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
        self.threads = max(1, threads)
        sinusoids = config.positions == .sinusoidal ? LayerKernels.sinusoidalTable(context: config.contextLength, dim: config.dim) : nil
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

    /// Number of parameters.
    public var parameterCount: Int { layout.count }

    /// Pointer to parameter `offset`.
    @inline(__always) func w(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + offset }
    /// Pointer to gradient `offset`.
    @inline(__always) func g(_ offset: Int) -> UnsafeMutablePointer<Float> { gradients.pointer + offset }

    /// Sets all gradients to zero.
    public func zeroGradients() { gradients.zero() }

    // MARK: Forward

    /// Runs the model on `inputs` (`[B, T]` ids) and, when `targets` are given, returns the mean
    /// next-token cross-entropy (the MoE auxiliary loss is in ``auxiliaryLoss``). With `training`
    /// and dropout > 0, masks are drawn from `rng`.
    @discardableResult
    public func forward(inputs: [Int32], targets: [Int32]?, batch B: Int, time T: Int, training: Bool = false,
                        rng: inout SeededGenerator) throws -> Float {
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
        let N = B * T, C = c.dim, V = c.vocabSize
        let pos = sinusoids?.pointer ?? w(layout.wpe!)
        inputs.withUnsafeBufferPointer { tok in
            LayerKernels.encoderForward(out: s.encoded.pointer, tokens: tok.baseAddress!, wte: w(layout.wte), pos: pos, batch: B, time: T, dim: C,
                                        scale: c.embeddingScale)
        }
        var x = UnsafePointer(s.encoded.pointer)
        var aux: Float = 0
        for l in 0..<c.layers {
            let a = s.blocks[l]
            if useDropout { fillDropout(a.mask1, rng: &rng); fillDropout(a.mask2, rng: &rng) }
            blockForward(l, x: x, a: a, batch: B, time: T, dropout: useDropout)
            aux += a.moe?.auxLoss ?? 0
            x = UnsafePointer(a.output(c.norm).pointer)
        }
        var h = x
        if let lnfw = layout.lnfw, let lnfb = layout.lnfb {
            layerNormForward(s.lnf.pointer, s.lnfMean.pointer, s.lnfRstd.pointer, x, w(lnfw), w(lnfb), Int64(N), Int64(C), c.layerNormEpsilon)
            h = UnsafePointer(s.lnf.pointer)
        }
        s.finalHidden = h
        Matmul.nt(N, V, C, h, lda: C, w(layout.head), ldb: C, s.logits.pointer, ldc: V)
        s.auxLoss = aux
        guard let targets else { return .nan }
        targets.withUnsafeBufferPointer { t in
            let targets = t.baseAddress!
            LayerKernels.chunked(N, threads: threads, minimum: 64) { lo, hi in
                tk_softmax_cross_entropy(s.probs.pointer + lo * V, s.losses.pointer + lo, s.logits.pointer + lo * V, targets + lo, Int64(hi - lo), Int64(V))
            }
        }
        var sum: Double = 0
        for i in 0..<N { sum += Double(s.losses.pointer[i]) }
        s.loss = Float(sum / Double(N))
        return s.loss
    }

    /// The MoE load-balancing loss of the last forward (0 for dense models).
    public var auxiliaryLoss: Float { state?.auxLoss ?? 0 }

    /// Logits `[B·T, V]` of the last forward.
    public var logits: UnsafePointer<Float>? { state.map { UnsafePointer($0.logits.pointer) } }

    /// Per-token losses `[B·T]` of the last forward with targets.
    public var tokenLosses: UnsafePointer<Float>? { state.map { UnsafePointer($0.losses.pointer) } }

    /// Attention probabilities of block `l` from the last forward, `[B, NH, T, T]`.
    public func attentionProbabilities(layer l: Int) -> UnsafePointer<Float>? { state.map { UnsafePointer($0.blocks[l].att.pointer) } }

    private func fillDropout(_ mask: FloatBuffer, rng: inout SeededGenerator) {
        let p = config.dropout, keep = 1 / (1 - p)
        let m = mask.pointer
        for i in 0..<mask.count { m[i] = rng.nextUniform() < p ? 0 : keep }
    }

    func blockForward(_ l: Int, x: UnsafePointer<Float>, a: BlockActivations, batch B: Int, time T: Int, dropout: Bool) {
        let c = config, b = layout.blocks[l]
        let N = B * T, C = c.dim, n64 = Int64(N * C), eps = c.layerNormEpsilon
        let attIn: UnsafePointer<Float>
        if c.norm == .pre {
            layerNormForward(a.ln1.pointer, a.ln1Mean.pointer, a.ln1Rstd.pointer, x, w(b.ln1w), w(b.ln1b), Int64(N), Int64(C), eps)
            attIn = UnsafePointer(a.ln1.pointer)
        } else {
            attIn = x
        }
        Matmul.linearForward(out: a.qkv.pointer, inp: attIn, weight: w(b.qkvw), bias: w(b.qkvb), rows: N, inChannels: C, outChannels: 3 * C)
        LayerKernels.attentionForward(out: a.atty.pointer, att: a.att.pointer, qkv: a.qkv.pointer, batch: B, time: T, dim: C, heads: c.heads, threads: threads)
        Matmul.linearForward(out: a.attproj.pointer, inp: a.atty.pointer, weight: w(b.projw), bias: w(b.projb), rows: N, inChannels: C, outChannels: C)
        if dropout { tk_multiply(a.attproj.pointer, a.mask1.pointer, n64) }
        addForward(a.res2.pointer, x, a.attproj.pointer, n64)
        let ffnIn: UnsafeMutablePointer<Float>
        if c.norm == .pre {
            layerNormForward(a.ln2.pointer, a.ln2Mean.pointer, a.ln2Rstd.pointer, a.res2.pointer, w(b.ln2w), w(b.ln2b), Int64(N), Int64(C), eps)
            ffnIn = a.ln2.pointer
        } else {
            layerNormForward(a.ln1.pointer, a.ln1Mean.pointer, a.ln1Rstd.pointer, a.res2.pointer, w(b.ln1w), w(b.ln1b), Int64(N), Int64(C), eps)
            ffnIn = a.ln1.pointer
        }
        ffnForward(l, out: a.fcproj.pointer, inp: ffnIn, a: a, rows: N)
        if dropout { tk_multiply(a.fcproj.pointer, a.mask2.pointer, n64) }
        addForward(a.res3.pointer, c.norm == .pre ? a.res2.pointer : ffnIn, a.fcproj.pointer, n64)
        if c.norm == .post {
            layerNormForward(a.ln2.pointer, a.ln2Mean.pointer, a.ln2Rstd.pointer, a.res3.pointer, w(b.ln2w), w(b.ln2b), Int64(N), Int64(C), eps)
        }
    }

    func ffnForward(_ l: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, a: BlockActivations, rows N: Int) {
        let c = config, b = layout.blocks[l], C = c.dim, F = c.ffnDim
        if let moe = a.moe {
            moe.forward(out: out, inp: inp, count: N, gate: w(b.gatew), fcw: w(b.fcw), fcb: w(b.fcb), projw: w(b.fc2w), projb: w(b.fc2b))
        } else {
            Matmul.linearForward(out: a.fch.pointer, inp: inp, weight: w(b.fcw), bias: w(b.fcb), rows: N, inChannels: C, outChannels: F)
            LayerKernels.activationForward(c.activation, out: a.fchAct.pointer, inp: a.fch.pointer, count: N * F, threads: threads)
            Matmul.linearForward(out: out, inp: a.fchAct.pointer, weight: w(b.fc2w), bias: w(b.fc2b), rows: N, inChannels: F, outChannels: C)
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
            let targets = t.baseAddress!
            LayerKernels.chunked(N, threads: threads, minimum: 64) { lo, hi in
                tk_cross_entropy_backward(s.probs.pointer + lo * V, targets + lo, Int64(hi - lo), Int64(V), 1 / Float(N))
            }
        }
        let dh = s.dOut.pointer
        Matmul.linearBackward(dinp: dh, dweight: g(layout.head), dbias: nil, dout: s.probs.pointer, inp: s.finalHidden!,
                              weight: w(layout.head), rows: N, inChannels: C, outChannels: V, overwriteInput: true)
        var dOut = s.dOut, dIn = s.dIn
        if let lnfw = layout.lnfw, let lnfb = layout.lnfb {
            let xL = c.layers > 0 ? s.blocks[c.layers - 1].output(c.norm).pointer : s.encoded.pointer
            dIn.zero()
            layerNormBackward(dIn.pointer, g(lnfw), g(lnfb), dOut.pointer, xL, w(lnfw), s.lnfMean.pointer, s.lnfRstd.pointer, Int64(N), Int64(C))
            swap(&dOut, &dIn)
        }
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let x = l == 0 ? s.encoded.pointer : s.blocks[l - 1].output(c.norm).pointer
            blockBackward(l, x: x, a: s.blocks[l], dOut: dOut.pointer, dIn: dIn.pointer, s: s)
            swap(&dOut, &dIn)
        }
        s.inputs.withUnsafeBufferPointer { tok in
            LayerKernels.encoderBackward(dwte: g(layout.wte), dwpe: layout.wpe.map { g($0) }, dout: dOut.pointer, tokens: tok.baseAddress!,
                                         batch: B, time: T, dim: C, scale: c.embeddingScale)
        }
    }

    /// Backward of block `l`: reads `dOut` (gradient of the block output), overwrites `dIn` (gradient of its input).
    func blockBackward(_ l: Int, x: UnsafePointer<Float>, a: BlockActivations, dOut: UnsafeMutablePointer<Float>,
                       dIn: UnsafeMutablePointer<Float>, s: ForwardState) {
        let c = config, b = layout.blocks[l], B = s.batch, T = s.time, N = B * T, C = c.dim
        let n = N * C, n64 = Int64(n)
        let dropout = s.hasDropout
        let dRes = s.dRes.pointer, dBranch = s.dBranch.pointer, dLn = s.dLn.pointer
        if c.norm == .pre {
            // res3 = res2 + drop(FFN(ln2))
            dRes.update(from: dOut, count: n)                       // d res2 (residual path)
            dBranch.update(from: dOut, count: n)
            if dropout { tk_multiply(dBranch, a.mask2.pointer, n64) }
            ffnBackward(l, dinp: dLn, dout: dBranch, inp: a.ln2.pointer, a: a, rows: N, overwrite: true)
            layerNormBackward(dRes, g(b.ln2w), g(b.ln2b), dLn, a.res2.pointer, w(b.ln2w), a.ln2Mean.pointer, a.ln2Rstd.pointer, Int64(N), Int64(C))
            // res2 = x + drop(Attn(ln1))
            dIn.update(from: dRes, count: n)
            if dropout { tk_multiply(dRes, a.mask1.pointer, n64) }
            attentionBackward(l, dinp: dLn, dout: dRes, inp: a.ln1.pointer, a: a, s: s, overwrite: true)
            layerNormBackward(dIn, g(b.ln1w), g(b.ln1b), dLn, x, w(b.ln1w), a.ln1Mean.pointer, a.ln1Rstd.pointer, Int64(N), Int64(C))
        } else {
            // out = LN2(res3), res3 = ln1 + drop(FFN(ln1))
            dRes.update(repeating: 0, count: n)
            layerNormBackward(dRes, g(b.ln2w), g(b.ln2b), dOut, a.res3.pointer, w(b.ln2w), a.ln2Mean.pointer, a.ln2Rstd.pointer, Int64(N), Int64(C))
            dLn.update(from: dRes, count: n)                        // d ln1 (residual path)
            if dropout { tk_multiply(dRes, a.mask2.pointer, n64) }
            ffnBackward(l, dinp: dLn, dout: dRes, inp: a.ln1.pointer, a: a, rows: N)
            // ln1 = LN1(res2)
            dBranch.update(repeating: 0, count: n)
            layerNormBackward(dBranch, g(b.ln1w), g(b.ln1b), dLn, a.res2.pointer, w(b.ln1w), a.ln1Mean.pointer, a.ln1Rstd.pointer, Int64(N), Int64(C))
            // res2 = x + drop(Attn(x))
            dIn.update(from: dBranch, count: n)
            if dropout { tk_multiply(dBranch, a.mask1.pointer, n64) }
            attentionBackward(l, dinp: dIn, dout: dBranch, inp: x, a: a, s: s)
        }
    }

    /// Attention sub-layer backward: `dinp += …` given `dout` = d(attention projection output).
    func attentionBackward(_ l: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                           a: BlockActivations, s: ForwardState, overwrite: Bool = false) {
        let c = config, b = layout.blocks[l], B = s.batch, T = s.time, N = B * T, C = c.dim
        let datty = s.dAtty.pointer
        Matmul.linearBackward(dinp: datty, dweight: g(b.projw), dbias: g(b.projb), dout: dout, inp: a.atty.pointer, weight: w(b.projw),
                              rows: N, inChannels: C, outChannels: C, overwriteInput: true)
        LayerKernels.attentionBackward(dqkv: s.dQkv.pointer, scratch: s.dAtt.pointer, dout: datty, qkv: a.qkv.pointer, att: a.att.pointer,
                                       batch: B, time: T, dim: C, heads: c.heads, threads: threads)
        Matmul.linearBackward(dinp: dinp, dweight: g(b.qkvw), dbias: g(b.qkvb), dout: s.dQkv.pointer, inp: inp, weight: w(b.qkvw),
                              rows: N, inChannels: C, outChannels: 3 * C, overwriteInput: overwrite)
    }

    /// FFN backward: `dinp += …` given `dout` = d(FFN output).
    func ffnBackward(_ l: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                     a: BlockActivations, rows N: Int, overwrite: Bool = false) {
        let c = config, b = layout.blocks[l], C = c.dim, F = c.ffnDim
        if let moe = a.moe {
            if overwrite { dinp.update(repeating: 0, count: N * C) }
            moe.backward(dinp: dinp, dout: dout, inp: inp, count: N, gate: w(b.gatew), fcw: w(b.fcw), projw: w(b.fc2w),
                         dgate: g(b.gatew), dfcw: g(b.fcw), dfcb: g(b.fcb), dprojw: g(b.fc2w), dprojb: g(b.fc2b))
            return
        }
        let dh = state!.dHidden.pointer
        Matmul.linearBackward(dinp: dh, dweight: g(b.fc2w), dbias: g(b.fc2b), dout: dout, inp: a.fchAct.pointer, weight: w(b.fc2w),
                              rows: N, inChannels: F, outChannels: C, overwriteInput: true)
        LayerKernels.activationBackward(c.activation, dinp: dh, inp: a.fch.pointer, dout: dh, count: N * F, threads: threads)
        Matmul.linearBackward(dinp: dinp, dweight: g(b.fcw), dbias: g(b.fcb), dout: dh, inp: inp, weight: w(b.fcw),
                              rows: N, inChannels: C, outChannels: F, overwriteInput: overwrite)
    }

    // MARK: Elementwise kernels split across the model's threads

    /// Layer norm forward over `rows` rows, the rows split across ``threads``.
    func layerNormForward(_ out: UnsafeMutablePointer<Float>, _ mean: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>,
                          _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                          _ rows: Int64, _ channels: Int64, _ eps: Float) {
        let C = Int(channels)
        LayerKernels.chunked(Int(rows), threads: threads, minimum: 256) { lo, hi in
            tk_layernorm_forward(out + lo * C, mean + lo, rstd + lo, inp + lo * C, weight, bias, Int64(hi - lo), channels, eps)
        }
    }

    /// `out = a + b` over `count` floats, split across ``threads``.
    func addForward(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int64) {
        LayerKernels.chunked(Int(count), threads: threads, minimum: 1 << 15) { lo, hi in
            tk_add(out + lo, a + lo, b + lo, Int64(hi - lo))
        }
    }


    /// Layer norm backward, the rows split across ``threads``; each extra part sums its weight and
    /// bias gradients into scratch, added in part order afterwards (deterministic for a thread count).
    func layerNormBackward(_ dinp: UnsafeMutablePointer<Float>, _ dweight: UnsafeMutablePointer<Float>, _ dbias: UnsafeMutablePointer<Float>,
                           _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
                           _ mean: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>, _ rows: Int64, _ channels: Int64) {
        let N = Int(rows), C = Int(channels)
        let parts = min(threads, max(1, N / 256))
        guard parts > 1 else {
            tk_layernorm_backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, rows, channels)
            return
        }
        var partial = [Float](repeating: 0, count: (parts - 1) * 2 * C)
        partial.withUnsafeMutableBufferPointer { buffer in
            let scratch = buffer.baseAddress!
            ParallelFor.run(parts, threads: parts) { k in
                let lo = N * k / parts, hi = N * (k + 1) / parts
                let dw = k == 0 ? dweight : scratch + (k - 1) * 2 * C
                let db = k == 0 ? dbias : scratch + (k - 1) * 2 * C + C
                tk_layernorm_backward(dinp + lo * C, dw, db, dout + lo * C, inp + lo * C, weight, mean + lo, rstd + lo, Int64(hi - lo), channels)
            }
            for k in 1..<parts {
                tk_accumulate(dweight, scratch + (k - 1) * 2 * C, channels)
                tk_accumulate(dbias, scratch + (k - 1) * 2 * C + C, channels)
            }
        }
    }

}
