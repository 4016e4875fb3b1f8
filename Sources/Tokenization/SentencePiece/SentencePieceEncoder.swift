/// The per-session state of a ``SentencePieceCodec``: normalization buffers, the model's
/// scratch, and a cache from each cut part of the normalized text to its tokens.
struct SentencePieceEncoder {
    let codec: SentencePieceCodec
    /// The codec's model, taken out of its enum once.
    let unigram: UnigramModel?
    let bpe: SentencePieceBPE?
    var normalized: [UInt8] = []
    var starts: [Int32] = []
    var ends: [Int32] = []
    /// Part bytes → tokens, with each part's `float` risk and score magnitude (Unigram).
    var cache = PartCache()
    var unigramScratch = UnigramModel.Scratch()
    var bpeScratch = SentencePieceBPE.Scratch()
    var tokens: [(UInt32, Int32, Int32)] = []
    /// Over the parts of the current text: the smallest score gap a part's lattice compared,
    /// divided by 2 × (its characters + 1), and the sum of the magnitudes of the parts' scores.
    var lineRisk = Double.infinity
    var lineMagnitude = 0.0
    /// The current text's part boundaries, and each part's cache entry (or -1).
    var bounds: [Int32] = []
    var found: [Int32] = []
    var lookupScratch: [UInt64] = []
    /// The ids of the current text before they go to the caller's array (ids-only path).
    var idBuffer: [UInt32] = []
    /// The ids-only path's parts as a start and an end each; an uncovered run's start is stored
    /// as `-(start + 1)` (``SentencePieceCodec/cutsAtUncovered``).
    var ranges: [Int32] = []
    /// The runs of uncovered characters the normalizer reported, a start and an end each.
    var runs: [Int32] = []
    /// The ids-only path's parts to look up when it cuts around uncovered runs, a start and an end each.
    var lookupRanges: [Int32] = []

    /// Uncovered runs (``SentencePieceCodec/cutsAtUncovered``) are their bytes' ids (byte
    /// fallback), or one unknown id that fuses with an unknown id next to it (`runUnknownID`,
    /// nil otherwise); each of their characters adds `unknownMagnitude` to the path score's.
    let runsSpellBytes: Bool
    let runUnknownID: UInt32?
    let unknownMagnitude: Double
    let byteIDs: [UInt32]
    /// The codec's ``SentencePieceCodec/runCharacters`` (empty unless it cuts around uncovered characters).
    let runCharacters: [UInt64]
    /// The model's ``UnigramModel/asciiPairCuts`` when the codec cuts before spaces, else empty.
    let asciiPairCuts: [UInt64]
    /// A cut part's pieces (``encodePart``): their ends, and the tokens of one.
    var pieceEnds: [Int] = []
    var pieceTokens: [(UInt32, Int32, Int32)] = []
    /// The tokens of `▁` alone, with its risk and score magnitude (as ``encodePart`` finds them),
    /// for the parts that are `▁` before an uncovered run.
    let spaceIDs: [UInt32]
    let spaceRisk: Double
    let spaceMagnitude: Double

    init(_ codec: SentencePieceCodec) {
        self.codec = codec
        switch codec.model {
        case .unigram(let m): unigram = m; bpe = nil
        case .bpe(let m): unigram = nil; bpe = m
        }
        runsSpellBytes = unigram?.byteFallback ?? false
        runUnknownID = codec.cutsAtUncovered && !runsSpellBytes ? unigram?.unknownID.flatMap { UInt32(exactly: $0) } : nil
        unknownMagnitude = unigram.map { abs(Double(Float($0.minScore) - 10)) } ?? 0
        byteIDs = unigram?.byteIDs ?? []
        runCharacters = codec.runCharacters
        asciiPairCuts = codec.cutsBeforeSpaces ? unigram?.asciiPairCuts ?? [] : []
        var spaceTokens: [(UInt32, Int32, Int32)] = []
        var scratch = UnigramModel.Scratch()
        if codec.cutsAtUncovered, let m = unigram {
            let space: [UInt8] = [0xE2, 0x96, 0x81]
            space.withUnsafeBufferPointer { m.encode($0, scratch: &scratch, into: &spaceTokens, floatSums: false, trackGaps: true) }
        }
        spaceIDs = spaceTokens.map(\.0)
        spaceRisk = scratch.minGap / 4
        spaceMagnitude = abs(scratch.pathScore)
    }

    /// Encodes `text`, appending ids and (when `wantOffsets`) each token's input byte range as two values.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool) {
        if !wantOffsets {
            encodeIDs(text, ids: &ids)
            return
        }
        normalized.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        codec.normalizer.normalize(text, into: &normalized, starts: &starts, ends: &ends, wantOffsets: wantOffsets)
        let n = normalized.count
        guard n > 0 else { return }
        let cuts = codec.cutsBeforeSpaces
        let idsStart = ids.count, offsetsStart = offsets.count
        lineRisk = .infinity
        lineMagnitude = 0
        // Local copy: the closure below must not capture `self` while `self` is mutated.
        let buffer = normalized
        buffer.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            // The parts (``MetaspaceCuts``).
            bounds.removeAll(keepingCapacity: true)
            bounds.append(0)
            if cuts { MetaspaceCuts.forEach(base, n) { bounds.append(Int32($0)) } }
            bounds.append(Int32(n))
            let parts = bounds.count - 1
            bounds.withUnsafeBufferPointer {
                cache.findAll(base, parts: $0.baseAddress!, stride: 1, count: parts, scratch: &lookupScratch, into: &found)
            }
            let generation = cache.generation
            for k in 0..<parts {
                let start = Int(bounds[k]), count = Int(bounds[k + 1]) - start
                // (An insert that emptied the cache voids the places found for this text.)
                if found[k] >= 0 && cache.generation != generation { found[k] = -1 }
                let e = found[k]
                if e >= 0 {
                    emitCached(cache.entry(at: Int(e), keyLength: count), at: start, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
                } else {
                    encodePart(base + start, count, at: start, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
                }
            }
        }
        guard cuts, let model = unigram else { return }
        // Could `float` sums along the whole text decide a comparison differently? Each compared
        // score is off by at most half an ulp of the text's score per addition: a part is at
        // risk when its gap ≤ 2 × (characters + 1) × ulp (the margin covers the roundings of
        // the stored risks and of the sum of magnitudes, a bound of the text's score).
        let ulp = (lineMagnitude + 1) * 0x1p-23
        guard lineRisk <= ulp * (1 + 0x1p-20) else { return }
        ids.removeSubrange(idsStart...)
        if wantOffsets { offsets.removeSubrange(offsetsStart...) }
        tokens.removeAll(keepingCapacity: true)
        buffer.withUnsafeBufferPointer { model.encode($0, scratch: &unigramScratch, into: &tokens, floatSums: true) }
        for t in tokens { emit(t, at: 0, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets) }
    }

    /// Appends a cached part's tokens (with offsets when asked) and notes its risk and score
    /// magnitude (Unigram) — the cache-hit path of both the batched lookup and ``encodePart``.
    @inline(__always)
    mutating func emitCached(
        _ entry: PartCache.Entry, at offset: Int, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool
    ) {
        if wantOffsets {
            for k in 0..<entry.count { emit(cache.token(entry, k), at: offset, ids: &ids, offsets: &offsets, wantOffsets: true) }
        } else {
            cache.appendIDs(entry, to: &ids)
        }
        lineRisk = min(lineRisk, Double(entry.risk))
        lineMagnitude += Double(entry.magnitude)
    }

    /// Encodes one part (through the cache), noting its risk and score magnitude (Unigram).
    /// `hash`, when given, is the part's ``PartCache/hash(_:_:)``.
    mutating func encodePart(
        _ p: UnsafePointer<UInt8>, _ count: Int, at offset: Int, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool,
        hash known: UInt64? = nil
    ) {
        // (The part may have been stored since it was looked up: the same word earlier in the text.)
        let hash = known ?? PartCache.hash(p, count)
        if let entry = cache.find(p, count, hash: hash) {
            emitCached(entry, at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
            return
        }
        tokens.removeAll(keepingCapacity: true)
        let word = UnsafeBufferPointer(start: p, count: count)
        var risk = Double.infinity, magnitude = 0.0
        if let m = unigram {
            let tracks = codec.cutsBeforeSpaces
            if tracks && count > 1 && findPairCuts(p, count) {
                // Pieces no path crosses (``UnigramModel/asciiPairCuts``), each through the cache.
                var start = 0
                let ends = pieceEnds
                for end in ends {
                    let q = p + start, n = end - start
                    let h = PartCache.hash(q, n)
                    if let entry = cache.find(q, n, hash: h) {
                        for k in 0..<entry.count {
                            let (id, s, e) = cache.token(entry, k)
                            tokens.append((id, s + Int32(start), e + Int32(start)))
                        }
                        risk = min(risk, Double(entry.risk))
                        magnitude += Double(entry.magnitude)
                    } else {
                        pieceTokens.removeAll(keepingCapacity: true)
                        let (r, s) = Self.encodeTracked(m, q, n, scratch: &unigramScratch, into: &pieceTokens)
                        for (id, a, b) in pieceTokens { tokens.append((id, a + Int32(start), b + Int32(start))) }
                        risk = min(risk, r)
                        magnitude += s
                        cache.insert(q, n, hash: h, tokens: pieceTokens, risk: r, magnitude: s)
                    }
                    start = end
                }
            } else if tracks {
                (risk, magnitude) = Self.encodeTracked(m, p, count, scratch: &unigramScratch, into: &tokens)
            } else {
                m.encode(word, scratch: &unigramScratch, into: &tokens, floatSums: true)
            }
        } else if let m = bpe {
            m.encode(word, scratch: &bpeScratch, into: &tokens)
        }
        for t in tokens { emit(t, at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets) }
        lineRisk = min(lineRisk, risk)
        lineMagnitude += magnitude
        cache.insert(p, count, hash: hash, tokens: tokens, risk: risk, magnitude: magnitude)
    }

    /// Encodes the `count` bytes at `p` with `model` in `double`, appending their tokens;
    /// returns the part's `float` risk (its smallest compared gap over 2 × (characters + 1))
    /// and the magnitude of its path score.
    static func encodeTracked(
        _ model: UnigramModel, _ p: UnsafePointer<UInt8>, _ count: Int, scratch: inout UnigramModel.Scratch,
        into out: inout [(UInt32, Int32, Int32)]
    ) -> (Double, Double) {
        model.encode(UnsafeBufferPointer(start: p, count: count), scratch: &scratch, into: &out, floatSums: false, trackGaps: true)
        var characters = 0
        for k in 0..<count where p[k] & 0xC0 != 0x80 { characters += 1 }
        return (scratch.minGap / (2 * Double(characters + 1)), abs(scratch.pathScore))
    }

    /// Whether the `count` bytes at `p` hold a pair of ASCII characters that no path crosses
    /// (``UnigramModel/asciiPairCuts``); if so, `pieceEnds` gets the end of each piece between
    /// such pairs (the last one `count`).
    mutating func findPairCuts(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard !asciiPairCuts.isEmpty else { return false }
        // Most parts have no such pair: `pieceEnds` is taken and emptied only at the first.
        var ends: [Int] = []
        var found = false
        asciiPairCuts.withUnsafeBufferPointer { pairs in
            for k in 1..<count {
                let a = p[k - 1], b = p[k]
                guard a | b < 0x80 && pairs[Int(a) << 1 | Int(b) >> 6] >> UInt64(b & 63) & 1 != 0 else { continue }
                if !found {
                    swap(&ends, &pieceEnds)
                    ends.removeAll(keepingCapacity: true)
                    found = true
                }
                ends.append(k)
            }
        }
        guard found else { return false }
        ends.append(count)
        swap(&ends, &pieceEnds)
        return true
    }

    /// Encodes `text`, appending ids only: the normalizer writes into buffers sized ahead and
    /// notes the cuts as it goes; each part's ids come from the cache (looked up for all parts
    /// of the text together) or from the model, and reach `ids` in one append.
    mutating func encodeIDs(_ text: UnsafeBufferPointer<UInt8>, ids: inout [UInt32]) {
        let n = text.count
        guard n > 0 else { return }
        // The buffers leave `self` while they are written (the part encoder below mutates `self`).
        var out: [UInt8] = []
        var bounds: [Int32] = []
        var idOut: [UInt32] = []
        var items: [Int32] = []
        var uncovered: [Int32] = []
        var lookups: [Int32] = []
        swap(&out, &normalized)
        swap(&bounds, &self.bounds)
        swap(&idOut, &idBuffer)
        swap(&items, &ranges)
        swap(&uncovered, &runs)
        swap(&lookups, &lookupRanges)
        defer {
            swap(&out, &normalized)
            swap(&bounds, &self.bounds)
            swap(&idOut, &idBuffer)
            swap(&items, &ranges)
            swap(&uncovered, &runs)
            swap(&lookups, &lookupRanges)
        }
        let cutting = codec.cutsBeforeSpaces
        let cutsAtUncovered = codec.cutsAtUncovered
        var capacity = 3 * n + 16
        var length = -1
        var cutCount = 0
        var runCount = 0
        var uncoveredCount = 0
        while true {
            if out.count < capacity { out = [UInt8](repeating: 0, count: capacity) }
            if bounds.count < capacity / 3 + 3 { bounds = [Int32](repeating: 0, count: capacity / 3 + 3) }
            if cutsAtUncovered && uncovered.count < capacity { uncovered = [Int32](repeating: 0, count: capacity) }
            length = out.withUnsafeMutableBufferPointer { o in
                bounds.withUnsafeMutableBufferPointer { b in
                    uncovered.withUnsafeMutableBufferPointer { u in
                        self.runCharacters.withUnsafeBufferPointer { bits in
                            codec.normalizer.normalize(
                                text, into: o.baseAddress!, capacity: o.count, cuts: b.baseAddress! + 1, cutCount: &cutCount, cutting: cutting,
                                runs: cutsAtUncovered ? (bits.baseAddress!, u.baseAddress!) : nil, runCount: &runCount,
                                runCharacters: &uncoveredCount)
                        }
                    }
                }
            }
            if length >= 0 { break }
            capacity = 2 * max(capacity, out.count)
        }
        guard length > 0 else { return }
        bounds[0] = 0
        bounds[cutCount + 1] = Int32(length)
        let parts = cutCount + 1
        if idOut.count < length + 16 { idOut = [UInt32](repeating: 0, count: max(length + 16, 2 * idOut.count)) }
        let idsStart = ids.count
        lineRisk = .infinity
        // (Each uncovered character is an unknown piece of the path.)
        lineMagnitude = Double(uncoveredCount) * unknownMagnitude
        let spellsBytes = runsSpellBytes, unknownID = runUnknownID
        out.withUnsafeBufferPointer { ob in
            let base = ob.baseAddress!
            // With uncovered runs the parts are cut around them (`items`, a start and an end
            // each); else the parts are between consecutive `bounds`.
            var itemCount = parts, lookupCount = parts
            if runCount > 0 {
                (itemCount, lookupCount) = Self.cut(
                    base, bounds: bounds, parts: parts, runs: uncovered, runCount: runCount, into: &items, lookups: &lookups)
            }
            items.withUnsafeBufferPointer { ib in bounds.withUnsafeBufferPointer { bb in lookups.withUnsafeBufferPointer { lb in
                // (With runs, `cut` sized `items` and `lookups`; `bounds` holds at least two values.)
                let withRuns = runCount > 0
                let tb = withRuns ? ib : bb
                let stride = withRuns ? 2 : 1
                cache.findAll(
                    base, parts: withRuns ? lb.baseAddress! : bb.baseAddress!, stride: stride, count: lookupCount,
                    scratch: &lookupScratch, into: &found)
                let generation = cache.generation
                idOut.withUnsafeMutableBufferPointer { iob in
                    let idBase = iob.baseAddress!
                    let room = iob.count
                    var w = 0
                    /// Whether the last id out is an unknown id that a following unknown one fuses with.
                    var afterUnknown = false
                    /// Appends the ids of the `count` parts at `p` (`stride` 1: between consecutive
                    /// values; 2: a start and an end each, with uncovered runs).
                    /// Sends the ids so far to `ids` when `n` more would not fit in the buffer.
                    @inline(__always) func makeRoom(_ n: Int) {
                        if w + n > room {
                            ids.append(contentsOf: UnsafeBufferPointer(start: idBase, count: w))
                            w = 0
                        }
                    }
                    @inline(__always) func emitParts(_ p: UnsafePointer<Int32>, _ stride: Int, _ count: Int, withRuns: Bool) {
                        /// The next part looked up (parts looked up are in order, runs left out).
                        var j = 0
                        for k in 0..<count {
                            let rawStart = Int(p[stride &* k]), end = Int(p[stride &* k &+ 1])
                            if withRuns && rawStart < 0 {
                                let start = -rawStart - 1
                                if end < 0 {
                                    // `▁` alone before a run: its tokens are known.
                                    let n = spaceIDs.count
                                    makeRoom(n)
                                    var first = 0
                                    if afterUnknown && n > 0 && spaceIDs[0] == unknownID { first = 1 }
                                    for t in first..<n { idBase[w] = spaceIDs[t]; w += 1 }
                                    if n > 0 { afterUnknown = spaceIDs[n - 1] == unknownID }
                                    lineRisk = min(lineRisk, spaceRisk)
                                    lineMagnitude += spaceMagnitude
                                    continue
                                }
                                // A run of characters no piece contains: an unknown piece each.
                                if spellsBytes {
                                    makeRoom(end - start)
                                    byteIDs.withUnsafeBufferPointer { bytes in
                                        for b in start..<end { idBase[w] = bytes[Int(base[b])]; w += 1 }
                                    }
                                } else if let u = unknownID, !afterUnknown {
                                    makeRoom(1)
                                    idBase[w] = u
                                    w += 1
                                    afterUnknown = true
                                }
                                continue
                            }
                            let start = rawStart, count = end - start
                            let looked = withRuns ? j : k
                            j += 1
                            // (An insert that emptied the cache voids the places found for this text.)
                            let e = cache.generation == generation ? found[looked] : -1
                            if e >= 0 {
                                let entry = cache.entry(at: Int(e), keyLength: count)
                                makeRoom(entry.count)
                                cache.copyIDs(entry, to: idBase + w)
                                if withRuns && entry.count > 0 {
                                    let last = idBase[w + entry.count - 1]
                                    // An unknown id first fuses with the unknown run before it.
                                    if afterUnknown && idBase[w] == unknownID {
                                        for t in 1..<entry.count { idBase[w + t - 1] = idBase[w + t] }
                                        w -= 1
                                    }
                                    afterUnknown = last == unknownID
                                }
                                w += entry.count
                                lineRisk = min(lineRisk, Double(entry.risk))
                                lineMagnitude += Double(entry.magnitude)
                            } else {
                                ids.append(contentsOf: UnsafeBufferPointer(start: idBase, count: w))
                                w = 0
                                var none: [Int32] = []
                                let before = ids.count
                                // (`findAll` left each part's hash in the scratch.)
                                encodePart(
                                    base + start, count, at: start, ids: &ids, offsets: &none, wantOffsets: false, hash: lookupScratch[2 * looked])
                                if withRuns {
                                    if afterUnknown && ids.count > before && ids[before] == unknownID { ids.remove(at: before) }
                                    // (An unknown id that fused keeps the last id out unknown.)
                                    if ids.count > before { afterUnknown = ids[ids.count - 1] == unknownID }
                                }
                            }
                        }
                    }
                    if withRuns {
                        emitParts(tb.baseAddress!, 2, itemCount, withRuns: true)
                    } else {
                        emitParts(tb.baseAddress!, 1, itemCount, withRuns: false)
                    }
                    ids.append(contentsOf: UnsafeBufferPointer(start: idBase, count: w))
                }
            } } }
        }
        // As in ``encode(_:ids:offsets:wantOffsets:)``: a text whose parts could be decided
        // differently by `float` sums along the whole text is encoded again whole in `float`.
        // (The model is bound only then: binding it copies the struct, a retain per array.)
        let ulp = (lineMagnitude + 1) * 0x1p-23
        guard cutting, lineRisk <= ulp * (1 + 0x1p-20), let model = unigram else { return }
        ids.removeSubrange(idsStart...)
        tokens.removeAll(keepingCapacity: true)
        out.withUnsafeBufferPointer {
            model.encode(UnsafeBufferPointer(rebasing: $0[0..<length]), scratch: &unigramScratch, into: &tokens, floatSums: true)
        }
        for t in tokens { ids.append(t.0) }
    }

    /// Writes the parts between consecutive `bounds` (`parts` of them) of the text at `base` to
    /// `ranges` as a start and an end each, cut further around the `runCount` runs of uncovered
    /// characters in `runs` (a start and an end each, in order, none crossing a bound), which are
    /// given as `-(start + 1)`, end; a part that is `▁` alone before a run is given as
    /// `-(start + 1)`, `-end`. The other parts (to look up) are also written to `lookups`.
    /// Returns how many ranges and lookups there are.
    static func cut(
        _ base: UnsafePointer<UInt8>, bounds: [Int32], parts: Int, runs: [Int32], runCount: Int, into ranges: inout [Int32],
        lookups: inout [Int32]
    ) -> (Int, Int) {
        let most = parts + 2 * runCount
        if ranges.count < 2 * most { ranges = [Int32](repeating: 0, count: max(2 * most, 2 * ranges.count)) }
        if lookups.count < 2 * most { lookups = [Int32](repeating: 0, count: max(2 * most, 2 * lookups.count)) }
        return ranges.withUnsafeMutableBufferPointer { out in
            lookups.withUnsafeMutableBufferPointer { look in
                bounds.withUnsafeBufferPointer { b in
                    runs.withUnsafeBufferPointer { u in
                        var count = 0, looked = 0
                        var r = 0
                        @inline(__always) func part(_ from: Int32, _ to: Int32) {
                            out[2 * count] = from
                            out[2 * count + 1] = to
                            count += 1
                            look[2 * looked] = from
                            look[2 * looked + 1] = to
                            looked += 1
                        }
                        for k in 0..<parts {
                            var from = b[k]
                            let end = b[k + 1]
                            while r < runCount && u[2 * r] < end {
                                let start = u[2 * r], stop = u[2 * r + 1]
                                if start > from {
                                    let f = Int(from)
                                    if start - from == 3 && base[f] == 0xE2 && base[f + 1] == 0x96 && base[f + 2] == 0x81 {
                                        out[2 * count] = -(from + 1)
                                        out[2 * count + 1] = -start
                                        count += 1
                                    } else {
                                        part(from, start)
                                    }
                                }
                                out[2 * count] = -(start + 1)
                                out[2 * count + 1] = stop
                                count += 1
                                from = stop
                                r += 1
                            }
                            if end > from { part(from, end) }
                        }
                        return (count, looked)
                    }
                }
            }
        }
    }

    @inline(__always)
    func emit(_ token: (UInt32, Int32, Int32), at offset: Int, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool) {
        let (id, s, e) = token
        ids.append(id)
        if wantOffsets {
            let from = starts[offset + Int(s)]
            let to = max(ends[offset + Int(e) - 1], from)
            offsets.append(from)
            offsets.append(to)
        }
    }
}
