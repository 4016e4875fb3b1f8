import ArtifactIO
import CKernels
import TensorOps

/// The matrix products of the recurrent layers and of the recurrent language model's head.
///
/// On CPUs with AVX-512 they run on CKernels' own packed kernel (`tk_rgemm`, `recurrent_gemm.c`),
/// the columns of the result split between ``threads`` workers; elsewhere on OpenBLAS
/// (`Matmul` in TensorOps). The right-hand matrix of the per-step hidden-to-hidden product can be packed once
/// per window (``prepare(transB:k:n:b:ldb:)``) and reused by every step
/// (``multiplyPrepared(m:a:lda:beta:c:ldc:)``), so a step costs only its multiply.
public final class RecurrentGEMM: @unchecked Sendable {
    /// Workers of one product (at least 1).
    public var threads: Int { didSet { threads = max(1, threads) } }
    /// Whether the AVX-512 kernel runs (else OpenBLAS).
    public let usesOwnKernel: Bool
    private var workspaces: [FloatBuffer] = []
    private let packed: FloatBuffer
    private var prepared: (transB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int)?
    private var preparedUses = 0
    /// Products with fewer rows (a sampler's single sequence) go to OpenBLAS: packing would cost more than it saves.
    static let smallRows = 4

    /// Floats a prepared `[k, n]` right-hand matrix takes.
    public static func preparedFloats(k: Int, n: Int) -> Int { Int(tk_rgemm_packed_b_floats(Int64(k), Int64(n))) }

    /// An engine whose prepared right-hand matrices take at most `preparedCapacity` floats
    /// (``preparedFloats(k:n:)``).
    public init(threads: Int = 1, preparedCapacity: Int = 0) {
        self.threads = max(1, threads)
        usesOwnKernel = tk_rgemm_available() != 0
        packed = FloatBuffer(count: usesOwnKernel ? max(preparedCapacity, 0) : 0)
    }

    /// Column ranges (whole 32-column panels of the kernel) for the workers, their workspaces allocated.
    private func split(_ n: Int) -> [(start: Int, count: Int)] {
        let panels = (n + 31) / 32, workers = max(1, min(threads, panels))
        while workspaces.count < workers { workspaces.append(FloatBuffer(count: Int(tk_rgemm_workspace_floats()))) }
        return (0..<workers).map { w in
            let lo = panels * w / workers * 32, hi = min(n, panels * (w + 1) / workers * 32)
            return (lo, hi - lo)
        }
    }

    /// `C[m,n] = A[m,k]·B[k,n] + beta·C` (row-major; `beta` 0 or 1), as `Matmul.nn`.
    public func nn(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0
    ) {
        run(false, false, m, n, k, a, lda, b, ldb, c, ldc, beta)
    }

    /// `C[m,n] = A[m,k]·B[n,k]ᵀ + beta·C`, as `Matmul.nt`.
    public func nt(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0
    ) {
        run(false, true, m, n, k, a, lda, b, ldb, c, ldc, beta)
    }

    /// `C[m,n] = A[k,m]ᵀ·B[k,n] + beta·C`, as `Matmul.tn`.
    public func tn(
        _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0
    ) {
        run(true, false, m, n, k, a, lda, b, ldb, c, ldc, beta)
    }

    private func run(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>,
        _ ldb: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ beta: Float
    ) {
        // OpenBLAS where the CPU lacks AVX-512, and for products of a few rows (the sampler).
        if !usesOwnKernel || m < Self.smallRows {
            switch (transA, transB) {
            case (false, true): return Matmul.nt(m, n, k, a, lda: lda, b, ldb: ldb, c, ldc: ldc, beta: beta)
            case (true, false): return Matmul.tn(m, n, k, a, lda: lda, b, ldb: ldb, c, ldc: ldc, beta: beta)
            default: return Matmul.nn(m, n, k, a, lda: lda, b, ldb: ldb, c, ldc: ldc, beta: beta)
            }
        }
        let parts = split(n)
        let spaces = workspaces.map(\.pointer)
        ParallelFor.run(parts.count, threads: parts.count) { w in
            let (j0, nc) = parts[w]
            tk_rgemm(
                transA ? 1 : 0, transB ? 1 : 0, Int64(m), Int64(nc), Int64(k), a, Int64(lda), transB ? b + j0 * ldb : b + j0, Int64(ldb),
                beta, c + j0, Int64(ldc), spaces[w])
        }
    }

    /// ``Linear/forward(out:inp:weight:bias:rows:inChannels:outChannels:)`` on this engine.
    public func linearForward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Int, inChannels: Int, outChannels: Int
    ) {
        guard rows > 0 else { return }
        nt(rows, outChannels, inChannels, inp, lda: inChannels, weight, ldb: inChannels, out, ldc: outChannels)
        if let bias { tk_add_bias(out, bias, Int64(rows), Int64(outChannels)) }
    }

    /// ``Linear/backward(dinp:dweight:dbias:dout:inp:weight:rows:inChannels:outChannels:overwriteInput:)`` on this engine.
    public func linearBackward(
        dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, rows: Int, inChannels: Int,
        outChannels: Int, overwriteInput: Bool = false
    ) {
        guard rows > 0 else { return }
        if let dinp {
            nn(
                rows, inChannels, outChannels, dout, lda: outChannels, weight, ldb: inChannels, dinp, ldc: inChannels,
                beta: overwriteInput ? 0 : 1)
        }
        tn(outChannels, inChannels, rows, dout, lda: outChannels, inp, ldb: inChannels, dweight, ldc: inChannels, beta: 1)
        if let dbias { tk_bias_backward(dbias, dout, Int64(rows), Int64(outChannels)) }
    }

    /// Sets the right-hand matrix `op(B)` (`[k, n]`) of the next ``multiplyPrepared(m:a:lda:beta:c:ldc:)``
    /// calls; it is packed on the second of them (a single product gains nothing from packing), so
    /// `b` must stay valid and unchanged until the next `prepare`.
    public func prepare(transB: Bool, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int) {
        precondition(!usesOwnKernel || Self.preparedFloats(k: k, n: n) <= packed.count, "RecurrentGEMM: prepared matrix too large")
        prepared = (transB, k, n, b, ldb)
        preparedUses = 0
    }

    /// `C[m,n] = A[m,k]·op(B) + beta·C` with the matrix of the last ``prepare(transB:k:n:b:ldb:)``.
    public func multiplyPrepared(m: Int, a: UnsafePointer<Float>, lda: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard let p = prepared else { preconditionFailure("RecurrentGEMM: nothing prepared") }
        preparedUses += 1
        guard usesOwnKernel, m >= Self.smallRows, preparedUses > 1 else {
            if p.transB {
                nt(m, p.n, p.k, a, lda: lda, p.b, ldb: p.ldb, c, ldc: ldc, beta: beta)
            } else {
                nn(m, p.n, p.k, a, lda: lda, p.b, ldb: p.ldb, c, ldc: ldc, beta: beta)
            }
            return
        }
        if preparedUses == 2 { tk_rgemm_pack_b(p.transB ? 1 : 0, Int64(p.k), Int64(p.n), p.b, Int64(p.ldb), packed.pointer) }
        let parts = split(p.n)
        let spaces = workspaces.map(\.pointer), packedB = UnsafePointer(packed.pointer)
        ParallelFor.run(parts.count, threads: parts.count) { w in
            let (j0, nc) = parts[w]
            tk_rgemm_packed(
                0, Int64(m), Int64(p.n), Int64(p.k), a, Int64(lda), packedB, Int64(j0), Int64(nc), beta, c, Int64(ldc), spaces[w])
        }
    }
}
