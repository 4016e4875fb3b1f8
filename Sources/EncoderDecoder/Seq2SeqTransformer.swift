import Foundation
import NeuralCore
import TensorOps

/// The Transformer encoder–decoder of "Attention Is All You Need", llm.c-shaped: one flat parameter
/// buffer, one flat gradient buffer, explicit forward/backward through NeuralCore's layers.
///
/// - Encoder block: self-attention over the source with a **padding mask** (each sentence's keys
///   stop at its length), then the FFN.
/// - Decoder block: **causal** self-attention over the target prefix, **cross-attention** whose
///   queries come from the decoder and whose keys and values are projections of the **last encoder
///   layer's** output (padding-masked like the encoder), then the FFN.
/// - Residual + layer norm around every sublayer, post-LN (the paper) or pre-LN (with a final
///   layer norm after each stack).
/// - One embedding table `shared` `[V, C]` for source tokens, target tokens and the output layer
///   (`logits = h · sharedᵀ`); embeddings are scaled by √C and added to sinusoidal positions.
/// - Loss: cross-entropy with label smoothing over the real target positions (padding labels are
///   ``TranslationBatch/ignoreIndex``).
///
/// Decoder padding needs no mask of its own: targets are padded at the end, so under the causal
/// mask a real position never sees a padded one, and padded positions carry no loss.
public final class Seq2SeqTransformer: @unchecked Sendable {
    /// The configuration.
    public let config: Seq2SeqConfig
    /// Tensor names, shapes and offsets.
    public let layout: ParameterLayout
    /// All parameters, flat.
    public let parameters: FloatBuffer
    /// Gradients, same layout.
    public let gradients: FloatBuffer
    /// Threads for attention, layer norm and elementwise kernels (matmuls use BLAS's own setting).
    public var threads: Int = 1

    let offsets: Offsets
    let positionTable: FloatBuffer

    // Activations of the last forward (sized for its batch).
    let encoderInput = GrowableBuffer()
    let encoderSublayers: [[SublayerBuffers]]
    let encoderFinal = SublayerBuffers()
    let decoderInput = GrowableBuffer()
    let decoderSublayers: [[SublayerBuffers]]
    let decoderFinal = SublayerBuffers()
    let logits = GrowableBuffer()
    let probabilities = GrowableBuffer()
    let losses = GrowableBuffer()

    // Gradient scratch.
    let gradA = GrowableBuffer(), gradB = GrowableBuffer(), gradResidual = GrowableBuffer()
    let gradInput = GrowableBuffer(), gradHidden = GrowableBuffer(), gradProjected = GrowableBuffer()
    let gradKeyValue = GrowableBuffer(), gradScores = GrowableBuffer(), gradMemory = GrowableBuffer()

    /// The shapes and inputs of the last training forward.
    struct Pass {
        var batch: Int, sourceTime: Int, targetTime: Int
        var source: [Int32], sourceLengths: [Int], decoderInput: [Int32], labels: [Int32]
        var counted: Int
        var smoothing: Float
        var memory: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    }
    var last: Pass?

    /// Builds a model with freshly initialized weights (Xavier-uniform matrices, zero biases,
    /// unit layer norms, embeddings `N(0, 1/C)`), seeded.
    public init(config: Seq2SeqConfig, seed: UInt64 = 1) throws(Seq2SeqError) {
        try config.validate()
        self.config = config
        var layout = ParameterLayout()
        offsets = Offsets(config: config, layout: &layout)
        self.layout = layout
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
        positionTable = SinusoidalPositions.table(context: config.positions, dim: config.dim)
        encoderSublayers = (0..<config.encoderLayers).map { _ in [SublayerBuffers(), SublayerBuffers()] }
        decoderSublayers = (0..<config.decoderLayers).map { _ in [SublayerBuffers(), SublayerBuffers(), SublayerBuffers()] }
        initializeParameters(seed: seed)
    }

    func initializeParameters(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let p = parameters.pointer
        for entry in layout.entries {
            let values = p + entry.offset
            if entry.name == "shared.weight" {
                rng.fillNormal(values, count: entry.count, std: 1 / Float(config.dim).squareRoot())
            } else if entry.shape.count == 2 {
                let limit = (6 / Float(entry.shape[0] + entry.shape[1])).squareRoot()
                for i in 0..<entry.count { values[i] = (2 * rng.nextUniform() - 1) * limit }
            } else if entry.name.hasSuffix("norm.weight") {
                values.update(repeating: 1, count: entry.count)
            } else {
                values.update(repeating: 0, count: entry.count)
            }
        }
    }

    // MARK: Training forward / backward

    /// Runs the model on a padded batch with teacher forcing and returns the mean loss over the
    /// batch's real target positions, label-smoothed with `labelSmoothing` (default: the config's;
    /// 0 gives the plain negative log-likelihood).
    @discardableResult
    public func forward(_ batch: TranslationBatch, labelSmoothing: Float? = nil) throws(Seq2SeqError) -> Float {
        try check(batch)
        let B = batch.batch, Ts = batch.sourceTime, Tt = batch.targetTime, C = config.dim, V = config.vocabSize
        let memory = batch.source.withUnsafeBufferPointer { source in
            encoderForward(source: source.baseAddress!, batch: B, time: Ts, lengths: batch.sourceLengths)
        }
        let output = batch.decoderInput.withUnsafeBufferPointer { input in
            decoderForward(
                input: input.baseAddress!, batch: B, time: Tt, memory: memory, sourceTime: Ts,
                sourceLengths: batch.sourceLengths)
        }
        let N = B * Tt
        let smoothing = labelSmoothing ?? config.labelSmoothing
        let (counted, total) = TiedOutputLoss.forward(
            hidden: output, embedding: parameters.pointer + offsets.shared, labels: batch.labels, rows: N, width: C, vocab: V, smoothing: smoothing,
            logits: logits.pointer(N * V), probabilities: probabilities.pointer(N * V), losses: losses.pointer(N), threads: threads)
        last = Pass(
            batch: B, sourceTime: Ts, targetTime: Tt, source: batch.source, sourceLengths: batch.sourceLengths,
            decoderInput: batch.decoderInput, labels: batch.labels, counted: counted, smoothing: smoothing, memory: memory,
            output: output)
        return counted > 0 ? Float(total / Double(counted)) : 0
    }

    /// Accumulates into ``gradients`` the gradient of the last ``forward(_:labelSmoothing:)``'s loss.
    public func backward() {
        guard let pass = last, pass.counted > 0 else { return }
        let B = pass.batch, Ts = pass.sourceTime, Tt = pass.targetTime, C = config.dim, V = config.vocabSize
        let N = B * Tt
        let dLogits = probabilities.current
        let options = CrossEntropy.Options(ignoreIndex: TranslationBatch.ignoreIndex, labelSmoothing: pass.smoothing)
        pass.labels.withUnsafeBufferPointer { labels in
            CrossEntropy.backward(
                probs: dLogits, targets: labels.baseAddress!, rows: N, vocab: V, scale: 1 / Float(pass.counted),
                options: options, threads: threads)
        }
        let dOutput = gradA.pointer(N * C)
        Linear.backward(
            dinp: dOutput, dweight: gradients.pointer + offsets.shared, dbias: nil, dout: dLogits, inp: pass.output,
            weight: parameters.pointer + offsets.shared, rows: N, inChannels: C, outChannels: V, overwriteInput: true)
        let dMemory = gradMemory.zeroed(B * Ts * C)
        pass.decoderInput.withUnsafeBufferPointer { input in
            decoderBackward(
                dOutput: dOutput, input: input.baseAddress!, batch: B, time: Tt, memory: pass.memory, dMemory: dMemory,
                sourceTime: Ts, sourceLengths: pass.sourceLengths)
        }
        pass.source.withUnsafeBufferPointer { source in
            encoderBackward(dMemory: dMemory, source: source.baseAddress!, batch: B, time: Ts, lengths: pass.sourceLengths)
        }
    }

    func check(_ batch: TranslationBatch) throws(Seq2SeqError) {
        guard batch.batch > 0, batch.sourceTime > 0, batch.targetTime > 0 else { throw .invalidConfig("empty batch") }
        guard batch.sourceTime <= config.maxSourceLength else {
            throw .invalidConfig("source length \(batch.sourceTime) exceeds maxSourceLength \(config.maxSourceLength)")
        }
        guard batch.targetTime <= config.maxTargetLength else {
            throw .invalidConfig("target length \(batch.targetTime) exceeds maxTargetLength \(config.maxTargetLength)")
        }
        let V = Int32(config.vocabSize)
        guard batch.source.allSatisfy({ $0 >= 0 && $0 < V }), batch.decoderInput.allSatisfy({ $0 >= 0 && $0 < V }),
            batch.labels.allSatisfy({ ($0 >= 0 && $0 < V) || $0 == TranslationBatch.ignoreIndex })
        else { throw .invalidConfig("a token id is outside the vocabulary of \(config.vocabSize)") }
    }

    // MARK: Stacks

    /// Embeds `[B, T]` ids: `√C · shared[id] + PE[t]`.
    func embed(_ tokens: UnsafePointer<Int32>, batch B: Int, time T: Int, into buffer: GrowableBuffer) -> UnsafeMutablePointer<Float> {
        let out = buffer.pointer(B * T * config.dim)
        TokenEmbedding.forward(
            out: out, tokens: tokens, wte: parameters.pointer + offsets.shared, pos: positionTable.pointer,
            batch: B, time: T, dim: config.dim, scale: config.embeddingScale)
        return out
    }

    /// The encoder over `[B, Ts]` source ids; returns the memory (last layer's output) `[B, Ts, C]`.
    func encoderForward(source: UnsafePointer<Int32>, batch B: Int, time Ts: Int, lengths: [Int]) -> UnsafeMutablePointer<Float> {
        var x = embed(source, batch: B, time: Ts, into: encoderInput)
        let N = B * Ts
        let mask = AttentionMask.keyLengths(lengths)
        for (l, layer) in offsets.encoder.enumerated() {
            let buffers = encoderSublayers[l]
            x = sublayerForward(x: x, rows: N, norm: layer.selfNorm, buffers: buffers[0]) { input in
                selfAttentionForward(input: input, weights: layer.selfAttention, buffers: buffers[0], batch: B, time: Ts, mask: mask)
            }
            x = sublayerForward(x: x, rows: N, norm: layer.ffnNorm, buffers: buffers[1]) { input in
                ffnForward(input: input, weights: layer.ffn, buffers: buffers[1], rows: N)
            }
        }
        if let final = offsets.encoderFinalNorm { x = finalNormForward(x: x, rows: N, norm: final, buffers: encoderFinal) }
        return x
    }

    /// The decoder over `[B, Tt]` input ids attending to `memory` `[B, Ts, C]`; returns the final
    /// hidden states `[B, Tt, C]`.
    func decoderForward(
        input: UnsafePointer<Int32>, batch B: Int, time Tt: Int, memory: UnsafePointer<Float>, sourceTime Ts: Int,
        sourceLengths: [Int]
    ) -> UnsafeMutablePointer<Float> {
        var y = embed(input, batch: B, time: Tt, into: decoderInput)
        let N = B * Tt
        let crossMask = AttentionMask.keyLengths(sourceLengths)
        for (l, layer) in offsets.decoder.enumerated() {
            let buffers = decoderSublayers[l]
            y = sublayerForward(x: y, rows: N, norm: layer.selfNorm, buffers: buffers[0]) { input in
                selfAttentionForward(input: input, weights: layer.selfAttention, buffers: buffers[0], batch: B, time: Tt, mask: .causal)
            }
            y = sublayerForward(x: y, rows: N, norm: layer.crossNorm, buffers: buffers[1]) { input in
                crossAttentionForward(
                    input: input, memory: memory, weights: layer.crossAttention, buffers: buffers[1], batch: B,
                    queryTime: Tt, keyTime: Ts, mask: crossMask)
            }
            y = sublayerForward(x: y, rows: N, norm: layer.ffnNorm, buffers: buffers[2]) { input in
                ffnForward(input: input, weights: layer.ffn, buffers: buffers[2], rows: N)
            }
        }
        if let final = offsets.decoderFinalNorm { y = finalNormForward(x: y, rows: N, norm: final, buffers: decoderFinal) }
        return y
    }

    /// Backward through the decoder: `dOutput` `[B, Tt, C]` in (clobbered); accumulates the
    /// cross-attention gradients of the memory into `dMemory`.
    func decoderBackward(
        dOutput: UnsafeMutablePointer<Float>, input: UnsafePointer<Int32>, batch B: Int, time Tt: Int,
        memory: UnsafePointer<Float>, dMemory: UnsafeMutablePointer<Float>, sourceTime Ts: Int, sourceLengths: [Int]
    ) {
        let N = B * Tt, C = config.dim
        var dy = dOutput
        var spare = gradB.pointer(N * C)
        if let final = offsets.decoderFinalNorm {
            finalNormBackward(
                dy: dy, dx: spare, rows: N, norm: final, buffers: decoderFinal, input: decoderLayerOutput(config.decoderLayers - 1))
            swap(&dy, &spare)
        }
        let crossMask = AttentionMask.keyLengths(sourceLengths)
        for l in stride(from: config.decoderLayers - 1, through: 0, by: -1) {
            let layer = offsets.decoder[l], buffers = decoderSublayers[l]
            let x0 = l == 0 ? decoderInput.current : decoderLayerOutput(l - 1)
            let x1 = sublayerOutput(buffers[0]), x2 = sublayerOutput(buffers[1])
            sublayerBackward(dy: dy, dx: spare, x: x2, rows: N, norm: layer.ffnNorm, buffers: buffers[2]) { dOut, input in
                ffnBackward(dOutput: dOut, input: input, weights: layer.ffn, buffers: buffers[2], rows: N)
            }
            swap(&dy, &spare)
            sublayerBackward(dy: dy, dx: spare, x: x1, rows: N, norm: layer.crossNorm, buffers: buffers[1]) { dOut, input in
                crossAttentionBackward(
                    dOutput: dOut, input: input, memory: memory, dMemory: dMemory, weights: layer.crossAttention,
                    buffers: buffers[1], batch: B, queryTime: Tt, keyTime: Ts, mask: crossMask)
            }
            swap(&dy, &spare)
            sublayerBackward(dy: dy, dx: spare, x: x0, rows: N, norm: layer.selfNorm, buffers: buffers[0]) { dOut, input in
                selfAttentionBackward(
                    dOutput: dOut, input: input, weights: layer.selfAttention, buffers: buffers[0], batch: B, time: Tt,
                    mask: .causal)
            }
            swap(&dy, &spare)
        }
        TokenEmbedding.backward(
            dwte: gradients.pointer + offsets.shared, dwpe: nil, dout: dy, tokens: input, batch: B, time: Tt,
            dim: C, scale: config.embeddingScale)
    }

    /// Backward through the encoder from `dMemory` (clobbered).
    func encoderBackward(dMemory: UnsafeMutablePointer<Float>, source: UnsafePointer<Int32>, batch B: Int, time Ts: Int, lengths: [Int]) {
        let N = B * Ts, C = config.dim
        var dy = dMemory
        var spare = gradB.pointer(N * C)
        if let final = offsets.encoderFinalNorm {
            finalNormBackward(
                dy: dy, dx: spare, rows: N, norm: final, buffers: encoderFinal, input: encoderLayerOutput(config.encoderLayers - 1))
            swap(&dy, &spare)
        }
        let mask = AttentionMask.keyLengths(lengths)
        for l in stride(from: config.encoderLayers - 1, through: 0, by: -1) {
            let layer = offsets.encoder[l], buffers = encoderSublayers[l]
            let x0 = l == 0 ? encoderInput.current : encoderLayerOutput(l - 1)
            let x1 = sublayerOutput(buffers[0])
            sublayerBackward(dy: dy, dx: spare, x: x1, rows: N, norm: layer.ffnNorm, buffers: buffers[1]) { dOut, input in
                ffnBackward(dOutput: dOut, input: input, weights: layer.ffn, buffers: buffers[1], rows: N)
            }
            swap(&dy, &spare)
            sublayerBackward(dy: dy, dx: spare, x: x0, rows: N, norm: layer.selfNorm, buffers: buffers[0]) { dOut, input in
                selfAttentionBackward(
                    dOutput: dOut, input: input, weights: layer.selfAttention, buffers: buffers[0], batch: B, time: Ts,
                    mask: mask)
            }
            swap(&dy, &spare)
        }
        TokenEmbedding.backward(
            dwte: gradients.pointer + offsets.shared, dwpe: nil, dout: dy, tokens: source, batch: B, time: Ts,
            dim: C, scale: config.embeddingScale)
    }

    func sublayerOutput(_ buffers: SublayerBuffers) -> UnsafeMutablePointer<Float> {
        config.norm == .post ? buffers.normed.current : buffers.sum.current
    }

    func encoderLayerOutput(_ l: Int) -> UnsafeMutablePointer<Float> { sublayerOutput(encoderSublayers[l][1]) }
    func decoderLayerOutput(_ l: Int) -> UnsafeMutablePointer<Float> { sublayerOutput(decoderSublayers[l][2]) }
}
