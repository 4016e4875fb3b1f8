import CKernels
import TensorOps

/// Multi-head scaled dot-product attention on flat `[B, T, ·]` buffers.
///
/// `softmax(Q·Kᵀ/√hs)·V` per head, heads contiguous within each row. The probabilities are kept
/// (`att`, `[B, NH, T, T]`) for the backward and for attention maps.
public enum Attention {
    /// Rows per block of the causal attention matmuls: row block i only needs key blocks 0...i, so
    /// about half of QKᵀ, A·V and their gradients is skipped.
    public static let causalBlock = 32

    /// Causal self-attention. `qkv` is `[B, T, 3C]` (q | k | v, heads contiguous within each);
    /// writes `att` `[B, NH, T, T]` (softmax probabilities, zeros above the diagonal) and `out` `[B, T, C]`.
    public static func forward(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
                               batch B: Int, time T: Int, dim C: Int, heads NH: Int, threads: Int, block: Int = causalBlock) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let bk = max(block, 1)
        withBLASThreadsForParallelRegion(threads) {
            ParallelFor.run(B * NH, threads: threads) { bh in
                let b = bh / NH, h = bh % NH
                let q = qkv + b * T * 3 * C + h * hs
                let a = att + bh * T * T
                let y = out + b * T * C + h * hs
                // Row block r0..<r0+rows attends to keys 0..<r0+rows only.
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nt(rows, r0 + rows, hs, q + r0 * 3 * C, lda: 3 * C, q + C, ldb: 3 * C, a + r0 * T, ldc: T)
                }
                tk_causal_softmax(a, Int64(T), Int64(T), scale)
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nn(rows, hs, r0 + rows, a + r0 * T, lda: T, q + 2 * C, ldb: 3 * C, y + r0 * C, ldc: C)
                }
            }
        }
    }

    /// Backward of the causal ``forward(out:att:qkv:batch:time:dim:heads:threads:block:)``:
    /// overwrites `dqkv`; `scratch` holds `B·NH·T·T` floats.
    public static func backward(dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                qkv: UnsafePointer<Float>, att: UnsafePointer<Float>, batch B: Int, time T: Int, dim C: Int,
                                heads NH: Int, threads: Int, block: Int = causalBlock) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let bk = max(block, 1)
        withBLASThreadsForParallelRegion(threads) {
            ParallelFor.run(B * NH, threads: threads) { bh in
                let b = bh / NH, h = bh % NH
                let q = qkv + b * T * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let dq = dqkv + b * T * 3 * C + h * hs, dk = dq + C, dv = dq + 2 * C
                let a = att + bh * T * T
                let ds = scratch + bh * T * T
                let dy = dout + b * T * C + h * hs
                // row blocks: dA = dY·Vᵀ (keys 0..<end), then dS, then dQ = dS·K
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nt(rows, r0 + rows, hs, dy + r0 * C, lda: C, v, ldb: 3 * C, ds + r0 * T, ldc: T)
                }
                tk_causal_softmax_backward(ds, a, Int64(T), Int64(T), scale)
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nn(rows, hs, r0 + rows, ds + r0 * T, lda: T, k, ldb: 3 * C, dq + r0 * 3 * C, ldc: 3 * C)
                }
                // key blocks: only queries from the block's start on attend to it
                forEachBlock(T, bk) { c0, cols in
                    let rows = T - c0
                    Matmul.tn(cols, hs, rows, a + c0 * T + c0, lda: T, dy + c0 * C, ldb: C, dv + c0 * 3 * C, ldc: 3 * C)      // dV = Aᵀ·dY
                    Matmul.tn(cols, hs, rows, ds + c0 * T + c0, lda: T, q + c0 * 3 * C, ldb: 3 * C, dk + c0 * 3 * C, ldc: 3 * C)  // dK = dSᵀ·Q
                }
            }
        }
    }

    /// Calls `body(start, count)` for consecutive blocks of at most `block` items covering `0..<total`.
    @inline(__always)
    static func forEachBlock(_ total: Int, _ block: Int, _ body: (Int, Int) -> Void) {
        var start = 0
        while start < total {
            let count = min(block, total - start)
            body(start, count)
            start += count
        }
    }

    /// Runs `body` with OpenBLAS single-threaded when the caller parallelizes itself.
    static func withBLASThreadsForParallelRegion(_ threads: Int, _ body: () -> Void) {
        if threads > 1 {
            Matmul.setThreads(1)
            body()
            Matmul.setThreads(threads)
        } else {
            body()
        }
    }
}
