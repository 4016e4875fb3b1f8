import ArgumentParser
import Embeddings
import Foundation

/// `tessera bench train-embeddings`: skip-gram training throughput.
struct BenchTrainEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-embeddings",
        abstract: "Skip-gram training throughput: one JSON line per run (words/s, seconds).",
        discussion: "Example: tessera bench train-embeddings --words ../shared/data/en/shakespeare_complete.txt --threads 2"
    )

    @OptionGroup var options: SkipGramOptions

    @Option(help: "Training runs; each prints a line.")
    var repeats: Int = 1

    func validate() throws {
        try OptionCheck.range("--repeats", repeats, 1...1000)
        _ = try options.configuration()
    }

    func run() throws {
        try options.validateCorpus()
        let config = try options.configuration()
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let corpus = try options.corpus()
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
        for _ in 0..<max(repeats, 1) {
            let (_, summary) = try SkipGramTrainer(configuration: config).train(corpus)
            try BenchSupport.emit([
                "bench": "train-embeddings", "mode": options.tokens != nil ? "tokens" : "words",
                "threads": summary.threads, "dim": config.dimension, "epochs": config.epochs,
                "corpus_words": corpus.wordCount, "rows": corpus.rowCount,
                "words": summary.words, "effective_words": summary.effectiveWords,
                "seconds": summary.seconds, "cpu_seconds": summary.cpuSeconds, "words_per_s": summary.wordsPerSecond,
                "effective_words_per_s": Double(summary.effectiveWords) / summary.seconds,
                "corpus_seconds": buildSeconds, "peak_rss_bytes": BenchSupport.peakRSS(),
            ])
        }
    }
}
