import CKernels

/// The residual connection `out = a + b`; its backward passes the gradient to both inputs unchanged.
public enum Residual {
    /// `out = a + b` over `count` floats, split across `threads`.
    public static func forward(
        out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
        threads: Int = 1
    ) {
        Chunked.run(count, threads: threads, minimum: 1 << 15) { lo, hi in
            tk_add(out + lo, a + lo, b + lo, Int64(hi - lo))
        }
    }
}
