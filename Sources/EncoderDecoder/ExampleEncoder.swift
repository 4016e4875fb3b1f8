/// Encodes sentence pairs into ``TranslationExample``s, truncating sentences longer than the
/// model's maximum and counting them (a too-long sentence is truncated, never an error).
public struct ExampleEncoder: Sendable {
    /// The vocabulary.
    public var vocabulary: TranslationVocabulary
    /// The most source positions, `<eos>` included.
    public var maxSourceLength: Int
    /// The most target positions, `<bos>` (decoder input) or `<eos>` (labels) included.
    public var maxTargetLength: Int

    /// Counts of what encoding changed.
    public struct Report: Sendable, Equatable {
        /// Pairs encoded.
        public var pairs = 0
        /// Source sentences cut to `maxSourceLength`.
        public var truncatedSources = 0
        /// Target sentences cut to `maxTargetLength`.
        public var truncatedTargets = 0

        /// Creates a report.
        public init(pairs: Int = 0, truncatedSources: Int = 0, truncatedTargets: Int = 0) {
            self.pairs = pairs
            self.truncatedSources = truncatedSources
            self.truncatedTargets = truncatedTargets
        }
    }

    /// Creates an encoder; both maxima must be at least 2.
    public init(vocabulary: TranslationVocabulary, maxSourceLength: Int, maxTargetLength: Int) throws(Seq2SeqError) {
        guard maxSourceLength >= 2 else { throw .invalidConfig("maxSourceLength \(maxSourceLength): expected at least 2") }
        guard maxTargetLength >= 2 else { throw .invalidConfig("maxTargetLength \(maxTargetLength): expected at least 2") }
        self.vocabulary = vocabulary
        self.maxSourceLength = maxSourceLength
        self.maxTargetLength = maxTargetLength
    }

    /// The source ids of `text` as the model reads them (`<eos>` last), and whether they were cut.
    public func sourceIDs(_ text: String) -> (ids: [Int32], truncated: Bool) {
        var ids = vocabulary.encode(text)
        let truncated = ids.count > maxSourceLength - 1
        if truncated { ids.removeLast(ids.count - (maxSourceLength - 1)) }
        ids.append(vocabulary.eosID)
        return (ids, truncated)
    }

    /// Encodes `pairs`, with the counts of truncated sentences.
    public func encode(_ pairs: [ParallelPair]) -> (examples: [TranslationExample], report: Report) {
        var report = Report()
        var examples: [TranslationExample] = []
        examples.reserveCapacity(pairs.count)
        for pair in pairs {
            let (source, cutSource) = sourceIDs(pair.source)
            var target = vocabulary.encode(pair.target)
            if target.count > maxTargetLength - 1 {
                target.removeLast(target.count - (maxTargetLength - 1))
                report.truncatedTargets += 1
            }
            if cutSource { report.truncatedSources += 1 }
            report.pairs += 1
            examples.append(TranslationExample(source: source, target: target))
        }
        return (examples, report)
    }
}
