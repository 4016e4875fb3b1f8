import Foundation

/// Corpus-level BLEU exactly as sacreBLEU 2.x computes it with its default settings: the `13a`
/// tokenizer, case-sensitive, n-grams of order 1 to 4, exponential smoothing (`exp`, the NIST
/// method of mteval-v13a: the k-th order with no match gets precision 100 / (2^k · total)),
/// no effective order, and the brevity penalty exp(1 − r/c) over the summed lengths. One reference
/// per hypothesis. Segments are right-stripped of whitespace before tokenizing, as sacreBLEU does.
public struct BLEU: Sendable {
    /// The n-gram order (sacreBLEU's `max_ngram_order`, 4).
    public static let maxOrder = 4
    /// sacreBLEU's signature for these settings (without the version).
    public static let signature = "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp"

    private let tokenizer = Tokenizer13a()

    /// Creates the metric; the settings are sacreBLEU's defaults and fixed.
    public init() {}

    /// The corpus BLEU of `hypotheses` against `references` (one reference each, same order).
    public func corpusScore(hypotheses: [String], references: [String]) throws(MetricError) -> BLEUScore {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        var hypothesisLength = 0
        var referenceLength = 0
        var counts = [Int](repeating: 0, count: Self.maxOrder)
        var totals = [Int](repeating: 0, count: Self.maxOrder)
        // Tokens are compared by code points (as Python does), so they are interned by their scalars:
        // Swift's `String` equality would merge canonically equivalent spellings.
        var interned: [[Unicode.Scalar]: Int] = [:]
        func tokenIDs(_ segment: String) -> [Int] {
            let stripped = PythonText.rstrip(Array(segment.unicodeScalars))
            return tokenizer.tokens(String(String.UnicodeScalarView(stripped))).map { token in
                if let id = interned[token] { return id }
                let id = interned.count
                interned[token] = id
                return id
            }
        }
        for (hypothesis, reference) in zip(hypotheses, references) {
            let hypTokens = tokenIDs(hypothesis)
            let refTokens = tokenIDs(reference)
            hypothesisLength += hypTokens.count
            referenceLength += refTokens.count
            let refNgrams = Self.ngramCounts(refTokens)
            for (ngram, count) in Self.ngramCounts(hypTokens) {
                let order = ngram.count - 1
                totals[order] += count
                if let refCount = refNgrams[ngram] { counts[order] += min(count, refCount) }
            }
        }
        return Self.score(counts: counts, totals: totals, hypothesisLength: hypothesisLength, referenceLength: referenceLength)
    }

    /// sacreBLEU's `compute_bleu` with `smooth_method="exp"` and no effective order.
    static func score(counts: [Int], totals: [Int], hypothesisLength: Int, referenceLength: Int) -> BLEUScore {
        var brevityPenalty = 1.0
        if hypothesisLength < referenceLength {
            brevityPenalty = hypothesisLength > 0 ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 0
        }
        var precisions = [Double](repeating: 0, count: maxOrder)
        var result = BLEUScore(
            score: 0, counts: counts, totals: totals, precisions: precisions, brevityPenalty: brevityPenalty,
            hypothesisLength: hypothesisLength, referenceLength: referenceLength)
        guard counts.contains(where: { $0 != 0 }) else { return result }
        var smooth = 1.0
        for n in 0..<maxOrder {
            if totals[n] == 0 { break }
            if counts[n] == 0 {
                smooth *= 2
                precisions[n] = 100 / (smooth * Double(totals[n]))
            } else {
                precisions[n] = 100 * Double(counts[n]) / Double(totals[n])
            }
        }
        // sacreBLEU's `my_log` floors log(0) at -9999999999.
        let logSum = precisions.reduce(0.0) { $0 + ($1 == 0 ? -9_999_999_999 : log($1)) }
        result.precisions = precisions
        result.score = brevityPenalty * exp(logSum / Double(maxOrder))
        return result
    }

    /// Counts of every n-gram of order 1…4 (keys are slices of interned token ids).
    static func ngramCounts(_ tokens: [Int]) -> [ArraySlice<Int>: Int] {
        var counts: [ArraySlice<Int>: Int] = [:]
        for n in 1...maxOrder where tokens.count >= n {
            for start in 0...(tokens.count - n) {
                counts[tokens[start..<(start + n)], default: 0] += 1
            }
        }
        return counts
    }
}
