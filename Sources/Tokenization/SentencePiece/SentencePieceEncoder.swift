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

    init(_ codec: SentencePieceCodec) {
        self.codec = codec
        switch codec.model {
        case .unigram(let m): unigram = m; bpe = nil
        case .bpe(let m): unigram = nil; bpe = m
        }
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
            bounds.withUnsafeBufferPointer { cache.findAll(base, $0, scratch: &lookupScratch, into: &found) }
            let generation = cache.generation
            for k in 0..<(bounds.count - 1) {
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
            m.encode(word, scratch: &unigramScratch, into: &tokens, floatSums: !tracks, trackGaps: tracks)
            if tracks {
                var characters = 0
                for k in 0..<count where p[k] & 0xC0 != 0x80 { characters += 1 }
                risk = unigramScratch.minGap / (2 * Double(characters + 1))
                magnitude = abs(unigramScratch.pathScore)
            }
        } else if let m = bpe {
            m.encode(word, scratch: &bpeScratch, into: &tokens)
        }
        for t in tokens { emit(t, at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets) }
        lineRisk = min(lineRisk, risk)
        lineMagnitude += magnitude
        cache.insert(p, count, hash: hash, tokens: tokens, risk: risk, magnitude: magnitude)
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
        swap(&out, &normalized)
        swap(&bounds, &self.bounds)
        swap(&idOut, &idBuffer)
        defer {
            swap(&out, &normalized)
            swap(&bounds, &self.bounds)
            swap(&idOut, &idBuffer)
        }
        let cutting = codec.cutsBeforeSpaces
        var capacity = 3 * n + 16
        var length = -1
        var cutCount = 0
        while true {
            if out.count < capacity { out = [UInt8](repeating: 0, count: capacity) }
            if bounds.count < capacity / 3 + 3 { bounds = [Int32](repeating: 0, count: capacity / 3 + 3) }
            length = out.withUnsafeMutableBufferPointer { o in
                bounds.withUnsafeMutableBufferPointer { b in
                    codec.normalizer.normalize(
                        text, into: o.baseAddress!, capacity: o.count, cuts: b.baseAddress! + 1, cutCount: &cutCount, cutting: cutting)
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
        lineMagnitude = 0
        out.withUnsafeBufferPointer { ob in
            let base = ob.baseAddress!
            bounds.withUnsafeBufferPointer { b in
                cache.findAll(base, UnsafeBufferPointer(rebasing: b[0...parts]), scratch: &lookupScratch, into: &found)
            }
            let generation = cache.generation
            idOut.withUnsafeMutableBufferPointer { iob in
                let idBase = iob.baseAddress!
                let room = iob.count
                var w = 0
                for k in 0..<parts {
                    let start = Int(bounds[k]), count = Int(bounds[k + 1]) - start
                    // (An insert that emptied the cache voids the places found for this text.)
                    let e = cache.generation == generation ? found[k] : -1
                    if e >= 0 {
                        let entry = cache.entry(at: Int(e), keyLength: count)
                        if w + entry.count > room {
                            ids.append(contentsOf: UnsafeBufferPointer(start: idBase, count: w))
                            w = 0
                        }
                        cache.copyIDs(entry, to: idBase + w)
                        w += entry.count
                        lineRisk = min(lineRisk, Double(entry.risk))
                        lineMagnitude += Double(entry.magnitude)
                    } else {
                        ids.append(contentsOf: UnsafeBufferPointer(start: idBase, count: w))
                        w = 0
                        var none: [Int32] = []
                        // (`findAll` left each part's hash in the scratch.)
                        encodePart(base + start, count, at: start, ids: &ids, offsets: &none, wantOffsets: false, hash: lookupScratch[2 * k])
                    }
                }
                ids.append(contentsOf: UnsafeBufferPointer(start: idBase, count: w))
            }
        }
        guard cutting, let model = unigram else { return }
        // As in ``encode(_:ids:offsets:wantOffsets:)``: a text whose parts could be decided
        // differently by `float` sums along the whole text is encoded again whole in `float`.
        let ulp = (lineMagnitude + 1) * 0x1p-23
        guard lineRisk <= ulp * (1 + 0x1p-20) else { return }
        ids.removeSubrange(idsStart...)
        tokens.removeAll(keepingCapacity: true)
        out.withUnsafeBufferPointer {
            model.encode(UnsafeBufferPointer(rebasing: $0[0..<length]), scratch: &unigramScratch, into: &tokens, floatSums: true)
        }
        for t in tokens { ids.append(t.0) }
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
