import ArtifactIO

/// Word-pair similarity: Pearson and Spearman correlation between human scores and cosine
/// similarities, as gensim's `evaluate_word_pairs` computes them.
///
/// Lines are `word1 <tab> word2 <tab> score`; lines starting with `#` are comments. A pair with a
/// word outside the first `restrict` rows is out-of-vocabulary (counted, left out). Words are
/// compared case-insensitively. Malformed lines are skipped and listed.
public struct SimilarityEvaluation: Sendable {
    /// Pairs used.
    public var pairs: Int
    /// Pairs left out as out-of-vocabulary.
    public var outOfVocabulary: Int
    /// Pearson correlation of human scores and cosines.
    public var pearson: Double
    /// Spearman rank correlation (ties get their average rank).
    public var spearman: Double
    /// Lines skipped as malformed.
    public var skipped: [AnalogyEvaluation.SkippedLine]

    /// Out-of-vocabulary pairs as a fraction of all pairs.
    public var outOfVocabularyRatio: Double {
        pairs + outOfVocabulary > 0 ? Double(outOfVocabulary) / Double(pairs + outOfVocabulary) : 0
    }

    // MARK: Evaluating

    /// Evaluates `index` on the pairs file at `path` (fields separated by `delimiter`).
    public static func evaluate(_ index: EmbeddingIndex, pairsPath path: String, delimiter: Character = "\t", restrict: Int = 300_000)
        throws -> SimilarityEvaluation
    {
        let bytes = try FileContents.read(path)
        return try evaluate(index, pairs: String(decoding: bytes, as: UTF8.self), path: path, delimiter: delimiter, restrict: restrict)
    }

    /// Evaluates `index` on pairs given as text (`path` names it in errors).
    public static func evaluate(
        _ index: EmbeddingIndex, pairs text: String, path: String = "<pairs>", delimiter: Character = "\t", restrict: Int = 300_000
    ) throws -> SimilarityEvaluation {
        let limit = min(max(restrict, 0), index.table.rowCount)
        var vocabulary: [String: Int] = [:]
        for r in stride(from: limit - 1, through: 0, by: -1) { vocabulary[index.table.tokens[r].lowercased()] = r }
        var human: [Double] = []
        var model: [Double] = []
        var oov = 0
        var skipped: [AnalogyEvaluation.SkippedLine] = []
        var lineNumber = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: delimiter, omittingEmptySubsequences: false)
            guard fields.count == 3, let score = Double(fields[2].trimmingCharacters(in: " ")), score.isFinite else {
                skipped.append(
                    AnalogyEvaluation.SkippedLine(
                        line: lineNumber,
                        reason:
                            "expected 'word1\(delimiter == "\t" ? "<tab>" : String(delimiter))word2\(delimiter == "\t" ? "<tab>" : String(delimiter))score' with a finite score"
                    ))
                continue
            }
            guard let a = vocabulary[fields[0].lowercased()], let b = vocabulary[fields[1].lowercased()] else {
                oov += 1
                continue
            }
            human.append(score)
            model.append(Double(index.cosine(a, b)))
        }
        guard !human.isEmpty || oov > 0 else {
            throw EmbeddingsError.badEvaluationFile(path: path, reason: "no word pair found")
        }
        return SimilarityEvaluation(
            pairs: human.count, outOfVocabulary: oov,
            pearson: SimilarityEvaluation.pearson(human, model),
            spearman: SimilarityEvaluation.pearson(ranks(human), ranks(model)),
            skipped: skipped)
    }

    // MARK: Statistics

    /// Pearson correlation (0 when either side is constant).
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard x.count > 1 else { return 0 }
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<x.count {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// 1-based ranks, ties sharing their average rank.
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = average }
            i = j + 1
        }
        return ranks
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set || s.first == "\r" { s = s.dropFirst() }
        while s.last == set || s.last == "\r" { s = s.dropLast() }
        return s
    }
}
