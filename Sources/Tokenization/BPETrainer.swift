import TextNormalization

/// Learns BPE merges from word counts, reproducing Hugging Face's `BpeTrainer` merge for merge.
///
/// Ids: special tokens first, then the alphabet (initial alphabet ∪ characters seen, optionally
/// limited to the most frequent) sorted by code point, then word-continuation / end-of-word
/// variants as words are first split, then merged tokens in merge order. Each step merges the
/// pair with the highest count, ties going to the smaller pair of ids. The bookkeeping follows
/// Hugging Face's exactly (a max-heap of pairs carrying the words they occur in, stale entries
/// refreshed lazily), so even its corner cases — a token re-created by another pair — give the
/// same merges. The result does not depend on word order or thread count.
///
/// ```swift
/// let trainer = BPETrainer(vocabularySize: 8000, specialTokens: ["<|endoftext|>"], byteLevel: true)
/// let model = try trainer.train(counts)
/// ```
public struct BPETrainer: Sendable {
    // MARK: Options

    /// Target vocabulary size (specials, alphabet and merged tokens).
    public var vocabularySize: Int
    /// Pairs seen fewer times than this are not merged.
    public var minFrequency: UInt64
    /// Tokens given the first ids.
    public var specialTokens: [String]
    /// Keep at most this many alphabet characters (the most frequent).
    public var limitAlphabet: Int?
    /// Words are bytes (GPT-2 byte-level); otherwise characters.
    public var byteLevel: Bool
    /// Prefix of tokens that continue a word (e.g. `##`).
    public var continuingSubwordPrefix: String?
    /// Suffix of tokens that end a word (e.g. `</w>`).
    public var endOfWordSuffix: String?
    /// Called with (merges done, merges at most) now and then.
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Creates a trainer.
    public init(
        vocabularySize: Int, minFrequency: UInt64 = 0, specialTokens: [String] = [], limitAlphabet: Int? = nil,
        byteLevel: Bool = false, continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil
    ) {
        self.vocabularySize = vocabularySize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.limitAlphabet = limitAlphabet
        self.byteLevel = byteLevel
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
    }

    /// The result of training.
    public struct Result: Sendable {
        /// All tokens by id.
        public var vocabulary: Vocabulary
        /// The merges as token strings, in rank order (a pair merged twice keeps its last rank).
        public var merges: [(String, String)]
    }

    // MARK: Training

    /// Specials, alphabet and the words as symbol ids: the state before the first merge.
    struct InitialState {
        var vocabulary: Vocabulary
        var words: [[UInt32]]
        var counts: [Int64]
    }

    /// Trains on `counts`.
    public func train(_ counts: WordCounts) throws -> Result {
        let start = try initialState(counts)
        var vocab = start.vocabulary
        var symbols = start.words
        let wordCounts = start.counts
        return try mergeLoop(&vocab, &symbols, wordCounts)
    }

    func initialState(_ counts: WordCounts) throws -> InitialState {
        let words = counts.sorted()
        guard !words.isEmpty else { throw TokenizerError.emptyCorpus(source: "word counts") }
        var vocab = try Vocabulary(tokens: [], source: "trainer")
        for s in specialTokens where vocab.id(for: s) == nil { vocab.append(s) }

        // Characters of each word: bytes as alphabet scalars, or Unicode scalars.
        func characters(_ word: [UInt8]) -> [UInt32] {
            if byteLevel { return word.map { ByteLevelAlphabet.scalars[Int($0)] } }
            return String(decoding: word, as: UTF8.self).unicodeScalars.map(\.value)
        }
        // Alphabet (counted in a flat table: a long word costs no dictionary work per character).
        // Characters of the Basic Multilingual Plane count in a table, the rest in a dictionary.
        var alphabetCounts = [UInt64](repeating: 0, count: 0x10000)
        var alphabet: [UInt32: UInt64] = [:]
        var wordChars: [[UInt32]] = []
        wordChars.reserveCapacity(words.count)
        for (word, count) in words {
            let chars = characters(word)
            wordChars.append(chars)
            for c in chars {
                if c < 0x10000 { alphabetCounts[Int(c)] &+= count } else { alphabet[c, default: 0] &+= count }
            }
        }
        for (c, n) in alphabetCounts.enumerated() where n > 0 { alphabet[UInt32(c)] = n }
        alphabetCounts = []
        if byteLevel { for s in ByteLevelAlphabet.scalars { alphabet[s] = .max } }
        var kept = Array(alphabet)
        if let limit = limitAlphabet, kept.count > limit {
            kept.sort { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }
            kept.removeFirst(kept.count - limit)
        }
        kept.sort { $0.key < $1.key }
        let minimumSize = vocab.count + kept.count
        guard vocabularySize >= minimumSize else {
            throw TokenizerError.invalidOption(
                "vocabularySize \(vocabularySize) is smaller than the \(kept.count)-character alphabet plus \(vocab.count) special tokens (\(minimumSize)); use at least \(minimumSize)"
            )
        }
        for (c, _) in kept {
            let s = String(Character(Unicode.Scalar(c)!))
            if vocab.id(for: s) == nil { vocab.append(s) }
        }

        // Words as symbol ids.
        var symbols: [[UInt32]] = []
        var wordCounts: [Int64] = []
        symbols.reserveCapacity(words.count)
        // The id of a character as first / inner / last symbol of a word, looked up once per
        // character and place (a long word then costs one array read per character).
        var idCache: [UInt64: UInt32] = [:]
        let skip = UInt32.max
        func symbolID(_ c: UInt32, first: Bool, last: Bool) -> UInt32 {
            let key = UInt64(c) | (first ? 1 << 32 : 0) | (last ? 1 << 33 : 0)
            if let id = idCache[key] { return id }
            var s = Unicode.Scalar(c).map { String(Character($0)) } ?? "\u{FFFD}"
            var id = skip
            if vocab.id(for: s) != nil {
                if !first, let p = continuingSubwordPrefix { s = p + s }
                if last, let x = endOfWordSuffix { s += x }
                id = vocab.id(for: s) ?? vocab.append(s)
            }
            idCache[key] = id
            return id
        }
        var innerIDs = [UInt32](repeating: skip - 1, count: 0x10000)
        for (k, chars) in wordChars.enumerated() {
            var ids: [UInt32] = []
            ids.reserveCapacity(chars.count)
            let lastIndex = chars.count - 1
            for (i, c) in chars.enumerated() {
                let id: UInt32
                if i > 0 && i < lastIndex && c < 0x10000 {
                    if innerIDs[Int(c)] == skip - 1 { innerIDs[Int(c)] = symbolID(c, first: false, last: false) }
                    id = innerIDs[Int(c)]
                } else {
                    id = symbolID(c, first: i == 0, last: i == lastIndex)
                }
                if id != skip { ids.append(id) }
            }
            symbols.append(ids)
            wordCounts.append(Int64(words[k].count))
        }
        return InitialState(vocabulary: vocab, words: symbols, counts: wordCounts)
    }

    private func mergeLoop(_ vocab: inout Vocabulary, _ symbols: inout [[UInt32]], _ wordCounts: [Int64]) throws -> Result {
        // Long words are merged as chains (only the merged pair's places are visited).
        var chainOf = [Int32](repeating: -1, count: symbols.count)
        var chains: [SymbolChain] = []
        for (w, word) in symbols.enumerated() where word.count > SymbolChain.threshold {
            chainOf[w] = Int32(chains.count)
            chains.append(SymbolChain(word))
        }
        let hasChains = !chains.isEmpty
        // Pair counts and where each pair occurs.
        var pairCounts = PairTable(capacity: 1 << 16)
        var whereIndex = PairTable(capacity: 1 << 16)
        var positions: [[Int32]] = []
        var pairKeys: [UInt64] = []
        for (w, word) in symbols.enumerated() where word.count > 1 {
            for i in 0..<(word.count - 1) {
                let key = PairTable.key(word[i], word[i + 1])
                let c = Int64(bitPattern: pairCounts.find(key) ?? 0) + wordCounts[w]
                pairCounts.set(key, UInt64(bitPattern: c))
                if let slot = whereIndex.find(key) {
                    if positions[Int(slot)].last != Int32(w) { positions[Int(slot)].append(Int32(w)) }
                } else {
                    whereIndex.set(key, UInt64(positions.count))
                    positions.append([Int32(w)])
                    pairKeys.append(key)
                }
            }
        }
        var heap = BinaryHeap<MergeCandidate>()
        for (slot, key) in pairKeys.enumerated() {
            let c = Int64(bitPattern: pairCounts.find(key)!)
            if c > 0 { heap.push(.init(count: UInt64(c), pair: key, positions: Int32(slot))) }
        }
        pairKeys = []
        if hasChains { for w in symbols.indices where chainOf[w] >= 0 { symbols[w] = [] } }

        // Merge.
        var merges: [(UInt64, UInt32)] = []
        let maxMerges = max(0, vocabularySize - vocab.count)
        var stepIndex = PairTable(capacity: 64)
        var stepKeys: [UInt64] = []
        var stepPositions: [[Int32]] = []
        /// One pair-count change of a merge in word `w32` (count `weight`); new pairs are noted for the heap.
        func record(_ pair: UInt64, _ change: Int32, _ w32: Int32, _ weight: Int64) {
            let c = Int64(bitPattern: pairCounts.find(pair) ?? 0) + Int64(change) * weight
            pairCounts.set(pair, UInt64(bitPattern: c))
            if change > 0 {
                if let slot = stepIndex.find(pair) {
                    if stepPositions[Int(slot)].last != w32 { stepPositions[Int(slot)].append(w32) }
                } else {
                    stepIndex.set(pair, UInt64(stepKeys.count))
                    stepKeys.append(pair)
                    stepPositions.append([w32])
                }
            }
        }
        while vocab.count < vocabularySize, var top = heap.pop() {
            let current = Int64(bitPattern: pairCounts.find(top.pair) ?? 0)
            if Int64(bitPattern: top.count) != current {
                top.count = UInt64(bitPattern: current)
                heap.push(top)
                continue
            }
            if current < 1 || Int64(minFrequency) > current { break }
            let a = UInt32(truncatingIfNeeded: top.pair >> 32), b = UInt32(truncatingIfNeeded: top.pair)
            var partB = vocab.tokens[Int(b)]
            if let p = continuingSubwordPrefix, partB.hasPrefix(p) { partB.removeFirst(p.count) }
            let newToken = vocab.tokens[Int(a)] + partB
            let newID = vocab.id(for: newToken) ?? vocab.append(newToken)
            merges.append((top.pair, newID))
            progress?(merges.count, maxMerges)

            // Merge the pair in every word it was recorded in, then apply the changes.
            stepKeys.removeAll(keepingCapacity: true)
            stepPositions.removeAll(keepingCapacity: true)
            stepIndex = PairTable(capacity: 64)
            for w32 in positions[Int(top.positions)] {
                let w = Int(w32)
                let weight = wordCounts[w]
                if hasChains && chainOf[w] >= 0 {
                    chains[Int(chainOf[w])].merge(a, b, newID) { pair, change in record(pair, change, w32, weight) }
                } else {
                    BPETrainer.mergeWord(&symbols[w], a, b, newID) { pair, change in record(pair, change, w32, weight) }
                }
            }
            for (k, pair) in stepKeys.enumerated() {
                let c = Int64(bitPattern: pairCounts.find(pair) ?? 0)
                if c > 0 {
                    positions.append(stepPositions[k])
                    heap.push(.init(count: UInt64(c), pair: pair, positions: Int32(positions.count - 1)))
                }
            }
        }

        // A pair merged twice keeps its last rank (as Hugging Face's merge map does).
        var lastRank = PairTable(capacity: merges.count)
        for (rank, (pair, _)) in merges.enumerated() { lastRank.set(pair, UInt64(rank)) }
        var ordered: [(String, String)] = []
        for (rank, (pair, _)) in merges.enumerated() where lastRank.find(pair) == UInt64(rank) {
            ordered.append((vocab.tokens[Int(pair >> 32)], vocab.tokens[Int(pair & 0xFFFF_FFFF)]))
        }
        return Result(vocabulary: vocab, merges: ordered)
    }

    /// Hugging Face's `Word::merge`: replaces each `a b` (left to right) with `replacement` and
    /// reports the pair-count changes. The merged pair's own count is left as it is.
    static func mergeWord(_ word: inout [UInt32], _ a: UInt32, _ b: UInt32, _ replacement: UInt32, _ change: (UInt64, Int32) -> Void) {
        var i = 0
        while i < word.count {
            if word[i] == a && i + 1 < word.count && word[i + 1] == b {
                if i > 0 {
                    change(PairTable.key(word[i - 1], a), -1)
                    change(PairTable.key(word[i - 1], replacement), 1)
                }
                word[i] = replacement
                word.remove(at: i + 1)
                if i < word.count - 1 {
                    change(PairTable.key(b, word[i + 1]), -1)
                    change(PairTable.key(replacement, word[i + 1]), 1)
                }
            }
            i += 1
        }
    }
}
