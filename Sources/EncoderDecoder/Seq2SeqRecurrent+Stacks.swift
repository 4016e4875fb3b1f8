import CKernels
import NeuralCore
import TensorOps

extension Seq2SeqRecurrent {
    // MARK: Encoder

    /// The encoder over `[B, Ts]` source ids (row `b` real up to `lengths[b]`): writes `memory`
    /// `[B, Ts, C]` (outputs, directions summed) and the final states `finalHidden` /
    /// `finalCells` `[L, B, C]` (each layer's state at each sentence's last real token).
    func encoderForward(source: UnsafePointer<Int32>, batch B: Int, time Ts: Int, lengths: [Int]) {
        let C = config.dim, L = config.encoderLayers, p = parameters.pointer
        if encoderStates.first?.first.map({ $0.steps != Ts || $0.batch != B }) ?? true {
            encoderStates = encoderLayers.map { layers in
                layers.map { RecurrentLayerState(layer: $0, steps: Ts, batch: B, gemm: gemm) }
            }
        }
        let embedded = encoderEmbedded.pointer(Ts * B * C)
        embed(source, batch: B, time: Ts, into: embedded)
        var x = UnsafePointer(embedded)
        for k in 0..<L {
            let states = encoderStates[k], width = encoderLayers[k][0].inputSize
            states[0].resetState()
            encoderLayers[k][0].forward(parameters: p + encoderOffsets[k][0], input: x, state: states[0])
            if directions == 2 {
                let reversed = encoderReversed[k].pointer(Ts * B * width)
                Self.reverseTime(x, into: reversed, time: Ts, batch: B, width: width, lengths: lengths)
                states[1].resetState()
                encoderLayers[k][1].forward(parameters: p + encoderOffsets[k][1], input: reversed, state: states[1])
                if k + 1 < L {
                    let concat = encoderConcat[k + 1].pointer(Ts * B * 2 * C)
                    for t in 0..<Ts {
                        for b in 0..<B {
                            let row = concat + (t * B + b) * 2 * C, len = lengths[b]
                            row.update(from: states[0].output + (t * B + b) * C, count: C)
                            if t < len {
                                (row + C).update(from: states[1].output + ((len - 1 - t) * B + b) * C, count: C)
                            } else {
                                (row + C).update(repeating: 0, count: C)
                            }
                        }
                    }
                    x = UnsafePointer(concat)
                }
            } else {
                x = UnsafePointer(states[0].output)
            }
        }
        let top = encoderStates[L - 1]
        let mem = memory.pointer(B * Ts * C)
        for b in 0..<B {
            let len = lengths[b]
            for t in 0..<Ts {
                let row = mem + (b * Ts + t) * C
                row.update(from: top[0].output + (t * B + b) * C, count: C)
                if directions == 2 && t < len { tk_accumulate(row, top[1].output + ((len - 1 - t) * B + b) * C, Int64(C)) }
            }
        }
        let hidden = finalHidden.pointer(L * B * C)
        let cells = hasCells ? finalCells.pointer(L * B * C) : nil
        for k in 0..<L {
            for b in 0..<B {
                // Row `len` of `hidden` `[T + 1, B, C]` is the state after the last real token.
                let at = (lengths[b] * B + b) * C, into = (k * B + b) * C
                (hidden + into).update(from: encoderStates[k][0].hidden.pointer + at, count: C)
                if directions == 2 { tk_accumulate(hidden + into, encoderStates[k][1].hidden.pointer + at, Int64(C)) }
                if let cells {
                    (cells + into).update(from: encoderStates[k][0].cells.pointer + at, count: C)
                    if directions == 2 { tk_accumulate(cells + into, encoderStates[k][1].cells.pointer + at, Int64(C)) }
                }
            }
        }
    }

    /// Backward through the encoder from the gradients at `memory` (`dMemory` `[B, Ts, C]`) and
    /// at the final states (`[L, B, C]`).
    func encoderBackward(
        dMemory: UnsafePointer<Float>, dFinalHidden: UnsafePointer<Float>, dFinalCells: UnsafePointer<Float>?,
        source: UnsafePointer<Int32>, batch B: Int, time Ts: Int, lengths: [Int], scratch: RecurrentScratch
    ) {
        let C = config.dim, L = config.encoderLayers, n = Ts * B * C
        let p = parameters.pointer, g = gradients.pointer
        let dForward = gradForward.pointer(n)
        let dReverse = directions == 2 ? gradReverse.pointer(n) : nil
        Self.transpose(dMemory, into: dForward, rows: B, columns: Ts, width: C)
        if let dReverse {
            for b in 0..<B {
                let len = lengths[b]
                for t in 0..<Ts {
                    let row = dReverse + (t * B + b) * C
                    if t < len {
                        row.update(from: dMemory + (b * Ts + len - 1 - t) * C, count: C)
                    } else {
                        row.update(repeating: 0, count: C)
                    }
                }
            }
        }
        let dCellsForward = hasCells ? gradCellsForward.pointer(n) : nil
        let dCellsReverse = hasCells && directions == 2 ? gradCellsReverse.pointer(n) : nil
        let widest = directions * C
        let dInputForward = gradInputForward.pointer(Ts * B * widest)
        let dInputReverse = directions == 2 ? gradInputReverse.pointer(Ts * B * widest) : nil
        for k in stride(from: L - 1, through: 0, by: -1) {
            let states = encoderStates[k], width = encoderLayers[k][0].inputSize
            // The final states' gradients enter at each sentence's last real step, in both directions.
            dCellsForward?.update(repeating: 0, count: n)
            dCellsReverse?.update(repeating: 0, count: n)
            for b in 0..<B {
                let at = ((lengths[b] - 1) * B + b) * C, from = (k * B + b) * C
                tk_accumulate(dForward + at, dFinalHidden + from, Int64(C))
                if let dReverse { tk_accumulate(dReverse + at, dFinalHidden + from, Int64(C)) }
                if let dFinalCells {
                    dCellsForward?.advanced(by: at).update(from: dFinalCells + from, count: C)
                    dCellsReverse?.advanced(by: at).update(from: dFinalCells + from, count: C)
                }
            }
            let input: UnsafePointer<Float>
            if k == 0 {
                input = UnsafePointer(encoderEmbedded.current)
            } else {
                input = UnsafePointer(directions == 2 ? encoderConcat[k].current : encoderStates[k - 1][0].output)
            }
            encoderLayers[k][0].backward(
                parameters: p + encoderOffsets[k][0], gradients: g + encoderOffsets[k][0], input: input, dInput: dInputForward,
                dOutput: dForward, state: states[0], scratch: scratch, dCells: dCellsForward.map { UnsafePointer($0) })
            if let dReverse, let dInputReverse {
                encoderLayers[k][1].backward(
                    parameters: p + encoderOffsets[k][1], gradients: g + encoderOffsets[k][1],
                    input: encoderReversed[k].current, dInput: dInputReverse, dOutput: dReverse, state: states[1], scratch: scratch,
                    dCells: dCellsReverse.map { UnsafePointer($0) })
                for b in 0..<B {
                    let len = lengths[b]
                    for t in 0..<len {
                        tk_accumulate(
                            dInputForward + (t * B + b) * width, dInputReverse + ((len - 1 - t) * B + b) * width, Int64(width))
                    }
                }
            }
            if k == 0 {
                embeddingBackward(dInputForward, tokens: source, batch: B, time: Ts)
            } else if let dReverse {
                // Split the concatenated input's gradient back into the two directions of layer k − 1.
                for t in 0..<Ts {
                    for b in 0..<B {
                        (dForward + (t * B + b) * C).update(from: dInputForward + (t * B + b) * 2 * C, count: C)
                    }
                }
                for b in 0..<B {
                    let len = lengths[b]
                    for t in 0..<Ts {
                        let row = dReverse + (t * B + b) * C
                        if t < len {
                            row.update(from: dInputForward + ((len - 1 - t) * B + b) * 2 * C + C, count: C)
                        } else {
                            row.update(repeating: 0, count: C)
                        }
                    }
                }
            } else {
                dForward.update(from: dInputForward, count: n)
            }
        }
    }

    // MARK: Decoder

    /// The decoder over `[B, Tt]` input ids from the initial states `[L, B, C]`, attending (for
    /// rnn-attention) to `memory` `[B, Ts, C]`; returns the attentional states `h̃` `[B, Tt, C]`.
    func decoderForward(
        input: UnsafePointer<Int32>, batch B: Int, time Tt: Int, memory mem: UnsafePointer<Float>, sourceTime Ts: Int,
        sourceLengths: [Int], initialHidden: UnsafePointer<Float>, initialCells: UnsafePointer<Float>?
    ) -> UnsafeMutablePointer<Float> {
        let C = config.dim, N = B * Tt, p = parameters.pointer
        if decoderStates.first.map({ $0.steps != Tt || $0.batch != B }) ?? true {
            decoderStates = decoderLayers.map { RecurrentLayerState(layer: $0, steps: Tt, batch: B, gemm: gemm) }
        }
        let embedded = decoderEmbedded.pointer(Tt * B * C)
        embed(input, batch: B, time: Tt, into: embedded)
        var y = UnsafePointer(embedded)
        for (k, layer) in decoderLayers.enumerated() {
            let state = decoderStates[k]
            state.hidden.pointer.update(from: initialHidden + k * B * C, count: B * C)
            if let initialCells { state.cells.pointer.update(from: initialCells + k * B * C, count: B * C) }
            layer.forward(parameters: p + decoderOffsets[k], input: y, state: state)
            y = UnsafePointer(state.output)
        }
        let s = decoderOutput.pointer(N * C)
        Self.transpose(y, into: s, rows: Tt, columns: B, width: C)
        let combineInput: UnsafePointer<Float>
        if attends {
            // Luong's dot score s_tᵀh_i is unscaled; Attention divides by √C, so the queries carry √C.
            let q = queries.pointer(N * C)
            q.update(repeating: 0, count: N * C)
            tk_axpy(q, Float(C).squareRoot(), s, Int64(N * C))
            let ctx = context.pointer(N * C), att = attention.pointer(B * Tt * Ts)
            Attention.forward(
                out: ctx, att: att, query: q, queryStride: C, key: mem, keyStride: C, value: mem, valueStride: C, batch: B,
                queryTime: Tt, keyTime: Ts, dim: C, heads: 1, mask: .keyLengths(sourceLengths), threads: threads)
            let cat = combined.pointer(N * 2 * C)
            for r in 0..<N {
                (cat + r * 2 * C).update(from: ctx + r * C, count: C)
                (cat + r * 2 * C + C).update(from: s + r * C, count: C)
            }
            combineInput = UnsafePointer(cat)
        } else {
            combineInput = UnsafePointer(s)
        }
        let h = attentional.pointer(N * C)
        Linear.forward(
            out: h, inp: combineInput, weight: p + combineWeight, bias: p + combineBias, rows: N, inChannels: combineWidth,
            outChannels: C)
        tk_tanh_forward(h, h, Int64(N * C))
        return h
    }

    // MARK: Helpers

    /// Time-major embeddings `[T, B, C]` of batch-major ids `[B, T]`.
    func embed(_ tokens: UnsafePointer<Int32>, batch B: Int, time T: Int, into out: UnsafeMutablePointer<Float>) {
        let C = config.dim, table = parameters.pointer + sharedOffset
        for t in 0..<T {
            for b in 0..<B { (out + (t * B + b) * C).update(from: table + Int(tokens[b * T + t]) * C, count: C) }
        }
    }

    /// Accumulates time-major embedding gradients `[T, B, C]` into the shared table.
    func embeddingBackward(_ d: UnsafePointer<Float>, tokens: UnsafePointer<Int32>, batch B: Int, time T: Int) {
        let C = config.dim, table = gradients.pointer + sharedOffset
        for t in 0..<T {
            for b in 0..<B { tk_accumulate(table + Int(tokens[b * T + t]) * C, d + (t * B + b) * C, Int64(C)) }
        }
    }

    /// `out[c][r] = inp[r][c]` for rows of `width` floats (`[rows, columns, W]` → `[columns, rows, W]`).
    static func transpose(
        _ inp: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int, columns: Int, width: Int
    ) {
        for r in 0..<rows {
            for c in 0..<columns { (out + (c * rows + r) * width).update(from: inp + (r * columns + c) * width, count: width) }
        }
    }

    /// Each sentence's real steps in reverse order, `[T, B, W]` time-major: `out[t, b] = inp[len_b − 1 − t, b]`
    /// for `t < len_b`, zero after (so the reverse direction starts at the last real token).
    static func reverseTime(
        _ inp: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, time T: Int, batch B: Int, width: Int, lengths: [Int]
    ) {
        for b in 0..<B {
            let len = lengths[b]
            for t in 0..<T {
                let row = out + (t * B + b) * width
                if t < len {
                    row.update(from: inp + ((len - 1 - t) * B + b) * width, count: width)
                } else {
                    row.update(repeating: 0, count: width)
                }
            }
        }
    }
}
