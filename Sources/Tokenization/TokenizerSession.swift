#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tokenizer's per-thread working state: a word → tokens cache and reusable buffers.
///
/// Not thread-safe: give each thread its own session. Ids and offsets are appended to the
/// caller's arrays, so a caller can reuse them too.
///
/// ```swift
/// let session = TokenizerSession(tokenizer)
/// var ids: [UInt32] = [], offsets: [Range<Int>] = []
/// line.withUTF8 { session.encode($0, addSpecialTokens: false, ids: &ids, offsets: &offsets) }
/// ```
public final class TokenizerSession {
    // MARK: State

    /// The tokenizer.
    public let tokenizer: Tokenizer
    private let preTokenizer: (any PreTokenizer)?
    private let byteLevel: Bool
    private let trimOffsets: Bool
    private let identityNormalizer: Bool
    private var aligned: AlignedNormalizer
    private var bpeScratch = BPEModel.Scratch()
    private var cache = ByteKeyTable(capacity: 1 << 14)
    private var cacheIDs: [UInt32] = []
    private var cacheEnds: [UInt32] = []
    private var normalized: [UInt8] = []
    private var starts: [Int32] = []
    private var ends: [Int32] = []
    private var pieces: [Range<Int>] = []
    private var wordIDs: [UInt32] = []
    private var wordEnds: [UInt32] = []
    private var flatOffsets: [Int32] = []
    private let addedFirstByte: [Bool]
    private let addedPatterns: [(bytes: [UInt8], id: UInt32)]
    private static let cacheLimit = 1 << 19

    /// Creates a session for `tokenizer`.
    public init(_ tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        preTokenizer = tokenizer.preTokenization.makePreTokenizer()
        byteLevel = tokenizer.preTokenization.isByteLevel
        if case .byteLevel(let trim) = tokenizer.preTokenization { trimOffsets = trim } else { trimOffsets = false }
        identityNormalizer = tokenizer.normalizer.isIdentity
        aligned = AlignedNormalizer(tokenizer.normalizer)
        var first = [Bool](repeating: false, count: 256)
        var patterns: [(bytes: [UInt8], id: UInt32)] = []
        if tokenizer.matchAddedTokens {
            for t in tokenizer.addedTokens where !t.content.isEmpty {
                let bytes = Array(t.content.utf8)
                first[Int(bytes[0])] = true
                patterns.append((bytes, t.id))
            }
        }
        patterns.sort { $0.bytes.count > $1.bytes.count }   // longest match first
        addedFirstByte = first
        addedPatterns = patterns
    }

    // MARK: Encoding

    /// Encodes valid UTF-8 `text`, appending ids.
    public func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32]) {
        run(text, addSpecialTokens: addSpecialTokens, ids: &ids, wantOffsets: false)
    }

    /// Encodes valid UTF-8 `text`, appending ids and each token's byte range in `text`.
    public func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32], offsets: inout [Range<Int>]) {
        flatOffsets.removeAll(keepingCapacity: true)
        run(text, addSpecialTokens: addSpecialTokens, ids: &ids, wantOffsets: true)
        var k = 0
        while k < flatOffsets.count {
            offsets.append(Int(flatOffsets[k])..<Int(flatOffsets[k + 1]))
            k += 2
        }
    }

    /// Encodes arbitrary bytes. Invalid UTF-8 bytes become words of their own for byte-level
    /// models (so decoding gives the bytes back) and U+FFFD otherwise.
    public func encode(bytes: UnsafeBufferPointer<UInt8>, ids: inout [UInt32]) {
        guard var bad = UTF8Validation.firstInvalidOffset(bytes) else {
            encode(bytes, addSpecialTokens: false, ids: &ids)
            return
        }
        guard byteLevel, let base = bytes.baseAddress else {
            var fixed: [UInt8] = []
            UTF8Validation.appendReplacingInvalid(bytes, to: &fixed)
            fixed.withUnsafeBufferPointer { encode($0, addSpecialTokens: false, ids: &ids) }
            return
        }
        var start = 0
        while true {
            encode(UnsafeBufferPointer(start: base + start, count: bad - start), addSpecialTokens: false, ids: &ids)
            encodeWord(UnsafeBufferPointer(start: base + bad, count: 1))
            ids.append(contentsOf: wordIDs)
            start = bad + 1
            guard let next = UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(start: base + start, count: bytes.count - start)) else { break }
            bad = start + next
        }
        encode(UnsafeBufferPointer(start: base + start, count: bytes.count - start), addSpecialTokens: false, ids: &ids)
    }

    private func run(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32], wantOffsets: Bool) {
        if addSpecialTokens {
            for t in tokenizer.postProcessor.prefix {
                ids.append(t.id)
                if wantOffsets { flatOffsets.append(0); flatOffsets.append(0) }
            }
        }
        if let base = text.baseAddress, !text.isEmpty {
            if addedPatterns.isEmpty {
                encodeSegment(text, at: 0, ids: &ids, wantOffsets: wantOffsets)
            } else {
                let n = text.count
                var segmentStart = 0
                var i = 0
                while i < n {
                    if addedFirstByte[Int(base[i])], let (len, id) = matchAdded(base + i, n - i) {
                        encodeSegment(UnsafeBufferPointer(start: base + segmentStart, count: i - segmentStart), at: segmentStart, ids: &ids, wantOffsets: wantOffsets)
                        ids.append(id)
                        if wantOffsets { flatOffsets.append(Int32(i)); flatOffsets.append(Int32(i + len)) }
                        i += len
                        segmentStart = i
                    } else {
                        i += 1
                    }
                }
                encodeSegment(UnsafeBufferPointer(start: base + segmentStart, count: n - segmentStart), at: segmentStart, ids: &ids, wantOffsets: wantOffsets)
            }
        }
        if addSpecialTokens {
            for t in tokenizer.postProcessor.suffix {
                ids.append(t.id)
                if wantOffsets { flatOffsets.append(0); flatOffsets.append(0) }
            }
        }
    }

    private func matchAdded(_ p: UnsafePointer<UInt8>, _ available: Int) -> (Int, UInt32)? {
        for (bytes, id) in addedPatterns where bytes.count <= available {
            if bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, bytes.count) == 0 }) { return (bytes.count, id) }
        }
        return nil
    }

    /// Normalizes, splits and encodes text that holds no added token; `origin` is its offset in the input.
    private func encodeSegment(_ segment: UnsafeBufferPointer<UInt8>, at origin: Int, ids: inout [UInt32], wantOffsets: Bool) {
        guard !segment.isEmpty else { return }
        if identityNormalizer {
            process(segment, segment: segment, origin: origin, mapped: false, ids: &ids, wantOffsets: wantOffsets)
        } else {
            normalized.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            aligned.normalize(segment, out: &normalized, starts: &starts, ends: &ends)
            let text = normalized
            text.withUnsafeBufferPointer { process($0, segment: segment, origin: origin, mapped: true, ids: &ids, wantOffsets: wantOffsets) }
        }
    }

    private func process(_ text: UnsafeBufferPointer<UInt8>, segment: UnsafeBufferPointer<UInt8>, origin: Int, mapped: Bool,
                         ids: inout [UInt32], wantOffsets: Bool) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        pieces.removeAll(keepingCapacity: true)
        if let preTokenizer { preTokenizer.split(text, into: &pieces) } else { pieces.append(0..<text.count) }
        let segmentBase = segment.baseAddress!
        for piece in pieces {
            encodeWord(UnsafeBufferPointer(start: base + piece.lowerBound, count: piece.count))
            ids.append(contentsOf: wordIDs)
            guard wantOffsets else { continue }
            var previous = 0
            for k in 0..<wordEnds.count {
                let s = piece.lowerBound + previous, e = piece.lowerBound + Int(wordEnds[k])
                previous = Int(wordEnds[k])
                var os: Int, oe: Int
                if mapped {
                    if e > s { os = Int(starts[s]); oe = Int(ends[e - 1]) } else { os = Int(starts[min(s, starts.count - 1)]); oe = os }
                } else {
                    os = s; oe = e
                    if byteLevel {
                        // A token holding part of a character covers the whole character.
                        while os > 0 && segmentBase[os] & 0xC0 == 0x80 { os -= 1 }
                        while oe < segment.count && segmentBase[oe] & 0xC0 == 0x80 { oe += 1 }
                    }
                }
                if trimOffsets {
                    var lead = 0, trail = 0
                    while s + lead < e && base[s + lead] == 0x20 { lead += 1 }
                    while e - trail > s && base[e - 1 - trail] == 0x20 { trail += 1 }
                    if lead > 0 { os = min(os + lead, oe) }
                    if trail > 0 && oe >= trail { oe = max(oe - trail, os) }
                }
                flatOffsets.append(Int32(origin + os))
                flatOffsets.append(Int32(origin + oe))
            }
        }
    }

    /// Encodes one word into `wordIDs`/`wordEnds`, through the cache.
    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>) {
        wordIDs.removeAll(keepingCapacity: true)
        wordEnds.removeAll(keepingCapacity: true)
        let p = word.baseAddress!, n = word.count
        if let v = cache.find(p, n) {
            let start = Int(v >> 24), count = Int(v & 0xFF_FFFF)
            wordIDs.append(contentsOf: cacheIDs[start..<(start + count)])
            wordEnds.append(contentsOf: cacheEnds[start..<(start + count)])
            return
        }
        switch tokenizer.model {
        case .bpe(let model): model.encodeWord(word, byteLevel: byteLevel, scratch: &bpeScratch, ids: &wordIDs, ends: &wordEnds)
        case .wordPiece(let model): model.encodeWord(word, ids: &wordIDs, ends: &wordEnds)
        }
        guard n <= 256 else { return }
        if cache.count >= TokenizerSession.cacheLimit {
            cache.removeAll()
            cacheIDs.removeAll(keepingCapacity: true)
            cacheEnds.removeAll(keepingCapacity: true)
        }
        cache.insert(p, n, UInt64(cacheIDs.count) << 24 | UInt64(wordIDs.count))
        cacheIDs.append(contentsOf: wordIDs)
        cacheEnds.append(contentsOf: wordEnds)
    }
}
