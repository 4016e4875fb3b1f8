import NeuralCore

extension Seq2SeqRecurrent: Seq2SeqNetwork {
    /// The `<bos>` id.
    public var bosID: Int32 { config.bosID }
    /// The `<eos>` id.
    public var eosID: Int32 { config.eosID }
    /// Most decoder positions.
    public var maxTargetLength: Int { config.maxTargetLength }

    /// Runs the encoder on one sentence (truncated to `maxSourceLength`, keeping the final `<eos>`):
    /// its outputs `[T, C]`, and as ``EncodedSource/decoderState`` the final states `h` `[L, C]`
    /// (then `c` `[L, C]` for the LSTM).
    public func encode(source: [Int32]) -> EncodedSource {
        let ids = config.encoderInput(source)
        let T = ids.count, C = config.dim, L = config.encoderLayers
        ids.withUnsafeBufferPointer { encoderForward(source: $0.baseAddress!, batch: 1, time: T, lengths: [T]) }
        var state = Array(UnsafeBufferPointer(start: finalHidden.current, count: L * C))
        if hasCells { state += UnsafeBufferPointer(start: finalCells.current, count: L * C) }
        return EncodedSource(
            states: Array(UnsafeBufferPointer(start: memory.current, count: T * C)), time: T, width: C, decoderState: state)
    }

    /// Next-token log-probabilities after each prefix (the decoder re-reads each prefix from the
    /// encoder's final state).
    public func nextLogProbabilities(source: EncodedSource, prefixes: [[Int32]]) -> [[Float]] {
        let B = prefixes.count, C = config.dim, V = config.vocabSize
        guard B > 0, let T = prefixes.first?.count, T > 0 else { return [] }
        precondition(
            prefixes.allSatisfy { $0.count == T } && T <= config.maxTargetLength, "prefixes must share one length within maxTargetLength")
        let hidden = decode(source: source, input: prefixes.flatMap { $0 }, batch: B, time: T)
        var lastRows = [Float](repeating: 0, count: B * C)
        for b in 0..<B {
            for c in 0..<C { lastRows[b * C + c] = hidden[(b * T + T - 1) * C + c] }
        }
        var scores = [Float](repeating: 0, count: B * V)
        lastRows.withUnsafeBufferPointer { rows in
            scores.withUnsafeMutableBufferPointer { out in
                Linear.forward(
                    out: out.baseAddress!, inp: rows.baseAddress!, weight: parameters.pointer + sharedOffset, bias: nil, rows: B,
                    inChannels: C, outChannels: V)
            }
        }
        return (0..<B).map { b in Seq2SeqTransformer.logSoftmax(scores[(b * V)..<((b + 1) * V)]) }
    }

    /// The decoder's attention over the source (one layer, one head) while it reads
    /// `<bos> + output`: `maps[0][0][i][j]` is how much the step predicting `output[i]` (or `<eos>`
    /// after the last token) attended to source position `j`. An error for `rnn`, which has no attention.
    public func crossAttentionMaps(source: [Int32], output: [Int32]) throws(Seq2SeqError) -> [[[[Double]]]] {
        guard attends else {
            throw .invalidConfig(
                "architecture rnn has no attention: its decoder sees the source only through the encoder's final state (train --arch rnn-attention to draw attention)"
            )
        }
        let encoded = encode(source: source)
        let input = [config.bosID] + output.prefix(config.maxTargetLength - 1)
        _ = decode(source: encoded, input: input, batch: 1, time: input.count)
        return [AttentionMap.heads(attention.current, heads: 1, queryTime: input.count, keyTime: encoded.time)]
    }

    /// Runs the decoder over `[B, T]` ids, every row starting from `source`'s state and attending to
    /// it; returns `h̃` `[B, T, C]`.
    func decode(source: EncodedSource, input: [Int32], batch B: Int, time T: Int) -> UnsafeMutablePointer<Float> {
        let C = config.dim, L = config.decoderLayers, Ts = source.time
        precondition(
            source.decoderState.count == (hasCells ? 2 : 1) * L * C && source.states.count == Ts * C,
            "EncodedSource was not made by this model's encode(source:)")
        var mem = [Float](repeating: 0, count: B * Ts * C)
        for b in 0..<B { mem.replaceSubrange((b * Ts * C)..<((b + 1) * Ts * C), with: source.states) }
        var h0 = [Float](repeating: 0, count: L * B * C)
        var c0 = [Float](repeating: 0, count: hasCells ? L * B * C : 0)
        for k in 0..<L {
            for b in 0..<B {
                for c in 0..<C {
                    h0[(k * B + b) * C + c] = source.decoderState[k * C + c]
                    if hasCells { c0[(k * B + b) * C + c] = source.decoderState[(L + k) * C + c] }
                }
            }
        }
        return mem.withUnsafeBufferPointer { memory in
            input.withUnsafeBufferPointer { ids in
                h0.withUnsafeBufferPointer { hidden in
                    c0.withUnsafeBufferPointer { cells in
                        decoderForward(
                            input: ids.baseAddress!, batch: B, time: T, memory: memory.baseAddress!, sourceTime: Ts,
                            sourceLengths: [Int](repeating: Ts, count: B), initialHidden: hidden.baseAddress!,
                            initialCells: hasCells ? cells.baseAddress : nil)
                    }
                }
            }
        }
    }
}
