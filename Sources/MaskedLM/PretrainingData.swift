import Tokenization

/// The masked-LM pretraining data of a run: documents cut into `[CLS] A [SEP] B [SEP]` pairs
/// (``PairBuilder``), the training pairs served as dynamically masked batches (``MaskedLMBatcher``)
/// and the held-out pairs masked once with a fixed seed. `tessera train-mlm` and the pipeline's
/// MLM track both set their data up through this one type.
///
/// ```swift
/// let data = try PretrainingData(
///     documents: try MaskedLMCorpus.documents(files: ["a.txt"], tokenizer: tok), heldOut: .tailOfPairs(fraction: 0.05),
///     tokenizer: tok, options: PretrainingDataOptions(maxLength: 128, batchSize: 16, seed: 1))
/// let trainer = MaskedLMTrainer(model: model, options: options, batcher: data.batcher, validation: data.validation)
/// ```
public struct PretrainingData: Sendable {
    /// The options.
    public let options: PretrainingDataOptions
    /// The masker (the tokenizer's special tokens and the masking options).
    public let masker: TokenMasker
    /// Dynamically masked training batches.
    public let batcher: MaskedLMBatcher
    /// The held-out pairs, in their built order.
    public let heldOutPairs: [SentencePair]
    /// Every held-out pair masked with seed `options.seed + 1`, in batches of `options.batchSize`.
    public let validation: [MaskedLMBatch]
    /// What pair building did to the training documents (with `.tailOfPairs`, the held-out tail included).
    public let report: PairBuildingReport
    /// What pair building did to the held-out documents (`.documents` only).
    public let heldOutReport: PairBuildingReport?

    /// Builds the pairs, the masker and the batches. Throws a one-line error when a special token
    /// is missing from `tokenizer` (naming `source`), an option is invalid, or there are too few
    /// pairs to train on or to hold out.
    public init(
        documents: [[[Int32]]], heldOut: PretrainingHeldOut, tokenizer: Tokenizer, options: PretrainingDataOptions,
        source: String = "tokenizer"
    ) throws {
        if options.batchSize < 1 { throw MaskedLMError.invalidOption("batch size \(options.batchSize) must be at least 1") }
        let specials = try SpecialTokenIDs(tokenizer: tokenizer, source: source)
        let builder = try PairBuilder(
            options: PairBuildingOptions(
                maxLength: options.maxLength, nextSentencePrediction: options.nextSentencePrediction, seed: options.seed),
            specials: specials)
        let masker = try TokenMasker(
            tokenizer: tokenizer, options: MaskingOptions(probability: options.maskProbability, wholeWord: options.wholeWord), source: source)
        let (pairs, report) = builder.build(documents)
        var training = pairs
        var held: [SentencePair] = []
        var heldReport: PairBuildingReport? = nil
        switch heldOut {
        case .tailOfPairs(let fraction):
            if !(fraction > 0 && fraction < 1) { throw MaskedLMError.invalidOption("held-out fraction \(fraction) must be in (0, 1)") }
            let cut = pairs.count - Int(Double(pairs.count) * fraction)
            guard cut >= 1, cut < pairs.count else {
                throw MaskedLMError.invalidOption(
                    "the corpus gives \(pairs.count) sequences of at most \(options.maxLength) tokens: too few to hold out a validation part")
            }
            training = Array(pairs[..<cut])
            held = Array(pairs[cut...])
        case .documents(let heldDocuments):
            let built = try Self.heldOutPairs(documents: heldDocuments, specials: specials, options: options)
            held = built.pairs
            heldReport = built.report
        }
        self.options = options
        self.masker = masker
        self.report = report
        self.heldOutReport = heldReport
        self.heldOutPairs = held
        batcher = try MaskedLMBatcher(
            pairs: training, masker: masker, batchSize: options.batchSize, time: options.maxLength, seed: options.seed)
        validation = MaskedLMBatcher.evaluationBatches(
            pairs: held, masker: masker, batchSize: options.batchSize, time: options.maxLength, seed: options.seed &+ 1)
    }

    /// Training pairs.
    public var trainingPairs: Int { batcher.pairs.count }

    /// Pairs made from held-out documents: no random B, no short target length, so the same text
    /// and options always give the same pairs. Throws when the documents give none.
    public static func heldOutPairs(documents: [[[Int32]]], specials: SpecialTokenIDs, options: PretrainingDataOptions) throws
        -> (pairs: [SentencePair], report: PairBuildingReport)
    {
        let builder = try PairBuilder(
            options: PairBuildingOptions(maxLength: options.maxLength, shortSequenceProbability: 0, seed: options.seed), specials: specials)
        let (pairs, report) = builder.build(documents)
        if pairs.isEmpty { throw MaskedLMError.noPairs(source: "held-out text") }
        return (pairs, report)
    }

    /// The held-out pairs of `documents` masked as ``validation`` masks them (seed `options.seed + 1`):
    /// what a run's held-out evaluation sees, rebuilt without the training text.
    public static func heldOutBatches(documents: [[[Int32]]], tokenizer: Tokenizer, options: PretrainingDataOptions, source: String = "tokenizer")
        throws -> (pairs: [SentencePair], batches: [MaskedLMBatch])
    {
        let specials = try SpecialTokenIDs(tokenizer: tokenizer, source: source)
        let masker = try TokenMasker(
            tokenizer: tokenizer, options: MaskingOptions(probability: options.maskProbability, wholeWord: options.wholeWord), source: source)
        let pairs = try heldOutPairs(documents: documents, specials: specials, options: options).pairs
        let batches = MaskedLMBatcher.evaluationBatches(
            pairs: pairs, masker: masker, batchSize: max(options.batchSize, 1), time: options.maxLength, seed: options.seed &+ 1)
        return (pairs, batches)
    }

    /// At most `batches` batches of held-out pairs spread evenly over them (every k-th pair, so a
    /// held-out text of several languages is sampled in proportion), masked with seed
    /// `options.seed + 1`: a cheap fixed set for evaluations during training.
    public func heldOutSample(batches: Int) -> [MaskedLMBatch] {
        let limit = max(batches, 1) * options.batchSize
        let chosen: [SentencePair]
        if heldOutPairs.count <= limit {
            chosen = heldOutPairs
        } else {
            chosen = (0..<limit).map { heldOutPairs[$0 * heldOutPairs.count / limit] }
        }
        return MaskedLMBatcher.evaluationBatches(
            pairs: chosen, masker: masker, batchSize: options.batchSize, time: options.maxLength, seed: options.seed &+ 1)
    }
}
