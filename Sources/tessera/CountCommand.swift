import ArtifactIO
import ArgumentParser
import ArtifactIO
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

            With no files, standard input is read; --field NAME reads JSON lines and counts the \
            string field NAME of each as one document (as if each were a file). -o - writes the \
            counts to standard output, so an engine can pipe partitions through it \
            (Spark: rdd.pipe("tessera count --field text -o -")); merge them with merge-counts.

            Example: tessera count --model byte-bpe Corpora/en/*.txt -o en.counts
            Example: cat part-*.jsonl | tessera count --field text -o - > part.counts
            """
    )

    @OptionGroup var words: WordCountingOptions

    @Option(name: .shortAndLong, help: "Output .counts file (- for standard output).")
    var output: String

    @Option(help: "Read JSON lines and count this string field of each line as one document.")
    var field: String?

    @Argument(help: "Corpus text files (default: standard input).")
    var corpus: [String] = []

    func validate() throws {
        if let field, field.isEmpty { throw ValidationError("--field needs a field name") }
        for path in corpus { try OptionCheck.readable("input", path) }
        try AtomicFileWriter.check(output, inputs: corpus)
    }

    func run() throws {
        let source = DocumentSource(paths: corpus, field: field, options: .init(replaceInvalid: words.replaceInvalid, allowEmpty: true))
        try source.checkReadable()
        let spec = try TokenizerRecipe(model: words.model, normalize: words.normalize, lowercase: words.lowercase, preTokenizer: words.preTokenizer,
                                     specialTokens: nil, continuingPrefix: nil, endOfWordSuffix: nil, scoring: "frequency")
        let progress = ProgressReporter(label: "count")
        var counter = spec.counter(threads: max(1, words.threads))
        counter.replaceInvalid = words.replaceInvalid
        let counts = try counter.count(source) { progress.update(bytes: $0) }
        try counts.write(to: output, inputs: corpus)
        progress.finish("\(counts.distinctWords) distinct words → \(output)")
    }
}
