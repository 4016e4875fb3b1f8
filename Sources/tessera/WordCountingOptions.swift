import ArgumentParser
import TextNormalization
import Tokenization

extension TokenizerRecipe.Kind: ExpressibleByArgument {}
extension WordPieceTrainer.Scoring: ExpressibleByArgument {}

/// How corpus text is read and split into words: shared by `count` and `train-tokenizer`, whose
/// count files must agree on it (`--from-counts` checks that they do).
struct WordCountingOptions: ParsableArguments {
    @Option(help: "byte-bpe | bpe | wordpiece | unigram (also chooses the default pre-tokenizer).")
    var model: TokenizerRecipe.Kind = .byteBPE

    @Option(help: "Unicode normalization: nfkc | nfc | nfd | nfkd | none.")
    var normalize: NormalizationForm = .none

    @Flag(help: "Lowercase (wordpiece: and strip accents, as BERT uncased).")
    var lowercase = false

    @Option(
        name: .customLong("pre-tokenizer"),
        help: "gpt2 | bert | whitespace (default: gpt2 for byte-bpe, whitespace for bpe, bert for wordpiece).")
    var preTokenizer: PreTokenizerStyle?

    @Flag(name: .customLong("replace-invalid"), help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var replaceInvalid = false

    @Option(help: "Threads for counting words.")
    var threads: Int = 2

    func validate() throws {
        try OptionCheck.threads(threads)
        if preTokenizer == .words { throw ValidationError("--pre-tokenizer words: expected gpt2, bert or whitespace") }
        _ = try recipe()
    }

    /// The recipe these options describe; the library's errors, which name its parameters, are
    /// given back in the command line's words.
    func recipe(
        specialTokens: [String]? = nil, continuingPrefix: String? = nil, endOfWordSuffix: String? = nil,
        scoring: WordPieceTrainer.Scoring = .frequency
    ) throws -> TokenizerRecipe {
        do {
            return try TokenizerRecipe(
                kind: model, normalization: normalize, lowercase: lowercase, preTokenizer: preTokenizer,
                specialTokens: specialTokens, continuingPrefix: continuingPrefix,
                endOfWordSuffix: endOfWordSuffix, scoring: scoring)
        } catch TokenizerError.invalidOption(let message) {
            var text = message
            for (parameter, option) in [
                ("continuingPrefix", "--continuing-prefix"), ("endOfWordSuffix", "--end-of-word-suffix"),
                ("preTokenizer", "--pre-tokenizer"), ("specialTokens", "--special-tokens"),
                ("model byte-bpe", "--model byte-bpe"), ("model unigram", "--model unigram"),
                ("the bpe model", "--model bpe"),
            ] {
                text = text.replacingOccurrences(of: parameter, with: option)
            }
            throw ValidationError(text)
        }
    }
}
