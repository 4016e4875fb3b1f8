/// Principal component analysis of embedding rows, for plots (the pipeline report's PCA scatter).
///
/// ```swift
/// let points = PrincipalComponents.project(rows: [0, 1, 2, 3], of: table)   // [(x, y)] per row
/// ```
public enum PrincipalComponents {
    /// The given rows of `table` projected onto their first two principal components: the rows are
    /// centred, and the two leading eigenvectors of their covariance found by power iteration (200
    /// rounds each, the second orthogonal to the first) from a fixed start, so the result is
    /// deterministic. Fewer than two rows or dimensions, or a row outside the table, give zeros.
    public static func project(rows: [Int], of table: EmbeddingTable) -> [(Double, Double)] {
        let d = table.dimension, n = rows.count
        guard n > 1, d > 1, rows.allSatisfy({ $0 >= 0 && $0 < table.rowCount }) else { return rows.map { _ in (0, 0) } }
        var x = [Double](repeating: 0, count: n * d)
        for (r, row) in rows.enumerated() {
            for k in 0..<d { x[r * d + k] = Double(table.vectors[row * d + k]) }
        }
        for k in 0..<d {
            var mean = 0.0
            for r in 0..<n { mean += x[r * d + k] }
            mean /= Double(n)
            for r in 0..<n { x[r * d + k] -= mean }
        }
        var covariance = [Double](repeating: 0, count: d * d)
        for r in 0..<n {
            for a in 0..<d where x[r * d + a] != 0 {
                let xa = x[r * d + a]
                for b in 0..<d { covariance[a * d + b] += xa * x[r * d + b] }
            }
        }
        var components: [[Double]] = []
        for c in 0..<2 {
            var v = (0..<d).map { Double(($0 * 7 + c * 13) % 11) - 5 }
            for _ in 0..<200 {
                var w = [Double](repeating: 0, count: d)
                for a in 0..<d { for b in 0..<d { w[a] += covariance[a * d + b] * v[b] } }
                for u in components {
                    let dot = zip(w, u).reduce(0) { $0 + $1.0 * $1.1 }
                    for k in 0..<d { w[k] -= dot * u[k] }
                }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm == 0 { break }
                v = w.map { $0 / norm }
            }
            components.append(v)
        }
        return (0..<n).map { r in
            let p = (0..<d).reduce(0.0) { $0 + x[r * d + $1] * components[0][$1] }
            let q = (0..<d).reduce(0.0) { $0 + x[r * d + $1] * components[1][$1] }
            return (p, q)
        }
    }
}
