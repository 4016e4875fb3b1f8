#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The class distributions of a sequence classifier's output: softmax over each row of logits.
public enum ClassDistribution {
    /// Each of `rows` rows of `classes` logits as probabilities (softmax in Double, shifted by the
    /// row's maximum) with its most probable class (the first one on a tie).
    public static func rows(_ logits: UnsafePointer<Float>, rows: Int, classes: Int) -> [(label: Int, probabilities: [Double])] {
        var out: [(label: Int, probabilities: [Double])] = []
        out.reserveCapacity(max(rows, 0))
        for b in 0..<max(rows, 0) {
            let row = (0..<classes).map { Double(logits[b * classes + $0]) }
            let m = row.max() ?? 0
            let e = row.map { exp($0 - m) }
            let s = e.reduce(0, +)
            let p = e.map { $0 / s }
            out.append((p.indices.max { p[$0] < p[$1] } ?? 0, p))
        }
        return out
    }
}
