import ArtifactIO
import CKernels
import Foundation
import TensorOps

/// Forward and backward of the model's layers on raw pointers (row-major, llm.c style).
///
/// Backward functions *accumulate* into parameter gradients; each documents whether it overwrites
/// or accumulates the input gradient.
public enum LayerKernels {
    // MARK: Positions

    /// The sinusoidal table `PE[pos, 2i] = sin(pos / 10000^(2i/C))`, `PE[pos, 2i+1] = cos(…)`.
    public static func sinusoidalTable(context T: Int, dim C: Int) -> FloatBuffer {
        let table = FloatBuffer(count: T * C)
        for pos in 0..<T {
            for i in stride(from: 0, to: C, by: 2) {
                let angle = Double(pos) / pow(10000, Double(i) / Double(C))
                table.pointer[pos * C + i] = Float(sin(angle))
                if i + 1 < C { table.pointer[pos * C + i + 1] = Float(cos(angle)) }
            }
        }
        return table
    }

    // MARK: Embedding

    /// `out[b,t,:] = scale · wte[tokens[b,t]] + pos[t]` (`positionOffset` shifts the position index).
    /// The scale is √C with sinusoidal positions (Vaswani et al. §3.4) and 1 with learned ones.
    public static func encoderForward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, wte: UnsafePointer<Float>,
                                      pos: UnsafePointer<Float>, batch B: Int, time T: Int, dim C: Int, scale: Float = 1,
                                      positionOffset: Int = 0) {
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
    public static func encoderBackward(dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                                       tokens: UnsafePointer<Int32>, batch B: Int, time T: Int, dim C: Int, scale: Float = 1) {
        for b in 0..<B {
            for t in 0..<T {
                let row = dout + (b * T + t) * C
                tk_axpy(dwte + Int(tokens[b * T + t]) * C, scale, row, Int64(C))
                if let dwpe { tk_accumulate(dwpe + t * C, row, Int64(C)) }
            }
        }
    }

    // MARK: Attention

    /// Rows per block of the causal attention matmuls: row block i only needs key blocks 0...i, so
    /// about half of QKᵀ, A·V and their gradients is skipped.
    public static let attentionBlock = 32

    /// Causal multi-head attention. `qkv` is `[B, T, 3C]` (q | k | v, heads contiguous within each);
    /// writes `att` `[B, NH, T, T]` (softmax probabilities, zeros above the diagonal) and `out` `[B, T, C]`.
    public static func attentionForward(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
                                        batch B: Int, time T: Int, dim C: Int, heads NH: Int, threads: Int, block: Int = attentionBlock) {
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

    /// Backward of ``attentionForward``: overwrites `dqkv`; `scratch` holds `B·NH·T·T` floats.
    public static func attentionBackward(dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                                         qkv: UnsafePointer<Float>, att: UnsafePointer<Float>, batch B: Int, time T: Int, dim C: Int,
                                         heads NH: Int, threads: Int, block: Int = attentionBlock) {
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

    // MARK: Splitting elementwise work

    /// Runs `body(lo, hi)` over `0..<count` in up to `threads` contiguous ranges of at least
    /// `minimum` items each (one range, on the calling thread, when the work is small).
    public static func chunked(_ count: Int, threads: Int, minimum: Int = 1 << 14, _ body: (Int, Int) -> Void) {
        let parts = min(max(threads, 1), max(1, count / max(minimum, 1)))
        if parts <= 1 {
            body(0, count)
            return
        }
        ParallelFor.run(parts, threads: parts) { k in body(count * k / parts, count * (k + 1) / parts) }
    }

    // MARK: Activations

    /// `out = act(inp)`, split across `threads`.
    public static func activationForward(_ act: ModelConfig.Activation, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int,
                                         threads: Int = 1) {
        chunked(count, threads: threads) { lo, hi in
            switch act {
            case .gelu: tk_gelu_forward(out + lo, inp + lo, Int64(hi - lo))
            case .relu: tk_relu_forward(out + lo, inp + lo, Int64(hi - lo))
            }
        }
    }

    /// `dinp = act'(inp) · dout` (overwrites; `dinp` may alias `dout`), split across `threads`.
    public static func activationBackward(_ act: ModelConfig.Activation, dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                                          dout: UnsafePointer<Float>, count: Int, threads: Int = 1) {
        chunked(count, threads: threads) { lo, hi in
            switch act {
            case .gelu: tk_gelu_backward(dinp + lo, inp + lo, dout + lo, Int64(hi - lo))
            case .relu: tk_relu_backward(dinp + lo, inp + lo, dout + lo, Int64(hi - lo))
            }
        }
    }
}
