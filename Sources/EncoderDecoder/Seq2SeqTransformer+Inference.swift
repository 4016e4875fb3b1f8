import Foundation
import NeuralCore

extension Seq2SeqTransformer: Seq2SeqNetwork {
    /// The `<bos>` id.
    public var bosID: Int32 { config.bosID }
    /// The `<eos>` id.
    public var eosID: Int32 { config.eosID }
    /// Most decoder positions.
    public var maxTargetLength: Int { config.maxTargetLength }

    /// Runs the encoder on one sentence (truncated to `maxSourceLength`, keeping the final `<eos>`).
    public func encode(source: [Int32]) -> EncodedSource {
        let ids = config.encoderInput(source)
        let T = ids.count
        let memory = ids.withUnsafeBufferPointer { encoderForward(source: $0.baseAddress!, batch: 1, time: T, lengths: [T]) }
        return EncodedSource(states: Array(UnsafeBufferPointer(start: memory, count: T * config.dim)), time: T, width: config.dim)
    }

    /// Next-token log-probabilities after each prefix.
    public func nextLogProbabilities(source: EncodedSource, prefixes: [[Int32]]) -> [[Float]] {
        let B = prefixes.count, C = config.dim, V = config.vocabSize
        guard B > 0, let T = prefixes.first?.count, T > 0 else { return [] }
        precondition(
            prefixes.allSatisfy { $0.count == T } && T <= config.maxTargetLength, "prefixes must share one length within maxTargetLength")
        let Ts = source.time
        var memory = [Float](repeating: 0, count: B * Ts * C)
        for b in 0..<B { memory.replaceSubrange((b * Ts * C)..<((b + 1) * Ts * C), with: source.states) }
        let input = prefixes.flatMap { $0 }
        let hidden = memory.withUnsafeBufferPointer { mem in
            input.withUnsafeBufferPointer { ids in
                decoderForward(
                    input: ids.baseAddress!, batch: B, time: T, memory: mem.baseAddress!, sourceTime: Ts,
                    sourceLengths: [Int](repeating: Ts, count: B))
            }
        }
        var lastRows = [Float](repeating: 0, count: B * C)
        for b in 0..<B {
            for c in 0..<C { lastRows[b * C + c] = hidden[(b * T + T - 1) * C + c] }
        }
        var scores = [Float](repeating: 0, count: B * V)
        lastRows.withUnsafeBufferPointer { rows in
            scores.withUnsafeMutableBufferPointer { out in
                Linear.forward(
                    out: out.baseAddress!, inp: rows.baseAddress!, weight: parameters.pointer + offsets.shared, bias: nil,
                    rows: B, inChannels: C, outChannels: V)
            }
        }
        return (0..<B).map { b in Self.logSoftmax(scores[(b * V)..<((b + 1) * V)]) }
    }

    /// A search session that caches the decoder's keys and values (`TransformerDecoderSession`):
    /// each step runs the decoder on the newest token only.
    public func decoderSession(source: EncodedSource) -> any DecoderSession {
        TransformerDecoderSession(model: self, source: source)
    }

    static func logSoftmax(_ row: ArraySlice<Float>) -> [Float] {
        let maxValue = row.max() ?? 0
        var sum: Double = 0
        for x in row { sum += Foundation.exp(Double(x - maxValue)) }
        let logSum = Float(Foundation.log(sum)) + maxValue
        return row.map { $0 - logSum }
    }
}

extension Seq2SeqTransformer {
    /// The cross-attention of every decoder layer and head while the decoder reads `<bos> + output`
    /// (teacher-forced) over the encoded `source`: `maps[layer][head][i][j]` is how much decoder
    /// position `i` — the step that predicts `output[i]` (or `<eos>` after the last token) — attended
    /// to source position `j`.
    public func crossAttentionMaps(source: [Int32], output: [Int32]) -> [[[[Double]]]] {
        let encoded = encode(source: source)
        let input = [config.bosID] + output.prefix(config.maxTargetLength - 1)
        let Tt = input.count, Ts = encoded.time
        encoded.states.withUnsafeBufferPointer { memory in
            input.withUnsafeBufferPointer { ids in
                _ = decoderForward(
                    input: ids.baseAddress!, batch: 1, time: Tt, memory: memory.baseAddress!, sourceTime: Ts,
                    sourceLengths: [Ts])
            }
        }
        return decoderSublayers.map { layer in
            AttentionMap.heads(layer[1].probabilities.current, heads: config.heads, queryTime: Tt, keyTime: Ts)
        }
    }
}

extension Seq2SeqTransformer {
    /// The logits `[B·Tt, V]` (batch-major) of the last ``forward(_:labelSmoothing:)``; empty before one.
    package var lastLogits: [Float] {
        guard let pass = last else { return [] }
        return Array(UnsafeBufferPointer(start: logits.current, count: pass.batch * pass.targetTime * config.vocabSize))
    }
}
