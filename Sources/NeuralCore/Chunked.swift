import ArtifactIO

/// Splits elementwise work across threads in contiguous ranges.
public enum Chunked {
    /// Runs `body(lo, hi)` over `0..<count` in up to `threads` contiguous ranges of at least
    /// `minimum` items each (one range, on the calling thread, when the work is small).
    public static func run(_ count: Int, threads: Int, minimum: Int = 1 << 14, _ body: (Int, Int) -> Void) {
        let parts = min(max(threads, 1), max(1, count / max(minimum, 1)))
        if parts <= 1 {
            body(0, count)
            return
        }
        ParallelFor.run(parts, threads: parts) { k in body(count * k / parts, count * (k + 1) / parts) }
    }
}
