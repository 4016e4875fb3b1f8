import CKernels
import NeuralCore
import TensorOps

extension BertModel {
    /// Accumulates into ``gradients`` the gradient of the last forward's ``BertOutput/loss`` (the
    /// sum of the losses of the heads that had targets). Call ``zeroGradients()`` first.
    /// Throws when the last forward had no targets or computed the MLM head on unlabelled rows.
    public func backward() throws {
        guard let s = activations else { throw MaskedLMError.invalidOption("backward() needs a forward first") }
        guard s.headTargets.count == s.headRows.count else {
            throw MaskedLMError.invalidOption("backward() needs a forward with rows: .labelled")
        }
        let c = config, B = s.batch, T = s.time, N = B * T, C = c.dim, V = c.vocabSize
        guard s.hidden != nil else { return }
        let dHidden = s.dHidden.pointer
        dHidden.update(repeating: 0, count: N * C)
        // MLM head.
        let R = s.headRows.count
        if R > 0 {
            s.headTargets.withUnsafeBufferPointer { t in
                CrossEntropy.backward(
                    probs: s.probs.pointer, targets: t.baseAddress!, rows: R, vocab: V, scale: 1 / Float(R), threads: threads)
            }
            let du = s.dHead.pointer, dt = s.dHead2.pointer
            Linear.backward(
                dinp: du, dweight: g(layout.wordEmbeddings), dbias: g(layout.decoderBias), dout: s.probs.pointer,
                inp: s.transformNorm.pointer, weight: w(layout.wordEmbeddings), rows: R, inChannels: C, outChannels: V,
                overwriteInput: true)
            dt.update(repeating: 0, count: R * C)
            LayerNorm.backward(
                dinp: dt, dweight: g(layout.transformNormWeight), dbias: g(layout.transformNormBias), dout: du,
                inp: s.transformAct.pointer, weight: w(layout.transformNormWeight), mean: s.transformMean.pointer,
                rstd: s.transformRstd.pointer, rows: R, channels: C, threads: threads)
            c.activation.backward(dinp: dt, inp: s.transform.pointer, dout: dt, count: R * C, threads: threads)
            Linear.backward(
                dinp: du, dweight: g(layout.transformWeight), dbias: g(layout.transformBias), dout: dt, inp: s.headIn.pointer,
                weight: w(layout.transformWeight), rows: R, inChannels: C, outChannels: C, overwriteInput: true)
            for (r, i) in s.headRows.enumerated() { tk_accumulate(dHidden + i * C, du + r * C, Int64(C)) }
        }
        // Sentence heads through the pooler.
        if let pw = layout.poolerWeight, let pb = layout.poolerBias, s.nextSentenceLabels != nil || s.classLabels != nil {
            let dPooled = s.dPool.pointer
            dPooled.update(repeating: 0, count: B * C)
            if let labels = s.nextSentenceLabels, let nw = layout.nspWeight, let nb = layout.nspBias {
                labels.withUnsafeBufferPointer { t in
                    CrossEntropy.backward(probs: s.nspProbs.pointer, targets: t.baseAddress!, rows: B, vocab: 2, scale: 1 / Float(B))
                }
                Linear.backward(
                    dinp: dPooled, dweight: g(nw), dbias: g(nb), dout: s.nspProbs.pointer, inp: s.pooled.pointer, weight: w(nw),
                    rows: B, inChannels: C, outChannels: 2)
            }
            if let labels = s.classLabels, let cw = layout.classifierWeight, let cb = layout.classifierBias {
                let K = c.classLabels.count
                labels.withUnsafeBufferPointer { t in
                    CrossEntropy.backward(probs: s.classProbs.pointer, targets: t.baseAddress!, rows: B, vocab: K, scale: 1 / Float(B))
                }
                Linear.backward(
                    dinp: dPooled, dweight: g(cw), dbias: g(cb), dout: s.classProbs.pointer, inp: s.pooled.pointer, weight: w(cw),
                    rows: B, inChannels: C, outChannels: K)
            }
            for i in 0..<(B * C) { dPooled[i] *= 1 - s.pooled.pointer[i] * s.pooled.pointer[i] }  // tanh'
            let dCls = s.dPool2.pointer
            Linear.backward(
                dinp: dCls, dweight: g(pw), dbias: g(pb), dout: dPooled, inp: s.clsRows.pointer, weight: w(pw),
                rows: B, inChannels: C, outChannels: C, overwriteInput: true)
            for b in 0..<B { tk_accumulate(dHidden + b * T * C, dCls + b * C, Int64(C)) }
        }
        // Encoder, top down.
        var dOut = s.dA.pointer, dIn = s.dB.pointer
        dOut.update(from: dHidden, count: N * C)
        if let fw = layout.finalNormWeight, let fb = layout.finalNormBias {
            let top = c.layers > 0 ? s.blocks[c.layers - 1].res2.pointer : s.embeddedNorm.pointer
            dIn.update(repeating: 0, count: N * C)
            LayerNorm.backward(
                dinp: dIn, dweight: g(fw), dbias: g(fb), dout: dOut, inp: top, weight: w(fw), mean: s.finalMean.pointer,
                rstd: s.finalRstd.pointer, rows: N, channels: C, threads: threads)
            swap(&dOut, &dIn)
        }
        let mask = AttentionMask.keyLengths(s.lengths)
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let x = l == 0 ? s.embeddedNorm.pointer : (c.norm == .post ? s.blocks[l - 1].ln2.pointer : s.blocks[l - 1].res2.pointer)
            blockBackward(l, x: x, a: s.blocks[l], s: s, mask: mask, dOut: dOut, dIn: dIn)
            swap(&dOut, &dIn)
        }
        // Embedding layer norm, then the three tables.
        dIn.update(repeating: 0, count: N * C)
        LayerNorm.backward(
            dinp: dIn, dweight: g(layout.embeddingNormWeight), dbias: g(layout.embeddingNormBias), dout: dOut,
            inp: s.embedded.pointer, weight: w(layout.embeddingNormWeight), mean: s.embMean.pointer, rstd: s.embRstd.pointer,
            rows: N, channels: C, threads: threads)
        let dwte = g(layout.wordEmbeddings), dwpe = g(layout.positionEmbeddings), dwtt = g(layout.typeEmbeddings)
        for b in 0..<B {
            for t in 0..<T {
                let i = b * T + t, row = dIn + i * C
                tk_accumulate(dwte + Int(s.tokens[i]) * C, row, Int64(C))
                tk_accumulate(dwpe + t * C, row, Int64(C))
                tk_accumulate(dwtt + Int(s.segments[i]) * C, row, Int64(C))
            }
        }
    }

    /// Backward of block `l`: reads `dOut` (gradient of its output), overwrites `dIn` (gradient of its input `x`).
    private func blockBackward(
        _ l: Int, x: UnsafePointer<Float>, a: BertActivations.Block, s: BertActivations, mask: AttentionMask,
        dOut: UnsafeMutablePointer<Float>, dIn: UnsafeMutablePointer<Float>
    ) {
        let c = config, b = layout.blocks[l], B = s.batch, T = s.time, N = B * T, C = c.dim, F = c.ffnDim, n = N * C
        let dRes = s.dRes.pointer, dLn = s.dLn.pointer, dAtty = s.dAtty.pointer, dqkv = s.dqkv.pointer, dFch = s.dFch.pointer
        /// FFN backward: `dinp (+)= ∂/∂inp` given `dout` = d(FFN output).
        func ffnBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, overwrite: Bool) {
            Linear.backward(
                dinp: dFch, dweight: g(b.fc2Weight), dbias: g(b.fc2Bias), dout: dout, inp: a.fchAct.pointer, weight: w(b.fc2Weight),
                rows: N, inChannels: F, outChannels: C, overwriteInput: true)
            c.activation.backward(dinp: dFch, inp: a.fch.pointer, dout: dFch, count: N * F, threads: threads)
            Linear.backward(
                dinp: dinp, dweight: g(b.fcWeight), dbias: g(b.fcBias), dout: dFch, inp: inp, weight: w(b.fcWeight),
                rows: N, inChannels: C, outChannels: F, overwriteInput: overwrite)
        }
        /// Attention sub-layer backward: `dinp (+)= ∂/∂inp` given `dout` = d(projection output).
        func attentionBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, overwrite: Bool) {
            Linear.backward(
                dinp: dAtty, dweight: g(b.projWeight), dbias: g(b.projBias), dout: dout, inp: a.atty.pointer, weight: w(b.projWeight),
                rows: N, inChannels: C, outChannels: C, overwriteInput: true)
            let q = a.qkv.pointer
            Attention.backward(
                dquery: dqkv, dqueryStride: 3 * C, dkey: dqkv + C, dkeyStride: 3 * C, dvalue: dqkv + 2 * C, dvalueStride: 3 * C,
                scratch: s.dScores.pointer, dout: dAtty, query: q, queryStride: 3 * C, key: q + C, keyStride: 3 * C,
                value: q + 2 * C, valueStride: 3 * C, att: a.att.pointer, batch: B, queryTime: T, keyTime: T, dim: C,
                heads: c.heads, mask: mask, threads: threads)
            Linear.backward(
                dinp: dinp, dweight: g(b.qkvWeight), dbias: g(b.qkvBias), dout: dqkv, inp: inp, weight: w(b.qkvWeight),
                rows: N, inChannels: C, outChannels: 3 * C, overwriteInput: overwrite)
        }
        if c.norm == .post {
            // out = LN2(r2), r2 = a1 + FFN(a1), a1 = LN1(r1), r1 = x + Attn(x)
            dRes.update(repeating: 0, count: n)
            LayerNorm.backward(
                dinp: dRes, dweight: g(b.outputNormWeight), dbias: g(b.outputNormBias), dout: dOut, inp: a.res2.pointer,
                weight: w(b.outputNormWeight), mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, rows: N, channels: C, threads: threads)
            dLn.update(from: dRes, count: n)
            ffnBackward(dinp: dLn, dout: dRes, inp: a.ln1.pointer, overwrite: false)
            dIn.update(repeating: 0, count: n)
            LayerNorm.backward(
                dinp: dIn, dweight: g(b.attentionNormWeight), dbias: g(b.attentionNormBias), dout: dLn, inp: a.res1.pointer,
                weight: w(b.attentionNormWeight), mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, rows: N, channels: C, threads: threads)
            dRes.update(from: dIn, count: n)
            attentionBackward(dinp: dIn, dout: dRes, inp: x, overwrite: false)
        } else {
            // out = r2 = r1 + FFN(LN2(r1)), r1 = x + Attn(LN1(x))
            dRes.update(from: dOut, count: n)
            ffnBackward(dinp: dLn, dout: dOut, inp: a.ln2.pointer, overwrite: true)
            LayerNorm.backward(
                dinp: dRes, dweight: g(b.outputNormWeight), dbias: g(b.outputNormBias), dout: dLn, inp: a.res1.pointer,
                weight: w(b.outputNormWeight), mean: a.ln2Mean.pointer, rstd: a.ln2Rstd.pointer, rows: N, channels: C, threads: threads)
            dIn.update(from: dRes, count: n)
            attentionBackward(dinp: dLn, dout: dRes, inp: a.ln1.pointer, overwrite: true)
            LayerNorm.backward(
                dinp: dIn, dweight: g(b.attentionNormWeight), dbias: g(b.attentionNormBias), dout: dLn, inp: x,
                weight: w(b.attentionNormWeight), mean: a.ln1Mean.pointer, rstd: a.ln1Rstd.pointer, rows: N, channels: C, threads: threads)
        }
    }
}
