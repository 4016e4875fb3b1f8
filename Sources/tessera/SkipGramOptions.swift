import ArgumentParser
import ArtifactIO
import Embeddings
import Foundation

/// The corpus and hyper-parameter options shared by `train-embeddings` and `bench train-embeddings`.
struct SkipGramOptions: ParsableArguments {
    @Option(help: "Token shard (llm.c .bin) to train subword embeddings on; needs --tokenizer.")
    var tokens: String?

    @Option(help: "tokenizer.json whose ids the shard holds, or 'bytes' for the byte codec (257 ids).")
    var tokenizer: String?

    @Option(parsing: .upToNextOption, help: "Text files for word-level training (NFKC, lowercased, punctuation dropped).")
    var words: [String] = []

    @Option(help: "Vector size.") var dim: Int = 100
    @Option(help: "Maximum context distance.") var window: Int = 5
    @Option(help: "Noise samples per pair.") var negative: Int = 5
    @Option(help: "Sub-sampling threshold (0: off).") var sample: Double = 1e-3
    @Option(help: "Ignore words/ids seen fewer times.") var minCount: Int = 5
    @Option(help: "Passes over the corpus.") var epochs: Int = 5
    @Option(help: "Starting learning rate (decays linearly to alpha·1e-4).") var alpha: Double = 0.025
    @Option(help: "Worker threads (default: all cores). --threads 1 is deterministic.") var threads: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1

    /// The flag of each `SkipGramConfiguration` property.
    static let flags = [
        "dimension": "--dim", "window": "--window", "negative": "--negative", "sample": "--sample", "minCount": "--min-count",
        "epochs": "--epochs", "alpha": "--alpha", "threads": "--threads",
    ]

    /// The trainer configuration; throws on values out of range, naming the flag.
    func configuration() throws -> SkipGramConfiguration {
        var c = SkipGramConfiguration()
        c.dimension = dim
        c.window = window
        c.negative = negative
        c.sample = sample
        c.minCount = minCount
        c.epochs = epochs
        c.alpha = alpha
        c.threads = threads ?? max(ProcessInfo.processInfo.activeProcessorCount, 1)
        c.seed = seed
        do { try c.validate() } catch EmbeddingsError.invalidOption(let name, let reason) {
            // The library names its property; the user typed a flag.
            throw ValidationError("\(Self.flags[name] ?? name): \(reason)")
        }
        return c
    }

    /// Checks that exactly one corpus is named.
    func validateCorpus() throws {
        if tokens != nil && !words.isEmpty { throw ValidationError("give either --tokens or --words, not both") }
        if tokens == nil && words.isEmpty { throw ValidationError("give --tokens SHARD --tokenizer T.json, or --words CORPUS...") }
        if tokens != nil && tokenizer == nil { throw ValidationError("--tokens needs --tokenizer (a tokenizer.json, or 'bytes')") }
    }

    /// Builds the training corpus; `dump` receives the word stream in word mode.
    func corpus(dump: AtomicFileWriter? = nil) throws -> TrainingCorpus {
        if let tokens, let tokenizer {
            let vocabulary = try TokenizerVocabulary.load(tokenizer)
            // Read in place: memory stays bounded by the vocabulary, whatever the shard size.
            return try TokenCorpusBuilder(vocabulary: vocabulary, minCount: minCount).buildMapped(shardPath: tokens)
        }
        return try WordCorpusBuilder(minCount: minCount).build(files: words, dump: dump)
    }
}
