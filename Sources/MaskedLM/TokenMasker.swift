import TensorOps
import Tokenization

/// Applies BERT's dynamic masking to a token sequence (see ``MaskingOptions``).
///
/// Special tokens are never chosen and never drawn as replacements. The number of predictions is
/// `round(probability × non-special tokens)` (at least 1, at most ``MaskingOptions/maxPredictions``).
/// Candidates are whole words when ``MaskingOptions/wholeWord`` is set (a token starting with the
/// WordPiece continuation prefix joins the word before it); they are visited in a random order
/// and a word that would exceed the count is skipped, as in BERT's `create_pretraining_data.py`.
/// The 80/10/10 choice is drawn per token.
public struct TokenMasker: Sendable {
    /// The options.
    public let options: MaskingOptions
    /// The special ids.
    public let specials: SpecialTokenIDs
    /// Per id: whether the token continues a word (`##` prefix).
    let continuation: [Bool]
    /// Ids drawn as random replacements (all non-special ids).
    let replacements: [Int32]
    let special: [Bool]

    /// A masker for `tokenizer`'s vocabulary. Throws when a special token is missing or the options are invalid.
    public init(tokenizer: Tokenizer, options: MaskingOptions, source: String = "tokenizer") throws {
        let specials = try SpecialTokenIDs(tokenizer: tokenizer, source: source)
        var prefix = "##"
        if case .wordPiece(let m) = tokenizer.model { prefix = m.continuingSubwordPrefix }
        let tokens = (0..<tokenizer.vocabularySize).map { tokenizer.token(for: UInt32($0)) ?? "" }
        try self.init(tokens: tokens, specials: specials, options: options, continuingPrefix: prefix)
    }

    /// A masker for a vocabulary given as token strings (index = id).
    public init(tokens: [String], specials: SpecialTokenIDs, options: MaskingOptions, continuingPrefix: String = "##") throws {
        try options.validate()
        self.options = options
        self.specials = specials
        let all = specials.all
        for id in all where id < 0 || Int(id) >= tokens.count {
            throw MaskedLMError.tokenOutOfRange(source: "special tokens", index: 0, id: Int(id), vocabularySize: tokens.count)
        }
        continuation = tokens.map { !continuingPrefix.isEmpty && $0.hasPrefix(continuingPrefix) && $0.count > continuingPrefix.count }
        special = (0..<tokens.count).map { all.contains(Int32($0)) }
        replacements = (0..<Int32(tokens.count)).filter { !all.contains($0) }
        if replacements.isEmpty { throw MaskedLMError.invalidOption("the vocabulary has only special tokens") }
    }

    /// Vocabulary size the masker was made for.
    public var vocabularySize: Int { special.count }

    /// Masks `tokens` with random choices from `rng`. Ids outside the vocabulary are treated as special (never chosen).
    public func mask(_ tokens: [Int32], rng: inout SeededGenerator) -> MaskedSequence {
        // Candidate groups: single tokens, or whole words.
        var groups: [[Int]] = []
        var previousCandidate = -2
        for (i, id) in tokens.enumerated() {
            guard id >= 0, Int(id) < special.count, !special[Int(id)] else { continue }
            if options.wholeWord && continuation[Int(id)] && previousCandidate == i - 1 && !groups.isEmpty {
                groups[groups.count - 1].append(i)
            } else {
                groups.append([i])
            }
            previousCandidate = i
        }
        let candidates = groups.reduce(0) { $0 + $1.count }
        var inputs = tokens
        var labels = [Int32](repeating: MaskedSequence.ignoreLabel, count: tokens.count)
        guard candidates > 0 else { return MaskedSequence(inputs: inputs, labels: labels) }
        var count = max(1, Int((Double(candidates) * options.probability).rounded()))
        if let m = options.maxPredictions { count = min(count, m) }
        // Fisher–Yates shuffle of the groups.
        if groups.count > 1 {
            for i in stride(from: groups.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                groups.swapAt(i, j)
            }
        }
        var chosen = 0
        for group in groups {
            if chosen >= count { break }
            if chosen + group.count > count { continue }
            for i in group {
                labels[i] = tokens[i]
                let r = Double(rng.nextUniform())
                if r < options.maskFraction {
                    inputs[i] = specials.mask
                } else if r < options.maskFraction + options.randomFraction {
                    inputs[i] = replacements[Int(rng.next() % UInt64(replacements.count))]
                }
            }
            chosen += group.count
        }
        return MaskedSequence(inputs: inputs, labels: labels)
    }
}
