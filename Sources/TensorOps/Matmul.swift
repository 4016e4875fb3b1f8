import CKernels
import COpenBLAS

/// Row-major matrix products through OpenBLAS `cblas_sgemm`.
///
/// The linear layer convention is PyTorch's: a weight is `[out, in]`, `y = x·Wᵀ + b`.
public enum Matmul {
    /// `C[m,n] = alpha · A[m,k] · B[k,n] + beta · C` (A, B not transposed).
    @inline(__always)
    public static func nn(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                          _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C[m,n] = alpha · A[m,k] · B[n,k]ᵀ + beta · C`.
    @inline(__always)
    public static func nt(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                          _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C[m,n] = alpha · A[k,m]ᵀ · B[k,n] + beta · C`.
    @inline(__always)
    public static func tn(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                          _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Linear layer forward: `out[rows, oc] = inp[rows, ic] · W[oc, ic]ᵀ (+ bias)`.
    public static func linearForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                     bias: UnsafePointer<Float>?, rows: Int, inChannels: Int, outChannels: Int) {
        guard rows > 0 else { return }
        nt(rows, outChannels, inChannels, inp, lda: inChannels, weight, ldb: inChannels, out, ldc: outChannels)
        if let bias { tk_add_bias(out, bias, Int64(rows), Int64(outChannels)) }
    }

    /// Linear layer backward: `dinp += dout·W` (`dinp = dout·W` with `overwriteInput`),
    /// `dweight += doutᵀ·inp`, `dbias += Σ dout`.
    public static func linearBackward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                                      dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                      weight: UnsafePointer<Float>, rows: Int, inChannels: Int, outChannels: Int,
                                      overwriteInput: Bool = false) {
        guard rows > 0 else { return }
        if let dinp {
            nn(rows, inChannels, outChannels, dout, lda: outChannels, weight, ldb: inChannels, dinp, ldc: inChannels, beta: overwriteInput ? 0 : 1)
        }
        tn(outChannels, inChannels, rows, dout, lda: outChannels, inp, ldb: inChannels, dweight, ldc: inChannels, beta: 1)
        if let dbias { tk_bias_backward(dbias, dout, Int64(rows), Int64(outChannels)) }
    }

    /// Sets the number of threads OpenBLAS uses.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// The number of threads OpenBLAS uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}
