import CKernels
import Foundation
import NeuralCore
import TensorOps

/// Autoregressive generation with a per-layer key/value cache: each new token costs one row of
/// work per layer plus attention over the cached keys, instead of a forward over the whole context.
public final class Sampler {
    /// The model (its weights are read, never changed).
    public let model: TransformerModel
    /// Tokens currently in the cache.
    public private(set) var length = 0

    private let kCache: [FloatBuffer], vCache: [FloatBuffer]
    private let blocks: [BlockActivations]
    private let x: FloatBuffer, y: FloatBuffer, ln: FloatBuffer, scores: FloatBuffer, logitsBuffer: FloatBuffer
    private let mean = FloatBuffer(count: 1), rstd = FloatBuffer(count: 1)
    private let positions: FloatBuffer?

    /// Creates a sampler with an empty cache.
    public init(model: TransformerModel) {
        self.model = model
        let c = model.config, T = c.contextLength, C = c.dim
        kCache = (0..<c.layers).map { _ in FloatBuffer(count: T * C) }
        vCache = (0..<c.layers).map { _ in FloatBuffer(count: T * C) }
        blocks = (0..<c.layers).map { _ in BlockActivations(config: c, batch: 1, time: 1, dropout: false) }
        x = FloatBuffer(count: C); y = FloatBuffer(count: C); ln = FloatBuffer(count: C)
        scores = FloatBuffer(count: T); logitsBuffer = FloatBuffer(count: c.vocabSize)
        positions = c.positions == .sinusoidal ? SinusoidalPositions.table(context: T, dim: C) : nil
    }

    /// Empties the cache.
    public func reset() { length = 0 }

    /// The logits `[V]` after feeding `token` at the next position (the cache must have room).
    public func step(_ token: Int32) throws -> UnsafeBufferPointer<Float> {
        let m = model, c = m.config, L = m.layout, C = c.dim, T = c.contextLength, eps = c.layerNormEpsilon
        guard length < T else { throw ModelError.contextTooLong(length: length + 1, context: T) }
        guard token >= 0, Int(token) < c.vocabSize else {
            throw ModelError.tokenOutOfRange(source: "prompt", index: length, id: Int(token), vocabularySize: c.vocabSize)
        }
        let pos = length
        let table = positions?.pointer ?? m.w(L.wpe!)
        x.pointer.update(from: table + pos * C, count: C)
        tk_axpy(x.pointer, c.embeddingScale, m.w(L.wte) + Int(token) * C, Int64(C))
        let hs = c.headDim, scale = 1 / Float(hs).squareRoot()
        for l in 0..<c.layers {
            let b = L.blocks[l], a = blocks[l]
            var attIn = UnsafePointer(x.pointer)
            if c.norm == .pre {
                tk_layernorm_forward(ln.pointer, mean.pointer, rstd.pointer, x.pointer, m.w(b.ln1w), m.w(b.ln1b), 1, Int64(C), eps)
                attIn = UnsafePointer(ln.pointer)
            }
            let qkv = a.qkv.pointer
            Linear.forward(out: qkv, inp: attIn, weight: m.w(b.qkvw), bias: m.w(b.qkvb), rows: 1, inChannels: C, outChannels: 3 * C)
            (kCache[l].pointer + pos * C).update(from: qkv + C, count: C)
            (vCache[l].pointer + pos * C).update(from: qkv + 2 * C, count: C)
            for h in 0..<c.heads {
                Matmul.nt(
                    1, pos + 1, hs, qkv + h * hs, lda: hs, kCache[l].pointer + h * hs, ldb: C, scores.pointer, ldc: pos + 1, alpha: scale)
                tk_softmax(scores.pointer, scores.pointer, Int64(pos + 1))
                Matmul.nn(1, hs, pos + 1, scores.pointer, lda: pos + 1, vCache[l].pointer + h * hs, ldb: C, y.pointer + h * hs, ldc: hs)
            }
            Linear.forward(
                out: a.attproj.pointer, inp: y.pointer, weight: m.w(b.projw), bias: m.w(b.projb), rows: 1, inChannels: C, outChannels: C)
            tk_add(a.res2.pointer, x.pointer, a.attproj.pointer, Int64(C))
            let ffnIn: UnsafeMutablePointer<Float>
            if c.norm == .pre {
                tk_layernorm_forward(a.ln2.pointer, mean.pointer, rstd.pointer, a.res2.pointer, m.w(b.ln2w), m.w(b.ln2b), 1, Int64(C), eps)
                ffnIn = a.ln2.pointer
            } else {
                tk_layernorm_forward(a.ln1.pointer, mean.pointer, rstd.pointer, a.res2.pointer, m.w(b.ln1w), m.w(b.ln1b), 1, Int64(C), eps)
                ffnIn = a.ln1.pointer
            }
            m.ffnForward(l, out: a.fcproj.pointer, inp: ffnIn, a: a, rows: 1)
            if c.norm == .pre {
                tk_add(x.pointer, a.res2.pointer, a.fcproj.pointer, Int64(C))
            } else {
                tk_add(a.res3.pointer, ffnIn, a.fcproj.pointer, Int64(C))
                tk_layernorm_forward(x.pointer, mean.pointer, rstd.pointer, a.res3.pointer, m.w(b.ln2w), m.w(b.ln2b), 1, Int64(C), eps)
            }
        }
        var h = UnsafePointer(x.pointer)
        if let lnfw = L.lnfw, let lnfb = L.lnfb {
            tk_layernorm_forward(ln.pointer, mean.pointer, rstd.pointer, x.pointer, m.w(lnfw), m.w(lnfb), 1, Int64(C), eps)
            h = UnsafePointer(ln.pointer)
        }
        Matmul.nt(1, c.vocabSize, C, h, lda: C, m.w(L.head), ldb: C, logitsBuffer.pointer, ldc: c.vocabSize)
        length += 1
        return UnsafeBufferPointer(start: logitsBuffer.pointer, count: c.vocabSize)
    }

    /// The logits of the last of `tokens` computed by a full forward over all of them (no cache):
    /// what ``step(_:)`` avoids; used to check the cache and to measure its gain.
    public func recomputedLogits(_ tokens: [Int32]) throws -> [Float] {
        var rng = SeededGenerator(seed: 0)
        try model.forward(inputs: tokens, targets: nil, batch: 1, time: tokens.count, rng: &rng)
        let V = model.config.vocabSize
        return Array(UnsafeBufferPointer(start: model.logits! + (tokens.count - 1) * V, count: V))
    }

    // MARK: Sampling

    /// Draws a token from logits with temperature (0: greedy), top-k (0: off) and top-p (1: off)
    /// (NeuralCore's `TokenSampling`).
    public static func sample(
        _ logits: UnsafeBufferPointer<Float>, temperature: Float, topK: Int, topP: Float,
        rng: inout SeededGenerator
    ) -> Int32 {
        TokenSampling.sample(logits, temperature: temperature, topK: topK, topP: topP, rng: &rng)
    }

    /// Generates up to `maxTokens` tokens after `prompt`, calling `onToken` for each; stops at
    /// `stopToken`. When the context fills, the cache is rebuilt from the last half of the context.
    public func generate(
        prompt: [Int32], maxTokens: Int, temperature: Float, topK: Int, topP: Float, seed: UInt64,
        stopToken: Int32?, onToken: (Int32) -> Void
    ) throws -> [Int32] {
        var rng = SeededGenerator(seed: seed)
        let T = model.config.contextLength
        var history = prompt.isEmpty ? [stopToken ?? 0] : prompt
        if history.count > T { history = Array(history.suffix(T)) }
        reset()
        var logits = UnsafeBufferPointer<Float>(start: nil, count: 0)
        for t in history { logits = try step(t) }
        var out: [Int32] = []
        for _ in 0..<maxTokens {
            let next = Sampler.sample(logits, temperature: temperature, topK: topK, topP: topP, rng: &rng)
            if let stopToken, next == stopToken { break }
            out.append(next)
            history.append(next)
            onToken(next)
            if length >= T {
                reset()
                for t in history.suffix(T / 2) { logits = try step(t) }
            } else {
                logits = try step(next)
            }
        }
        return out
    }
}
