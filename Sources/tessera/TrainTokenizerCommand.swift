import ArgumentParser
import ArtifactIO
import Foundation
import Tokenization

/// `tessera train-tokenizer`: learn a BPE or WordPiece vocabulary and write `tokenizer.json`.
struct TrainTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-tokenizer",
        abstract: "Train a byte-level BPE, character BPE, WordPiece or Unigram tokenizer; writes a Hugging Face tokenizer.json.",
        discussion: """
            byte-bpe is GPT-2 style (256-byte alphabet, GPT-2 split, byte-level decoder) and gives the \
            same merges as Hugging Face's BpeTrainer with ByteLevel(add_prefix_space=False). \
            wordpiece is BERT style; --scoring frequency is Hugging Face's WordPieceTrainer (BPE \
            underneath), --scoring likelihood merges the pair with the highest count(ab)/(count(a)·count(b)). \
            Training reads corpora as streams (memory grows with distinct words); --from-counts trains \
            on files written by `tessera count` instead. Output is the same whatever --threads.

            Example: tessera train-tokenizer --model byte-bpe --vocab-size 8000 -o Vocab/en-byte-bpe-8k.json Corpora/en/*.txt
            """
    )

    @OptionGroup var words: WordCountingOptions

    @Option(name: .customLong("vocab-size"), help: "Vocabulary size, special tokens and alphabet included.")
    var vocabSize: Int

    @Option(name: .customLong("min-frequency"), help: "Do not merge pairs seen fewer times.")
    var minFrequency: Int = 2

    @Option(
        name: .customLong("special-tokens"),
        help:
            "Comma-separated special tokens (default: <|endoftext|> for byte-bpe, [UNK] for bpe, [PAD],[UNK],[CLS],[SEP],[MASK] for wordpiece)."
    )
    var specialTokens: String?

    @Option(name: .customLong("limit-alphabet"), help: "Keep at most this many alphabet characters (the most frequent).")
    var limitAlphabet: Int?

    @Option(name: .customLong("end-of-word-suffix"), help: "bpe: suffix of word-final tokens (e.g. </w>).")
    var endOfWordSuffix: String?

    @Option(name: .customLong("continuing-prefix"), help: "bpe: prefix of word-continuing tokens (e.g. ##).")
    var continuingPrefix: String?

    @Option(help: "wordpiece: frequency | likelihood.")
    var scoring: WordPieceTrainer.Scoring = .frequency

    @Option(
        name: .customLong("character-coverage"),
        help: "unigram: fraction of character occurrences the alphabet covers (SentencePiece's 0.9995).")
    var characterCoverage: Double = 0.9995

    @Flag(name: .customLong("byte-fallback"), help: "unigram: add <0xXX> byte pieces for characters outside the vocabulary.")
    var byteFallback = false

    @Option(
        name: .customLong("from-counts"), parsing: .upToNextOption, help: "Train on count files from `tessera count` instead of corpora.")
    var fromCounts: [String] = []

    @Option(
        name: .shortAndLong,
        help: "Output: a tokenizer.json (any name), or vocab.txt (wordpiece) / vocab.json + merges.txt (bpe) for the legacy formats.")
    var output: String

    @Argument(help: "Corpus text files.")
    var corpus: [String] = []

    /// `--special-tokens` split at its commas.
    var specialTokenList: [String]? {
        specialTokens.map { $0.split(separator: ",").map(String.init).filter { !$0.isEmpty } }
    }

    func validate() throws {
        try OptionCheck.range("--vocab-size", vocabSize, 1...(1 << 24))
        try OptionCheck.range("--min-frequency", minFrequency, 0...Int.max)
        guard characterCoverage > 0 && characterCoverage <= 1 else {
            throw ValidationError("--character-coverage \(characterCoverage): expected a value in (0, 1]")
        }
        if let limitAlphabet { try OptionCheck.range("--limit-alphabet", limitAlphabet, 1...(1 << 24)) }
        if let specialTokenList { try OptionCheck.distinct("--special-tokens", specialTokenList) }
        _ = try words.recipe(
            specialTokens: specialTokenList, continuingPrefix: continuingPrefix, endOfWordSuffix: endOfWordSuffix, scoring: scoring)
        // Byte-level BPE starts from all 256 bytes: a smaller vocabulary fails before counting.
        let specials = specialTokenList?.count ?? 1
        if words.model == .byteBPE && vocabSize < 256 + specials {
            throw ValidationError(
                "--vocab-size \(vocabSize) is smaller than the 256-byte alphabet plus \(specials) special token\(specials == 1 ? "" : "s"); use at least \(256 + specials)"
            )
        }
        for path in corpus + fromCounts { try OptionCheck.readable("input", path) }
        try AtomicFileWriter.check(output, inputs: corpus + fromCounts)
    }

    func run() throws {
        var spec = try words.recipe(
            specialTokens: specialTokenList, continuingPrefix: continuingPrefix, endOfWordSuffix: endOfWordSuffix,
            scoring: scoring)
        spec.characterCoverage = characterCoverage
        spec.byteFallback = byteFallback
        spec.trainingThreads = words.threads
        guard vocabSize > 0 else { throw TokenizerError.invalidOption("--vocab-size must be positive") }
        guard words.threads >= 1 else { throw TokenizerError.invalidOption("--threads must be at least 1") }
        let progress = ProgressReporter(label: "train-tokenizer")
        var counts: WordCounts
        if !fromCounts.isEmpty {
            guard corpus.isEmpty else { throw TokenizerError.invalidOption("give either corpus files or --from-counts, not both") }
            counts = WordCounts(settings: spec.counter(threads: 1).settings)
            for path in fromCounts { try counts.merge(WordCounts.read(path), source: path) }
            if counts.distinctWords == 0 { throw TokenizerError.emptyCorpus(source: fromCounts.joined(separator: ", ")) }
        } else {
            guard !corpus.isEmpty else { throw TokenizerError.invalidOption("no corpus files (or --from-counts) given") }
            var counter = spec.counter(threads: words.threads)
            counter.replaceInvalid = words.replaceInvalid
            counts = try counter.count(paths: corpus) { progress.update(bytes: $0) }
        }
        FileHandle.standardError.write(Data("train-tokenizer: \(counts.distinctWords) distinct words, \(counts.totalWords) in all\n".utf8))
        let tokenizer = try spec.train(
            counts, vocabularySize: vocabSize, minFrequency: UInt64(max(0, minFrequency)),
            limitAlphabet: limitAlphabet
        ) { done, total in progress.step(done, of: total, what: "merges") }
        try tokenizer.save(to: output)
        progress.finish("\(tokenizer.vocabularySize) tokens → \(output)")
    }
}
