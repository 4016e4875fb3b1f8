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
    /// Every prefix of every piece → id + 1 when the prefix is a piece, 0 otherwise.
    let prefixes: ByteKeyTable
    let maxPieceBytes: Int
    let byteIDs: [UInt32]

    /// Creates a model; throws on a duplicate piece or an unknown id out of range.
    public init(pieces: [(String, Double)], unknownID: Int?, byteFallback: Bool = false, source: String = "Unigram model") throws {
        vocabulary = try Vocabulary(tokens: pieces.map(\.0), source: source)
        scores = pieces.map(\.1)
        if let u = unknownID, u < 0 || u >= pieces.count {
            throw TokenizerError.malformed(source: source, what: "unk_id \(u) is outside the vocabulary of \(pieces.count) pieces")
        }
        self.unknownID = unknownID
        self.byteFallback = byteFallback
        minScore = scores.min() ?? 0
        var table = ByteKeyTable(capacity: pieces.count * 4)
        var longest = 0
        for (id, (piece, _)) in pieces.enumerated() {
            let bytes = Array(piece.utf8)
            longest = max(longest, bytes.count)
            for k in 1...max(bytes.count, 1) where k <= bytes.count {
                let prefix = Array(bytes[0..<k])
                let isPiece = k == bytes.count
                let existing = table.find(prefix)
                if existing == nil {
                    table.insert(prefix, isPiece ? UInt64(id + 1) : 0)
                } else if isPiece && existing == 0 {
                    table.set(prefix, UInt64(id + 1))
                }
            }
        }
        prefixes = table
        maxPieceBytes = longest
        let v = vocabulary
        byteIDs = (0..<256).map { b in
            let hex = String(b, radix: 16, uppercase: true)
            return v.id(for: "<0x\(hex.count == 1 ? "0" + hex : hex)>") ?? .max
        }
    }

    /// The pieces with their scores.
    public var pieces: [(String, Double)] { Array(zip(vocabulary.tokens, scores)) }

    /// Encodes one piece of text, appending `(id, start, end)` byte ranges relative to it.
    func encode(_ word: UnsafeBufferPointer<UInt8>, into out: inout [(UInt32, Int32, Int32)]) {
        guard let base = word.baseAddress, !word.isEmpty else { return }
        let n = word.count
        let unkScore = minScore - 10
        var bestScore = [Double](repeating: 0, count: n + 1)
        var startsAt = [Int32](repeating: -1, count: n + 1)
        var bestID = [Int32](repeating: -1, count: n + 1)
        var i = 0
        while i < n {
            let here = bestScore[i]
            let mblen = max(UTF8Validation.sequenceLength(base, at: i, end: n), 1)
            var hasSingle = false
            var k = 1
            while k <= maxPieceBytes && i + k <= n {
                guard let v = prefixes.find(base + i, k) else { break }
                if v != 0 {
                    let id = Int(v - 1)
                    let candidate = scores[id] + here
                    let end = i + k
                    if startsAt[end] < 0 || candidate > bestScore[end] {
                        bestScore[end] = candidate; startsAt[end] = Int32(i); bestID[end] = Int32(id)
                    }
                    if k == mblen { hasSingle = true }
                }
                k += 1
            }
            if !hasSingle {
                let end = i + mblen
                let candidate = unkScore + here
                if startsAt[end] < 0 || candidate > bestScore[end] {
                    bestScore[end] = candidate; startsAt[end] = Int32(i); bestID[end] = Int32(unknownID ?? -2)
                }
            }
            i += mblen
        }
        // Back from the end; consecutive unknown pieces are fused.
        var pieces: [(Int, Int, Bool)] = []  // start, end, unknown
        var end = n
        while end > 0 {
            let start = Int(startsAt[end])
            if start < 0 { break }
            let unknown = unknownID != nil && Int(bestID[end]) == unknownID! || bestID[end] == -2
            if unknown, let last = pieces.last, last.2, last.0 == end {
                pieces[pieces.count - 1] = (start, last.1, true)
            } else {
                pieces.append((start, end, unknown))
            }
            end = start
        }
        for (start, end, _) in pieces.reversed() {
            if let id = vocabulary.id(bytes: base + start, count: end - start) {
                out.append((id, Int32(start), Int32(end)))
                continue
            }
            if byteFallback {
                var ok = true
                for k in start..<end where byteIDs[Int(base[k])] == .max { ok = false; break }
                if ok {
                    for k in start..<end { out.append((byteIDs[Int(base[k])], Int32(start), Int32(end))) }
                    continue
                }
            }
            if let u = unknownID { out.append((UInt32(u), Int32(start), Int32(end))) }
        }
    }
}
