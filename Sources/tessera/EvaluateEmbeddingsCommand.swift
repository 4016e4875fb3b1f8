import ArgumentParser
import Embeddings
import Foundation
import TextNormalization

/// `tessera evaluate-embeddings`: analogy accuracy and word-pair similarity.
struct EvaluateEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-embeddings",
        abstract: "Analogy accuracy per section and overall; Spearman/Pearson on word-pair similarity.",
        discussion: """
            Counting follows word2vec's compute-accuracy and gensim's evaluate_word_analogies /
            evaluate_word_pairs: only the first --restrict rows count as vocabulary, questions or pairs with a
            word outside it are out-of-vocabulary, words compare case-insensitively.
            Example: tessera evaluate-embeddings --embeddings words.vec --analogies questions-words.txt --similarity wordsim353.tsv
            """
    )

    @OptionGroup var input: EmbeddingsInput

    @Option(help: "Analogy questions (questions-words.txt format).")
    var analogies: String?

    @Option(help: "Word pairs with human scores, tab-separated (wordsim353.tsv format).")
    var similarity: String?

    @Option(help: "Only the first N rows (most frequent words) count as vocabulary.")
    var restrict: Int = 300_000

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        try OptionCheck.range("--restrict", restrict, 1...Int(Int32.max))
        for path in [analogies, similarity].compactMap({ $0 }) { try OptionCheck.readable("input", path) }
    }

    func run() throws {
        guard analogies != nil || similarity != nil else { throw ValidationError("give --analogies and/or --similarity") }
        guard restrict >= 1 else { throw ValidationError("--restrict must be at least 1, got \(restrict)") }
        if let analogies { try TextChunkReader.checkReadable(analogies) }
        if let similarity { try TextChunkReader.checkReadable(similarity) }
        let index = try input.index()
        let log = StandardError()
        var report: [String: Any] = ["embeddings": input.embeddings, "restrict": restrict]
        if let analogies {
            let result = try AnalogyEvaluation.evaluate(index, questionsPath: analogies, restrict: restrict)
            for s in result.skipped { log.line("\(analogies):\(s.line): skipped: \(s.reason)") }
            report["analogy_accuracy"] = result.accuracy
            report["analogy_correct"] = result.correct
            report["analogy_answered"] = result.answered
            report["analogy_oov"] = result.outOfVocabulary
            report["analogy_skipped_lines"] = result.skipped.count
            report["analogy_sections"] = result.sections.map {
                ["name": $0.name, "correct": $0.correct, "answered": $0.answered, "oov": $0.outOfVocabulary, "accuracy": $0.accuracy]
                    as [String: Any]
            }
            if !json {
                func padded(_ name: String) -> String { name.count >= 30 ? name : name + String(repeating: " ", count: 30 - name.count) }
                for s in result.sections {
                    let percent = String(format: "%6.2f%%", s.accuracy * 100)
                    print("\(padded(s.name)) \(percent)  (\(s.correct)/\(s.answered), \(s.outOfVocabulary) out of vocabulary)")
                }
                let percent = String(format: "%6.2f%%", result.accuracy * 100)
                print(
                    "\(padded("analogy total")) \(percent)  (\(result.correct)/\(result.answered), \(result.outOfVocabulary) out of vocabulary, \(result.skipped.count) lines skipped)"
                )
            }
        }
        if let similarity {
            let result = try SimilarityEvaluation.evaluate(index, pairsPath: similarity, restrict: restrict)
            for s in result.skipped { log.line("\(similarity):\(s.line): skipped: \(s.reason)") }
            report["similarity_spearman"] = result.spearman
            report["similarity_pearson"] = result.pearson
            report["similarity_pairs"] = result.pairs
            report["similarity_oov"] = result.outOfVocabulary
            report["similarity_skipped_lines"] = result.skipped.count
            if !json {
                let figures = String(format: "Spearman %.4f  Pearson %.4f", result.spearman, result.pearson)
                let oov = String(format: "%.1f%%", result.outOfVocabularyRatio * 100)
                print(
                    "similarity: \(figures)  (\(result.pairs) pairs, \(result.outOfVocabulary) out of vocabulary = \(oov), \(result.skipped.count) lines skipped)"
                )
            }
        }
        if json { try BenchSupport.emit(report) }
    }
}
