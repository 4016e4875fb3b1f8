import CKernels

/// Token embedding plus positions: `out[b,t,:] = scale · wte[tokens[b,t]] + pos[t]`.
///
/// `pos` is a sinusoidal table (``SinusoidalPositions``) or a learned `[T, C]` parameter; only the
/// learned one receives a gradient. The scale is √C with sinusoidal positions (Vaswani et al. §3.4)
/// and 1 with learned ones.
public enum TokenEmbedding {
    /// Forward over `[B, T]` token ids (`positionOffset` shifts the position index).
    public static func forward(
        out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, wte: UnsafePointer<Float>,
        pos: UnsafePointer<Float>, batch B: Int, time T: Int, dim C: Int, scale: Float = 1,
        positionOffset: Int = 0
    ) {
        for b in 0..<B {
            for t in 0..<T {
                let id = Int(tokens[b * T + t])
                let o = out + (b * T + t) * C
                o.update(from: pos + (t + positionOffset) * C, count: C)
                tk_axpy(o, scale, wte + id * C, Int64(C))
            }
        }
    }

    /// `dwte[tokens[b,t]] += scale · dout[b,t]`, and `dwpe[t] += dout[b,t]` when positions are learned.
    public static func backward(
        dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
        tokens: UnsafePointer<Int32>, batch B: Int, time T: Int, dim C: Int, scale: Float = 1
    ) {
        for b in 0..<B {
            for t in 0..<T {
                let row = dout + (b * T + t) * C
                tk_axpy(dwte + Int(tokens[b * T + t]) * C, scale, row, Int64(C))
                if let dwpe { tk_accumulate(dwpe + t * C, row, Int64(C)) }
            }
        }
    }
}
