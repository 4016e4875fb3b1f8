import NeuralCore
import TensorOps

/// Autoregressive generation from a ``RecurrentModel``: the hidden (and cell) state is carried from
/// token to token, so each new token costs one step of every layer and the head, and the length is
/// not bounded by the training context.
public final class RecurrentSampler {
    /// The model (its weights are read, never changed).
    public let model: RecurrentModel
    private let state: RecurrentStackState
    private let x: FloatBuffer, projected: FloatBuffer, logitsBuffer: FloatBuffer
    private var none: SeededGenerator? = nil

    /// Creates a sampler with a zero state.
    public init(model: RecurrentModel) {
        self.model = model
        let c = model.config
        state = RecurrentStackState(stack: model.stack, steps: 1, batch: 1)
        x = FloatBuffer(count: c.embeddingDim)
        projected = FloatBuffer(count: c.embeddingDim)
        logitsBuffer = FloatBuffer(count: c.vocabSize)
    }

    /// Sets the state to zero.
    public func reset() { state.resetState() }

    /// The logits `[V]` after feeding `token`.
    public func step(_ token: Int32) throws -> UnsafeBufferPointer<Float> {
        let m = model, c = m.config, L = m.layout, E = c.embeddingDim
        guard token >= 0, Int(token) < c.vocabSize else {
            throw ModelError.tokenOutOfRange(source: "prompt", index: 0, id: Int(token), vocabularySize: c.vocabSize)
        }
        x.pointer.update(from: m.w(L.encoder) + Int(token) * E, count: E)
        m.stack.forward(parameters: m.w(L.stack), input: x.pointer, state: state, dropoutRNG: &none)
        state.carryState()
        var h = UnsafePointer(state.output)
        if let pw = L.projectionWeight, let pb = L.projectionBias {
            Linear.forward(
                out: projected.pointer, inp: h, weight: m.w(pw), bias: m.w(pb), rows: 1, inChannels: c.hiddenSize, outChannels: E)
            h = UnsafePointer(projected.pointer)
        }
        Linear.forward(
            out: logitsBuffer.pointer, inp: h, weight: m.w(L.head), bias: m.w(L.headBias), rows: 1, inChannels: c.headInputSize,
            outChannels: c.vocabSize)
        return UnsafeBufferPointer(start: logitsBuffer.pointer, count: c.vocabSize)
    }

    /// Generates up to `maxTokens` tokens after `prompt` (NeuralCore's `TokenSampling`), calling
    /// `onToken` for each; stops at `stopToken`. An empty prompt starts from `stopToken` (or id 0).
    public func generate(
        prompt: [Int32], maxTokens: Int, temperature: Float, topK: Int, topP: Float, seed: UInt64,
        stopToken: Int32?, onToken: (Int32) -> Void
    ) throws -> [Int32] {
        var rng = SeededGenerator(seed: seed)
        reset()
        var logits = UnsafeBufferPointer<Float>(start: nil, count: 0)
        for t in prompt.isEmpty ? [stopToken ?? 0] : prompt { logits = try step(t) }
        var out: [Int32] = []
        for _ in 0..<maxTokens {
            let next = TokenSampling.sample(logits, temperature: temperature, topK: topK, topP: topP, rng: &rng)
            if let stopToken, next == stopToken { break }
            out.append(next)
            onToken(next)
            logits = try step(next)
        }
        return out
    }
}
