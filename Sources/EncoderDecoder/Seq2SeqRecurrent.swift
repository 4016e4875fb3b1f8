import CKernels
import Foundation
import NeuralCore
import TensorOps

/// The recurrent encoder–decoder (Sutskever et al.; Luong et al.'s global attention), llm.c-shaped:
/// one flat parameter buffer, one flat gradient buffer, forward/backward through NeuralCore's
/// `RecurrentLayer` (the LSTM/GRU cells of the recurrent LM, PyTorch's layout and gate order).
///
/// - Embeddings: one table `shared.weight` `[V, C]` for source and target tokens (the vocabulary is
///   joint), tied to the output layer.
/// - Encoder: `encoderLayers` LSTM or GRU layers of width `C` (`encoder.rnn.*`, named and laid out
///   as `torch.nn.LSTM`/`GRU`, `_reverse` tensors when bidirectional; a bidirectional layer above
///   the first reads both directions concatenated, `2C` wide, as PyTorch's). **Padding is never
///   read**: each sentence's reverse direction starts at its last real token, and every state a real
///   token sees was computed from real tokens only (as `pack_padded_sequence`). Bidirectional
///   outputs and final states are the **sum** of the two directions, so everything the decoder sees
///   is `C` wide.
/// - Context: the encoder's final state of each layer — the state at each sentence's **last real
///   token** (`h`, and `c` for the LSTM) — is the initial state of the same decoder layer
///   (`decoderLayers` must equal `encoderLayers`).
/// - Decoder: the same cell and width (`decoder.rnn.*`) over `<bos> y…` with teacher forcing, no
///   input feeding (the attentional vector is not fed back), giving states `s_t`.
/// - ``Seq2SeqConfig/Architecture/rnnAttention``: global dot-product attention, Luong's "dot"
///   score: `e_ti = s_tᵀh_i` over the encoder outputs `h_i` (unscaled; padded positions masked),
///   `a_t = softmax(e_t)`, context `c_t = Σ a_ti h_i`, then `h̃_t = tanh(W_c [c_t; s_t] + b_c)`
///   (`decoder.combine`, `[C, 2C]`).
/// - ``Seq2SeqConfig/Architecture/rnn``: no attention, the fixed-size context only:
///   `h̃_t = tanh(W_c s_t + b_c)` (`[C, C]`).
/// - Output: `softmax(h̃_t · sharedᵀ)`; loss: cross-entropy with label smoothing over the real
///   target positions (padding labels are ``TranslationBatch/ignoreIndex``).
///
/// Activations are time-major (`[T, B, C]`) inside the recurrences and batch-major (`[B, T, C]`)
/// for attention and the output layer.
public final class Seq2SeqRecurrent: @unchecked Sendable {
    /// The configuration.
    public let config: Seq2SeqConfig
    /// Tensor names, shapes and offsets.
    public let layout: ParameterLayout
    /// All parameters, flat.
    public let parameters: FloatBuffer
    /// Gradients, same layout.
    public let gradients: FloatBuffer
    /// Threads for the recurrent matmuls and attention (other matmuls use BLAS's own setting).
    public var threads: Int = 1 { didSet { gemm.threads = threads } }

    /// Encoder layers `[layer][direction]` (direction 1: reverse) and their blocks' offsets.
    let encoderLayers: [[RecurrentLayer]]
    let encoderOffsets: [[Int]]
    /// Decoder layers and their blocks' offsets.
    let decoderLayers: [RecurrentLayer]
    let decoderOffsets: [Int]
    let sharedOffset: Int, combineWeight: Int, combineBias: Int
    let gemm: RecurrentGEMM
    /// Whether the decoder attends (rnn-attention).
    let attends: Bool
    /// 1 or 2 encoder directions.
    let directions: Int
    /// Whether the cell carries a cell state (LSTM).
    let hasCells: Bool

    // Recurrent activations, reallocated when the batch shape changes.
    var encoderStates: [[RecurrentLayerState]] = []
    var decoderStates: [RecurrentLayerState] = []
    var scratch: RecurrentScratch?

    // Activations of the last forward.
    let encoderEmbedded = GrowableBuffer()
    let encoderReversed: [GrowableBuffer]
    let encoderConcat: [GrowableBuffer]
    let memory = GrowableBuffer()
    let finalHidden = GrowableBuffer(), finalCells = GrowableBuffer()
    let decoderEmbedded = GrowableBuffer()
    let decoderOutput = GrowableBuffer()
    let queries = GrowableBuffer(), context = GrowableBuffer(), attention = GrowableBuffer()
    let combined = GrowableBuffer(), attentional = GrowableBuffer()
    let logits = GrowableBuffer(), probabilities = GrowableBuffer(), losses = GrowableBuffer()

    // Gradient scratch.
    let gradHidden = GrowableBuffer(), gradCombined = GrowableBuffer(), gradStates = GrowableBuffer()
    let gradContext = GrowableBuffer(), gradQuery = GrowableBuffer(), gradKey = GrowableBuffer()
    let gradValue = GrowableBuffer(), gradScores = GrowableBuffer(), gradMemory = GrowableBuffer()
    let gradTimeMajor = GrowableBuffer(), gradBelow = GrowableBuffer()
    let gradInitialHidden = GrowableBuffer(), gradInitialCells = GrowableBuffer()
    let gradForward = GrowableBuffer(), gradReverse = GrowableBuffer()
    let gradCellsForward = GrowableBuffer(), gradCellsReverse = GrowableBuffer()
    let gradInputForward = GrowableBuffer(), gradInputReverse = GrowableBuffer()

    /// The shapes and inputs of the last training forward.
    struct Pass {
        var batch: Int, sourceTime: Int, targetTime: Int
        var source: [Int32], sourceLengths: [Int], decoderInput: [Int32], labels: [Int32]
        var counted: Int
        var smoothing: Float
    }
    var last: Pass?

    /// Builds a model with freshly initialized weights (embeddings `N(0, 1/C)`, recurrent layers
    /// as PyTorch initializes them, `decoder.combine` Xavier-uniform with a zero bias), seeded.
    public init(config: Seq2SeqConfig, seed: UInt64 = 1) throws(Seq2SeqError) {
        try config.validate()
        guard config.architecture != .transformer else {
            throw .invalidConfig("architecture transformer: Seq2SeqRecurrent builds rnn-attention and rnn")
        }
        self.config = config
        let C = config.dim, cell = config.recurrentCell
        attends = config.architecture == .rnnAttention
        directions = config.isBidirectional ? 2 : 1
        hasCells = cell.hasCellState
        var layout = ParameterLayout()
        sharedOffset = layout.add("shared.weight", [config.vocabSize, C])
        func addLayer(_ layer: RecurrentLayer, prefix: String, index k: Int, suffix: String) -> Int {
            let tensors = layer.tensors(layerIndex: k)
            let base = layout.count
            for tensor in tensors { layout.add(prefix + tensor.name + suffix, tensor.shape) }
            return base
        }
        var encoderLayers: [[RecurrentLayer]] = [], encoderOffsets: [[Int]] = []
        for k in 0..<config.encoderLayers {
            let layer = RecurrentLayer(cell: cell, inputSize: k == 0 ? C : directions * C, hiddenSize: C)
            encoderLayers.append([RecurrentLayer](repeating: layer, count: directions))
            encoderOffsets.append(
                (0..<directions).map { addLayer(layer, prefix: "encoder.rnn.", index: k, suffix: $0 == 1 ? "_reverse" : "") })
        }
        var decoderLayers: [RecurrentLayer] = [], decoderOffsets: [Int] = []
        for k in 0..<config.decoderLayers {
            let layer = RecurrentLayer(cell: cell, inputSize: C, hiddenSize: C)
            decoderLayers.append(layer)
            decoderOffsets.append(addLayer(layer, prefix: "decoder.rnn.", index: k, suffix: ""))
        }
        combineWeight = layout.add("decoder.combine.weight", [C, attends ? 2 * C : C])
        combineBias = layout.add("decoder.combine.bias", [C])
        self.encoderLayers = encoderLayers
        self.encoderOffsets = encoderOffsets
        self.decoderLayers = decoderLayers
        self.decoderOffsets = decoderOffsets
        self.layout = layout
        parameters = FloatBuffer(count: layout.count)
        gradients = FloatBuffer(count: layout.count)
        gemm = RecurrentGEMM(preparedCapacity: RecurrentLayerState.preparedCapacity(decoderLayers[0]))
        encoderReversed = (0..<config.encoderLayers).map { _ in GrowableBuffer() }
        encoderConcat = (0..<config.encoderLayers).map { _ in GrowableBuffer() }
        initializeParameters(seed: seed)
    }

    func initializeParameters(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let p = parameters.pointer, C = config.dim
        rng.fillNormal(p + sharedOffset, count: config.vocabSize * C, std: 1 / Float(C).squareRoot())
        for (layers, offsets) in zip(encoderLayers, encoderOffsets) {
            for (layer, offset) in zip(layers, offsets) { layer.initialize(p + offset, rng: &rng) }
        }
        for (layer, offset) in zip(decoderLayers, decoderOffsets) { layer.initialize(p + offset, rng: &rng) }
        let inWidth = attends ? 2 * C : C
        let limit = (6 / Float(C + inWidth)).squareRoot()
        for i in 0..<(C * inWidth) { p[combineWeight + i] = (2 * rng.nextUniform() - 1) * limit }
        (p + combineBias).update(repeating: 0, count: C)
    }

    /// Width of the decoder's combine input: `[c_t; s_t]` or `s_t`.
    var combineWidth: Int { attends ? 2 * config.dim : config.dim }

    // MARK: Training forward / backward

    /// Runs the model on a padded batch with teacher forcing and returns the mean loss over the
    /// batch's real target positions, label-smoothed with `labelSmoothing` (default: the config's;
    /// 0 gives the plain negative log-likelihood).
    @discardableResult
    public func forward(_ batch: TranslationBatch, labelSmoothing: Float? = nil) throws(Seq2SeqError) -> Float {
        try check(batch)
        let B = batch.batch, Ts = batch.sourceTime, Tt = batch.targetTime, C = config.dim, V = config.vocabSize
        batch.source.withUnsafeBufferPointer { source in
            encoderForward(source: source.baseAddress!, batch: B, time: Ts, lengths: batch.sourceLengths)
        }
        let hidden = batch.decoderInput.withUnsafeBufferPointer { input in
            decoderForward(
                input: input.baseAddress!, batch: B, time: Tt, memory: memory.current, sourceTime: Ts,
                sourceLengths: batch.sourceLengths, initialHidden: finalHidden.current,
                initialCells: hasCells ? finalCells.current : nil)
        }
        let N = B * Tt
        let smoothing = labelSmoothing ?? config.labelSmoothing
        let (counted, total) = TiedOutputLoss.forward(
            hidden: hidden, embedding: parameters.pointer + sharedOffset, labels: batch.labels, rows: N, width: C, vocab: V, smoothing: smoothing,
            logits: logits.pointer(N * V), probabilities: probabilities.pointer(N * V), losses: losses.pointer(N), threads: threads)
        last = Pass(
            batch: B, sourceTime: Ts, targetTime: Tt, source: batch.source, sourceLengths: batch.sourceLengths,
            decoderInput: batch.decoderInput, labels: batch.labels, counted: counted, smoothing: smoothing)
        return counted > 0 ? Float(total / Double(counted)) : 0
    }

    /// Accumulates into ``gradients`` the gradient of the last ``forward(_:labelSmoothing:)``'s loss.
    public func backward() {
        guard let pass = last, pass.counted > 0 else { return }
        let B = pass.batch, Ts = pass.sourceTime, Tt = pass.targetTime, C = config.dim, V = config.vocabSize
        let N = B * Tt, W = combineWidth, L = config.decoderLayers
        let p = parameters.pointer, g = gradients.pointer
        let dLogits = probabilities.current
        let options = CrossEntropy.Options(ignoreIndex: TranslationBatch.ignoreIndex, labelSmoothing: pass.smoothing)
        pass.labels.withUnsafeBufferPointer { labels in
            CrossEntropy.backward(
                probs: dLogits, targets: labels.baseAddress!, rows: N, vocab: V, scale: 1 / Float(pass.counted),
                options: options, threads: threads)
        }
        // Output layer and tanh combine.
        let h = attentional.current
        let dh = gradHidden.pointer(N * C)
        Linear.backward(
            dinp: dh, dweight: g + sharedOffset, dbias: nil, dout: dLogits, inp: h, weight: p + sharedOffset, rows: N,
            inChannels: C, outChannels: V, overwriteInput: true)
        tk_tanh_backward(dh, h, dh, Int64(N * C))
        let dCombined = gradCombined.pointer(N * W)
        Linear.backward(
            dinp: dCombined, dweight: g + combineWeight, dbias: g + combineBias, dout: dh,
            inp: attends ? combined.current : decoderOutput.current, weight: p + combineWeight, rows: N, inChannels: W,
            outChannels: C, overwriteInput: true)
        // Attention: gradients of the decoder states (batch-major) and of the encoder outputs.
        let ds = gradStates.pointer(N * C)
        let dMemory = gradMemory.zeroed(B * Ts * C)
        if attends {
            let dContext = gradContext.pointer(N * C)
            for r in 0..<N {
                (dContext + r * C).update(from: dCombined + r * W, count: C)
                (ds + r * C).update(from: dCombined + r * W + C, count: C)
            }
            let dq = gradQuery.pointer(N * C), dk = gradKey.pointer(B * Ts * C), dv = gradValue.pointer(B * Ts * C)
            let mem = memory.current
            Attention.backward(
                dquery: dq, dqueryStride: C, dkey: dk, dkeyStride: C, dvalue: dv, dvalueStride: C,
                scratch: gradScores.pointer(B * Tt * Ts), dout: dContext, query: queries.current, queryStride: C, key: mem,
                keyStride: C, value: mem, valueStride: C, att: attention.current, batch: B, queryTime: Tt, keyTime: Ts, dim: C,
                heads: 1, mask: .keyLengths(pass.sourceLengths), threads: threads)
            tk_axpy(ds, Float(C).squareRoot(), dq, Int64(N * C))
            tk_accumulate(dMemory, dk, Int64(B * Ts * C))
            tk_accumulate(dMemory, dv, Int64(B * Ts * C))
        } else {
            ds.update(from: dCombined, count: N * C)
        }
        // Decoder recurrences, top layer first; the gradients at their initial states go to the encoder.
        var dOut = gradTimeMajor.pointer(Tt * B * C)
        Self.transpose(ds, into: dOut, rows: B, columns: Tt, width: C)
        var spare = gradBelow.pointer(Tt * B * C)
        let dInitialHidden = gradInitialHidden.pointer(L * B * C)
        let dInitialCells = hasCells ? gradInitialCells.pointer(L * B * C) : nil
        let scratch = scratch(steps: max(Ts, Tt), batch: B)
        for k in stride(from: L - 1, through: 0, by: -1) {
            let input = k == 0 ? decoderEmbedded.current : decoderStates[k - 1].output
            decoderLayers[k].backward(
                parameters: p + decoderOffsets[k], gradients: g + decoderOffsets[k], input: input, dInput: spare, dOutput: dOut,
                state: decoderStates[k], scratch: scratch, dInitial: dInitialHidden + k * B * C,
                dInitialCell: dInitialCells.map { $0 + k * B * C })
            swap(&dOut, &spare)
        }
        pass.decoderInput.withUnsafeBufferPointer { input in
            embeddingBackward(dOut, tokens: input.baseAddress!, batch: B, time: Tt)
        }
        pass.source.withUnsafeBufferPointer { source in
            encoderBackward(
                dMemory: dMemory, dFinalHidden: dInitialHidden, dFinalCells: dInitialCells, source: source.baseAddress!, batch: B,
                time: Ts, lengths: pass.sourceLengths, scratch: scratch)
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
        guard batch.sourceLengths.allSatisfy({ $0 >= 1 && $0 <= batch.sourceTime }) else {
            throw .invalidConfig("every source needs at least one token (its <eos>) within the batch's length")
        }
        let V = Int32(config.vocabSize)
        guard batch.source.allSatisfy({ $0 >= 0 && $0 < V }), batch.decoderInput.allSatisfy({ $0 >= 0 && $0 < V }),
            batch.labels.allSatisfy({ ($0 >= 0 && $0 < V) || $0 == TranslationBatch.ignoreIndex })
        else { throw .invalidConfig("a token id is outside the vocabulary of \(config.vocabSize)") }
    }

    /// Gate-gradient scratch for windows of `steps × batch` (kept while it is large enough).
    func scratch(steps T: Int, batch B: Int) -> RecurrentScratch {
        let gateWidth = config.recurrentCell.gateCount * config.dim
        if let scratch, scratch.gateCount >= T * B * gateWidth, scratch.hiddenCount >= B * config.dim { return scratch }
        let made = RecurrentScratch(cell: config.recurrentCell, hiddenSize: config.dim, steps: T, batch: B)
        scratch = made
        return made
    }
}
