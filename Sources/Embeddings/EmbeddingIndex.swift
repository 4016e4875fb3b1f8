import CEmbeddingKernels

/// Unit-normalized rows of an ``EmbeddingTable`` for cosine nearest-neighbour queries.
///
/// ```swift
/// let index = EmbeddingIndex(table)
/// try index.similar(to: "king", k: 10)          // [(token, cosine)]
/// try index.analogy("man", "king", "woman")     // king − man + woman
/// ```
public struct EmbeddingIndex: Sendable {
    /// The table searched.
    public let table: EmbeddingTable
    /// Rows scaled to unit length (zero rows stay zero).
    public let unitVectors: [Float]
    /// Token → first row with that token.
    public let rows: [String: Int]
    private let useAVX2: Bool

    /// Builds the index.
    public init(_ table: EmbeddingTable) {
        self.table = table
        let dim = table.dimension
        var unit = table.vectors
        unit.withUnsafeMutableBufferPointer { v in
            for r in 0..<table.rowCount {
                let row = v.baseAddress! + r * dim
                var s: Float = 0
                for c in 0..<dim { s += row[c] * row[c] }
                let scale: Float = s > 0 ? 1 / s.squareRoot() : 0
                for c in 0..<dim { row[c] *= scale }
            }
        }
        unitVectors = unit
        var map: [String: Int] = [:]
        map.reserveCapacity(table.rowCount)
        for (r, t) in table.tokens.enumerated() where map[t] == nil { map[t] = r }
        rows = map
        useAVX2 = tsr_w2v_cpu_has_avx2_fma() != 0
    }

    /// The row of `token`, or ``EmbeddingsError/unknownWord(_:)``.
    public func row(of token: String) throws -> Int {
        guard let r = rows[token] else { throw EmbeddingsError.unknownWord(token) }
        return r
    }

    // MARK: Queries

    /// Cosine scores of `queries` (each `dimension` floats, any length) against the first `limit` rows.
    public func scores(_ queries: [Float], limit: Int? = nil) -> [Float] {
        let dim = table.dimension
        let count = queries.count / dim
        let n = min(limit ?? table.rowCount, table.rowCount)
        var out = [Float](repeating: 0, count: count * n)
        guard count > 0, n > 0 else { return out }
        unitVectors.withUnsafeBufferPointer { m in
            queries.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { o in
                    tsr_w2v_scores(m.baseAddress!, Int64(n), Int32(dim), q.baseAddress!, Int32(count), o.baseAddress!, useAVX2 ? 1 : 0)
                }
            }
        }
        return out
    }

    /// The `k` rows (among the first `limit`) most similar to the unit combination
    /// `Σ unit(positive) − Σ unit(negative)`, skipping the rows in `exclude`, best first.
    public func nearest(positive: [Int], negative: [Int] = [], k: Int, limit: Int? = nil, exclude: Set<Int> = []) -> [(
        row: Int, score: Float
    )] {
        let query = combination(positive: positive, negative: negative)
        let s = scores(query, limit: limit)
        return EmbeddingIndex.top(s, k: k, exclude: exclude)
    }

    /// The `k` nearest tokens of `token` by cosine (the token itself left out).
    public func similar(to token: String, k: Int = 10, limit: Int? = nil) throws -> [(token: String, score: Float)] {
        let r = try row(of: token)
        return nearest(positive: [r], k: k, limit: limit, exclude: [r]).map { (table.tokens[$0.row], $0.score) }
    }

    /// `b − a + c`: the `k` tokens nearest to it, leaving out the three words.
    public func analogy(_ a: String, _ b: String, _ c: String, k: Int = 10, limit: Int? = nil) throws -> [(token: String, score: Float)] {
        let (ra, rb, rc) = (try row(of: a), try row(of: b), try row(of: c))
        return nearest(positive: [rb, rc], negative: [ra], k: k, limit: limit, exclude: [ra, rb, rc]).map {
            (table.tokens[$0.row], $0.score)
        }
    }

    /// Cosine similarity of two rows.
    public func cosine(_ a: Int, _ b: Int) -> Float {
        let dim = table.dimension
        return unitVectors.withUnsafeBufferPointer { v in
            var s: Float = 0
            for c in 0..<dim { s += v[a * dim + c] * v[b * dim + c] }
            return s
        }
    }

    /// The unit-length mean of `+unit(positive)` and `−unit(negative)` (gensim's `most_similar`).
    func combination(positive: [Int], negative: [Int]) -> [Float] {
        let dim = table.dimension
        var query = [Float](repeating: 0, count: dim)
        unitVectors.withUnsafeBufferPointer { v in
            for r in positive { for c in 0..<dim { query[c] += v[r * dim + c] } }
            for r in negative { for c in 0..<dim { query[c] -= v[r * dim + c] } }
        }
        var s: Float = 0
        for c in 0..<dim { s += query[c] * query[c] }
        if s > 0 { let inv = 1 / s.squareRoot(); for c in 0..<dim { query[c] *= inv } }
        return query
    }

    /// The `k` best (highest score, then lowest row) entries of `scores` not in `exclude`.
    static func top(_ scores: [Float], k: Int, exclude: Set<Int>) -> [(row: Int, score: Float)] {
        var best: [(row: Int, score: Float)] = []
        guard k > 0 else { return best }
        best.reserveCapacity(k + 1)
        for (r, s) in scores.enumerated() where !exclude.contains(r) {
            if best.count == k, let last = best.last, !(s > last.score) { continue }
            var i = best.count
            while i > 0 && s > best[i - 1].score { i -= 1 }
            best.insert((r, s), at: i)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
