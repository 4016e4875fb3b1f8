import NeuralCore
import TensorOps

/// Activations and backward scratch of a ``TransformerModel`` for one batch shape.
final class ForwardState {
    let batch: Int, time: Int, hasDropout: Bool
    var inputs: [Int32] = []
    var targets: [Int32]?
    let encoded: FloatBuffer
    let blocks: [BlockActivations]
    let lnf: FloatBuffer, lnfMean: FloatBuffer, lnfRstd: FloatBuffer
    var finalHidden: UnsafePointer<Float>?
    let logits: FloatBuffer, probs: FloatBuffer, losses: FloatBuffer
    var loss: Float = 0
    var auxLoss: Float = 0
    // backward scratch
    let dOut: FloatBuffer, dIn: FloatBuffer, dRes: FloatBuffer, dBranch: FloatBuffer, dLn: FloatBuffer
    let dAtty: FloatBuffer, dQkv: FloatBuffer, dAtt: FloatBuffer, dHidden: FloatBuffer

    init(config c: ModelConfig, batch B: Int, time T: Int, dropout: Bool) {
        batch = B; time = T; hasDropout = dropout
        let N = B * T, C = c.dim, V = c.vocabSize
        encoded = FloatBuffer(count: N * C)
        blocks = (0..<c.layers).map { _ in BlockActivations(config: c, batch: B, time: T, dropout: dropout) }
        lnf = FloatBuffer(count: N * C); lnfMean = FloatBuffer(count: N); lnfRstd = FloatBuffer(count: N)
        logits = FloatBuffer(count: N * V); probs = FloatBuffer(count: N * V); losses = FloatBuffer(count: N)
        dOut = FloatBuffer(count: N * C); dIn = FloatBuffer(count: N * C); dRes = FloatBuffer(count: N * C)
        dBranch = FloatBuffer(count: N * C); dLn = FloatBuffer(count: N * C); dAtty = FloatBuffer(count: N * C)
        dQkv = FloatBuffer(count: N * 3 * C); dAtt = FloatBuffer(count: B * c.heads * T * T)
        dHidden = FloatBuffer(count: c.ffn == .dense ? N * c.ffnDim : 0)
    }
}
