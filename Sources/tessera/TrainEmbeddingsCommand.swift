import ArgumentParser
import ArtifactIO
import Embeddings
import Foundation

/// `tessera train-embeddings`: Word2Vec skip-gram on a token shard or on words.
struct TrainEmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-embeddings",
        abstract: "Train Word2Vec skip-gram embeddings (negative sampling, as word2vec.c).",
        discussion: """
            Subword mode: tessera train-embeddings --tokens train.bin --tokenizer Vocab/x.json -o emb.safetensors
              The matrix is [vocab, dim] aligned to the tokenizer's ids. Ids never seen, special tokens and ids
              below --min-count keep their initial vector, uniform in (-0.5/dim, 0.5/dim) from the seeded
              generator; they are listed in the safetensors metadata key 'untrained_ids'.
            Word mode: tessera train-embeddings --words a.txt b.txt -o words.safetensors --vec words.vec
              Text is NFKC-normalized and lowercased; each line is a sentence; words are split at whitespace and
              punctuation, punctuation dropped; rows are words by descending count.
            """
    )

    @OptionGroup var options: SkipGramOptions

    @Option(name: .shortAndLong, help: "Output safetensors file (tensor 'embeddings' [rows, dim]).")
    var output: String

    @Option(help: "Also write word2vec text vectors (.vec).")
    var vec: String?

    @Option(help: "Also write word2vec binary vectors (.bin).")
    var bin: String?

    @Option(help: "Word mode: also write the word stream (one sentence per line) for other tools.")
    var dumpWords: String?

    @Flag(help: "No progress lines.")
    var quiet = false

    func validate() throws {
        try options.validateCorpus()
        _ = try options.configuration()
        let inputs = options.words + [options.tokens, options.tokenizer].compactMap { $0 }.filter { $0 != "bytes" }
        for path in inputs { try OptionCheck.readable("input", path) }
        let outputs = [output, vec, bin, dumpWords].compactMap { $0 }
        try OptionCheck.distinct("outputs (-o, --vec, --bin, --dump-words)", outputs)
        for path in outputs { try AtomicFileWriter.check(path, inputs: inputs) }
    }

    func run() throws {
        try options.validateCorpus()
        let config = try options.configuration()
        if dumpWords != nil && options.words.isEmpty { throw ValidationError("--dump-words needs --words") }

        // Every output is opened (as a temporary file) before any work, so an unwritable path fails
        // at once, and all are renamed into place only when everything succeeded.
        var outputs: [(writer: AtomicFileWriter, format: EmbeddingTable.FileFormat)] = []
        var committed = 0
        do {
            outputs.append((try AtomicFileWriter(path: output), .safetensors))
            if let vec { outputs.append((try AtomicFileWriter(path: vec), .text)) }
            if let bin { outputs.append((try AtomicFileWriter(path: bin), .binary)) }
            let (table, summary) = try train(config: config)
            for (writer, format) in outputs {
                switch format {
                case .safetensors: try writer.write(SafetensorsFile.serialized(table))
                case .text: try writer.write(Word2VecFormat.serialized(table, binary: false))
                case .binary: try writer.write(Word2VecFormat.serialized(table, binary: true))
                }
            }
            for (writer, _) in outputs {
                try writer.commit()
                committed += 1
            }
            if !quiet {
                let seconds = String(format: "%.2f", summary.seconds)
                let cpu = String(format: "%.2f", summary.cpuSeconds)
                let rate = String(format: "%.0f", summary.wordsPerSecond)
                let threads = "\(summary.threads) thread\(summary.threads == 1 ? "" : "s")"
                StandardError().line(
                    "trained \(summary.words) words (\(summary.effectiveWords) after sub-sampling) in \(seconds)s (\(cpu) CPU s): \(rate) words/s with \(threads); \(table.rowCount) × \(table.dimension) → \(output)"
                )
            }
        } catch {
            for (writer, _) in outputs.dropFirst(committed) { writer.abort() }
            throw error
        }
    }

    /// Builds the corpus (writing the word dump), trains, and fills in the metadata.
    private func train(config: SkipGramConfiguration) throws -> (EmbeddingTable, TrainingSummary) {
        let buildStart = Date()
        let dump = try dumpWords.map { try AtomicFileWriter(path: $0) }
        let corpus: TrainingCorpus
        do {
            corpus = try options.corpus(dump: dump)
            try dump?.commit()
        } catch {
            dump?.abort()
            throw error
        }
        let untrained = corpus.untrainedRows
        let log = StandardError()
        if !quiet {
            let seconds = String(format: "%.1f", Date().timeIntervalSince(buildStart))
            log.line(
                "corpus: \(corpus.wordCount) words in \(corpus.sentenceCount) sentences, \(corpus.rowCount) rows (\(corpus.rowCount - untrained.count) trained) in \(seconds)s"
            )
        }
        var reporter: (@Sendable (TrainingProgress) -> Void)? = nil
        if !quiet {
            reporter = { (p: TrainingProgress) in
                let percent = String(format: "%5.1f%%", p.fraction * 100)
                let rate = String(format: "%.0fk", p.wordsPerSecond / 1000)
                let alpha = String(format: "%.6f", p.alpha)
                let eta = String(format: "%.0f", p.secondsLeft)
                log.progress("\(percent)  \(rate) words/s  alpha \(alpha)  ETA \(eta)s")
            }
        }
        var (table, summary) = try SkipGramTrainer(configuration: config).train(corpus, progress: reporter)
        if !quiet { log.finishProgress() }
        table.metadata = metadata(config: config, corpus: corpus, untrained: untrained)
        return (table, summary)
    }

    /// The hyper-parameters and untrained rows, as safetensors metadata.
    private func metadata(config: SkipGramConfiguration, corpus: TrainingCorpus, untrained: [Int]) -> [String: String] {
        var m: [String: String] = [
            "mode": options.tokens != nil ? "tokens" : "words",
            "dim": "\(config.dimension)", "window": "\(config.window)", "negative": "\(config.negative)",
            "sample": "\(config.sample)", "min_count": "\(config.minCount)", "epochs": "\(config.epochs)",
            "alpha": "\(config.alpha)", "seed": "\(config.seed)", "threads": "\(config.threads)",
            "training_words": "\(corpus.wordCount)",
            "untrained_ids": "[" + untrained.map(String.init).joined(separator: ",") + "]",
            "untrained_init": "uniform(-0.5/dim, 0.5/dim) from word2vec.c's LCG seeded with 'seed'; never updated",
        ]
        if let tokenizer = options.tokenizer { m["tokenizer"] = tokenizer }
        return m
    }
}
