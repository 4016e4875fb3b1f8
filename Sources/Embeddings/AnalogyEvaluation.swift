import ArtifactIO

/// Word-analogy accuracy (`a : b :: c : ?`, answer `b − a + c`) over a questions-words file,
/// counted as word2vec's compute-accuracy and gensim's `evaluate_word_analogies` count it.
///
/// - `: name` lines start a section; other lines hold four words.
/// - Only the first `restrict` rows form the vocabulary (rows are in frequency order). A
///   question with a word outside it is out-of-vocabulary: counted, not answered.
/// - The answer is the row with the highest cosine to `unit(b) − unit(a) + unit(c)` among the
///   restricted rows, leaving out `a`, `b` and `c`; it is correct when it is the fourth word.
/// - Words are compared case-insensitively (lowercased; the first row of a lowercased token wins).
/// - Malformed lines (not four words, or before the first section) are skipped and listed.
public struct AnalogyEvaluation: Sendable {
    /// One section's counts.
    public struct Section: Sendable, Equatable {
        /// The section's name (without `: `).
        public var name: String
        /// Questions answered correctly.
        public var correct: Int
        /// Questions answered (all four words in vocabulary).
        public var answered: Int
        /// Questions skipped as out-of-vocabulary.
        public var outOfVocabulary: Int

        /// Correct / answered (0 when none answered).
        public var accuracy: Double { answered > 0 ? Double(correct) / Double(answered) : 0 }
    }

    /// A line that was not a question.
    public struct SkippedLine: Sendable, Equatable {
        /// 1-based line number.
        public var line: Int
        /// Why it was skipped.
        public var reason: String
    }

    /// Per-section counts, in file order.
    public var sections: [Section]
    /// Lines skipped as malformed.
    public var skipped: [SkippedLine]

    /// Correct answers over all sections.
    public var correct: Int { sections.reduce(0) { $0 + $1.correct } }
    /// Answered questions over all sections.
    public var answered: Int { sections.reduce(0) { $0 + $1.answered } }
    /// Out-of-vocabulary questions over all sections.
    public var outOfVocabulary: Int { sections.reduce(0) { $0 + $1.outOfVocabulary } }
    /// Overall accuracy (gensim's "Total accuracy").
    public var accuracy: Double { answered > 0 ? Double(correct) / Double(answered) : 0 }

    // MARK: Evaluating

    /// Evaluates `index` on the questions file at `path`.
    public static func evaluate(_ index: EmbeddingIndex, questionsPath path: String, restrict: Int = 300_000) throws -> AnalogyEvaluation {
        let bytes = try FileContents.read(path)
        return try evaluate(index, questions: String(decoding: bytes, as: UTF8.self), path: path, restrict: restrict)
    }

    /// Evaluates `index` on questions given as text (`path` names it in errors).
    public static func evaluate(_ index: EmbeddingIndex, questions: String, path: String = "<questions>", restrict: Int = 300_000) throws
        -> AnalogyEvaluation
    {
        let limit = min(max(restrict, 0), index.table.rowCount)
        var vocabulary: [String: Int] = [:]
        for r in stride(from: limit - 1, through: 0, by: -1) { vocabulary[index.table.tokens[r].lowercased()] = r }

        var sections: [Section] = []
        var skipped: [SkippedLine] = []
        var items: [(section: Int, rows: (Int, Int, Int, Int))] = []
        var lineNumber = 0
        for raw in questions.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasPrefix(":") {
                let name = line.dropFirst().trimmingPrefix(" ")
                sections.append(Section(name: String(name), correct: 0, answered: 0, outOfVocabulary: 0))
                continue
            }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.isEmpty { continue }
            guard words.count == 4 else {
                skipped.append(SkippedLine(line: lineNumber, reason: "expected 4 words, found \(words.count)"))
                continue
            }
            guard !sections.isEmpty else {
                skipped.append(SkippedLine(line: lineNumber, reason: "question before the first ': section' line"))
                continue
            }
            let rows = words.map { vocabulary[$0.lowercased()] }
            guard let a = rows[0], let b = rows[1], let c = rows[2], let d = rows[3] else {
                sections[sections.count - 1].outOfVocabulary += 1
                continue
            }
            items.append((sections.count - 1, (a, b, c, d)))
        }
        guard !sections.isEmpty || !items.isEmpty else {
            throw EmbeddingsError.badEvaluationFile(path: path, reason: "no ': section' line and no question")
        }

        // Score in batches: one pass over the matrix answers many questions.
        let dim = index.table.dimension
        let batch = 128
        var start = 0
        while start < items.count {
            let end = min(start + batch, items.count)
            var queries: [Float] = []
            queries.reserveCapacity((end - start) * dim)
            for q in start..<end {
                let (a, b, c, _) = items[q].rows
                queries.append(contentsOf: index.combination(positive: [b, c], negative: [a]))
            }
            let scores = index.scores(queries, limit: limit)
            scores.withUnsafeBufferPointer { s in
                for q in start..<end {
                    let (a, b, c, d) = items[q].rows
                    let row = s.baseAddress! + (q - start) * limit
                    var best = -1
                    var bestScore = -Float.infinity
                    for r in 0..<limit where r != a && r != b && r != c && row[r] > bestScore {
                        best = r
                        bestScore = row[r]
                    }
                    let k = items[q].section
                    sections[k].answered += 1
                    if best == d { sections[k].correct += 1 }
                }
            }
            start = end
        }
        return AnalogyEvaluation(sections: sections, skipped: skipped)
    }
}
