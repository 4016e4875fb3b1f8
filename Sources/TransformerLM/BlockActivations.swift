import NeuralCore
import TensorOps

/// The saved activations of one Transformer block for `rows = B·T` tokens (see ``TransformerModel``
/// for how the buffers are used under pre-LN and post-LN).
public final class BlockActivations {
    /// Layer norm 1 output and statistics.
    public let ln1: FloatBuffer, ln1Mean: FloatBuffer, ln1Rstd: FloatBuffer
    /// Query/key/value projections `[N, 3C]`.
    public let qkv: FloatBuffer
    /// Attention probabilities `[B, NH, T, T]`.
    public let att: FloatBuffer
    /// Attention output before the projection `[N, C]`.
    public let atty: FloatBuffer
    /// Attention projection `[N, C]`.
    public let attproj: FloatBuffer
    /// First residual sum `[N, C]`.
    public let res2: FloatBuffer
    /// Layer norm 2 output and statistics.
    public let ln2: FloatBuffer, ln2Mean: FloatBuffer, ln2Rstd: FloatBuffer
    /// Dense FFN hidden pre- and post-activation `[N, F]`.
    public let fch: FloatBuffer, fchAct: FloatBuffer
    /// FFN output `[N, C]`.
    public let fcproj: FloatBuffer
    /// Second residual sum `[N, C]`.
    public let res3: FloatBuffer
    /// Dropout masks (0 or 1/(1-p)) on the attention and FFN outputs; empty without dropout.
    public let mask1: FloatBuffer, mask2: FloatBuffer
    /// Mixture-of-experts state (MoE only).
    public let moe: MixtureOfExperts?

    /// Allocates the buffers of one block.
    public init(config c: ModelConfig, batch B: Int, time T: Int, dropout: Bool) {
        let N = B * T, C = c.dim, F = c.ffnDim
        ln1 = FloatBuffer(count: N * C); ln1Mean = FloatBuffer(count: N); ln1Rstd = FloatBuffer(count: N)
        qkv = FloatBuffer(count: N * 3 * C)
        att = FloatBuffer(count: B * c.heads * T * T)
        atty = FloatBuffer(count: N * C); attproj = FloatBuffer(count: N * C); res2 = FloatBuffer(count: N * C)
        ln2 = FloatBuffer(count: N * C); ln2Mean = FloatBuffer(count: N); ln2Rstd = FloatBuffer(count: N)
        let dense = c.ffn == .dense
        fch = FloatBuffer(count: dense ? N * F : 0); fchAct = FloatBuffer(count: dense ? N * F : 0)
        fcproj = FloatBuffer(count: N * C); res3 = FloatBuffer(count: N * C)
        mask1 = FloatBuffer(count: dropout ? N * C : 0); mask2 = FloatBuffer(count: dropout ? N * C : 0)
        moe =
            dense
            ? nil
            : MixtureOfExperts(
                dim: C, hidden: F, experts: c.experts, topK: c.topK, activation: c.activation,
                auxLossWeight: c.auxLossWeight, rows: N)
    }

    /// The block's output (pre-LN: the second residual sum; post-LN: layer norm 2 of it).
    public func output(_ norm: ModelConfig.Norm) -> FloatBuffer { norm == .pre ? res3 : ln2 }
}
