import NeuralCore
import TensorOps

/// What a ``RecurrentModel`` keeps between its forward and backward for one `[B, T]` shape.
/// Rows are time-major (`t·B + b`) everywhere inside the model.
final class RecurrentActivations {
    let batch: Int, time: Int, dropout: Bool
    /// Input ids, time-major.
    var tokens: [Int32] = []
    /// Target ids, time-major.
    var targets: [Int32]? = nil
    /// Embeddings `[N, E]` (after dropout when training with it).
    let embedded: FloatBuffer
    /// Dropout masks on the embeddings and on the top layer's output (empty without dropout).
    let embeddingMask: FloatBuffer, outputMask: FloatBuffer
    /// The top layer's output after dropout `[N, H]` (empty without dropout).
    let droppedOutput: FloatBuffer
    /// Projection output `[N, E]` (empty without a projection).
    let projected: FloatBuffer
    /// Logits, then probabilities, then their gradient `[N, V]`.
    let logits: FloatBuffer, probs: FloatBuffer
    /// Per-token losses, time-major and in `[B, T]` order.
    let losses: FloatBuffer, lossesBatchMajor: FloatBuffer
    /// Gradient scratch: at the head's input `[N, max(H, E)]`, at the top layer's output `[N, H]`, at the embeddings `[N, E]`.
    let dHeadInput: FloatBuffer, dOutput: FloatBuffer, dEmbedded: FloatBuffer
    /// The recurrent layers' activations.
    let stack: RecurrentStackState
    /// Zero position row for NeuralCore's embedding (a recurrent model has no positions).
    let noPositions: FloatBuffer

    init(config c: RecurrentConfig, batch B: Int, time T: Int, dropout: Bool) {
        batch = B; time = T; self.dropout = dropout
        let N = B * T, E = c.embeddingDim, H = c.hiddenSize, V = c.vocabSize
        embedded = FloatBuffer(count: N * E)
        embeddingMask = FloatBuffer(count: dropout ? N * E : 0)
        outputMask = FloatBuffer(count: dropout ? N * H : 0)
        droppedOutput = FloatBuffer(count: dropout ? N * H : 0)
        projected = FloatBuffer(count: c.projection ? N * E : 0)
        logits = FloatBuffer(count: N * V)
        probs = FloatBuffer(count: N * V)
        losses = FloatBuffer(count: N)
        lossesBatchMajor = FloatBuffer(count: N)
        dHeadInput = FloatBuffer(count: N * c.headInputSize)
        dOutput = FloatBuffer(count: c.projection ? N * H : 0)
        dEmbedded = FloatBuffer(count: N * E)
        stack = RecurrentStackState(stack: c.stack, steps: T, batch: B)
        noPositions = FloatBuffer(count: E)
    }
}
