import ArtifactIO
import CKernels

/// Layer norm over the last axis: `out = (x − mean) · rstd · weight + bias`, saving `mean` and
/// `rstd` per row for the backward.
public enum LayerNorm {
    /// Forward over `rows` rows of `channels`, the rows split across `threads`.
    public static func forward(
        out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        rows: Int, channels C: Int, epsilon: Float, threads: Int = 1
    ) {
        Chunked.run(rows, threads: threads, minimum: 256) { lo, hi in
            tk_layernorm_forward(out + lo * C, mean + lo, rstd + lo, inp + lo * C, weight, bias, Int64(hi - lo), Int64(C), epsilon)
        }
    }

    /// Backward: `dinp += …`, `dweight += …`, `dbias += …`, the rows split across `threads`; each
    /// extra part sums its weight and bias gradients into scratch, added in part order afterwards
    /// (deterministic for a thread count).
    public static func backward(
        dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, rows N: Int, channels C: Int, threads: Int = 1
    ) {
        let parts = min(threads, max(1, N / 256))
        guard parts > 1 else {
            tk_layernorm_backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, Int64(N), Int64(C))
            return
        }
        var partial = [Float](repeating: 0, count: (parts - 1) * 2 * C)
        partial.withUnsafeMutableBufferPointer { buffer in
            guard let scratch = buffer.baseAddress else { return }
            ParallelFor.run(parts, threads: parts) { k in
                let lo = N * k / parts, hi = N * (k + 1) / parts
                let dw = k == 0 ? dweight : scratch + (k - 1) * 2 * C
                let db = k == 0 ? dbias : scratch + (k - 1) * 2 * C + C
                tk_layernorm_backward(
                    dinp + lo * C, dw, db, dout + lo * C, inp + lo * C, weight, mean + lo, rstd + lo, Int64(hi - lo), Int64(C))
            }
            for k in 1..<parts {
                tk_accumulate(dweight, scratch + (k - 1) * 2 * C, Int64(C))
                tk_accumulate(dbias, scratch + (k - 1) * 2 * C + C, Int64(C))
            }
        }
    }
}
