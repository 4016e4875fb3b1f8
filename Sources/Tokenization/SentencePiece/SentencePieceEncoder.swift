/// The per-session state of a ``SentencePieceCodec``: normalization buffers, the model's
/// scratch, and a cache from each cut part of the normalized text to its tokens.
struct SentencePieceEncoder {
    let codec: SentencePieceCodec
    var normalized: [UInt8] = []
    var starts: [Int32] = []
    var ends: [Int32] = []
    var cache = ByteKeyTable(capacity: 1 << 12)
    /// Cached tokens: id and byte range relative to their part.
    var cached: [(UInt32, Int32, Int32)] = []
    var unigramScratch = UnigramModel.Scratch()
    var bpeScratch = SentencePieceBPE.Scratch()
    var tokens: [(UInt32, Int32, Int32)] = []
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
        // Local copy: the closure below must not capture `self` while `self` is mutated.
        let buffer = normalized
        buffer.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            var partStart = 0
            var i = 0
            while i < n {
                var next = i + 1
                if cuts {
                    // Next cut: a `▁` whose previous character is not `▁`.
                    var k = i + 1
                    next = n
                    while k + 3 <= n {
                        if base[k] == 0xE2 && base[k + 1] == 0x96 && base[k + 2] == 0x81
                            && !(k >= 3 && base[k - 3] == 0xE2 && base[k - 2] == 0x96 && base[k - 1] == 0x81)
                        {
                            next = k; break
                        }
                        k += 1
                    }
                } else {
                    next = n
                }
                encodePart(base + partStart, next - partStart, at: partStart, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
                partStart = next
                i = next
            }
        }
    }

    mutating func encodePart(
        _ p: UnsafePointer<UInt8>, _ count: Int, at offset: Int, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool
    ) {
        if let v = cache.find(p, count) {
            let start = Int(v >> 24)
            for k in start..<(start + Int(v & 0xFF_FFFF)) {
                emit(cached[k], at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets)
            }
            return
        }
        tokens.removeAll(keepingCapacity: true)
        let word = UnsafeBufferPointer(start: p, count: count)
        switch codec.model {
        case .unigram(let m): m.encode(word, scratch: &unigramScratch, into: &tokens)
        case .bpe(let m): m.encode(word, scratch: &bpeScratch, into: &tokens)
        }
        for t in tokens { emit(t, at: offset, ids: &ids, offsets: &offsets, wantOffsets: wantOffsets) }
        if count <= 256 {
            if cache.count >= Self.cacheLimit { cache.removeAll(); cached.removeAll(keepingCapacity: true) }
            _ = cache.insert(p, count, UInt64(cached.count) << 24 | UInt64(tokens.count))
            cached.append(contentsOf: tokens)
        }
    }

    @inline(__always)
    func emit(_ token: (UInt32, Int32, Int32), at offset: Int, ids: inout [UInt32], offsets: inout [Int32], wantOffsets: Bool) {
        let (id, s, e) = token
        ids.append(id)
        if wantOffsets {
            let from = starts[offset + Int(s)]
            let to = max(ends[offset + Int(e) - 1], from)
            offsets.append(from); offsets.append(to)
        }
    }
}
