import NeuralCore

/// The residual sublayers (self-attention, cross-attention, FFN) as forward/backward pairs over
/// NeuralCore's layers.
extension Seq2SeqTransformer {
    var C: Int { config.dim }
    var p: UnsafeMutablePointer<Float> { parameters.pointer }
    var g: UnsafeMutablePointer<Float> { gradients.pointer }

    // MARK: Residual + layer norm

    /// Post-LN: `LN(x + S(x))`; pre-LN: `x + S(LN(x))`. `body` maps the sublayer input to `S(·)`.
    func sublayerForward(
        x: UnsafeMutablePointer<Float>, rows N: Int, norm: NormOffsets, buffers: SublayerBuffers,
        body: (UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>
    ) -> UnsafeMutablePointer<Float> {
        let count = N * C
        let mean = buffers.mean.pointer(N), rstd = buffers.rstd.pointer(N)
        switch config.norm {
        case .pre:
            let input = buffers.input.pointer(count)
            LayerNorm.forward(
                out: input, mean: mean, rstd: rstd, inp: x, weight: p + norm.weight, bias: p + norm.bias, rows: N,
                channels: C, epsilon: config.layerNormEpsilon, threads: threads)
            let out = body(input)
            let sum = buffers.sum.pointer(count)
            Residual.forward(out: sum, x, out, count: count, threads: threads)
            return sum
        case .post:
            let out = body(x)
            let sum = buffers.sum.pointer(count)
            Residual.forward(out: sum, x, out, count: count, threads: threads)
            let normed = buffers.normed.pointer(count)
            LayerNorm.forward(
                out: normed, mean: mean, rstd: rstd, inp: sum, weight: p + norm.weight, bias: p + norm.bias, rows: N,
                channels: C, epsilon: config.layerNormEpsilon, threads: threads)
            return normed
        }
    }

    /// Backward of ``sublayerForward``: `dy` in, `dx` out (overwritten; must not alias `dy`). `x` is
    /// the sublayer's input; `body` maps `dS` and the sublayer input to the gradient of that input.
    func sublayerBackward(
        dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>, rows N: Int,
        norm: NormOffsets, buffers: SublayerBuffers,
        body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float>
    ) {
        let count = N * C
        switch config.norm {
        case .pre:
            let dInput = body(dy, buffers.input.current)
            dx.update(from: dy, count: count)
            LayerNorm.backward(
                dinp: dx, dweight: g + norm.weight, dbias: g + norm.bias, dout: dInput, inp: x, weight: p + norm.weight,
                mean: buffers.mean.current, rstd: buffers.rstd.current, rows: N, channels: C, threads: threads)
        case .post:
            let dSum = gradResidual.zeroed(count)
            LayerNorm.backward(
                dinp: dSum, dweight: g + norm.weight, dbias: g + norm.bias, dout: dy, inp: buffers.sum.current,
                weight: p + norm.weight, mean: buffers.mean.current, rstd: buffers.rstd.current, rows: N, channels: C,
                threads: threads)
            let dInput = body(dSum, x)
            Residual.forward(out: dx, dSum, dInput, count: count, threads: threads)
        }
    }

    /// The final layer norm of a pre-LN stack.
    func finalNormForward(x: UnsafeMutablePointer<Float>, rows N: Int, norm: NormOffsets, buffers: SublayerBuffers) -> UnsafeMutablePointer<
        Float
    > {
        let out = buffers.normed.pointer(N * C)
        LayerNorm.forward(
            out: out, mean: buffers.mean.pointer(N), rstd: buffers.rstd.pointer(N), inp: x, weight: p + norm.weight,
            bias: p + norm.bias, rows: N, channels: C, epsilon: config.layerNormEpsilon, threads: threads)
        return out
    }

    /// Backward of ``finalNormForward``: `dx` overwritten.
    func finalNormBackward(
        dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>, rows N: Int, norm: NormOffsets,
        buffers: SublayerBuffers, input: UnsafeMutablePointer<Float>
    ) {
        dx.update(repeating: 0, count: N * C)
        LayerNorm.backward(
            dinp: dx, dweight: g + norm.weight, dbias: g + norm.bias, dout: dy, inp: input, weight: p + norm.weight,
            mean: buffers.mean.current, rstd: buffers.rstd.current, rows: N, channels: C, threads: threads)
    }

    // MARK: Self-attention

    func selfAttentionForward(
        input: UnsafeMutablePointer<Float>, weights w: SelfAttentionOffsets, buffers: SublayerBuffers,
        batch B: Int, time T: Int, mask: AttentionMask
    ) -> UnsafeMutablePointer<Float> {
        let N = B * T, H = config.heads
        let qkv = buffers.projected.pointer(N * 3 * C)
        Linear.forward(out: qkv, inp: input, weight: p + w.qkvWeight, bias: p + w.qkvBias, rows: N, inChannels: C, outChannels: 3 * C)
        let heads = buffers.hidden.pointer(N * C)
        Attention.forward(
            out: heads, att: buffers.probabilities.pointer(B * H * T * T), query: qkv, queryStride: 3 * C, key: qkv + C,
            keyStride: 3 * C, value: qkv + 2 * C, valueStride: 3 * C, batch: B, queryTime: T, keyTime: T, dim: C,
            heads: H, mask: mask, threads: threads)
        let out = buffers.output.pointer(N * C)
        Linear.forward(out: out, inp: heads, weight: p + w.outWeight, bias: p + w.outBias, rows: N, inChannels: C, outChannels: C)
        return out
    }

    func selfAttentionBackward(
        dOutput: UnsafeMutablePointer<Float>, input: UnsafeMutablePointer<Float>, weights w: SelfAttentionOffsets,
        buffers: SublayerBuffers, batch B: Int, time T: Int, mask: AttentionMask
    ) -> UnsafeMutablePointer<Float> {
        let N = B * T, H = config.heads
        let qkv = buffers.projected.current, heads = buffers.hidden.current
        let dHeads = gradHidden.pointer(N * C)
        Linear.backward(
            dinp: dHeads, dweight: g + w.outWeight, dbias: g + w.outBias, dout: dOutput, inp: heads, weight: p + w.outWeight,
            rows: N, inChannels: C, outChannels: C, overwriteInput: true)
        let dqkv = gradProjected.pointer(N * 3 * C)
        Attention.backward(
            dquery: dqkv, dqueryStride: 3 * C, dkey: dqkv + C, dkeyStride: 3 * C, dvalue: dqkv + 2 * C,
            dvalueStride: 3 * C, scratch: gradScores.pointer(B * H * T * T), dout: dHeads, query: qkv, queryStride: 3 * C,
            key: qkv + C, keyStride: 3 * C, value: qkv + 2 * C, valueStride: 3 * C, att: buffers.probabilities.current,
            batch: B, queryTime: T, keyTime: T, dim: C, heads: H, mask: mask, threads: threads)
        let dInput = gradInput.pointer(N * C)
        Linear.backward(
            dinp: dInput, dweight: g + w.qkvWeight, dbias: g + w.qkvBias, dout: dqkv, inp: input, weight: p + w.qkvWeight,
            rows: N, inChannels: C, outChannels: 3 * C, overwriteInput: true)
        return dInput
    }

    // MARK: Cross-attention

    /// Queries from the decoder (`input`, `[B, Tq, C]`), keys and values from the encoder output
    /// (`memory`, `[B, Tk, C]`).
    func crossAttentionForward(
        input: UnsafeMutablePointer<Float>, memory: UnsafePointer<Float>, weights w: CrossAttentionOffsets,
        buffers: SublayerBuffers, batch B: Int, queryTime Tq: Int, keyTime Tk: Int,
        mask: AttentionMask
    ) -> UnsafeMutablePointer<Float> {
        let Nq = B * Tq, Nk = B * Tk, H = config.heads
        let q = buffers.projected.pointer(Nq * C)
        Linear.forward(out: q, inp: input, weight: p + w.qWeight, bias: p + w.qBias, rows: Nq, inChannels: C, outChannels: C)
        let kv = buffers.keyValue.pointer(Nk * 2 * C)
        Linear.forward(out: kv, inp: memory, weight: p + w.kvWeight, bias: p + w.kvBias, rows: Nk, inChannels: C, outChannels: 2 * C)
        let heads = buffers.hidden.pointer(Nq * C)
        Attention.forward(
            out: heads, att: buffers.probabilities.pointer(B * H * Tq * Tk), query: q, queryStride: C, key: kv,
            keyStride: 2 * C, value: kv + C, valueStride: 2 * C, batch: B, queryTime: Tq, keyTime: Tk, dim: C, heads: H,
            mask: mask, threads: threads)
        let out = buffers.output.pointer(Nq * C)
        Linear.forward(out: out, inp: heads, weight: p + w.outWeight, bias: p + w.outBias, rows: Nq, inChannels: C, outChannels: C)
        return out
    }

    /// Backward of ``crossAttentionForward``; the memory's gradient is accumulated into `dMemory`.
    func crossAttentionBackward(
        dOutput: UnsafeMutablePointer<Float>, input: UnsafeMutablePointer<Float>, memory: UnsafePointer<Float>,
        dMemory: UnsafeMutablePointer<Float>, weights w: CrossAttentionOffsets, buffers: SublayerBuffers,
        batch B: Int, queryTime Tq: Int, keyTime Tk: Int, mask: AttentionMask
    ) -> UnsafeMutablePointer<Float> {
        let Nq = B * Tq, Nk = B * Tk, H = config.heads
        let q = buffers.projected.current, kv = buffers.keyValue.current, heads = buffers.hidden.current
        let dHeads = gradHidden.pointer(Nq * C)
        Linear.backward(
            dinp: dHeads, dweight: g + w.outWeight, dbias: g + w.outBias, dout: dOutput, inp: heads, weight: p + w.outWeight,
            rows: Nq, inChannels: C, outChannels: C, overwriteInput: true)
        let dq = gradProjected.pointer(Nq * C), dkv = gradKeyValue.pointer(Nk * 2 * C)
        Attention.backward(
            dquery: dq, dqueryStride: C, dkey: dkv, dkeyStride: 2 * C, dvalue: dkv + C, dvalueStride: 2 * C,
            scratch: gradScores.pointer(B * H * Tq * Tk), dout: dHeads, query: q, queryStride: C, key: kv,
            keyStride: 2 * C, value: kv + C, valueStride: 2 * C, att: buffers.probabilities.current, batch: B,
            queryTime: Tq, keyTime: Tk, dim: C, heads: H, mask: mask, threads: threads)
        Linear.backward(
            dinp: dMemory, dweight: g + w.kvWeight, dbias: g + w.kvBias, dout: dkv, inp: memory, weight: p + w.kvWeight,
            rows: Nk, inChannels: C, outChannels: 2 * C)
        let dInput = gradInput.pointer(Nq * C)
        Linear.backward(
            dinp: dInput, dweight: g + w.qWeight, dbias: g + w.qBias, dout: dq, inp: input, weight: p + w.qWeight,
            rows: Nq, inChannels: C, outChannels: C, overwriteInput: true)
        return dInput
    }

    // MARK: FFN

    func ffnForward(input: UnsafeMutablePointer<Float>, weights w: FFNOffsets, buffers: SublayerBuffers, rows N: Int)
        -> UnsafeMutablePointer<Float>
    {
        let F = config.ffnDim
        let hidden = buffers.hidden.pointer(N * F)
        Linear.forward(out: hidden, inp: input, weight: p + w.w1, bias: p + w.b1, rows: N, inChannels: C, outChannels: F)
        let activated = buffers.activated.pointer(N * F)
        config.activation.forward(out: activated, inp: hidden, count: N * F, threads: threads)
        let out = buffers.output.pointer(N * C)
        Linear.forward(out: out, inp: activated, weight: p + w.w2, bias: p + w.b2, rows: N, inChannels: F, outChannels: C)
        return out
    }

    func ffnBackward(
        dOutput: UnsafeMutablePointer<Float>, input: UnsafeMutablePointer<Float>, weights w: FFNOffsets, buffers: SublayerBuffers,
        rows N: Int
    ) -> UnsafeMutablePointer<Float> {
        let F = config.ffnDim
        let dHidden = gradHidden.pointer(N * F)
        Linear.backward(
            dinp: dHidden, dweight: g + w.w2, dbias: g + w.b2, dout: dOutput, inp: buffers.activated.current,
            weight: p + w.w2, rows: N, inChannels: F, outChannels: C, overwriteInput: true)
        config.activation.backward(dinp: dHidden, inp: buffers.hidden.current, dout: dHidden, count: N * F, threads: threads)
        let dInput = gradInput.pointer(N * C)
        Linear.backward(
            dinp: dInput, dweight: g + w.w1, dbias: g + w.b1, dout: dHidden, inp: input, weight: p + w.w1, rows: N,
            inChannels: C, outChannels: F, overwriteInput: true)
        return dInput
    }
}
