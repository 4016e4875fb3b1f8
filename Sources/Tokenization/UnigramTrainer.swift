import ArtifactIO
import Foundation
import TextNormalization

/// Trains a Unigram tokenizer with SentencePiece's algorithm (`unigram_model_trainer.cc`):
/// words (from counts, each with `▁` before it) give seed pieces — every character kept by the
/// character coverage, then the repeated substrings that branch (the nodes of an enhanced
/// suffix array) scored by frequency × length; EM over each word's lattice (forward–backward
/// expected counts; the M-step's Bayesian update with digamma); pruning by the loss of
/// likelihood when a piece is replaced by its second-best segmentation, down to 110% of the
/// vocabulary size; then the best-scored pieces, required characters first.
///
/// ```swift
/// var trainer = UnigramTrainer(vocabularySize: 8000, specialTokens: ["<unk>", "<s>", "</s>"])
/// let pieces = try trainer.train(counts)   // [(piece, log probability)], specials first
/// ```
public struct UnigramTrainer: Sendable {
    /// Final vocabulary size, special tokens (and bytes) included.
    public var vocabularySize: Int
    /// Tokens placed first with score 0 (the first is the unknown token unless one contains "unk").
    public var specialTokens: [String]
    /// Fraction of the character occurrences the kept characters must cover (SentencePiece's 0.9995).
    public var characterCoverage: Double = 0.9995
    /// Add the 256 `<0xXX>` byte pieces after the special tokens (SentencePiece's `byte_fallback`).
    public var byteFallback: Bool = false
    /// Longest piece, in characters.
    public var maxPieceLength: Int = 16
    /// Seed pieces kept before EM.
    public var seedSize: Int = 1_000_000
    /// Fraction of pieces kept by each pruning step.
    public var shrinkingFactor: Double = 0.75
    /// EM iterations between prunings.
    public var subIterations: Int = 2
    /// Worker threads.
    public var threads: Int = 1
    /// Progress: (pieces now, target).
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Creates a trainer.
    public init(vocabularySize: Int, specialTokens: [String]) {
        self.vocabularySize = vocabularySize
        self.specialTokens = specialTokens
    }

    static let space: UInt32 = 0x2581

    /// One distinct word: its characters (`▁` first) and count.
    struct Word { var chars: [UInt32]; var count: Double }

    /// Trains on word counts; returns the pieces with their scores, specials (and bytes) first.
    public func train(_ counts: WordCounts) throws -> [(String, Double)] {
        let fixed = specialTokens.count + (byteFallback ? 256 : 0)
        guard vocabularySize > fixed else {
            throw TokenizerError.invalidOption("vocabularySize \(vocabularySize) leaves no room after \(fixed) special and byte tokens")
        }
        guard characterCoverage > 0 && characterCoverage <= 1 else {
            throw TokenizerError.invalidOption("characterCoverage \(characterCoverage): expected a value in (0, 1]")
        }
        // Words, with ▁ before each.
        var words: [Word] = []
        var charCounts: [UInt32: Double] = [:]
        for (bytes, count) in counts.sorted() {
            var chars: [UInt32] = [Self.space]
            for s in String(decoding: bytes, as: UTF8.self).unicodeScalars { chars.append(s.value == 0x20 ? Self.space : s.value) }
            let c = Double(count)
            for ch in chars { charCounts[ch, default: 0] += c }
            words.append(Word(chars: chars, count: c))
        }
        guard !words.isEmpty else { throw TokenizerError.emptyCorpus(source: counts.settings) }
        // Required characters: the most frequent ones covering `characterCoverage` of all occurrences.
        let sortedChars = charCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let total = sortedChars.reduce(0) { $0 + $1.value }
        var required: [(UInt32, Double)] = []
        var covered = 0.0
        for (c, n) in sortedChars {
            if covered / total >= characterCoverage { break }
            required.append((c, n)); covered += n
        }
        let requiredSet = Set(required.map(\.0))

        // Seeds: required characters, then branching repeated substrings by frequency × length.
        var seeds: [([UInt32], Double)] = required.map { ([$0.0], $0.1) }
        seeds.append(contentsOf: substringSeeds(words, requiredSet, limit: max(seedSize - seeds.count, 0)))
        var pieces = logProbabilities(seeds)
        let desired = Int(Double(vocabularySize - fixed) * 1.1)

        // EM and pruning.
        while true {
            for _ in 0..<subIterations {
                let model = LatticeModel(pieces: pieces, maxLength: maxPieceLength)
                let expected = eStep(model, words)
                pieces = mStep(pieces, expected)
            }
            progress?(pieces.count, vocabularySize - fixed)
            if pieces.count <= desired { break }
            let pruned = prune(pieces, words, desired: desired)
            if pruned.count >= pieces.count { break }
            pieces = pruned
        }

        // Final: required characters first, then the best scores.
        let model = LatticeModel(pieces: pieces, maxLength: maxPieceLength)
        var final: [[UInt32]: Double] = [:]
        var penalty = 0.0
        for (c, _) in required {
            if let id = model.id(of: [c]) { final[[c]] = pieces[id].1 } else { final[[c]] = model.minScore + penalty; penalty -= 0.0001 }
        }
        let room = vocabularySize - fixed
        for (p, s) in pieces.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.lexicographicallyPrecedes($1.0) }) {
            if final.count >= room { break }
            if final[p] == nil { final[p] = s }
        }
        var out: [(String, Double)] = specialTokens.map { ($0, 0.0) }
        if byteFallback { for b in 0...255 { out.append((Vocabulary.byteFallbackToken(UInt8(b)), 0.0)) } }
        var seen = Set(out.map(\.0))
        let ordered = final.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
        for (p, s) in ordered {
            var view = String.UnicodeScalarView()
            for c in p { if let u = Unicode.Scalar(c) { view.append(u) } }
            let text = String(view)
            if !seen.insert(text).inserted { continue }
            out.append((text, s))
        }
        return out
    }

    // MARK: Seeds

    /// Substrings (2 to `maxPieceLength` characters) occurring at least twice among the distinct
    /// words and followed by at least two different characters (or a word end), scored by
    /// occurrences × length; valid pieces only (▁ first if at all, one script, digits apart).
    func substringSeeds(_ words: [Word], _ required: Set<UInt32>, limit: Int) -> [([UInt32], Double)] {
        // A trie of the substrings (edges keyed by node << 21 | character); per node its occurrences,
        // the character after its first occurrence and whether another one followed.
        var edges: [UInt64: Int32] = [:]
        edges.reserveCapacity(1 << 16)
        var count: [Int32] = [0], next: [UInt32] = [0], branches: [Bool] = [false]
        var parent: [Int32] = [-1], last: [UInt32] = [0]
        var allowed: [Bool] = []
        for w in words {
            let n = w.chars.count
            allowed.removeAll(keepingCapacity: true)
            for c in w.chars { allowed.append(required.contains(c)) }
            for i in 0..<n {
                var node: Int32 = 0
                var j = i
                while j < n && j - i < maxPieceLength {
                    let c = w.chars[j]
                    if !allowed[j] || (c == Self.space && j > i) { break }
                    j += 1
                    let key = UInt64(node) << 21 | UInt64(c & 0x1F_FFFF)
                    if let child = edges[key] {
                        node = child
                    } else {
                        let child = Int32(count.count)
                        edges[key] = child
                        count.append(0); next.append(0); branches.append(false); parent.append(node); last.append(c)
                        node = child
                    }
                    if j - i < 2 { continue }
                    let following: UInt32 = j < n ? w.chars[j] : 0
                    let k = Int(node)
                    if count[k] == 0 {
                        next[k] = following
                    } else if next[k] != following {
                        branches[k] = true
                    }
                    count[k] += 1
                }
            }
        }
        var scored: [([UInt32], Double)] = []
        var key: [UInt32] = []
        for k in 1..<count.count where count[k] >= 2 && branches[k] {
            key.removeAll(keepingCapacity: true)
            var node = Int32(k)
            while node > 0 { key.append(last[Int(node)]); node = parent[Int(node)] }
            key.reverse()
            if Self.isValidPiece(key) { scored.append((key, Double(Int(count[k]) * key.count))) }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.lexicographicallyPrecedes($1.0) }
        return Array(scored.prefix(limit))
    }

    /// SentencePiece's piece rules for training (`IsValidSentencePiece` with its defaults): `▁`
    /// only first; one Unicode script per piece — Han, Hiragana and Katakana count as one,
    /// Inherited marks take the script before them, Common (digits, punctuation) is a script of its own.
    static func isValidPiece(_ chars: [UInt32]) -> Bool {
        var previous: Int32? = nil
        for (k, c) in chars.enumerated() {
            if c == space { if k > 0 { return false }; continue }
            var s = UnicodeScriptsPreTokenizer.icuScript(c)
            if s == -1 { s = 0 }  // U+0020 (absent here) would be Common
            if s == 1, let p = previous { s = p }  // Inherited
            if let p = previous, p != s { return false }
            previous = s
        }
        return true
    }

    func logProbabilities(_ items: [([UInt32], Double)]) -> [([UInt32], Double)] {
        let sum = items.reduce(0) { $0 + $1.1 }
        let logSum = log(sum)
        return items.map { ($0.0, log($0.1) - logSum) }
    }

    // MARK: EM

    /// Pieces indexed for lattice building: a trie over characters (edges in one open-addressing
    /// table keyed by node and character), the piece id ending at each node.
    struct LatticeModel {
        var scores: [Double]
        var minScore: Double
        let maxLength: Int
        /// Edge keys `node << 21 | char` (`UInt64.max` empty) and child nodes; piece id + 1 per node (0: none).
        private var keys: [UInt64]
        private var children: [Int32]
        private var mask: Int
        private var pieceAt: [Int32]

        init(pieces: [([UInt32], Double)], maxLength: Int) {
            scores = pieces.map(\.1)
            minScore = scores.min() ?? 0
            self.maxLength = maxLength
            var edges = 0
            for (p, _) in pieces { edges += p.count }
            var size = 16
            while size < edges * 2 { size <<= 1 }
            keys = [UInt64](repeating: .max, count: size)
            children = [Int32](repeating: -1, count: size)
            mask = size - 1
            pieceAt = [0]
            for (id, (p, _)) in pieces.enumerated() {
                var node: Int32 = 0
                for c in p {
                    let key = UInt64(node) << 21 | UInt64(c & 0x1F_FFFF)
                    var slot = Self.slot(key, mask)
                    while keys[slot] != .max && keys[slot] != key { slot = (slot + 1) & mask }
                    if keys[slot] == key {
                        node = children[slot]
                    } else {
                        keys[slot] = key
                        children[slot] = Int32(pieceAt.count)
                        node = Int32(pieceAt.count)
                        pieceAt.append(0)
                    }
                }
                if pieceAt[Int(node)] == 0 { pieceAt[Int(node)] = Int32(id + 1) }
            }
        }

        @inline(__always) static func slot(_ key: UInt64, _ mask: Int) -> Int {
            Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 27) & mask
        }

        @inline(__always) func child(_ node: Int32, _ c: UInt32) -> Int32 {
            let key = UInt64(node) << 21 | UInt64(c & 0x1F_FFFF)
            var slot = Self.slot(key, mask)
            while true {
                let k = keys[slot]
                if k == key { return children[slot] }
                if k == .max { return -1 }
                slot = (slot + 1) & mask
            }
        }

        func id(of piece: [UInt32]) -> Int? {
            var node: Int32 = 0
            for c in piece {
                node = child(node, c)
                if node < 0 { return nil }
            }
            let v = pieceAt[Int(node)]
            return v > 0 ? Int(v - 1) : nil
        }

        /// One lattice node: start, end, piece id (-1 for unknown), score.
        typealias Node = (Int, Int, Int, Double)

        /// Nodes of the lattice of `chars`: (start, end, id or -1 for unknown, score).
        func nodes(_ chars: ArraySlice<UInt32>, excluding excluded: Int = -1) -> [Node] {
            var out: [Node] = []
            nodes(chars, excluding: excluded, into: &out)
            return out
        }

        /// Appends the nodes of the lattice of `chars` to `out` (in order of start).
        func nodes(_ chars: ArraySlice<UInt32>, excluding excluded: Int = -1, into out: inout [Node]) {
            let base = chars.startIndex
            let n = chars.count
            for i in 0..<n {
                var hasSingle = false
                var node: Int32 = 0
                var j = i
                while j < n && j - i < maxLength {
                    node = child(node, chars[base + j])
                    if node < 0 { break }
                    j += 1
                    let v = Int(pieceAt[Int(node)])
                    if v > 0 {
                        let id = v - 1
                        if j - i == 1 { hasSingle = true }
                        if !(id == excluded && i == 0 && j == n) { out.append((i, j, id, scores[id])) }
                    }
                }
                if !hasSingle { out.append((i, i + 1, -1, minScore - 10)) }
            }
        }
    }

    /// Expected piece counts (forward–backward over each word's lattice), summed over words.
    func eStep(_ model: LatticeModel, _ words: [Word]) -> [Double] {
        let size = model.scores.count
        let workers = max(1, min(threads, words.count))
        var partial = [Double](repeating: 0, count: size * workers)
        partial.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            ParallelFor.run(workers, threads: workers) { w in
                let lo = words.count * w / workers, hi = words.count * (w + 1) / workers
                var nodes: [LatticeModel.Node] = []
                var alpha: [Double] = []
                var beta: [Double] = []
                for k in lo..<hi {
                    let word = words[k]
                    let n = word.chars.count
                    nodes.removeAll(keepingCapacity: true)
                    model.nodes(word.chars[...], into: &nodes)
                    alpha.removeAll(keepingCapacity: true)
                    alpha.append(contentsOf: repeatElement(-.infinity, count: n + 1))
                    beta.removeAll(keepingCapacity: true)
                    beta.append(contentsOf: repeatElement(-.infinity, count: n + 1))
                    alpha[0] = 0
                    // Nodes are in order of start, so alpha is complete at each start.
                    for (i, j, _, s) in nodes { alpha[j] = Self.logAdd(alpha[j], alpha[i] + s) }
                    beta[n] = 0
                    for (i, j, _, s) in nodes.reversed() { beta[i] = Self.logAdd(beta[i], beta[j] + s) }
                    let z = alpha[n]
                    guard z.isFinite else { continue }
                    for (i, j, id, s) in nodes where id >= 0 {
                        out[w * size + id] += word.count * exp(alpha[i] + s + beta[j] - z)
                    }
                }
            }
        }
        var expected = [Double](repeating: 0, count: size)
        for w in 0..<workers { for i in 0..<size { expected[i] += partial[w * size + i] } }
        return expected
    }

    @inline(__always) static func logAdd(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }

    /// The M-step: pieces expected less than 0.5 times are dropped; scores become
    /// digamma(count) - digamma(total) (the Bayesian EM SentencePiece uses as a sparse prior).
    func mStep(_ pieces: [([UInt32], Double)], _ expected: [Double]) -> [([UInt32], Double)] {
        var kept: [([UInt32], Double)] = []
        var sum = 0.0
        for (k, p) in pieces.enumerated() where expected[k] >= 0.5 || p.0.count == 1 {
            let f = max(expected[k], 1e-3)
            kept.append((p.0, f)); sum += f
        }
        let logSum = Self.digamma(sum)
        return kept.map { ($0.0, Self.digamma($0.1) - logSum) }
    }

    /// SentencePiece's digamma approximation.
    static func digamma(_ value: Double) -> Double {
        var x = value
        var result = 0.0
        while x < 7 { result -= 1 / x; x += 1 }
        x -= 0.5
        let xx = 1 / x, xx2 = xx * xx, xx4 = xx2 * xx2
        result += log(x) + (1.0 / 24.0) * xx2 - (7.0 / 960.0) * xx4 + (31.0 / 8064.0) * xx4 * xx2 - (127.0 / 30720.0) * xx4 * xx4
        return result
    }

    /// The best path of a lattice: piece ids (−1 for unknown).
    static func viterbi(_ nodes: [(Int, Int, Int, Double)], length n: Int) -> [Int]? {
        var best = [Double](repeating: -.infinity, count: n + 1)
        var back = [Int](repeating: -1, count: n + 1)
        best[0] = 0
        for (k, (i, j, _, s)) in nodes.enumerated() where best[i] > -.infinity {
            if best[i] + s > best[j] { best[j] = best[i] + s; back[j] = k }
        }
        guard best[n] > -.infinity else { return nil }
        var path: [Int] = []
        var j = n
        while j > 0 { let node = nodes[back[j]]; path.append(node.2); j = node.0 }
        return path.reversed()
    }

    /// Pruning: drops pieces not on any Viterbi path or splittable, then keeps the ones whose
    /// removal loses the most likelihood, down to max(desired, shrinking factor × size).
    func prune(_ pieces: [([UInt32], Double)], _ words: [Word], desired: Int) -> [([UInt32], Double)] {
        let model = LatticeModel(pieces: pieces, maxLength: maxPieceLength)
        let size = pieces.count
        var alwaysKeep = [Bool](repeating: true, count: size)
        var alternatives = [[Int]](repeating: [], count: size)
        for (i, (p, _)) in pieces.enumerated() where p.count > 1 {
            guard let best = Self.viterbi(model.nodes(p[...]), length: p.count) else { continue }
            if best.count >= 2 { alwaysKeep[i] = false; continue }
            if let second = Self.viterbi(model.nodes(p[...], excluding: i), length: p.count) {
                alternatives[i] = second.filter { $0 >= 0 }
                if alternatives[i].count != second.count { alternatives[i] = [] }
            }
        }
        // Viterbi frequencies over the corpus (counts are whole numbers, so the per-worker sums are exact).
        let workers = max(1, min(threads, words.count))
        var partial = [Double](repeating: 0, count: size * workers)
        partial.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            ParallelFor.run(workers, threads: workers) { w in
                let lo = words.count * w / workers, hi = words.count * (w + 1) / workers
                var nodes: [LatticeModel.Node] = []
                var best: [Double] = []
                var back: [Int] = []
                for k in lo..<hi {
                    let n = words[k].chars.count
                    nodes.removeAll(keepingCapacity: true)
                    model.nodes(words[k].chars[...], into: &nodes)
                    best.removeAll(keepingCapacity: true)
                    best.append(contentsOf: repeatElement(-.infinity, count: n + 1))
                    back.removeAll(keepingCapacity: true)
                    back.append(contentsOf: repeatElement(-1, count: n + 1))
                    best[0] = 0
                    for (index, (i, j, _, s)) in nodes.enumerated() where best[i] > -.infinity {
                        if best[i] + s > best[j] { best[j] = best[i] + s; back[j] = index }
                    }
                    guard best[n] > -.infinity else { continue }
                    var j = n
                    while j > 0 {
                        let node = nodes[back[j]]
                        if node.2 >= 0 { out[w * size + node.2] += words[k].count }
                        j = node.0
                    }
                }
            }
        }
        var freq = [Double](repeating: 0, count: size)
        for w in 0..<workers { for i in 0..<size { freq[i] += partial[w * size + i] } }
        let inverted = freq  // summed counts of the words using the piece (once per use)
        let totalCount = words.reduce(0) { $0 + $1.count }
        let sum = freq.reduce(0, +)
        let logSum = log(sum)
        var kept: [([UInt32], Double)] = []
        var candidates: [(Int, Double)] = []
        for i in 0..<size {
            if pieces[i].0.count == 1 { kept.append(pieces[i]); continue }  // characters stay
            if freq[i] == 0 || !alwaysKeep[i] { continue }
            if alternatives[i].isEmpty { kept.append(pieces[i]); continue }
            let f = inverted[i] / totalCount
            let logProbPiece = log(freq[i]) - logSum
            let logSumAlt = log(sum + freq[i] * Double(alternatives[i].count - 1))
            var logProbAlt = 0.0
            for n in alternatives[i] { logProbAlt += log(freq[n] + freq[i]) - logSumAlt }
            candidates.append((i, f * (logProbPiece - logProbAlt)))
        }
        let target = max(desired, Int(shrinkingFactor * Double(size)))
        candidates.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        for (i, _) in candidates {
            if kept.count >= target { break }
            kept.append(pieces[i])
        }
        return kept
    }
}
