/// Learns a WordPiece vocabulary from word counts.
///
/// - ``Scoring/frequency`` is what Hugging Face's `WordPieceTrainer` does: BPE training with the
///   `##` continuing-subword prefix, keeping the vocabulary.
/// - ``Scoring/likelihood`` is the original WordPiece criterion: each step merges the adjacent
///   pair with the highest count(ab) / (count(a) · count(b)) (ties: higher count(ab), then the
///   smaller pair of ids).
///
/// ```swift
/// let vocab = try WordPieceTrainer(vocabularySize: 3000, scoring: .likelihood).train(counts)
/// ```
public struct WordPieceTrainer: Sendable {
    /// How the next merge is chosen.
    public enum Scoring: String, Sendable, CaseIterable {
        /// Highest pair count (Hugging Face).
        case frequency
        /// Highest count(ab) / (count(a) · count(b)).
        case likelihood
    }

    /// Target vocabulary size.
    public var vocabularySize: Int
    /// Pairs seen fewer times are not merged.
    public var minFrequency: UInt64
    /// Tokens given the first ids.
    public var specialTokens: [String]
    /// Keep at most this many alphabet characters.
    public var limitAlphabet: Int?
    /// The continuing-subword prefix.
    public var continuingSubwordPrefix: String
    /// The merge criterion.
    public var scoring: Scoring
    /// Called with (merges done, merges at most) now and then.
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Creates a trainer.
    public init(
        vocabularySize: Int, minFrequency: UInt64 = 0, specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
        limitAlphabet: Int? = nil, continuingSubwordPrefix: String = "##", scoring: Scoring = .frequency
    ) {
        self.vocabularySize = vocabularySize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.limitAlphabet = limitAlphabet
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.scoring = scoring
    }

    /// Trains on `counts` and returns the vocabulary.
    public func train(_ counts: WordCounts) throws -> Vocabulary {
        var bpe = BPETrainer(
            vocabularySize: vocabularySize, minFrequency: minFrequency, specialTokens: specialTokens,
            limitAlphabet: limitAlphabet, byteLevel: false, continuingSubwordPrefix: continuingSubwordPrefix)
        bpe.progress = progress
        if scoring == .frequency { return try bpe.train(counts).vocabulary }
        // Likelihood: the same start (specials, alphabet, words as symbols), a different loop.
        bpe.vocabularySize = Int.max
        let start = try bpe.initialState(counts)
        var vocab = start.vocabulary
        guard vocabularySize >= vocab.count else {
            throw TokenizerError.invalidOption(
                "vocabularySize \(vocabularySize) is smaller than the alphabet with its ## variants plus special tokens (\(vocab.count)); use at least \(vocab.count)"
            )
        }
        var words = start.words
        let weights = start.counts
        var pairCounts: [UInt64: Int64] = [:]
        var symbolCounts: [Int64] = []
        var occurs: [UInt64: [Int32]] = [:]
        func bump(_ id: UInt32, _ delta: Int64) {
            while symbolCounts.count <= Int(id) { symbolCounts.append(0) }
            symbolCounts[Int(id)] += delta
        }
        for (w, word) in words.enumerated() {
            for (i, s) in word.enumerated() {
                bump(s, weights[w])
                if i + 1 < word.count {
                    let key = PairTable.key(s, word[i + 1])
                    pairCounts[key, default: 0] += weights[w]
                    if occurs[key]?.last != Int32(w) { occurs[key, default: []].append(Int32(w)) }
                }
            }
        }
        // Long words are merged as chains (only the merged pair's places are visited).
        var chains: [Int: SymbolChain] = [:]
        for (w, word) in words.enumerated() where word.count > SymbolChain.threshold {
            chains[w] = SymbolChain(word)
            words[w] = []
        }
        let total = vocabularySize - vocab.count
        var done = 0
        while vocab.count < vocabularySize {
            var best: UInt64 = 0, bestScore = -1.0, bestCount: Int64 = 0
            for (pair, c) in pairCounts where c > 0 && UInt64(c) >= minFrequency {
                let a = Int(pair >> 32), b = Int(pair & 0xFFFF_FFFF)
                let score = Double(c) / (Double(symbolCounts[a]) * Double(symbolCounts[b]))
                if score > bestScore || (score == bestScore && (c > bestCount || (c == bestCount && pair < best))) {
                    best = pair; bestScore = score; bestCount = c
                }
            }
            if bestScore < 0 { break }
            let a = UInt32(best >> 32), b = UInt32(best & 0xFFFF_FFFF)
            var partB = vocab.tokens[Int(b)]
            if partB.hasPrefix(continuingSubwordPrefix) { partB.removeFirst(continuingSubwordPrefix.count) }
            let newToken = vocab.tokens[Int(a)] + partB
            let newID = vocab.id(for: newToken) ?? vocab.append(newToken)
            for w32 in occurs[best] ?? [] {
                let w = Int(w32), weight = weights[w]
                if var chain = chains[w] {
                    chains[w] = nil
                    chain.merge(
                        a, b, newID,
                        merged: {
                            pairCounts[best, default: 0] -= weight
                            bump(a, -weight); bump(b, -weight); bump(newID, weight)
                        }
                    ) { pair, change in
                        pairCounts[pair, default: 0] += Int64(change) * weight
                        if change > 0 && occurs[pair]?.last != w32 { occurs[pair, default: []].append(w32) }
                    }
                    chains[w] = chain
                    continue
                }
                var i = 0
                while i + 1 < words[w].count {
                    if words[w][i] == a && words[w][i + 1] == b {
                        if i > 0 {
                            pairCounts[PairTable.key(words[w][i - 1], a), default: 0] -= weight
                            let key = PairTable.key(words[w][i - 1], newID)
                            pairCounts[key, default: 0] += weight
                            if occurs[key]?.last != w32 { occurs[key, default: []].append(w32) }
                        }
                        if i + 2 < words[w].count {
                            pairCounts[PairTable.key(b, words[w][i + 2]), default: 0] -= weight
                            let key = PairTable.key(newID, words[w][i + 2])
                            pairCounts[key, default: 0] += weight
                            if occurs[key]?.last != w32 { occurs[key, default: []].append(w32) }
                        }
                        pairCounts[best, default: 0] -= weight
                        bump(a, -weight); bump(b, -weight); bump(newID, weight)
                        words[w][i] = newID
                        words[w].remove(at: i + 1)
                    }
                    i += 1
                }
            }
            pairCounts[best] = nil
            done += 1
            progress?(done, total)
        }
        return vocab
    }
}
