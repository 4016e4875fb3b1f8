import TextNormalization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The encoding state of a ``TokenizerSession``, as a value so its hot loop runs without the
/// dynamic exclusivity checks that a class's stored properties cost on every access.
struct EncoderCore {
    // MARK: Configuration (fixed at creation)

    let tokenizer: Tokenizer
    let bpe: BPEModel?
    let wordPiece: WordPieceModel?
    let preTokenizer: (any PreTokenizer)?
    let byteLevel: Bool
    let identityNormalizer: Bool
    let trimOffsets: Bool
    let trimKeepsPrefixSpace: Bool
    let addPrefixSpace: Bool
    /// Added tokens, matched whole in the input.
    let added: AddedTokenMatcher
    /// The general path, for tokenizers composed of `tokenizer.json` components.
    var general: PipelineEncoder?
    /// SentencePiece's own encoding, for tokenizers read from a `.model` file.
    var sentencePiece: SentencePieceEncoder?
    /// Whether `general` / `sentencePiece` is set, as plain flags: testing the optionals
    /// themselves against nil on every call copies the large structs out (a few percent of
    /// encoding time on short lines).
    let hasGeneral: Bool
    let hasSentencePiece: Bool
    /// The word cache is emptied when it holds this many words.
    static let cacheLimit = 1 << 19
    /// Words up to this many bytes are remembered in the cache.
    static let cachedWordBytes = 256

    // MARK: Working state (reused between calls)

    /// Word bytes → start << 24 | count of its tokens in `cacheIDs` / `cacheEnds`.
    var cache = ByteKeyTable(capacity: 1 << 14)
    var cacheIDs: [UInt32] = []
    /// Where each cached token ends, in bytes from the start of its word.
    var cacheEnds: [UInt32] = []
    /// How many of `cacheIDs` belong to cached words; those after are a long word's, dropped at
    /// the next miss.
    var cachedTokens = 0
    var bpeScratch = BPEModel.Scratch()
    var aligned: AlignedNormalizer
    var normalized: [UInt8] = []
    var normalizationScratch = NormalizationScratch()
    /// Source range (in the segment) of each normalized byte, when offsets are asked for.
    var starts: [Int32] = []
    var ends: [Int32] = []
    var pieces: [Range<Int>] = []
    var prefixed: [UInt8] = []
    /// Offsets of the current call as start, end pairs.
    var flatOffsets: [Int32] = []
    /// `ids.count` when the current text's own tokens began (for the first-token rule of trimming).
    var firstTokenIndex = 0
    /// Whether the current text goes on from text encoded before (a piece of a long line after
    /// the first): it gets no prefix space and its first token is not the line's first.
    var continuing = false

    init(_ tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
        switch tokenizer.model {
        case .bpe(let m): bpe = m; wordPiece = nil
        case .wordPiece(let m): bpe = nil; wordPiece = m
        case .unigram, .wordLevel: bpe = nil; wordPiece = nil
        }
        general = tokenizer.pipeline.flatMap {
            $0.encodesWithFastPath || $0.sentencePiece != nil ? nil : PipelineEncoder(tokenizer, pipeline: $0)
        }
        sentencePiece = tokenizer.pipeline?.sentencePiece.map { SentencePieceEncoder($0) }
        hasGeneral = general != nil
        hasSentencePiece = sentencePiece != nil
        preTokenizer = tokenizer.preTokenization.makePreTokenizer()
        byteLevel = tokenizer.preTokenization.isByteLevel
        if case .byteLevel(let trim, let keep, let add) = tokenizer.preTokenization {
            trimOffsets = trim; trimKeepsPrefixSpace = keep; addPrefixSpace = add
        } else {
            trimOffsets = false; trimKeepsPrefixSpace = false; addPrefixSpace = false
        }
        identityNormalizer = tokenizer.normalizer.isIdentity
        aligned = AlignedNormalizer(tokenizer.normalizer)
        added = AddedTokenMatcher(
            tokenizer.matchAddedTokens ? tokenizer.addedTokens.filter { !$0.content.isEmpty }.map { (Array($0.content.utf8), $0) } : [])
    }

    // MARK: Encoding

    /// Encodes valid UTF-8 `text`, appending ids.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32]) {
        run(text, addSpecialTokens: addSpecialTokens, ids: &ids, wantOffsets: false)
    }

    /// Encodes valid UTF-8 `text`, appending ids and each token's byte range in `text`.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32], offsets: inout [Range<Int>]) {
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
    mutating func encode(bytes: UnsafeBufferPointer<UInt8>, ids: inout [UInt32]) {
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
            let range = encodeWord(base + bad, 1)
            ids.append(contentsOf: cacheIDs[range])
            start = bad + 1
            guard let next = UTF8Validation.firstInvalidOffset(UnsafeBufferPointer(start: base + start, count: bytes.count - start)) else {
                break
            }
            bad = start + next
        }
        encode(UnsafeBufferPointer(start: base + start, count: bytes.count - start), addSpecialTokens: false, ids: &ids)
    }

    mutating func run(_ text: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, ids: inout [UInt32], wantOffsets: Bool) {
        if hasSentencePiece {
            if addSpecialTokens {
                for t in tokenizer.postProcessor.prefix {
                    ids.append(t.id)
                    if wantOffsets { flatOffsets.append(0); flatOffsets.append(0) }
                }
            }
            sentencePiece!.encode(text, ids: &ids, offsets: &flatOffsets, wantOffsets: wantOffsets)
            if addSpecialTokens {
                for t in tokenizer.postProcessor.suffix {
                    ids.append(t.id)
                    if wantOffsets { flatOffsets.append(0); flatOffsets.append(0) }
                }
            }
            return
        }
        if hasGeneral {
            if !wantOffsets {
                general!.encodeIDs(text, addSpecialTokens: addSpecialTokens, into: &ids)
                return
            }
            let encoding = general!.encode(text, addSpecialTokens: addSpecialTokens)
            ids.append(contentsOf: encoding.ids)
            for o in encoding.offsets { flatOffsets.append(Int32(o.lowerBound)); flatOffsets.append(Int32(o.upperBound)) }
            return
        }
        if addSpecialTokens {
            for t in tokenizer.postProcessor.prefix {
                ids.append(t.id)
                if wantOffsets { flatOffsets.append(0); flatOffsets.append(0) }
            }
        }
        firstTokenIndex = continuing ? -1 : ids.count
        if let base = text.baseAddress, !text.isEmpty {
            if added.isEmpty {
                encodeSegment(text, at: 0, ids: &ids, wantOffsets: wantOffsets)
            } else {
                let n = text.count
                var segmentStart = 0
                var i = 0
                while i < n {
                    if added.first[Int(base[i])], let (len, token) = added.longestMatch(base, at: i, n) {
                        // lstrip / rstrip: the match takes the whitespace around it.
                        var start = i, end = i + len
                        if token.leftStrip {
                            while start > segmentStart, let w = EncoderCore.whitespaceBefore(base, start, floor: segmentStart) {
                                start -= w
                            }
                        }
                        if token.rightStrip {
                            while end < n, let w = EncoderCore.whitespaceAt(base, end, n) { end += w }
                        }
                        encodeSegment(
                            UnsafeBufferPointer(start: base + segmentStart, count: start - segmentStart), at: segmentStart, ids: &ids,
                            wantOffsets: wantOffsets)
                        ids.append(token.id)
                        if wantOffsets { flatOffsets.append(Int32(start)); flatOffsets.append(Int32(end)) }
                        i = end
                        segmentStart = i
                    } else {
                        i += 1
                    }
                }
                encodeSegment(
                    UnsafeBufferPointer(start: base + segmentStart, count: n - segmentStart), at: segmentStart, ids: &ids,
                    wantOffsets: wantOffsets)
            }
        }
        if addSpecialTokens {
            for t in tokenizer.postProcessor.suffix {
                ids.append(t.id)
                if wantOffsets { flatOffsets.append(0); flatOffsets.append(0) }
            }
        }
    }

    /// The byte length of the whitespace character at `i`, or `nil` if it is not whitespace.
    static func whitespaceAt(_ base: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        let length = UTF8Validation.sequenceLength(base, at: i, end: n)
        guard length > 0 else { return nil }
        let scalar = length == 1 ? UInt32(base[i]) : UTF8Validation.decode(base, at: i, length: length)
        return CharacterClass.of(scalar).contains(.whitespace) ? length : nil
    }

    /// The byte length of the whitespace character that ends just before `i` (not before `floor`).
    static func whitespaceBefore(_ base: UnsafePointer<UInt8>, _ i: Int, floor: Int) -> Int? {
        var s = i - 1
        while s > floor && base[s] & 0xC0 == 0x80 { s -= 1 }
        guard let w = whitespaceAt(base, s, i), s + w == i else { return nil }
        return w
    }

    /// Normalizes, splits and encodes text that holds no added token; `origin` is its offset in the input.
    mutating func encodeSegment(_ segment: UnsafeBufferPointer<UInt8>, at origin: Int, ids: inout [UInt32], wantOffsets: Bool) {
        guard !segment.isEmpty else { return }
        if addPrefixSpace && !(continuing && origin == 0) {
            encodeWithPrefixSpace(segment, at: origin, ids: &ids, wantOffsets: wantOffsets)
        } else if identityNormalizer {
            process(segment, segment: segment, origin: origin, mapped: false, ids: &ids, wantOffsets: wantOffsets)
        } else if !wantOffsets {
            // Ids only: normalize the whole segment at once (no alignment to keep).
            normalized.removeAll(keepingCapacity: true)
            tokenizer.normalizer.normalize(segment, into: &normalized, scratch: &normalizationScratch)
            let text = normalized
            text.withUnsafeBufferPointer { process($0, segment: segment, origin: origin, mapped: false, ids: &ids, wantOffsets: false) }
        } else {
            normalized.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            aligned.normalize(segment, out: &normalized, starts: &starts, ends: &ends)
            let text = normalized
            text.withUnsafeBufferPointer {
                process($0, segment: segment, origin: origin, mapped: true, ids: &ids, wantOffsets: wantOffsets)
            }
        }
    }

    /// The `add_prefix_space` path: the normalized segment gets a space first unless it starts
    /// with one; the space takes the first character's source range (as Hugging Face aligns it).
    mutating func encodeWithPrefixSpace(_ segment: UnsafeBufferPointer<UInt8>, at origin: Int, ids: inout [UInt32], wantOffsets: Bool) {
        normalized.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        if wantOffsets && !identityNormalizer {
            aligned.normalize(segment, out: &normalized, starts: &starts, ends: &ends)
        } else if !identityNormalizer {
            tokenizer.normalizer.normalize(segment, into: &normalized, scratch: &normalizationScratch)
        } else {
            normalized.append(contentsOf: segment)
            if wantOffsets, let base = segment.baseAddress {
                // Each byte maps to the range of its character.
                var i = 0
                while i < segment.count {
                    let length = max(UTF8Validation.sequenceLength(base, at: i, end: segment.count), 1)
                    for _ in 0..<length { starts.append(Int32(i)); ends.append(Int32(i + length)) }
                    i += length
                }
            }
        }
        guard let first = normalized.first else { return }
        if first != 0x20 {
            normalized.insert(0x20, at: 0)
            if wantOffsets { starts.insert(starts[0], at: 0); ends.insert(ends[0], at: 0) }
        }
        let text = normalized
        text.withUnsafeBufferPointer { process($0, segment: segment, origin: origin, mapped: true, ids: &ids, wantOffsets: wantOffsets) }
    }

    mutating func process(
        _ text: UnsafeBufferPointer<UInt8>, segment: UnsafeBufferPointer<UInt8>, origin: Int, mapped: Bool,
        ids: inout [UInt32], wantOffsets: Bool
    ) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        pieces.removeAll(keepingCapacity: true)
        if let preTokenizer { preTokenizer.split(text, into: &pieces) } else { pieces.append(0..<text.count) }
        let segmentBase = segment.baseAddress!
        for k in 0..<pieces.count {
            let piece = pieces[k]
            let range = encodeWord(base + piece.lowerBound, piece.count)
            if range.count == 1 {
                ids.append(cacheIDs[range.lowerBound])
            } else {
                cacheIDs.withUnsafeBufferPointer { ids.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
            }
            guard wantOffsets else { continue }
            var previous = 0
            for t in range {
                let end = Int(cacheEnds[t])
                let s = piece.lowerBound + previous, e = piece.lowerBound + end
                previous = end
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
                    if lead > 0 {
                        let isFirst =
                            ids.count - range.count + (t - range.lowerBound) == firstTokenIndex || (!continuing && origin + os == 0)
                        if isFirst && trimKeepsPrefixSpace && lead == 1 { lead = 0 }
                        os = min(os + lead, oe)
                    }
                    if trail > 0 && oe >= trail { oe = max(oe - trail, os) }
                }
                flatOffsets.append(Int32(origin + os))
                flatOffsets.append(Int32(origin + oe))
            }
        }
    }

    /// Encodes one word through the cache; returns where its ids (and ends) lie in
    /// `cacheIDs`/`cacheEnds`. Words longer than 256 bytes are computed but not remembered.
    mutating func encodeWord(_ p: UnsafePointer<UInt8>, _ n: Int) -> Range<Int> {
        if let v = cache.find(p, n) {
            let start = Int(v >> 24)
            return start..<(start + Int(v & 0xFF_FFFF))
        }
        if cacheIDs.count > cachedTokens {
            // The tokens of the last long word (not cached) go now, so they never pile up; the
            // check lives here, on the miss path, not in the loop over every word.
            cacheIDs.removeSubrange(cachedTokens...)
            cacheEnds.removeSubrange(cachedTokens...)
        }
        if cache.count >= EncoderCore.cacheLimit || cacheIDs.count >= EncoderCore.cacheLimit * 8 {
            cache.removeAll()
            cacheIDs.removeAll(keepingCapacity: true)
            cacheEnds.removeAll(keepingCapacity: true)
            cachedTokens = 0
        }
        let start = cacheIDs.count
        let word = UnsafeBufferPointer(start: p, count: n)
        if let bpe {
            bpe.encodeWord(word, byteLevel: byteLevel, scratch: &bpeScratch, ids: &cacheIDs, ends: &cacheEnds)
        } else if let wordPiece {
            wordPiece.encodeWord(word, ids: &cacheIDs, ends: &cacheEnds)
        }
        if n <= EncoderCore.cachedWordBytes {
            cache.insert(p, n, UInt64(start) << 24 | UInt64(cacheIDs.count - start))
            cachedTokens = cacheIDs.count
        }
        return start..<cacheIDs.count
    }
}
