import TextNormalization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Encodes through a ``ComponentPipeline``, step for step as Hugging Face `tokenizers` does:
/// added tokens that are not normalized are found in the input; every other part is normalized,
/// normalized added tokens found in it; the rest pre-tokenized, each piece run through the
/// model (with a per-session cache), offsets read back through the alignments, then the
/// post-processor.
struct PipelineEncoder {
    let tokenizer: Tokenizer
    let pipeline: ComponentPipeline
    /// Added tokens matched in the raw input, and in normalized text.
    let rawTokens: AddedTokenMatcher
    let normalizedTokens: AddedTokenMatcher
    var cache = ByteKeyTable(capacity: 1 << 12)
    var cached: [(UInt32, Int32, Int32)] = []
    var bpeScratch = BPEModel.Scratch()
    var unigramScratch = UnigramModel.Scratch()
    var ids: [UInt32] = []
    var ends: [UInt32] = []
    var pieceTokens: [(UInt32, Int32, Int32)] = []
    /// The word-per-`▁` shortcut for ids only, when the components are that layout.
    let wordLayout: MetaspaceWordLayout?
    /// The whole-line `▁` shortcut for ids only (Mistral's and Llama 2's layouts), when the
    /// components are that layout and no added token is matched after normalization.
    let lineLayout: MetaspaceLineLayout?
    /// Bytes that start an added token (raw or normalized): a text holding one takes the general path.
    let addedFirst: [Bool]
    /// Whether the model's pieces are encoded as their parts cut before each `▁` that follows
    /// another character, each through the cache (a BPE model that ``BPEModel/keepsMetaspaceWords``,
    /// with no word prefix or suffix and without `ignore_merges`, which looks the whole piece up):
    /// Mistral's and Llama 2's layouts hand the model a whole line as one piece.
    let cutsAtMetaspace: Bool
    /// Each id's token text (``Tokenizer/tokenStrings()``), read per token.
    let tokenTexts: [String]
    /// The BPE model, taken out of its enum once (a `switch` per new word copied it out, with a
    /// retain and release per array it holds).
    let bpeModel: BPEModel?
    var word: [UInt8] = []

    init(_ tokenizer: Tokenizer, pipeline: ComponentPipeline) {
        self.tokenizer = tokenizer
        self.pipeline = pipeline
        var raw: [(bytes: [UInt8], token: AddedToken)] = []
        var normalized: [(bytes: [UInt8], token: AddedToken)] = []
        if tokenizer.matchAddedTokens {
            for t in tokenizer.addedTokens where !t.content.isEmpty {
                if t.normalized, let n = pipeline.normalizer {
                    let content = n.normalize(t.content)
                    if !content.isEmpty { normalized.append((Array(content.utf8), t)) }
                } else if t.normalized {
                    normalized.append((Array(t.content.utf8), t))
                } else {
                    raw.append((Array(t.content.utf8), t))
                }
            }
        }
        rawTokens = AddedTokenMatcher(raw)
        normalizedTokens = AddedTokenMatcher(normalized)
        addedFirst = zip(rawTokens.first, normalizedTokens.first).map { $0 || $1 }
        tokenTexts = tokenizer.tokenStrings()
        if case .bpe(let m) = tokenizer.model { bpeModel = m } else { bpeModel = nil }
        cutsAtMetaspace = bpeModel.map {
            $0.keepsMetaspaceWords && !$0.ignoreMerges && $0.continuingSubwordPrefix == nil && $0.endOfWordSuffix == nil
        } ?? false
        wordLayout = MetaspaceWordLayout(pipeline)
        lineLayout = normalizedTokens.isEmpty ? MetaspaceLineLayout(pipeline) : nil
    }

    /// Appends the ids of `input` (as ``encode(_:addSpecialTokens:)`` gives them): through
    /// ``MetaspaceWordLayout`` where it covers the text, else the general path.
    mutating func encodeIDs(_ input: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool, into out: inout [UInt32]) {
        if let line = lineLayout, encodeLineIDs(input, through: line, addSpecialTokens: addSpecialTokens, into: &out) { return }
        guard let layout = wordLayout else {
            out.append(contentsOf: encode(input, addSpecialTokens: addSpecialTokens).ids)
            return
        }
        let first = out.count
        // The buffer leaves `self` while the model (which mutates `self`) reads it.
        var w: [UInt8] = []
        swap(&w, &word)
        defer { swap(&w, &word) }
        if w.count < 3 { w = MetaspaceWordLayout.replacement }
        // An added token found in the raw text, or one matched after normalization (which may
        // start with that byte), sends the text the general way.
        let raw = rawTokens, normalizedStarts = normalizedTokens.first
        let startsAddedToken = { (i: Int) -> Bool in
            normalizedStarts[Int(input[i])] || raw.longestMatch(input.baseAddress!, at: i, input.count) != nil
        }
        let covered = layout.forEachWord(input, stops: addedFirst, startsAddedToken: startsAddedToken) { start, end, covered in
            let chunk = UnsafeBufferPointer(rebasing: input[start..<end])
            guard covered else {
                out.append(contentsOf: encode(chunk, addSpecialTokens: false).ids)
                return
            }
            w.removeSubrange(3...)
            w.append(contentsOf: chunk)
            let range = w.withUnsafeBufferPointer { modelTokens($0) }
            cached.withUnsafeBufferPointer { c in
                for k in range { out.append(c[k].0) }
            }
        }
        guard covered else {
            out.removeSubrange(first...)
            out.append(contentsOf: encode(input, addSpecialTokens: addSpecialTokens).ids)
            return
        }
        finishIDs(&out, from: first, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes `input` through `layout` (``lineLayout``): each piece of the model's input, cut as
    /// ``encodePiece(_:into:)`` cuts it, through the cache. Returns false, appending nothing, where
    /// an added token is found in the raw text.
    mutating func encodeLineIDs(
        _ input: UnsafeBufferPointer<UInt8>, through layout: MetaspaceLineLayout, addSpecialTokens: Bool, into out: inout [UInt32]
    ) -> Bool {
        let n = input.count
        if let base = input.baseAddress {
            let raw = rawTokens
            for i in 0..<n where addedFirst[Int(base[i])] {
                if raw.longestMatch(base, at: i, n) != nil { return false }
            }
        }
        let first = out.count
        if n > 0 {
            // The buffer leaves `self` while the model (which mutates `self`) reads it.
            var w: [UInt8] = []
            swap(&w, &word)
            defer { swap(&w, &word) }
            layout.write(input, into: &w)
            let cuts = cutsAtMetaspace
            w.withUnsafeBufferPointer { b in
                let base = b.baseAddress!
                layout.forEachPiece(b) { start, end in
                    MetaspaceCuts.forEachPart(base + start, end - start, cutting: cuts) { from, to in
                        let range = modelTokens(UnsafeBufferPointer(start: base + start + from, count: to - from))
                        cached.withUnsafeBufferPointer { c in
                            for k in range { out.append(c[k].0) }
                        }
                    }
                }
            }
        }
        finishIDs(&out, from: first, addSpecialTokens: addSpecialTokens)
        return true
    }

    /// Post-processes the ids appended to `out` from `first` on (ids only).
    mutating func finishIDs(_ out: inout [UInt32], from first: Int, addSpecialTokens: Bool) {
        if let template = pipeline.postProcessor as? TemplatePostProcessor {
            // (Its only other change, RoBERTa's offset trimming, is to offsets.)
            if addSpecialTokens {
                out.insert(contentsOf: template.prefix.map(\.id), at: first)
                out.append(contentsOf: template.suffix.map(\.id))
            }
        } else if pipeline.postProcessor != nil || addSpecialTokens {
            var encoding = PostProcessingEncoding()
            encoding.ids = Array(out[first...])
            encoding.tokens = [String](repeating: "", count: encoding.ids.count)
            encoding.offsets = [Range<Int>](repeating: 0..<0, count: encoding.ids.count)
            postProcess(&encoding, addSpecialTokens: addSpecialTokens)
            out.removeSubrange(first...)
            out.append(contentsOf: encoding.ids)
        }
    }

    /// A piece of the input: text still to encode, or an added token found with its original range.
    enum Part {
        case text(AlignedText)
        case added(AddedToken, Range<Int>)
    }

    mutating func encode(_ input: UnsafeBufferPointer<UInt8>, addSpecialTokens: Bool) -> PostProcessingEncoding {
        var encoding = PostProcessingEncoding()
        var parts: [Part] = []
        // 1. Added tokens in the raw text.
        let whole = AlignedText(original: input, at: 0)
        Self.extract(whole, rawTokens, into: &parts)
        // 2. Normalize each text part, then look for normalized added tokens.
        var normalizedParts: [Part] = []
        for part in parts {
            guard case .text(var text) = part else { normalizedParts.append(part); continue }
            pipeline.normalizer?.normalize(&text)
            if normalizedTokens.isEmpty {
                normalizedParts.append(.text(text))
            } else {
                Self.extract(text, normalizedTokens, into: &normalizedParts)
            }
        }
        // 3. Pre-tokenize and run the model.
        for part in normalizedParts {
            switch part {
            case .added(let token, let range):
                encoding.ids.append(token.id); encoding.tokens.append(token.content); encoding.offsets.append(range)
            case .text(let text):
                var pieces = [text]
                pipeline.preTokenizer?.preTokenize(&pieces)
                for piece in pieces where !piece.isEmpty { encodePiece(piece, into: &encoding) }
            }
        }
        // 4. Post-process.
        postProcess(&encoding, addSpecialTokens: addSpecialTokens)
        return encoding
    }

    /// The pipeline's post-processor, or else (with `addSpecialTokens`) the tokenizer's prefix and suffix tokens.
    func postProcess(_ encoding: inout PostProcessingEncoding, addSpecialTokens: Bool) {
        if let post = pipeline.postProcessor {
            post.process(&encoding, addSpecialTokens: addSpecialTokens)
        } else if addSpecialTokens {
            let p = tokenizer.postProcessor
            encoding.ids = p.prefix.map(\.id) + encoding.ids + p.suffix.map(\.id)
            encoding.tokens = p.prefix.map(\.content) + encoding.tokens + p.suffix.map(\.content)
            encoding.offsets = p.prefix.map { _ in 0..<0 } + encoding.offsets + p.suffix.map { _ in 0..<0 }
        }
    }

    /// Splits `text` at the added tokens of `patterns` (leftmost-longest, with single_word,
    /// lstrip and rstrip as Hugging Face's `find_matches`).
    static func extract(_ text: AlignedText, _ patterns: AddedTokenMatcher, into parts: inout [Part]) {
        let first = patterns.first
        let bytes = text.bytes
        let n = bytes.count
        guard !patterns.isEmpty, n > 0 else { if n > 0 { parts.append(.text(text)) }; return }
        var segmentStart = 0
        var i = 0
        bytes.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            while i < n {
                if !first[Int(base[i])] { i += 1; continue }
                guard let (length, token) = patterns.longestMatch(base, at: i, n) else { i += 1; continue }
                var start = i, end = i + length
                if token.singleWord {
                    let before = start == 0 || !isWordCharacter(lastScalar(base, before: start))
                    let after = end == n || !isWordCharacter(firstScalar(base, at: end, n))
                    if !before || !after { i = end; continue }
                }
                if token.leftStrip {
                    while start > segmentStart, let w = EncoderCore.whitespaceBefore(base, start, floor: segmentStart) { start -= w }
                }
                if token.rightStrip {
                    while end < n, let w = EncoderCore.whitespaceAt(base, end, n) { end += w }
                }
                if start > segmentStart { parts.append(.text(text.slice(segmentStart..<start))) }
                parts.append(.added(token, text.originalRange(start..<end)))
                i = end
                segmentStart = end
            }
        }
        if segmentStart < n { parts.append(.text(text.slice(segmentStart..<n))) }
    }

    /// A word character as the regex `\w` Hugging Face's `single_word` check uses: alphabetic,
    /// decimal digit, combining mark, connector punctuation or join control (U+200C, U+200D).
    static func isWordCharacter(_ s: UInt32) -> Bool {
        if s < 0x80 { return s == 0x5F || (0x30...0x39).contains(s) || (0x41...0x5A).contains(s) || (0x61...0x7A).contains(s) }
        if s == 0x200C || s == 0x200D { return true }
        guard let u = Unicode.Scalar(s) else { return false }
        if u.properties.isAlphabetic { return true }
        switch u.properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation: return true
        default: return false
        }
    }

    static func lastScalar(_ base: UnsafePointer<UInt8>, before i: Int) -> UInt32 {
        var s = i - 1
        while s > 0 && base[s] & 0xC0 == 0x80 { s -= 1 }
        let l = max(UTF8Validation.sequenceLength(base, at: s, end: i), 1)
        return l == 1 ? UInt32(base[s]) : UTF8Validation.decode(base, at: s, length: l)
    }

    static func firstScalar(_ base: UnsafePointer<UInt8>, at i: Int, _ n: Int) -> UInt32 {
        let l = max(UTF8Validation.sequenceLength(base, at: i, end: n), 1)
        return l == 1 ? UInt32(base[i]) : UTF8Validation.decode(base, at: i, length: l)
    }

    /// Runs the model on one pre-tokenized piece (through the cache) and appends its tokens.
    mutating func encodePiece(_ piece: AlignedText, into encoding: inout PostProcessingEncoding) {
        piece.bytes.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            MetaspaceCuts.forEachPart(base, b.count, cutting: cutsAtMetaspace) { from, to in
                let range = modelTokens(UnsafeBufferPointer(start: base + from, count: to - from))
                for k in range {
                    let (id, s, e) = cached[k]
                    encoding.ids.append(id)
                    encoding.tokens.append(Int(id) < tokenTexts.count ? tokenTexts[Int(id)] : "")
                    encoding.offsets.append(piece.originalRange((from + Int(s))..<(from + Int(e))))
                }
            }
        }
    }

    mutating func modelTokens(_ word: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let p = word.baseAddress!
        let n = word.count
        if let v = cache.find(p, n) { let start = Int(v >> 24); return start..<(start + Int(v & 0xFF_FFFF)) }
        if cache.count >= 1 << 18 { cache.removeAll(); cached.removeAll(keepingCapacity: true) }
        let start = cached.count
        if let m = bpeModel {
            ids.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
            m.encodeWord(word, byteLevel: false, scratch: &bpeScratch, ids: &ids, ends: &ends)
            var previous: Int32 = 0
            for (id, end) in zip(ids, ends) {
                // Byte-fallback tokens of one character share its range (their own length is 0).
                let s = end == UInt32(previous) && previous > 0 ? cached.last.map { $0.1 } ?? previous : previous
                cached.append((id, s, Int32(end))); previous = Int32(end)
            }
        } else {
            switch tokenizer.model {
            case .bpe:
                break  // (`bpeModel`, above)
            case .wordPiece(let m):
                ids.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
                m.encodeWord(word, ids: &ids, ends: &ends)
                var previous: Int32 = 0
                for (id, end) in zip(ids, ends) { cached.append((id, previous, Int32(end))); previous = Int32(end) }
            case .unigram(let m):
                pieceTokens.removeAll(keepingCapacity: true)
                m.encode(word, scratch: &unigramScratch, into: &pieceTokens)
                cached.append(contentsOf: pieceTokens)
            case .wordLevel(let m):
                pieceTokens.removeAll(keepingCapacity: true)
                m.encode(word, into: &pieceTokens)
                cached.append(contentsOf: pieceTokens)
            }
        }
        if n <= 256 { cache.insert(p, n, UInt64(start) << 24 | UInt64(cached.count - start)) }
        return start..<cached.count
    }
}
