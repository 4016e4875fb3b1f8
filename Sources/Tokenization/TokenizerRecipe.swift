import TextNormalization

/// The settings of a tokenizer to train — model kind, normalization, pre-tokenizer, special
/// tokens — and the training itself, as `tessera train-tokenizer` and `tessera count` use them.
///
/// ```swift
/// let recipe = try TokenizerRecipe(model: "byte-bpe")
/// let counts = try recipe.counter(threads: 2).count(paths: ["corpus.txt"])
/// let tokenizer = try recipe.train(counts, vocabularySize: 8000)
/// ```
public struct TokenizerRecipe: Sendable {
    /// The model kinds.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// GPT-2 style byte-level BPE.
        case byteBPE = "byte-bpe"
        /// Character-level BPE.
        case bpe
        /// BERT style WordPiece.
        case wordPiece = "wordpiece"
        /// SentencePiece style Unigram language model (T5 layout).
        case unigram
    }

    /// The model kind.
    public var kind: Kind
    /// Normalization before splitting.
    public var normalizer: Normalizer
    /// The word split.
    public var preTokenization: PreTokenization
    /// Special tokens (first ids).
    public var specialTokens: [String]
    /// bpe: continuing-subword prefix.
    public var continuingPrefix: String?
    /// bpe: end-of-word suffix.
    public var endOfWordSuffix: String?
    /// wordpiece: merge criterion.
    public var scoring: WordPieceTrainer.Scoring
    /// unigram: fraction of character occurrences the alphabet must cover.
    public var characterCoverage: Double = 0.9995
    /// unigram: add `<0xXX>` byte pieces for characters outside the vocabulary.
    public var byteFallback: Bool = false
    /// unigram: training threads.
    public var trainingThreads: Int = 1

    /// Builds a recipe from typed values; throws a one-line error naming the parameter when they do
    /// not fit together. `preTokenizer` defaults to the kind's own (`gpt2` for byte-bpe, `whitespace`
    /// for bpe, `bert` for wordpiece; `words` is not a training split); `specialTokens` to the kind's
    /// own (`<|endoftext|>`; `[UNK]`; `[PAD] [UNK] [CLS] [SEP] [MASK]`).
    public init(
        kind: Kind, normalization: NormalizationForm = .none, lowercase: Bool = false, preTokenizer: PreTokenizerStyle? = nil,
        specialTokens: [String]? = nil, continuingPrefix: String? = nil, endOfWordSuffix: String? = nil,
        scoring: WordPieceTrainer.Scoring = .frequency
    ) throws {
        self.kind = kind
        self.scoring = scoring
        self.continuingPrefix = continuingPrefix
        self.endOfWordSuffix = endOfWordSuffix
        if kind != .bpe && (continuingPrefix != nil || endOfWordSuffix != nil) {
            throw TokenizerError.invalidOption("continuingPrefix and endOfWordSuffix apply to the bpe model only")
        }
        let split = preTokenizer ?? (kind == .byteBPE ? .gpt2 : kind == .bpe || kind == .unigram ? .whitespace : .bert)
        switch split {
        case .gpt2: preTokenization = .byteLevel(trimOffsets: false)
        case .bert: preTokenization = .bert(splitCJK: true)
        case .whitespace: preTokenization = .whitespaceSplit
        case .words: throw TokenizerError.invalidOption("preTokenizer words: expected gpt2, bert or whitespace")
        }
        if kind == .byteBPE && !preTokenization.isByteLevel {
            throw TokenizerError.invalidOption("model byte-bpe needs preTokenizer gpt2")
        }
        if kind != .byteBPE && preTokenization.isByteLevel {
            throw TokenizerError.invalidOption("preTokenizer gpt2 is byte-level: use it with model byte-bpe")
        }
        if kind == .wordPiece {
            normalizer = Normalizer(form: normalization, lowercase: lowercase, stripAccents: lowercase, clean: true)
        } else {
            normalizer = Normalizer(form: normalization, lowercase: lowercase)
        }
        if let specialTokens {
            self.specialTokens = specialTokens
        } else {
            switch kind {
            case .byteBPE: self.specialTokens = ["<|endoftext|>"]
            case .bpe: self.specialTokens = ["[UNK]"]
            case .wordPiece: self.specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
            case .unigram: self.specialTokens = ["<unk>", "<s>", "</s>"]
            }
        }
        if let repeated = self.specialTokens.enumerated().first(where: { self.specialTokens[..<$0.offset].contains($0.element) }) {
            throw TokenizerError.invalidOption(
                "specialTokens: \(repeated.element.debugDescription) is listed twice; each special token gets one id")
        }
        if self.specialTokens.contains("") { throw TokenizerError.invalidOption("specialTokens: an empty token is not allowed") }
        if kind == .wordPiece && !self.specialTokens.contains("[UNK]") {
            throw TokenizerError.invalidOption("specialTokens: wordpiece needs [UNK] among the special tokens")
        }
        if kind == .unigram && !self.specialTokens.contains(where: { $0.lowercased().contains("unk") }) {
            throw TokenizerError.invalidOption("specialTokens: unigram needs an unknown token (e.g. <unk>) among the special tokens")
        }
        if kind == .unigram && preTokenization != .whitespaceSplit {
            throw TokenizerError.invalidOption("model unigram splits words at whitespace (Metaspace): use preTokenizer whitespace")
        }
    }

    /// Builds a recipe from strings (`specialTokens` comma-separated), as a configuration file or a
    /// command line gives them; throws a one-line error naming the parameter on a bad value.
    public init(
        model: String, normalize: String = "none", lowercase: Bool = false, preTokenizer: String? = nil,
        specialTokens: String? = nil, continuingPrefix: String? = nil, endOfWordSuffix: String? = nil,
        scoring: String = "frequency"
    ) throws {
        guard let kind = Kind(rawValue: model) else {
            throw TokenizerError.invalidOption("model \(model): expected byte-bpe, bpe, wordpiece or unigram")
        }
        guard let form = NormalizationForm(rawValue: normalize) else {
            throw TokenizerError.invalidOption("normalize \(normalize): expected nfkc, nfc, nfd, nfkd or none")
        }
        guard let scoring = WordPieceTrainer.Scoring(rawValue: scoring) else {
            throw TokenizerError.invalidOption("scoring \(scoring): expected frequency or likelihood")
        }
        var split: PreTokenizerStyle? = nil
        if let preTokenizer {
            guard let style = PreTokenizerStyle(rawValue: preTokenizer), style != .words else {
                throw TokenizerError.invalidOption("preTokenizer \(preTokenizer): expected gpt2, bert or whitespace")
            }
            split = style
        }
        let list = specialTokens.map { $0.split(separator: ",").map { String($0) }.filter { !$0.isEmpty } }
        try self.init(
            kind: kind, normalization: form, lowercase: lowercase, preTokenizer: split, specialTokens: list,
            continuingPrefix: continuingPrefix, endOfWordSuffix: endOfWordSuffix, scoring: scoring)
    }

    /// The word counter for this recipe.
    public func counter(threads: Int) -> WordCounter {
        WordCounter(normalizer: normalizer, preTokenization: preTokenization, threads: threads)
    }

    /// Trains a tokenizer on `counts`.
    public func train(
        _ counts: WordCounts, vocabularySize: Int, minFrequency: UInt64 = 2, limitAlphabet: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> Tokenizer {
        let added = specialTokens.enumerated().map { AddedToken(id: UInt32($0.offset), content: $0.element) }
        switch kind {
        case .byteBPE, .bpe:
            var trainer = BPETrainer(
                vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
                limitAlphabet: limitAlphabet, byteLevel: kind == .byteBPE,
                continuingSubwordPrefix: continuingPrefix, endOfWordSuffix: endOfWordSuffix)
            trainer.progress = progress
            let result = try trainer.train(counts)
            let unknown = kind == .bpe ? specialTokens.first { $0.lowercased().contains("unk") } : nil
            let model = try BPEModel(
                vocabulary: result.vocabulary, merges: result.merges, unknownToken: unknown,
                continuingSubwordPrefix: continuingPrefix, endOfWordSuffix: endOfWordSuffix)
            let decoder: TokenDecoder
            if kind == .byteBPE {
                decoder = .byteLevel
            } else if let suffix = endOfWordSuffix {
                decoder = .bpeSuffix(suffix)
            } else if let prefix = continuingPrefix {
                decoder = .wordPiece(prefix: prefix, cleanup: false)
            } else {
                decoder = .none
            }
            return Tokenizer(
                normalizer: normalizer, preTokenization: preTokenization, model: .bpe(model), decoder: decoder, addedTokens: added)
        case .unigram:
            var trainer = UnigramTrainer(vocabularySize: vocabularySize, specialTokens: specialTokens)
            trainer.characterCoverage = characterCoverage
            trainer.byteFallback = byteFallback
            trainer.threads = trainingThreads
            trainer.progress = progress
            let pieces = try trainer.train(counts)
            let unknown = specialTokens.firstIndex { $0.lowercased().contains("unk") }
            let model = try UnigramModel(pieces: pieces, unknownID: unknown, byteFallback: byteFallback)
            var normalizers: [any NormalizerComponent] = []
            switch normalizer.form {
            case .nfc: normalizers.append(UnicodeFormNormalizer(type: "NFC")!)
            case .nfd: normalizers.append(UnicodeFormNormalizer(type: "NFD")!)
            case .nfkc: normalizers.append(UnicodeFormNormalizer(type: "NFKC")!)
            case .nfkd: normalizers.append(UnicodeFormNormalizer(type: "NFKD")!)
            case .none: break
            }
            if normalizer.lowercase { normalizers.append(UnicodeFormNormalizer(type: "Lowercase")!) }
            let metaspace = MetaspaceDecoder(replacement: 0x2581, prependScheme: .always, split: true)
            let decoder: any DecoderComponent =
                byteFallback
                ? SequenceDecoder(decoders: [
                    ReplaceDecoder(pattern: .string("\u{2581}"), content: " "), ByteFallbackDecoder(), FuseDecoder(),
                    StripDecoder(content: " ", start: 1, stop: 0),
                ])
                : metaspace
            let pipeline = ComponentPipeline(
                normalizer: normalizers.isEmpty ? nil : SequenceNormalizer(normalizers: normalizers),
                preTokenizer: SequencePreTokenizer(preTokenizers: [
                    CharacterSplitPreTokenizer(kind: .whitespaceSplit),
                    MetaspacePreTokenizer(replacement: 0x2581, prependScheme: .always, splitPieces: true),
                ]),
                decoder: decoder)
            return Tokenizer(model: .unigram(model), addedTokens: added, pipeline: pipeline)
        case .wordPiece:
            var trainer = WordPieceTrainer(
                vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
                limitAlphabet: limitAlphabet, scoring: scoring)
            trainer.progress = progress
            let vocabulary = try trainer.train(counts)
            let model = try WordPieceModel(vocabulary: vocabulary)
            let cls = added.first { $0.content == "[CLS]" }, sep = added.first { $0.content == "[SEP]" }
            return Tokenizer(
                normalizer: normalizer, preTokenization: preTokenization, model: .wordPiece(model),
                postProcessor: PostProcessor(prefix: cls.map { [$0] } ?? [], suffix: sep.map { [$0] } ?? []),
                decoder: .wordPiece(prefix: "##", cleanup: true), addedTokens: added)
        }
    }
}
