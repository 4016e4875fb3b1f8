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

    @Option(help: "byte-bpe | bpe | wordpiece (chooses the default pre-tokenizer).")
    var model: String = "byte-bpe"

    @Option(help: "Unicode normalization: nfkc | nfc | nfd | nfkd | none.")
    var normalize: String = "none"

    @Flag(help: "Lowercase (wordpiece: and strip accents).")
    var lowercase = false

    @Option(name: .customLong("pre-tokenizer"), help: "gpt2 | bert | whitespace.")
    var preTokenizer: String?

    @Flag(name: .customLong("replace-invalid"), help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var replaceInvalid = false

    @Option(help: "Threads.")
    var threads: Int = 2

    @Option(name: .shortAndLong, help: "Output .counts file.")
    var output: String

    @Argument(help: "Corpus text files.")
    var corpus: [String]

    func run() throws {
        let spec = try TokenizerRecipe(model: model, normalize: normalize, lowercase: lowercase, preTokenizer: preTokenizer,
                                     specialTokens: nil, continuingPrefix: nil, endOfWordSuffix: nil, scoring: "frequency")
        let progress = ProgressReporter(label: "count")
        var counter = spec.counter(threads: max(1, threads))
        counter.replaceInvalid = replaceInvalid
        let counts = try counter.count(paths: corpus) { progress.update(bytes: $0) }
        try counts.write(to: output)
        progress.finish("\(counts.distinctWords) distinct words → \(output)")
    }
}
