#if canImport(Glibc)
    import Glibc
#endif
import TextNormalization

/// A Unigram language model (SentencePiece / Hugging Face `Unigram`): each piece has a log
/// probability and a word is split into the pieces of highest total score (Viterbi), as
/// `tokenizers`' `encode_optimized` does: characters no piece covers become the unknown token
/// (scored `min_score - 10`, consecutive ones fused), and with `byteFallback` an unknown piece
/// is spelled as `<0xXX>` byte tokens.
///
/// ```swift
/// let model = try UnigramModel(pieces: [("<unk>", 0), ("▁a", -1.5)], unknownID: 0)
/// ```
public struct UnigramModel: Sendable {
    /// The pieces.
    public private(set) var vocabulary: Vocabulary
    /// Log probability of each piece, by id.
    public private(set) var scores: [Double]
    /// The unknown piece's id.
    public var unknownID: Int?
    /// Spell unknown pieces as `<0xXX>` byte tokens when they are in the vocabulary.
    public var byteFallback: Bool
    let minScore: Double
    /// Common-prefix search over the pieces that may appear in a segmentation.
    let trie: PieceTrie
    /// The score a piece has in the lattice (its own, or SentencePiece's bonus for user-defined pieces).
    let latticeScores: [Double]
    /// SentencePiece sums path scores in `float`; Hugging Face in `double`.
    let floatSums: Bool
    let byteIDs: [UInt32]
    /// SentencePiece models only (empty otherwise): one bit per code point below U+10000 (bit
    /// `cp & 63` of word `cp >> 6`), set where the character is not ASCII and no piece of the
    /// lattice contains it. Such a character is always an unknown piece of its own, so no path
    /// crosses its edges (``SentencePieceEncoder`` cuts the text there).
    let uncoveredCharacters: [UInt64]
    /// SentencePiece models only (empty otherwise): one bit per pair of ASCII characters (bit
    /// `b & 63` of word `a << 1 | b >> 6`), set where both are pieces of one character and no
    /// piece of the lattice holds `a` followed by `b`. Every path then has a piece boundary
    /// between them, and neither is an unknown piece that could fuse with the next, so the
    /// text there splits into two texts encoded apart (``SentencePieceEncoder`` cuts a part
    /// it has not seen there, so that `▁said,` reuses `▁said` and `,`).
    let asciiPairCuts: [UInt64]

    /// Creates a model; throws on a duplicate piece or an unknown id out of range.
    public init(pieces: [(String, Double)], unknownID: Int?, byteFallback: Bool = false, source: String = "Unigram model") throws {
        try self.init(pieces: pieces, unknownID: unknownID, byteFallback: byteFallback, kinds: nil, source: source)
    }

    /// How SentencePiece treats a piece in a segmentation.
    package enum PieceKind: Sendable, Equatable {
        /// An ordinary piece.
        case normal
        /// A user-defined piece: always preferred (score `bytes × max score − 0.1`).
        case userDefined
        /// Never part of a segmentation (unknown, control, byte and unused pieces).
        case excluded
    }

    /// A model with SentencePiece's lattice (`kinds` given): only normal and user-defined pieces
    /// are matched, the unknown score is the lowest normal score − 10, sums are in `float`.
    package init(pieces: [(String, Double)], unknownID: Int?, byteFallback: Bool, kinds: [PieceKind]?, source: String) throws {
        vocabulary = try Vocabulary(tokens: pieces.map(\.0), source: source)
        scores = pieces.map(\.1)
        if let u = unknownID, u < 0 || u >= pieces.count {
            throw TokenizerError.malformed(source: source, what: "unk_id \(u) is outside the vocabulary of \(pieces.count) pieces")
        }
        if let kinds, kinds.count != pieces.count {
            throw TokenizerError.malformed(source: source, what: "\(kinds.count) piece kinds for \(pieces.count) pieces")
        }
        self.unknownID = unknownID
        self.byteFallback = byteFallback
        let bytes = pieces.map { Array($0.0.utf8) }
        if let kinds {
            let normal = pieces.indices.filter { kinds[$0] == .normal }.map { pieces[$0].1 }
            minScore = normal.min() ?? 0
            // sentencepiece starts its highest score at FLT_MIN (the least positive normal
            // `float`), so with the usual negative scores a user-defined piece of `n` bytes scores
            // n × FLT_MIN − 0.1 (the product in `float`, the difference in `double`): about −0.1.
            let maxScore = max(Float.leastNormalMagnitude, normal.map { Float($0) }.max() ?? 0)
            let lattice = pieces.indices.map { id in
                kinds[id] == .userDefined ? Double(Float(bytes[id].count) * maxScore) - 0.1 : pieces[id].1
            }
            latticeScores = lattice
            guard let t = PieceTrie(pieces: bytes, scores: lattice, include: { kinds[$0] != .excluded }) else {
                throw TokenizerError.malformed(source: source, what: "the pieces need more than \(PieceTrie.capacity) trie units")
            }
            trie = t
            floatSums = true
            var uncovered = [UInt64](repeating: ~0, count: 0x10000 / 64)
            for k in 0..<2 { uncovered[k] = 0 }
            for id in pieces.indices where kinds[id] != .excluded {
                for scalar in pieces[id].0.unicodeScalars where scalar.value < 0x10000 {
                    uncovered[Int(scalar.value >> 6)] &= ~(1 << UInt64(scalar.value & 63))
                }
            }
            uncoveredCharacters = uncovered
            var single = [Bool](repeating: false, count: 128)
            var crossed = [Bool](repeating: false, count: 128 * 128)
            for id in pieces.indices where kinds[id] != .excluded {
                let b = bytes[id]
                if b.count == 1 && b[0] < 0x80 { single[Int(b[0])] = true }
                for k in b.indices.dropFirst() where b[k - 1] < 0x80 && b[k] < 0x80 { crossed[Int(b[k - 1]) << 7 | Int(b[k])] = true }
            }
            var pairCuts = [UInt64](repeating: 0, count: 128 * 128 / 64)
            for a in 1..<128 where single[a] {
                for b in 1..<128 where single[b] && !crossed[a << 7 | b] { pairCuts[a << 1 | b >> 6] |= 1 << UInt64(b & 63) }
            }
            asciiPairCuts = pairCuts
        } else {
            minScore = scores.min() ?? 0
            latticeScores = scores
            guard let t = PieceTrie(pieces: bytes, scores: pieces.map(\.1), include: { _ in true }) else {
                throw TokenizerError.malformed(source: source, what: "the pieces need more than \(PieceTrie.capacity) trie units")
            }
            trie = t
            floatSums = false
            uncoveredCharacters = []
            asciiPairCuts = []
        }
        byteIDs = vocabulary.byteFallbackIDs
        interleavedLength = Self.interleavedLength(trieBytes: trie.unitBytes)
    }

    /// The pieces with their scores.
    public var pieces: [(String, Double)] { Array(zip(vocabulary.tokens, scores)) }

    /// Texts up to this many bytes walk the trie from all their starts together, one level per
    /// round, so that the loads of walks whose units are not in the core's cache overlap; 0 when
    /// the walks go one at a time, which takes fewer instructions and wins where the trie's
    /// units fit in the level-2 cache (``interleavedLength(trieBytes:)``).
    package var interleavedLength: Int

    /// The level-2 cache of this machine's cores in bytes, 0 where unknown.
    static let level2CacheBytes: Int = {
        #if canImport(Glibc)
            return max(sysconf(Int32(_SC_LEVEL2_CACHE_SIZE)), 0)
        #else
            return 0
        #endif
    }()

    /// How long a text walks the trie from all its starts together: up to 1024 bytes unless the
    /// trie's units (`trieBytes`) fit in the level-2 cache, where walks one at a time are faster.
    /// (Measured with a 32k-piece model, 1 MB of units, one thread: walks together were faster
    /// with a 512 KB level-2 cache, walks alone 6–10% faster with a 2 MB one.)
    static func interleavedLength(trieBytes: Int) -> Int {
        level2CacheBytes > 0 && trieBytes <= level2CacheBytes ? 0 : 1024
    }

    /// Reusable buffers of the Viterbi search.
    package struct Scratch {
        var best: [Double] = []
        var from: [Int32] = []
        var ids: [Int32] = []
        var path: [(Int32, Int32, Bool)] = []
        /// The interleaved trie walks: active walks (start, node), and per start its matches
        /// (piece id << 16 | length, ``PieceTrie/depth`` slots each) and their count.
        var walkStart: [Int32] = []
        var walkNode: [UInt32] = []
        var matches: [Int64] = []
        var matchCount: [Int32] = []
        /// After an encode with `trackGaps`: the smallest difference between two compared path
        /// scores, and the best path's score.
        package var minGap = Double.infinity
        package var pathScore = 0.0
        package init() {}
    }

    /// Encodes one piece of text, appending `(id, start, end)` byte ranges relative to it.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into out: inout [(UInt32, Int32, Int32)]) {
        var scratch = Scratch()
        encode(word, scratch: &scratch, into: &out)
    }

    /// Encodes one piece of text with `scratch`'s buffers, appending `(id, start, end)` byte ranges relative to it.
    /// With `floatSums` (SentencePiece models only) path scores are summed in `float` as
    /// sentencepiece does; with `trackGaps` the scratch records the smallest gap between compared
    /// scores and the best score (to tell whether `float` sums could decide differently).
    package func encode(
        _ word: UnsafeBufferPointer<UInt8>, scratch: inout Scratch, into out: inout [(UInt32, Int32, Int32)], floatSums: Bool? = nil,
        trackGaps: Bool = false
    ) {
        guard let base = word.baseAddress, !word.isEmpty else { return }
        let n = word.count
        let floatSums = floatSums ?? self.floatSums
        let unkScore = floatSums ? Double(Float(minScore) - 10) : minScore - 10
        var minGap = Double.infinity
        let unknown = Int32(unknownID ?? -2)
        if scratch.best.count < n + 1 {
            scratch.best = [Double](repeating: 0, count: n + 1)
            scratch.from = [Int32](repeating: -1, count: n + 1)
            scratch.ids = [Int32](repeating: -1, count: n + 1)
        }
        if n <= interleavedLength && scratch.matchCount.count < n {
            let size = max(n, 64)
            scratch.walkStart = [Int32](repeating: 0, count: size)
            scratch.walkNode = [UInt32](repeating: 0, count: size)
            scratch.matchCount = [Int32](repeating: 0, count: size)
            scratch.matches = [Int64](repeating: 0, count: size * max(trie.depth, 1))
        }
        let float = floatSums
        let floatScores = trie.scoresAreFloats
        /// The byte length of the character at `i` (UTF-8's three-byte and ASCII cases inline).
        @inline(__always) func characterLength(_ i: Int) -> Int {
            let b0 = base[i]
            if b0 < 0x80 { return 1 }
            if b0 >= 0xE1 && b0 <= 0xEF && i + 2 < n && base[i + 1] & 0xC0 == 0x80 && base[i + 2] & 0xC0 == 0x80
                && !(b0 == 0xED && base[i + 1] >= 0xA0)
            {
                return 3
            }
            return max(UTF8Validation.sequenceLength(base, at: i, end: n), 1)
        }
        scratch.best.withUnsafeMutableBufferPointer { best in
            scratch.from.withUnsafeMutableBufferPointer { from in
                scratch.ids.withUnsafeMutableBufferPointer { bestID in
                    trie.withNodes { units, idScores, idFloatScores in
                        /// Offers the path through `id` (a piece, or -2 for an unknown character) from `i` to `end`.
                        @inline(__always) func offer(_ end: Int, _ candidate: Double, _ i: Int, _ id: Int32) {
                            if from[end] < 0 {
                                best[end] = candidate; from[end] = Int32(truncatingIfNeeded: i); bestID[end] = id
                            } else {
                                if trackGaps { minGap = min(minGap, abs(candidate - best[end])) }
                                if candidate > best[end] { best[end] = candidate; from[end] = Int32(truncatingIfNeeded: i); bestID[end] = id }
                            }
                        }
                        for k in 0...n { from[k] = -1 }
                        best[0] = 0
                        let root = UInt32(truncatingIfNeeded: units[0])
                        var i = 0
                        if n <= interleavedLength {
                            // The walks from every character start go down the trie together, one
                            // level per round, so their loads overlap; then the lattice takes each
                            // start's matches in the order a walk alone gives (shortest first).
                            let stride = trie.depth
                            scratch.walkStart.withUnsafeMutableBufferPointer { walkStart in
                                scratch.walkNode.withUnsafeMutableBufferPointer { walkNode in
                                    scratch.matches.withUnsafeMutableBufferPointer { matches in
                                        scratch.matchCount.withUnsafeMutableBufferPointer { matchCount in
                                            var active = 0
                                            var j = 0
                                            while j < n {
                                                walkStart[active] = Int32(truncatingIfNeeded: j); walkNode[active] = root
                                                matchCount[j] = 0
                                                active += 1
                                                j += characterLength(j)
                                            }
                                            var depth = 0
                                            while active > 0 {
                                                depth += 1
                                                var kept = 0
                                                for a in 0..<active {
                                                    let start = Int(walkStart[a])
                                                    let k = start + depth - 1
                                                    if k >= n { continue }
                                                    let c = base[k]
                                                    let t = PieceTrie.child(walkNode[a], c)
                                                    let next = units[t]
                                                    if !PieceTrie.isChild(next, c) { continue }
                                                    if PieceTrie.endsPiece(next) {
                                                        matches[start &* stride &+ Int(matchCount[start])] =
                                                            Int64(PieceTrie.pieceID(next)) << 16 | Int64(depth)
                                                        matchCount[start] &+= 1
                                                    }
                                                    walkStart[kept] = Int32(truncatingIfNeeded: start)
                                                    walkNode[kept] = UInt32(truncatingIfNeeded: next)
                                                    kept += 1
                                                }
                                                active = kept
                                            }
                                            while i < n {
                                                let here = best[i]
                                                let mblen = characterLength(i)
                                                var hasSingle = false
                                                for m in 0..<Int(matchCount[i]) {
                                                    let match = matches[i &* stride &+ m]
                                                    let id = Int(truncatingIfNeeded: match >> 16), length = Int(truncatingIfNeeded: match & 0xFFFF)
                                                    let s = floatScores ? Double(idFloatScores[id]) : idScores[id]
                                                    offer(i + length, float ? Double(Float(s) + Float(here)) : s + here, i, Int32(truncatingIfNeeded: id))
                                                    if length == mblen { hasSingle = true }
                                                }
                                                if !hasSingle {
                                                    offer(i + mblen, float ? Double(Float(unkScore) + Float(here)) : unkScore + here, i, -2)
                                                }
                                                i += mblen
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        while i < n {
                            let here = best[i]
                            let mblen = characterLength(i)
                            var hasSingle = false
                            // Every piece that starts at `i` (a walk down the trie).
                            var node = root
                            var k = i
                            while k < n {
                                let c = base[k]
                                let t = PieceTrie.child(node, c)
                                let next = units[t]
                                if !PieceTrie.isChild(next, c) { break }
                                k += 1
                                node = UInt32(truncatingIfNeeded: next)
                                if PieceTrie.endsPiece(next) {
                                    let id = Int(truncatingIfNeeded: PieceTrie.pieceID(next))
                                    let s = floatScores ? Double(idFloatScores[id]) : idScores[id]
                                    offer(k, float ? Double(Float(s) + Float(here)) : s + here, i, Int32(truncatingIfNeeded: id))
                                    if k - i == mblen { hasSingle = true }
                                }
                            }
                            if !hasSingle {
                                offer(i + mblen, float ? Double(Float(unkScore) + Float(here)) : unkScore + here, i, -2)
                            }
                            i += mblen
                        }
                    }
                }
            }
        }
        scratch.minGap = minGap
        scratch.pathScore = scratch.best[n]
        // Back from the end; consecutive unknown pieces are fused.
        scratch.path.removeAll(keepingCapacity: true)
        scratch.from.withUnsafeBufferPointer { from in
            scratch.ids.withUnsafeMutableBufferPointer { ids in
                var end = n
                while end > 0 {
                    let start = from[end]
                    if start < 0 { break }
                    let piece = ids[end]
                    let id = piece >= 0 ? piece : unknown
                    ids[end] = id
                    let isUnknown = id == unknown
                    if isUnknown, let last = scratch.path.last, last.2, Int(last.0) == end {
                        scratch.path[scratch.path.count - 1] = (start, last.1, true)
                    } else {
                        scratch.path.append((start, Int32(truncatingIfNeeded: end), isUnknown))
                    }
                    end = Int(start)
                }
            }
        }
        var known = 0
        for (_, _, isUnknown) in scratch.path where !isUnknown { known += 1 }
        if known == scratch.path.count {
            // No unknown run: the pieces go out as they are.
            out.reserveCapacity(out.count + known)
            scratch.ids.withUnsafeBufferPointer { ids in
                for k in stride(from: scratch.path.count - 1, through: 0, by: -1) {
                    let (start32, end32, _) = scratch.path[k]
                    out.append((UInt32(truncatingIfNeeded: ids[Int(end32)]), start32, end32))
                }
            }
            return
        }
        for (start32, end32, isUnknown) in scratch.path.reversed() {
            let start = Int(start32), end = Int(end32)
            if !isUnknown {
                out.append((UInt32(scratch.ids[end]), start32, end32))
                continue
            }
            // Hugging Face looks an unknown run up as a string first (so a typed `<unk>` is itself).
            if !self.floatSums, let id = vocabulary.id(bytes: base + start, count: end - start) {
                out.append((id, start32, end32))
                continue
            }
            if byteFallback {
                var ok = true
                for k in start..<end where byteIDs[Int(base[k])] == .max { ok = false; break }
                if ok {
                    for k in start..<end { out.append((byteIDs[Int(base[k])], start32, end32)) }
                    continue
                }
            }
            if let u = unknownID { out.append((UInt32(u), start32, end32)) }
        }
    }
}
