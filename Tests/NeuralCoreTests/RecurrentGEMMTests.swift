import NeuralCore
import TensorOps
import Testing

/// `RecurrentGEMM` (CKernels' AVX-512 kernel where the CPU has it, OpenBLAS elsewhere) against a
/// float64 triple loop, for every product the recurrent code uses, shapes that cross the kernel's
/// blocks (rows > 128, depth > 256, columns > 2048, ragged edges), `beta` 0 and 1, 1 and 2 threads,
/// and the prepared (packed once) right-hand matrix used step after step.
@Suite struct RecurrentGEMMTests {
    enum Product: CaseIterable { case nn, nt, tn }

    static let shapes: [(m: Int, n: Int, k: Int)] = [(5, 7, 3), (37, 70, 300), (130, 45, 9), (9, 2100, 40), (4, 33, 257)]

    /// `op(A)·op(B) + beta·C` in Double.
    static func reference(
        _ product: Product, _ m: Int, _ n: Int, _ k: Int, _ a: [Float], _ b: [Float], _ c: [Float], beta: Float
    ) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = product == .tn ? a[p * m + i] : a[i * k + p]
                    let y = product == .nt ? b[j * k + p] : b[p * n + j]
                    s += Double(x) * Double(y)
                }
                out[i * n + j] = s + Double(beta) * Double(c[i * n + j])
            }
        }
        return out
    }

    static func expectClose(_ got: UnsafeMutablePointer<Float>, _ want: [Double], _ what: String) {
        var worst = 0.0
        for (i, w) in want.enumerated() { worst = max(worst, abs(Double(got[i]) - w) / max(1, abs(w))) }
        #expect(worst <= 1e-4, "\(what): max relative error \(worst)")
    }

    @Test(arguments: Product.allCases, [1, 2])
    func productsMatchTheReference(product: Product, threads: Int) {
        let gemm = RecurrentGEMM(threads: threads)
        for (index, (m, n, k)) in Self.shapes.enumerated() {
            for beta: Float in [0, 1] {
                var rng = SeededGenerator(seed: UInt64(100 * index) + UInt64(beta))
                let a = (0..<(m * k)).map { _ in rng.nextNormal() }, b = (0..<(k * n)).map { _ in rng.nextNormal() }
                let c0 = (0..<(m * n)).map { _ in rng.nextNormal() }
                let c = FloatBuffer(c0)
                switch product {
                case .nn: gemm.nn(m, n, k, a, lda: k, b, ldb: n, c.pointer, ldc: n, beta: beta)
                case .nt: gemm.nt(m, n, k, a, lda: k, b, ldb: k, c.pointer, ldc: n, beta: beta)
                case .tn: gemm.tn(m, n, k, a, lda: m, b, ldb: n, c.pointer, ldc: n, beta: beta)
                }
                Self.expectClose(
                    c.pointer, Self.reference(product, m, n, k, a, b, c0, beta: beta),
                    "\(product) m=\(m) n=\(n) k=\(k) beta=\(beta) threads=\(threads) own kernel=\(gemm.usesOwnKernel)")
            }
        }
    }

    /// The per-step pattern: prepare once, multiply several row blocks (the first unpacked, the
    /// rest with the packed matrix), accumulating.
    @Test(arguments: [false, true], [1, 2])
    func preparedProductsMatchTheReference(transB: Bool, threads: Int) {
        let (m, n, k, steps) = (8, 2100, 300, 3)
        let gemm = RecurrentGEMM(threads: threads, preparedCapacity: RecurrentGEMM.preparedFloats(k: k, n: n))
        var rng = SeededGenerator(seed: transB ? 7 : 8)
        let b = (0..<(k * n)).map { _ in rng.nextNormal() }
        b.withUnsafeBufferPointer { bp in
            gemm.prepare(transB: transB, k: k, n: n, b: bp.baseAddress!, ldb: transB ? k : n)
            for step in 0..<steps {
                let a = (0..<(m * k)).map { _ in rng.nextNormal() }, c0 = (0..<(m * n)).map { _ in rng.nextNormal() }
                let c = FloatBuffer(c0)
                let beta: Float = step == 1 ? 0 : 1
                gemm.multiplyPrepared(m: m, a: a, lda: k, beta: beta, c: c.pointer, ldc: n)
                Self.expectClose(
                    c.pointer, Self.reference(transB ? .nt : .nn, m, n, k, a, b, c0, beta: beta),
                    "prepared transB=\(transB) step=\(step) threads=\(threads) own kernel=\(gemm.usesOwnKernel)")
            }
        }
    }
}
