/// Corpus-level chrF exactly as sacreBLEU 2.x computes it with its default settings: character
/// n-grams of order 1 to 6, no word n-grams (word order 0), β = 2, case-sensitive, whitespace
/// removed before extracting n-grams (`whitespace=False`: every Python-whitespace code point is
/// deleted, so n-grams span word boundaries), and the effective-order averaging of sacreBLEU
/// (`eps_smoothing=False`): statistics are summed over the corpus, precision and recall are averaged
/// over the orders where both the hypothesis and the reference have n-grams, and
/// F = (1+β²)·P·R / (β²·P + R). A hypothesis' n-gram count for an order only counts when the
/// reference has n-grams of that order. One reference per hypothesis; n-grams are sequences of
/// code points (not grapheme clusters), as in Python.
public struct CHRF: Sendable {
    /// The character n-gram order (6).
    public static let charOrder = 6
    /// The word n-gram order (0: chrF, not chrF++).
    public static let wordOrder = 0
    /// β: recall weighs β times as much as precision.
    public static let beta = 2
    /// sacreBLEU's signature for these settings (without the version).
    public static let signature = "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no"

    /// Creates the metric; the settings are sacreBLEU's defaults and fixed.
    public init() {}

    /// The corpus chrF of `hypotheses` against `references` (one reference each, same order).
    public func corpusScore(hypotheses: [String], references: [String]) throws(MetricError) -> CHRFScore {
        guard hypotheses.count == references.count else {
            throw .countMismatch(hypotheses: hypotheses.count, references: references.count)
        }
        var stats = [(hypothesis: Int, reference: Int, matched: Int)](
            repeating: (0, 0, 0), count: Self.charOrder)
        for (hypothesis, reference) in zip(hypotheses, references) {
            let hyp = PythonText.removingWhitespace(Array(hypothesis.unicodeScalars))
            let ref = PythonText.removingWhitespace(Array(reference.unicodeScalars))
            for n in 1...Self.charOrder {
                let hypCounts = Self.ngramCounts(hyp, order: n)
                let refCounts = Self.ngramCounts(ref, order: n)
                var hypTotal = 0
                var matched = 0
                for (ngram, count) in hypCounts {
                    hypTotal += count
                    if let refCount = refCounts[ngram] { matched += min(count, refCount) }
                }
                let refTotal = max(0, ref.count - n + 1)
                stats[n - 1].hypothesis += refCounts.isEmpty ? 0 : hypTotal
                stats[n - 1].reference += refTotal
                stats[n - 1].matched += matched
            }
        }
        return CHRFScore(score: Self.fScore(stats), statistics: stats)
    }

    /// sacreBLEU's `_compute_f_score` with `eps_smoothing=False`.
    static func fScore(_ stats: [(hypothesis: Int, reference: Int, matched: Int)]) -> Double {
        let factor = Double(beta * beta)
        var averagePrecision = 0.0
        var averageRecall = 0.0
        var effectiveOrder = 0
        for (hypothesis, reference, matched) in stats where hypothesis > 0 && reference > 0 {
            averagePrecision += Double(matched) / Double(hypothesis)
            averageRecall += Double(matched) / Double(reference)
            effectiveOrder += 1
        }
        guard effectiveOrder > 0 else { return 0 }
        averagePrecision /= Double(effectiveOrder)
        averageRecall /= Double(effectiveOrder)
        guard averagePrecision + averageRecall != 0 else { return 0 }
        var score = (1 + factor) * averagePrecision * averageRecall
        score /= factor * averagePrecision + averageRecall
        return 100 * score
    }

    static func ngramCounts(_ scalars: [Unicode.Scalar], order: Int) -> [ArraySlice<Unicode.Scalar>: Int] {
        var counts: [ArraySlice<Unicode.Scalar>: Int] = [:]
        guard scalars.count >= order else { return counts }
        for start in 0...(scalars.count - order) {
            counts[scalars[start..<(start + order)], default: 0] += 1
        }
        return counts
    }
}
