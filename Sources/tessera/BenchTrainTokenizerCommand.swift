import ArgumentParser
import Foundation
import Tokenization

/// `tessera bench train-tokenizer`: training time and memory.
struct BenchTrainTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-tokenizer",
        abstract: "Tokenizer training time from files (JSON lines: seconds, MB/s, peak RSS, bytes per token).",
        discussion: """
            Times what `tessera train-tokenizer` does — stream and count the files, then merge — \
            once per --vocab-size value, best of --repeats. bytes_per_token is the trained \
            tokenizer's compression of the training text. Peak RSS is this process's, all runs included.

            Example: tessera bench train-tokenizer --model byte-bpe --vocab-size 8000 --vocab-size 32000 --threads 2 corpus.txt
            """
    )

    @Option(help: "byte-bpe | bpe | wordpiece.")
    var model: String = "byte-bpe"

    @Option(name: .customLong("vocab-size"), help: "Vocabulary sizes to measure (repeatable).")
    var vocabSize: [Int] = [8000]

    @Option(help: "Threads for counting.")
    var threads: Int = 2

    @Option(help: "Runs per measurement; the best is reported.")
    var repeats: Int = 1

    @Argument(help: "Corpus text files.")
    var files: [String]

    func validate() throws {
        for v in vocabSize { try OptionCheck.range("--vocab-size", v, 1...(1 << 24)) }
        try OptionCheck.threads(threads)
        try OptionCheck.range("--repeats", repeats, 1...1000)
    }

    func run() throws {
        let recipe = try TokenizerRecipe(model: model)
        var bytes = 0
        for path in files { bytes += try BenchSupport.load(path).count }
        for size in vocabSize {
            var trained: Tokenizer? = nil
            let seconds = try BenchSupport.bestTime(repeats: repeats) {
                let counts = try recipe.counter(threads: threads).count(paths: files)
                trained = try recipe.train(counts, vocabularySize: size)
            }
            var tokens = 0
            if let trained {
                var text: [UInt8] = []
                for path in files { text += try BenchSupport.load(path) }
                tokens = CorpusEncoder(tokenizer: trained, threads: threads).encode(text).count
            }
            try BenchSupport.emit([
                "bench": "train-tokenizer", "tool": "tessera", "model": model, "vocab_size": size, "threads": threads,
                "files": files, "bytes": bytes, "seconds": seconds, "mb_per_s": Double(bytes) / 1e6 / seconds,
                "bytes_per_token": Double(bytes) / Double(max(tokens, 1)), "peak_rss_bytes": BenchSupport.peakRSS(),
            ])
        }
    }
}
