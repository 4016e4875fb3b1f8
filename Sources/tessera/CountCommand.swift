import ArgumentParser
import Foundation
import Tokenization

/// `tessera count`: word counts of a corpus shard, for `train-tokenizer --from-counts`.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count the words of corpus files (as train-tokenizer would) into a mergeable .counts file.",
        discussion: """
            Count each shard of a large corpus anywhere, then train once: \
            tessera train-tokenizer --from-counts a.counts b.counts … The normalization and \
            pre-tokenizer options must be those train-tokenizer will use; they are recorded in \
            the file and checked.

            Example: tessera count --model byte-bpe Corpora/en/*.txt -o en.counts
            """
    )

    @OptionGroup var words: WordCountingOptions

    @Option(name: .shortAndLong, help: "Output .counts file.")
    var output: String

    @Argument(help: "Corpus text files.")
    var corpus: [String]

    func validate() throws {
        for path in corpus { try OptionCheck.readable("input", path) }
        try AtomicFileWriter.check(output, inputs: corpus)
    }

    func run() throws {
        let spec = try TokenizerRecipe(model: words.model, normalize: words.normalize, lowercase: words.lowercase, preTokenizer: words.preTokenizer,
                                     specialTokens: nil, continuingPrefix: nil, endOfWordSuffix: nil, scoring: "frequency")
        let progress = ProgressReporter(label: "count")
        var counter = spec.counter(threads: max(1, words.threads))
        counter.replaceInvalid = words.replaceInvalid
        let counts = try counter.count(paths: corpus) { progress.update(bytes: $0) }
        try counts.write(to: output)
        progress.finish("\(counts.distinctWords) distinct words → \(output)")
    }
}
