import Dispatch

/// The one parallel-for of Tessera: `0..<count` on at most `threads` workers, either in contiguous
/// chunks (``run(_:threads:_:)``) or job by job with each worker's index for per-worker state
/// (``jobs(_:workers:_:)``).
public enum ParallelFor {
    /// Calls `body(i)` for every `i` in `0..<count`, splitting the range into `threads` contiguous
    /// chunks run by `DispatchQueue.concurrentPerform` (serially when `threads <= 1`).
    public static func run(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let workers = min(max(threads, 1), count)
        if workers == 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            // The callers' closures write disjoint parts of shared buffers; they are not Sendable by type.
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = count * w / workers, hi = count * (w + 1) / workers
                for i in lo..<hi { work(i) }
            }
        }
    }

    /// Calls `body(job, worker)` for every `job` in `0..<count`: worker `w` of `min(workers, count)`
    /// runs jobs `w`, `w + workers`, … one after another, so per-worker state needs no lock.
    public static func jobs(_ count: Int, workers: Int, _ body: (_ job: Int, _ worker: Int) -> Void) {
        if workers <= 1 || count <= 1 {
            for j in 0..<count { body(j, 0) }
            return
        }
        let w = min(workers, count)
        withoutActuallyEscaping(body) { escapable in
            // As in run: the callers' workers touch disjoint state.
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: w) { k in
                var j = k
                while j < count {
                    work(j, k)
                    j += w
                }
            }
        }
    }
}
