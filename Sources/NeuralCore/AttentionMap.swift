/// Attention probabilities as nested arrays for reports and plots: `heads[h][i][j]` is how much
/// query `i` attended to key `j` in head `h`.
public enum AttentionMap {
    /// The `[NH, Tq, Tk]` matrices of sequence `b` from ``Attention``'s probabilities `[B, NH, Tq, Tk]`.
    public static func heads(_ att: UnsafePointer<Float>, sequence b: Int = 0, heads NH: Int, queryTime Tq: Int, keyTime Tk: Int)
        -> [[[Double]]]
    {
        (0..<NH).map { h in
            let base = att + ((b * NH + h) * Tq) * Tk
            return (0..<Tq).map { i in (0..<Tk).map { j in Double(base[i * Tk + j]) } }
        }
    }
}
