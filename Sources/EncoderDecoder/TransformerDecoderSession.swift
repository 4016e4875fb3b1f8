import NeuralCore

/// Incremental decoding for ``Seq2SeqTransformer``: a ``DecoderSession`` that keeps, for every live
/// hypothesis, the keys and values of its decoder self-attention at each position so far, and the
/// keys and values of the cross-attention over the source (computed once per sentence), so each
/// step runs the decoder on the newest token only — one row per hypothesis instead of the whole
/// prefix, and no copy of the source per hypothesis.
///
/// A step gathers each new hypothesis's cache from its parent (beam search reorders hypotheses),
/// appends the new position's key and value, and attends the one query over them; every other
/// operation is the training forward's, row for row (the same sublayer, layer-norm, FFN and
/// output-layer code), so the log-probabilities equal ``Seq2SeqTransformer/nextLogProbabilities(source:prefixes:)``'s
/// up to float rounding.
final class TransformerDecoderSession: DecoderSession {
    let model: Seq2SeqTransformer
    /// Source positions.
    let sourceTime: Int
    /// Per decoder layer: the cross-attention `k|v` of the source, `[Ts, 2C]`.
    let crossKeyValues: [[Float]]
    /// Per decoder layer: self-attention keys and values of the live hypotheses, `[B, time, C]` each.
    var keys: [[Float]], values: [[Float]]
    /// Positions cached per hypothesis.
    var time = 0
    let buffers: [[SublayerBuffers]]
    let finalBuffers = SublayerBuffers()
    let embedded = GrowableBuffer()

    init(model: Seq2SeqTransformer, source: EncodedSource) {
        self.model = model
        let C = model.config.dim, Ts = source.time
        sourceTime = Ts
        crossKeyValues = model.offsets.decoder.map { layer in
            var kv = [Float](repeating: 0, count: Ts * 2 * C)
            source.states.withUnsafeBufferPointer { memory in
                kv.withUnsafeMutableBufferPointer { out in
                    Linear.forward(
                        out: out.baseAddress!, inp: memory.baseAddress!, weight: model.p + layer.crossAttention.kvWeight,
                        bias: model.p + layer.crossAttention.kvBias, rows: Ts, inChannels: C, outChannels: 2 * C)
                }
            }
            return kv
        }
        keys = Array(repeating: [], count: model.config.decoderLayers)
        values = keys
        buffers = (0..<model.config.decoderLayers).map { _ in [SublayerBuffers(), SublayerBuffers(), SublayerBuffers()] }
    }

    func step(parents: [Int], tokens: [Int32]) -> [[Float]] {
        let B = tokens.count, C = model.config.dim, H = model.config.heads, V = model.config.vocabSize
        let t = time, T1 = time + 1, Ts = sourceTime, threads = model.threads
        precondition(
            B > 0 && parents.count == B && parents.allSatisfy { $0 >= 0 && $0 < max(keys[0].count / max(t * C, 1), 1) }
                && T1 <= model.config.maxTargetLength,
            "a step needs one parent per token, each a live hypothesis, within maxTargetLength")
        var y = embedded.pointer(B * C)
        tokens.withUnsafeBufferPointer { ids in
            TokenEmbedding.forward(
                out: y, tokens: ids.baseAddress!, wte: model.p + model.offsets.shared, pos: model.positionTable.pointer,
                batch: B, time: 1, dim: C, scale: model.config.embeddingScale, positionOffset: t)
        }
        for (l, layer) in model.offsets.decoder.enumerated() {
            let layerBuffers = buffers[l]
            // Each new hypothesis starts from its parent's keys and values; the new position is appended below.
            var newKeys = [Float](repeating: 0, count: B * T1 * C), newValues = newKeys
            for (b, parent) in parents.enumerated() where t > 0 {
                let from = parent * t * C, to = b * T1 * C
                newKeys.replaceSubrange(to..<(to + t * C), with: keys[l][from..<(from + t * C)])
                newValues.replaceSubrange(to..<(to + t * C), with: values[l][from..<(from + t * C)])
            }
            y = model.sublayerForward(x: y, rows: B, norm: layer.selfNorm, buffers: layerBuffers[0]) { input in
                let w = layer.selfAttention, bufs = layerBuffers[0]
                let qkv = bufs.projected.pointer(B * 3 * C)
                Linear.forward(
                    out: qkv, inp: input, weight: model.p + w.qkvWeight, bias: model.p + w.qkvBias, rows: B, inChannels: C,
                    outChannels: 3 * C)
                for b in 0..<B {
                    let row = (b * T1 + t) * C
                    for c in 0..<C {
                        newKeys[row + c] = qkv[b * 3 * C + C + c]
                        newValues[row + c] = qkv[b * 3 * C + 2 * C + c]
                    }
                }
                let heads = bufs.hidden.pointer(B * C)
                newKeys.withUnsafeBufferPointer { k in
                    newValues.withUnsafeBufferPointer { v in
                        Attention.forward(
                            out: heads, att: bufs.probabilities.pointer(B * H * T1), query: qkv, queryStride: 3 * C,
                            key: k.baseAddress!, keyStride: C, value: v.baseAddress!, valueStride: C, batch: B, queryTime: 1,
                            keyTime: T1, dim: C, heads: H, mask: .none, threads: threads)
                    }
                }
                let out = bufs.output.pointer(B * C)
                Linear.forward(
                    out: out, inp: heads, weight: model.p + w.outWeight, bias: model.p + w.outBias, rows: B, inChannels: C,
                    outChannels: C)
                return out
            }
            keys[l] = newKeys
            values[l] = newValues
            y = model.sublayerForward(x: y, rows: B, norm: layer.crossNorm, buffers: layerBuffers[1]) { input in
                let w = layer.crossAttention, bufs = layerBuffers[1]
                let q = bufs.projected.pointer(B * C)
                Linear.forward(
                    out: q, inp: input, weight: model.p + w.qWeight, bias: model.p + w.qBias, rows: B, inChannels: C, outChannels: C)
                let heads = bufs.hidden.pointer(B * C)
                let att = bufs.probabilities.pointer(H * Ts)
                crossKeyValues[l].withUnsafeBufferPointer { kv in
                    for b in 0..<B {
                        Attention.forward(
                            out: heads + b * C, att: att, query: q + b * C, queryStride: C, key: kv.baseAddress!,
                            keyStride: 2 * C, value: kv.baseAddress! + C, valueStride: 2 * C, batch: 1, queryTime: 1,
                            keyTime: Ts, dim: C, heads: H, mask: .keyLengths([Ts]), threads: threads)
                    }
                }
                let out = bufs.output.pointer(B * C)
                Linear.forward(
                    out: out, inp: heads, weight: model.p + w.outWeight, bias: model.p + w.outBias, rows: B, inChannels: C,
                    outChannels: C)
                return out
            }
            y = model.sublayerForward(x: y, rows: B, norm: layer.ffnNorm, buffers: layerBuffers[2]) { input in
                model.ffnForward(input: input, weights: layer.ffn, buffers: layerBuffers[2], rows: B)
            }
        }
        if let final = model.offsets.decoderFinalNorm { y = model.finalNormForward(x: y, rows: B, norm: final, buffers: finalBuffers) }
        time = T1
        var scores = [Float](repeating: 0, count: B * V)
        scores.withUnsafeMutableBufferPointer { out in
            Linear.forward(
                out: out.baseAddress!, inp: y, weight: model.p + model.offsets.shared, bias: nil, rows: B, inChannels: C, outChannels: V)
        }
        return (0..<B).map { b in Seq2SeqTransformer.logSoftmax(scores[(b * V)..<((b + 1) * V)]) }
    }
}
