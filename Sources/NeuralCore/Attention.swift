import ArtifactIO
import CKernels
import Foundation
import TensorOps

/// Multi-head scaled dot-product attention on flat row-major buffers: per head
/// `Y = softmax(Q·Kᵀ/√hs + mask)·V`, heads contiguous within each row.
///
/// Queries come from one sequence (`[B, Tq, ·]`) and keys/values from another (`[B, Tk, ·]`), so
/// self-attention (the same projected sequence) and cross-attention (decoder queries, encoder
/// keys and values) are one code path; each input has its own row stride, so packed projections
/// (`q | k | v` in one `[B, T, 3C]` buffer, or `k | v` in `[B, Tk, 2C]`) are read in place. The
/// probabilities are kept (`att`, `[B, NH, Tq, Tk]`, zero where masked) for the backward and for
/// attention maps. A causal-only mask over equal lengths takes a blocked fast path that skips the
/// masked half of every matmul.
public enum Attention {
    /// Rows per block of the causal attention matmuls: row block i only needs key blocks 0...i, so
    /// about half of QKᵀ, A·V and their gradients is skipped.
    public static let causalBlock = 32

    // MARK: Self-attention on a packed qkv buffer

    /// Causal self-attention. `qkv` is `[B, T, 3C]` (q | k | v, heads contiguous within each);
    /// writes `att` `[B, NH, T, T]` (softmax probabilities, zeros above the diagonal) and `out` `[B, T, C]`.
    public static func forward(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
        batch B: Int, time T: Int, dim C: Int, heads NH: Int, threads: Int, block: Int = causalBlock
    ) {
        let io = Strided(q: qkv, qs: 3 * C, k: qkv + C, ks: 3 * C, v: qkv + 2 * C, vs: 3 * C)
        causalForward(out: out, att: att, io, batch: B, time: T, dim: C, heads: NH, threads: threads, block: block)
    }

    /// Backward of the causal packed ``forward(out:att:qkv:batch:time:dim:heads:threads:block:)``:
    /// overwrites `dqkv`; `scratch` holds `B·NH·T·T` floats.
    public static func backward(
        dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        qkv: UnsafePointer<Float>, att: UnsafePointer<Float>, batch B: Int, time T: Int, dim C: Int,
        heads NH: Int, threads: Int, block: Int = causalBlock
    ) {
        let io = Strided(q: qkv, qs: 3 * C, k: qkv + C, ks: 3 * C, v: qkv + 2 * C, vs: 3 * C)
        let grads = StridedGradients(dq: dqkv, dqs: 3 * C, dk: dqkv + C, dks: 3 * C, dv: dqkv + 2 * C, dvs: 3 * C)
        causalBackward(
            grads, scratch: scratch, dout: dout, io, att: att, batch: B, time: T, dim: C, heads: NH, threads: threads, block: block)
    }

    // MARK: General: separate query and key/value sequences, any mask

    /// Attention of `Tq` queries over `Tk` keys/values per sequence, with `mask`.
    ///
    /// `query` row `(b, i)` starts at `query + (b·Tq + i)·queryStride`; `key` and `value` rows
    /// likewise with `Tk` and their strides; each row holds `C = NH·hs` values. Writes `out`
    /// `[B, Tq, C]` and `att` `[B, NH, Tq, Tk]`. A query with no visible key gets a zero output.
    /// `mask` must fit (``AttentionMask/validate(batch:keyTime:)``).
    public static func forward(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
        query: UnsafePointer<Float>, queryStride: Int, key: UnsafePointer<Float>, keyStride: Int,
        value: UnsafePointer<Float>, valueStride: Int, batch B: Int, queryTime Tq: Int, keyTime Tk: Int,
        dim C: Int, heads NH: Int, mask: AttentionMask, threads: Int
    ) {
        let io = Strided(q: query, qs: queryStride, k: key, ks: keyStride, v: value, vs: valueStride)
        if mask.isCausalOnly && Tq == Tk {
            causalForward(out: out, att: att, io, batch: B, time: Tq, dim: C, heads: NH, threads: threads, block: causalBlock)
            return
        }
        precondition((try? mask.validate(batch: B, keyTime: Tk)) != nil, "attention mask does not fit the batch")
        guard B * Tq > 0 else { return }
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        withBLASThreadsForParallelRegion(threads) {
            ParallelFor.run(B * NH, threads: threads) { bh in
                let b = bh / NH, h = bh % NH
                let q = io.q + b * Tq * io.qs + h * hs, k = io.k + b * Tk * io.ks + h * hs, v = io.v + b * Tk * io.vs + h * hs
                let a = att + bh * Tq * Tk
                let y = out + b * Tq * C + h * hs
                if Tk > 0 { Matmul.nt(Tq, Tk, hs, q, lda: io.qs, k, ldb: io.ks, a, ldc: Tk) }
                for i in 0..<Tq { maskedSoftmax(a + i * Tk, scale: scale, mask: mask, batch: b, query: i, keyTime: Tk) }
                if Tk > 0 {
                    Matmul.nn(Tq, hs, Tk, a, lda: Tk, v, ldb: io.vs, y, ldc: C)
                } else {
                    for i in 0..<Tq { (y + i * C).update(repeating: 0, count: hs) }
                }
            }
        }
    }

    /// Backward of the general ``forward(out:att:query:queryStride:key:keyStride:value:valueStride:batch:queryTime:keyTime:dim:heads:mask:threads:)``:
    /// overwrites the head slices of `dquery`, `dkey` and `dvalue` (laid out like their inputs, with
    /// their own strides; they may be parts of one packed buffer); `scratch` holds `B·NH·Tq·Tk` floats.
    public static func backward(
        dquery: UnsafeMutablePointer<Float>, dqueryStride: Int, dkey: UnsafeMutablePointer<Float>, dkeyStride: Int,
        dvalue: UnsafeMutablePointer<Float>, dvalueStride: Int, scratch: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, query: UnsafePointer<Float>, queryStride: Int, key: UnsafePointer<Float>,
        keyStride: Int, value: UnsafePointer<Float>, valueStride: Int, att: UnsafePointer<Float>,
        batch B: Int, queryTime Tq: Int, keyTime Tk: Int, dim C: Int, heads NH: Int, mask: AttentionMask,
        threads: Int
    ) {
        let io = Strided(q: query, qs: queryStride, k: key, ks: keyStride, v: value, vs: valueStride)
        let grads = StridedGradients(dq: dquery, dqs: dqueryStride, dk: dkey, dks: dkeyStride, dv: dvalue, dvs: dvalueStride)
        if mask.isCausalOnly && Tq == Tk {
            causalBackward(
                grads, scratch: scratch, dout: dout, io, att: att, batch: B, time: Tq, dim: C, heads: NH, threads: threads,
                block: causalBlock)
            return
        }
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        withBLASThreadsForParallelRegion(threads) {
            ParallelFor.run(B * NH, threads: threads) { bh in
                let b = bh / NH, h = bh % NH
                let q = io.q + b * Tq * io.qs + h * hs, k = io.k + b * Tk * io.ks + h * hs, v = io.v + b * Tk * io.vs + h * hs
                let dq = grads.dq + b * Tq * grads.dqs + h * hs
                let dk = grads.dk + b * Tk * grads.dks + h * hs, dv = grads.dv + b * Tk * grads.dvs + h * hs
                let a = att + bh * Tq * Tk
                let ds = scratch + bh * Tq * Tk
                let dy = dout + b * Tq * C + h * hs
                guard Tq > 0, Tk > 0 else {
                    for i in 0..<Tq { (dq + i * grads.dqs).update(repeating: 0, count: hs) }
                    for j in 0..<Tk {
                        (dk + j * grads.dks).update(repeating: 0, count: hs); (dv + j * grads.dvs).update(repeating: 0, count: hs)
                    }
                    return
                }
                Matmul.nt(Tq, Tk, hs, dy, lda: C, v, ldb: io.vs, ds, ldc: Tk)  // dA = dY·Vᵀ
                for i in 0..<Tq { softmaxBackward(ds + i * Tk, a + i * Tk, count: Tk, scale: scale) }  // dS (masked entries: a = 0)
                Matmul.nn(Tq, hs, Tk, ds, lda: Tk, k, ldb: io.ks, dq, ldc: grads.dqs)  // dQ = dS·K
                Matmul.tn(Tk, hs, Tq, ds, lda: Tk, q, ldb: io.qs, dk, ldc: grads.dks)  // dK = dSᵀ·Q
                Matmul.tn(Tk, hs, Tq, a, lda: Tk, dy, ldb: C, dv, ldc: grads.dvs)  // dV = Aᵀ·dY
            }
        }
    }

    // MARK: Row kernels of the general path

    /// In place over one row of `Tk` scores: `softmax(scale · s)` over the keys the mask lets
    /// query `i` of sequence `b` see, 0 elsewhere (all 0 when it sees none).
    static func maskedSoftmax(
        _ row: UnsafeMutablePointer<Float>, scale: Float, mask: AttentionMask, batch b: Int, query i: Int,
        keyTime Tk: Int
    ) {
        let limit = mask.visibleKeys(batch: b, query: i, keyTime: Tk)
        let keyMask = mask.keyMask
        func visible(_ j: Int) -> Bool { j < limit && (keyMask?[b * Tk + j] ?? true) }
        var maxValue = -Float.infinity
        for j in 0..<Tk where visible(j) { maxValue = max(maxValue, scale * row[j]) }
        guard maxValue > -Float.infinity else {
            row.update(repeating: 0, count: Tk)
            return
        }
        var sum: Float = 0
        for j in 0..<Tk {
            if visible(j) {
                let e = expf(scale * row[j] - maxValue)
                row[j] = e
                sum += e
            } else {
                row[j] = 0
            }
        }
        let inverse = 1 / sum
        for j in 0..<limit { row[j] *= inverse }
    }

    /// In place: `dA` of one row becomes `scale · a ⊙ (dA − Σ a·dA)`, the gradient of the scores.
    static func softmaxBackward(_ dRow: UnsafeMutablePointer<Float>, _ aRow: UnsafePointer<Float>, count: Int, scale: Float) {
        var dot: Float = 0
        for j in 0..<count { dot += aRow[j] * dRow[j] }
        for j in 0..<count { dRow[j] = scale * aRow[j] * (dRow[j] - dot) }
    }

    // MARK: Causal fast path

    /// Query, key and value pointers with their row strides.
    struct Strided {
        let q: UnsafePointer<Float>, qs: Int
        let k: UnsafePointer<Float>, ks: Int
        let v: UnsafePointer<Float>, vs: Int
    }

    /// Gradient pointers with their row strides.
    struct StridedGradients {
        let dq: UnsafeMutablePointer<Float>, dqs: Int
        let dk: UnsafeMutablePointer<Float>, dks: Int
        let dv: UnsafeMutablePointer<Float>, dvs: Int
    }

    /// Causal attention with `Tq = Tk = T`, skipping the masked half block by block.
    static func causalForward(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>, _ io: Strided,
        batch B: Int, time T: Int, dim C: Int, heads NH: Int, threads: Int, block: Int
    ) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let bk = max(block, 1)
        withBLASThreadsForParallelRegion(threads) {
            ParallelFor.run(B * NH, threads: threads) { bh in
                let b = bh / NH, h = bh % NH
                let q = io.q + b * T * io.qs + h * hs, k = io.k + b * T * io.ks + h * hs, v = io.v + b * T * io.vs + h * hs
                let a = att + bh * T * T
                let y = out + b * T * C + h * hs
                // Row block r0..<r0+rows attends to keys 0..<r0+rows only.
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nt(rows, r0 + rows, hs, q + r0 * io.qs, lda: io.qs, k, ldb: io.ks, a + r0 * T, ldc: T)
                }
                tk_causal_softmax(a, Int64(T), Int64(T), scale)
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nn(rows, hs, r0 + rows, a + r0 * T, lda: T, v, ldb: io.vs, y + r0 * C, ldc: C)
                }
            }
        }
    }

    /// Backward of ``causalForward(out:att:_:batch:time:dim:heads:threads:block:)``; overwrites the gradients.
    static func causalBackward(
        _ grads: StridedGradients, scratch: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, _ io: Strided,
        att: UnsafePointer<Float>, batch B: Int, time T: Int, dim C: Int, heads NH: Int, threads: Int, block: Int
    ) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let bk = max(block, 1)
        withBLASThreadsForParallelRegion(threads) {
            ParallelFor.run(B * NH, threads: threads) { bh in
                let b = bh / NH, h = bh % NH
                let q = io.q + b * T * io.qs + h * hs, k = io.k + b * T * io.ks + h * hs, v = io.v + b * T * io.vs + h * hs
                let dq = grads.dq + b * T * grads.dqs + h * hs
                let dk = grads.dk + b * T * grads.dks + h * hs, dv = grads.dv + b * T * grads.dvs + h * hs
                let a = att + bh * T * T
                let ds = scratch + bh * T * T
                let dy = dout + b * T * C + h * hs
                // row blocks: dA = dY·Vᵀ (keys 0..<end), then dS, then dQ = dS·K
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nt(rows, r0 + rows, hs, dy + r0 * C, lda: C, v, ldb: io.vs, ds + r0 * T, ldc: T)
                }
                tk_causal_softmax_backward(ds, a, Int64(T), Int64(T), scale)
                forEachBlock(T, bk) { r0, rows in
                    Matmul.nn(rows, hs, r0 + rows, ds + r0 * T, lda: T, k, ldb: io.ks, dq + r0 * grads.dqs, ldc: grads.dqs)
                }
                // key blocks: only queries from the block's start on attend to it
                forEachBlock(T, bk) { c0, cols in
                    let rows = T - c0
                    Matmul.tn(cols, hs, rows, a + c0 * T + c0, lda: T, dy + c0 * C, ldb: C, dv + c0 * grads.dvs, ldc: grads.dvs)  // dV = Aᵀ·dY
                    Matmul.tn(cols, hs, rows, ds + c0 * T + c0, lda: T, q + c0 * io.qs, ldb: io.qs, dk + c0 * grads.dks, ldc: grads.dks)  // dK = dSᵀ·Q
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
