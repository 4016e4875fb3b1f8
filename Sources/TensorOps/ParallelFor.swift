import Dispatch

/// A parallel-for over `0..<count` with at most `threads` workers.
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
}
