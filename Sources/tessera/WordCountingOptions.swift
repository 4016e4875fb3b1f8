import ArgumentParser

/// How corpus text is read and split into words: shared by `count` and `train-tokenizer`, whose
/// count files must agree on it (`--from-counts` checks that they do).
struct WordCountingOptions: ParsableArguments {
    @Option(help: "byte-bpe | bpe | wordpiece (also chooses the default pre-tokenizer).")
    var model: String = "byte-bpe"

    @Option(help: "Unicode normalization: nfkc | nfc | nfd | nfkd | none.")
    var normalize: String = "none"

    @Flag(help: "Lowercase (wordpiece: and strip accents, as BERT uncased).")
    var lowercase = false

    @Option(name: .customLong("pre-tokenizer"), help: "gpt2 | bert | whitespace (default: gpt2 for byte-bpe, whitespace for bpe, bert for wordpiece).")
    var preTokenizer: String?

    @Flag(name: .customLong("replace-invalid"), help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var replaceInvalid = false

    @Option(help: "Threads for counting words.")
    var threads: Int = 2

    func validate() throws {
        try OptionCheck.threads(threads)
    }
}
