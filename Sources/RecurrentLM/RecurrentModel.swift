import CKernels
import Foundation
import NeuralCore
import TensorOps

/// A recurrent language model in the llm.c shape: one flat parameter buffer laid out by
/// ``RecurrentLayout``, one flat gradient buffer, NeuralCore's forward/backward per layer.
///
/// `x = drop(E[tokens])` → `RecurrentStack` (RNN, LSTM or GRU; dropout between layers) →
/// `drop(h)` → optional projection → logits `·W_headᵀ + b` → next-token cross-entropy with teacher
/// forcing. Every window starts from a zero state unless ``RecurrentConfig/carryState`` (then a
/// training window starts from the state the previous one ended in); the sampler carries the state
/// token by token.
public final class RecurrentModel: TrainableModel {
    /// Shape and options.
    public let config: RecurrentConfig
    /// Tensor offsets inside ``parameters``.
    public let layout: RecurrentLayout
    /// The recurrent layers.
    public let stack: RecurrentStack
    /// All parameters, flat.
    public let parameters: FloatBuffer
    /// Gradients, same layout as ``parameters``.
    public let gradients: FloatBuffer
    /// Threads for BLAS and the cross-entropy.
    public var threads: Int { didSet { Matmul.setThreads(threads) } }

    private var state: RecurrentActivations?
    /// With `carryState`: each layer's final `h` (and `c`) of the last training window, `[B·H]`.
    private var carried: (hidden: [[Float]], cells: [[Float]])?

    /// Creates a model with zeroed parameters (call ``initialize(seed:)`` or load weights).
    public init(config: RecurrentConfig, threads: Int = 1) throws {
        try config.validate()
        self.config = config
        layout = RecurrentLayout(config: config)
        stack = config.stack
        parameters = FloatBuffer(count: layout.tensors.count)
        gradients = FloatBuffer(count: layout.tensors.count)
        self.threads = max(1, threads)
        Matmul.setThreads(self.threads)
    }

    /// Standard deviation of the initial token embedding (uniform in ±0.1: 0.1/√3); a Word2Vec
    /// table copied into the embedding is rescaled to it.
    public static let embeddingInitStd: Float = 0.1 / Float(3).squareRoot()

    /// PyTorch's `word_language_model` initialization: embedding and head uniform in ±0.1, head
    /// bias 0, recurrent tensors uniform in ±1/√H (PyTorch's default), projection as `nn.Linear`.
    public func initialize(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let p = parameters.pointer
        func uniform(_ offset: Int, _ count: Int, _ bound: Float) {
            for i in 0..<count { p[offset + i] = (2 * rng.nextUniform() - 1) * bound }
        }
        let c = config
        uniform(layout.encoder, c.vocabSize * c.embeddingDim, 0.1)
        stack.initialize(p + layout.stack, rng: &rng)
        if let w = layout.projectionWeight, let b = layout.projectionBias {
            let bound = 1 / Float(c.hiddenSize).squareRoot()
            uniform(w, c.embeddingDim * c.hiddenSize, bound)
            uniform(b, c.embeddingDim, bound)
        }
        if !c.tieEmbeddings { uniform(layout.head, c.vocabSize * c.headInputSize, 0.1) }
        (p + layout.headBias).update(repeating: 0, count: c.vocabSize)
    }

    /// The generic layout the optimizer and checkpoints use.
    public var parameterLayout: ParameterLayout { layout.tensors }
    /// The training window length.
    public var contextLength: Int { config.contextLength }
    /// `config.json` of a checkpoint.
    public func configurationJSON() throws -> Data { try config.jsonData() }

    @inline(__always) func w(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters.pointer + offset }
    @inline(__always) func g(_ offset: Int) -> UnsafeMutablePointer<Float> { gradients.pointer + offset }

    // MARK: Forward

    /// Runs the model on `inputs` (`[B, T]` ids) and, with `targets`, returns the mean next-token
    /// cross-entropy. With `training` and dropout > 0, masks are drawn from `rng`.
    @discardableResult
    public func forward(
        inputs: [Int32], targets: [Int32]?, batch B: Int, time T: Int, training: Bool = false,
        rng: inout SeededGenerator
    ) throws -> Float {
        let c = config
        guard B > 0, T > 0, inputs.count == B * T, targets.map({ $0.count == B * T }) ?? true else {
            throw ModelError.invalidConfig("expected \(B) × \(T) inputs and targets")
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
        if let s = state, s.batch == B, s.time == T, s.dropout == useDropout {
        } else {
            state = RecurrentActivations(config: c, batch: B, time: T, dropout: useDropout)
        }
        guard let s = state else { throw ModelError.invalidConfig("no activations") }
        let gemm = s.stack.gemm
        gemm.threads = threads
        let N = B * T, E = c.embeddingDim, H = c.hiddenSize, V = c.vocabSize
        s.tokens = Self.timeMajor(inputs, batch: B, time: T)
        s.targets = targets.map { Self.timeMajor($0, batch: B, time: T) }

        s.tokens.withUnsafeBufferPointer { tok in
            TokenEmbedding.forward(
                out: s.embedded.pointer, tokens: tok.baseAddress!, wte: w(layout.encoder), pos: s.noPositions.pointer,
                batch: N, time: 1, dim: E)
        }
        if useDropout {
            Dropout.fillMask(s.embeddingMask, probability: c.dropout, rng: &rng)
            Dropout.forward(s.embedded.pointer, mask: s.embeddingMask.pointer, count: N * E)
        }
        s.stack.resetState()
        let carry = training && c.carryState
        if carry, let carried, carried.hidden.first?.count == B * c.hiddenSize {
            for (k, layer) in s.stack.layers.enumerated() {
                layer.hidden.pointer.update(from: carried.hidden[k], count: B * c.hiddenSize)
                if c.arch.hasCellState { layer.cells.pointer.update(from: carried.cells[k], count: B * c.hiddenSize) }
            }
        }
        var stackRNG: SeededGenerator? = useDropout ? rng : nil
        stack.forward(parameters: w(layout.stack), input: s.embedded.pointer, state: s.stack, dropoutRNG: &stackRNG)
        if let advanced = stackRNG { rng = advanced }
        if carry {
            let last = T * B * c.hiddenSize, n = B * c.hiddenSize
            carried = (
                s.stack.layers.map { Array(UnsafeBufferPointer(start: $0.hidden.pointer + last, count: n)) },
                c.arch.hasCellState ? s.stack.layers.map { Array(UnsafeBufferPointer(start: $0.cells.pointer + last, count: n)) } : []
            )
        }
        var top = UnsafePointer(s.stack.output)
        if useDropout {
            Dropout.fillMask(s.outputMask, probability: c.dropout, rng: &rng)
            s.droppedOutput.pointer.update(from: top, count: N * H)
            Dropout.forward(s.droppedOutput.pointer, mask: s.outputMask.pointer, count: N * H)
            top = UnsafePointer(s.droppedOutput.pointer)
        }
        var headInput = top
        if let pw = layout.projectionWeight, let pb = layout.projectionBias {
            gemm.linearForward(out: s.projected.pointer, inp: top, weight: w(pw), bias: w(pb), rows: N, inChannels: H, outChannels: E)
            headInput = UnsafePointer(s.projected.pointer)
        }
        gemm.linearForward(
            out: s.logits.pointer, inp: headInput, weight: w(layout.head), bias: w(layout.headBias), rows: N,
            inChannels: c.headInputSize, outChannels: V)
        guard let tm = s.targets else { return .nan }
        tm.withUnsafeBufferPointer { t in
            CrossEntropy.forward(
                probs: s.probs.pointer, losses: s.losses.pointer, logits: s.logits.pointer, targets: t.baseAddress!,
                rows: N, vocab: V, threads: threads)
        }
        var sum: Double = 0
        for t in 0..<T {
            for b in 0..<B {
                let l = s.losses.pointer[t * B + b]
                s.lossesBatchMajor.pointer[b * T + t] = l
                sum += Double(l)
            }
        }
        return Float(sum / Double(N))
    }

    /// `[B, T]` row-major ids reordered time-major (`t·B + b`).
    static func timeMajor(_ ids: [Int32], batch B: Int, time T: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: B * T)
        for b in 0..<B { for t in 0..<T { out[t * B + b] = ids[b * T + t] } }
        return out
    }

    /// Logits of the last forward, `[T, B, V]` (time-major; `[T, V]` for one sequence).
    public var logits: UnsafePointer<Float>? { state.map { UnsafePointer($0.logits.pointer) } }

    /// Per-token losses `[B·T]` (batch-major, like the inputs) of the last forward with targets.
    public var tokenLosses: UnsafePointer<Float>? { state.map { UnsafePointer($0.lossesBatchMajor.pointer) } }

    // MARK: Carried state (truncated BPTT across windows)

    /// Whether training carries the state across windows (``RecurrentConfig/carryState``).
    public var carriesState: Bool { config.carryState }

    /// Forgets the carried state (the next training window starts from zero).
    public func resetState() { carried = nil }

    /// The carried state: `h_l{k}` (and `c_l{k}` for the LSTM), `[B·H]` each.
    public func carriedState() -> [(name: String, values: [Float])] {
        guard let carried else { return [] }
        return carried.hidden.enumerated().map { ("h_l\($0.offset)", $0.element) }
            + carried.cells.enumerated().map { ("c_l\($0.offset)", $0.element) }
    }

    /// Restores what ``carriedState()`` returned.
    public func restoreCarriedState(_ tensors: [String: [Float]]) throws {
        guard !tensors.isEmpty else { carried = nil; return }
        let L = config.layers, H = config.hiddenSize
        func take(_ name: String) throws -> [Float] {
            guard let v = tensors[name], !v.isEmpty, v.count % H == 0, v.count == tensors["h_l0"]?.count else {
                throw ModelError.badCheckpoint(
                    path: "optimizer.safetensors", detail: "carried state \(name) is missing or not [batch × \(H)]")
            }
            return v
        }
        carried = (try (0..<L).map { try take("h_l\($0)") }, config.arch.hasCellState ? try (0..<L).map { try take("c_l\($0)") } : [])
    }

    // MARK: Backward

    /// Accumulates into ``gradients`` the gradient of the last forward's mean loss.
    public func backward() {
        guard let s = state, let targets = s.targets else { return }
        let c = config, N = s.batch * s.time, E = c.embeddingDim, H = c.hiddenSize, V = c.vocabSize
        targets.withUnsafeBufferPointer { t in
            CrossEntropy.backward(probs: s.probs.pointer, targets: t.baseAddress!, rows: N, vocab: V, scale: 1 / Float(N), threads: threads)
        }
        let gemm = s.stack.gemm
        gemm.threads = threads
        let top = UnsafePointer(s.dropout ? s.droppedOutput.pointer : s.stack.output)
        let headInput = layout.projectionWeight == nil ? top : UnsafePointer(s.projected.pointer)
        gemm.linearBackward(
            dinp: s.dHeadInput.pointer, dweight: g(layout.head), dbias: g(layout.headBias), dout: s.probs.pointer, inp: headInput,
            weight: w(layout.head), rows: N, inChannels: c.headInputSize, outChannels: V, overwriteInput: true)
        var dTop = s.dHeadInput.pointer
        if let pw = layout.projectionWeight, let pb = layout.projectionBias {
            gemm.linearBackward(
                dinp: s.dOutput.pointer, dweight: g(pw), dbias: g(pb), dout: s.dHeadInput.pointer, inp: top, weight: w(pw),
                rows: N, inChannels: H, outChannels: E, overwriteInput: true)
            dTop = s.dOutput.pointer
        }
        if s.dropout { Dropout.backward(dTop, mask: s.outputMask.pointer, count: N * H) }
        stack.backward(
            parameters: w(layout.stack), gradients: g(layout.stack), input: s.embedded.pointer, dInput: s.dEmbedded.pointer,
            dOutput: dTop, state: s.stack)
        if s.dropout { Dropout.backward(s.dEmbedded.pointer, mask: s.embeddingMask.pointer, count: N * E) }
        s.tokens.withUnsafeBufferPointer { tok in
            TokenEmbedding.backward(
                dwte: g(layout.encoder), dwpe: nil, dout: s.dEmbedded.pointer, tokens: tok.baseAddress!, batch: N, time: 1, dim: E)
        }
    }
}
