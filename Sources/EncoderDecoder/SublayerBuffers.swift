/// The activations one residual sublayer (self-attention, cross-attention or FFN) keeps for its backward.
///
/// Post-LN: `y = LN(x + S(x))`; pre-LN: `y = x + S(LN(x))`. `input` is `LN(x)` (pre) — for post the
/// sublayer reads `x` itself; `sum` is `x + S(·)`; `normed` is `LN(sum)` (post only).
final class SublayerBuffers {
    /// Pre-LN: the normalized input the sublayer reads.
    let input = GrowableBuffer()
    /// Layer-norm mean and reciprocal standard deviation per row.
    let mean = GrowableBuffer(), rstd = GrowableBuffer()
    /// The residual sum `x + S(·)`.
    let sum = GrowableBuffer()
    /// Post-LN: `LN(sum)`, the sublayer's output.
    let normed = GrowableBuffer()
    /// The sublayer's own output `S(·)` before the residual.
    let output = GrowableBuffer()
    /// Attention: packed projections (`q|k|v` for self-attention, `q` for cross-attention).
    let projected = GrowableBuffer()
    /// Cross-attention: `k|v` of the encoder output.
    let keyValue = GrowableBuffer()
    /// Attention probabilities `[B, NH, Tq, Tk]`.
    let probabilities = GrowableBuffer()
    /// Attention: heads' outputs before the output projection; FFN: the hidden pre-activation.
    let hidden = GrowableBuffer()
    /// FFN: the hidden activation.
    let activated = GrowableBuffer()
}
