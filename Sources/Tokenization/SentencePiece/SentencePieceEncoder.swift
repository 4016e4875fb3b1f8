/// The per-session state of a ``SentencePieceCodec``: normalization buffers, the model's
/// scratch, and a cache from each cut part of the normalized text to its tokens.
struct SentencePieceEncoder {
    let codec: SentencePieceCodec
    var normalized: [UInt8] = []
    var starts: [Int32] = []
    var ends: [Int32] = []
    /// Part bytes → index in `parts`.
    var cache = ByteKeyTable(capacity: 1 << 12)
    /// A cached part: its tokens in `cached`, the smallest score gap its lattice compared, its best
    /// path score and its character count (Unigram; infinity, 0, 0 for BPE).
    var parts: [(start: Int32, count: Int32, gap: Double, score: Double, characters: Int32)] = []
    /// Cached tokens: id and byte range relative to their part.
    var cached: [(UInt32, Int32, Int32)] = []
    var unigramScratch = UnigramModel.Scratch()
    var bpeScratch = SentencePieceBPE.Scratch()
    var tokens: [(UInt32, Int32, Int32)] = []
    /// The parts of the current text: gap and character count.
    var lineParts: [(gap: Double, characters: Int32)] = []
    static let cacheLimit = 1 << 18

    init(_ codec: SentencePieceCodec) { self.codec = codec }

    /// Encodes `text`, appending ids and (when `wantOffsets`) each token's input byte range as two values.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool) {
        normalized.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        codec.normalizer.normalize(text, into: &normalized, starts: &starts, ends: &ends, wantOffsets: wantOffsets)
        let n = normalized.count
        guard n > 0 else { return }
        let cuts = codec.cutsBeforeSpaces
        let idsStart = ids.count, offsetsStart = offsets.count
        lineParts.removeAll(keepingCapacity: true)
        var lineScore = 0.0
        // Local copy: the closure below must not capture `self` while `self` is mutated.
        let buffer = normalized
        buffer.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            var partStart = 0
            while partStart < n {
                var next = n
                if cuts {
                    // Next cut: a `▁` whose previous character is not `▁`.
                    var k = partStart + 1
                    while k + 3 <= n {
                        if base[k] == 0xE2 && base[k + 1] == 0x96 && base[k + 2] == 0x81
                            && !(k >= 3 && base[k - 3] == 0xE2 && base[k - 2] == 0x96 && base[k - 1] == 0x81)
                        {
                            next = k
                            break
                        }
                        k += 1
                    }
                }
                lineScore += encodePart(
                    base + partStart, next - partStart, at: partStart, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
                partStart = next
            }
        }
        guard cuts, case .unigram(let model) = codec.model else { return }
        // Could `float` sums along the whole text decide a comparison differently? Each compared
        // score is off by at most half an ulp of the text's score per addition.
        let ulp = (abs(lineScore) + 1) * 0x1p-23
        guard lineParts.contains(where: { $0.gap <= 2 * Double($0.characters + 1) * ulp }) else { return }
        ids.removeSubrange(idsStart...)
        if wantOffsets { offsets.removeSubrange(offsetsStart...) }
        tokens.removeAll(keepingCapacity: true)
        buffer.withUnsafeBufferPointer { model.encode($0, scratch: &unigramScratch, into: &tokens, floatSums: true) }
        for t in tokens { emit(t, at: 0, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets) }
    }

    /// Encodes one part (through the cache); returns its best path score (Unigram).
    mutating func encodePart(
        _ p: UnsafePointer<UInt8>, _ count: Int, at offset: Int, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool
    ) -> Double {
        if let v = cache.find(p, count) {
            let part = parts[Int(v)]
            for k in Int(part.start)..<Int(part.start + part.count) {
                emit(cached[k], at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
            }
            lineParts.append((part.gap, part.characters))
            return part.score
        }
        tokens.removeAll(keepingCapacity: true)
        let word = UnsafeBufferPointer(start: p, count: count)
        var gap = Double.infinity, score = 0.0
        var characters: Int32 = 0
        switch codec.model {
        case .unigram(let m):
            let tracks = codec.cutsBeforeSpaces
            m.encode(word, scratch: &unigramScratch, into: &tokens, floatSums: !tracks, trackGaps: tracks)
            gap = unigramScratch.minGap
            score = unigramScratch.pathScore
            for k in 0..<count where p[k] & 0xC0 != 0x80 { characters += 1 }
        case .bpe(let m):
            m.encode(word, scratch: &bpeScratch, into: &tokens)
        }
        for t in tokens { emit(t, at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets) }
        lineParts.append((gap, characters))
        if count <= 256 {
            if cache.count >= Self.cacheLimit {
                cache.removeAll(); cached.removeAll(keepingCapacity: true); parts.removeAll(keepingCapacity: true)
            }
            _ = cache.insert(p, count, UInt64(parts.count))
            parts.append((Int32(cached.count), Int32(tokens.count), gap, score, characters))
            cached.append(contentsOf: tokens)
        }
        return score
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
