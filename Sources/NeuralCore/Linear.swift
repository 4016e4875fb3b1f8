import CKernels
import TensorOps

/// The linear layer, PyTorch's convention: a weight is `[out, in]`, `y = x·Wᵀ + b`.
public enum Linear {
    /// `out[rows, oc] = inp[rows, ic] · W[oc, ic]ᵀ (+ bias)`.
    public static func forward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, rows: Int, inChannels: Int, outChannels: Int
    ) {
        guard rows > 0 else { return }
        Matmul.nt(rows, outChannels, inChannels, inp, lda: inChannels, weight, ldb: inChannels, out, ldc: outChannels)
        if let bias { tk_add_bias(out, bias, Int64(rows), Int64(outChannels)) }
    }

    /// `dinp += dout·W` (`dinp = dout·W` with `overwriteInput`), `dweight += doutᵀ·inp`, `dbias += Σ dout`.
    public static func backward(
        dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
        dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, rows: Int, inChannels: Int, outChannels: Int,
        overwriteInput: Bool = false
    ) {
        guard rows > 0 else { return }
        if let dinp {
            Matmul.nn(
                rows, inChannels, outChannels, dout, lda: outChannels, weight, ldb: inChannels, dinp, ldc: inChannels,
                beta: overwriteInput ? 0 : 1)
        }
        Matmul.tn(outChannels, inChannels, rows, dout, lda: outChannels, inp, ldb: inChannels, dweight, ldc: inChannels, beta: 1)
        if let dbias { tk_bias_backward(dbias, dout, Int64(rows), Int64(outChannels)) }
    }
}
