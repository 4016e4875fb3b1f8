import TextNormalization

/// The `tokenizer.json` layout of SentencePiece models converted by `transformers` (T5, mT5,
/// UMT5 …): normalizer `Precompiled`, alone or followed by `Replace` of runs of spaces by one;
/// pre-tokenizer `WhitespaceSplit` then `Metaspace` (`▁`, prepend scheme `always`). On a text
/// whose characters the character map leaves as they are and that are each a grapheme cluster
/// of their own, those components come down to: cut the text at whitespace and put `▁` before
/// each word. ``PipelineEncoder`` encodes such texts that way when only ids are asked for
/// (offsets, and every other text, take the general path), with the same per-word cache.
struct MetaspaceWordLayout {
    /// By code point below U+10000: ``word`` for a character that the character map keeps
    /// and that never joins a neighbour in a grapheme cluster, ``space`` for such a whitespace
    /// character, ``other`` for the rest (the text then takes the general path).
    let classes: [UInt8]
    static let other: UInt8 = 0
    static let word: UInt8 = 1
    static let space: UInt8 = 2
    /// `▁` in UTF-8.
    static let replacement: [UInt8] = [0xE2, 0x96, 0x81]

    /// The layout of `pipeline`, or nil when its components are not exactly this layout.
    init?(_ pipeline: ComponentPipeline) {
        guard let charsmap = Self.charsmap(of: pipeline.normalizer), Self.isWordMetaspace(pipeline.preTokenizer) else { return nil }
        var classes = [UInt8](repeating: Self.other, count: 0x10000)
        for range in Self.singleClusterCharacters {
            for c in range {
                guard let scalar = Unicode.Scalar(c) else { continue }
                let bytes = Array(String(Character(scalar)).utf8)
                if let mapped = charsmap.transform(bytes[...]), !mapped.elementsEqual(bytes) { continue }
                classes[Int(c)] = isWhitespaceScalar(c) ? Self.space : Self.word
            }
        }
        self.classes = classes
    }

    /// Characters that are a grapheme cluster of their own whatever surrounds them (no
    /// extending, spacing or prepended marks, no joiners, no Hangul jamo, no CR): printable
    /// ASCII and its whitespace but CR, Latin-1 and Latin Extended-A letters and signs, basic
    /// Greek and Cyrillic, general punctuation, CJK punctuation, kana, CJK ideographs and
    /// precomposed Hangul syllables.
    static let singleClusterCharacters: [ClosedRange<UInt32>] = [
        0x09...0x0C, 0x20...0x7E, 0xA1...0xAC, 0xAE...0x17F, 0x391...0x3A9, 0x3B1...0x3C9, 0x410...0x44F,
        0x2010...0x2027, 0x2030...0x205E, 0x3001...0x3029, 0x3041...0x3096, 0x30A1...0x30FA, 0x4E00...0x9FFF, 0xAC00...0xD7A3,
    ]

    /// The character map when `normalizer` is `Precompiled`, alone or followed by `Replace` of
    /// `" {2,}"` by `" "` (a `Sequence` of those).
    static func charsmap(of normalizer: (any NormalizerComponent)?) -> PrecompiledCharsmap? {
        if let p = normalizer as? PrecompiledNormalizer { return p.charsmap }
        guard let s = normalizer as? SequenceNormalizer, let first = s.normalizers.first as? PrecompiledNormalizer else { return nil }
        for n in s.normalizers.dropFirst() {
            guard let r = n as? ReplaceNormalizer, r.content == " ", case .regex(" {2,}", _) = r.pattern else { return nil }
        }
        return first.charsmap
    }

    /// Whether `preTokenizer` is `WhitespaceSplit` then `Metaspace` with `▁` and prepend scheme
    /// `always` (split or not: a word holds no space, so `▁` comes only first).
    static func isWordMetaspace(_ preTokenizer: (any PreTokenizerComponent)?) -> Bool {
        guard let s = preTokenizer as? SequencePreTokenizer, s.preTokenizers.count == 2,
            let w = s.preTokenizers[0] as? CharacterSplitPreTokenizer, case .whitespaceSplit = w.kind,
            let m = s.preTokenizers[1] as? MetaspacePreTokenizer
        else { return false }
        return m.replacement == 0x2581 && m.prependScheme == .always
    }

    /// Calls `body(start, end, covered)` for each word of `text` (its bytes between whitespace
    /// the character map keeps): `covered` when every character of the word is one the shortcut
    /// covers; otherwise the word is encoded alone by the general path, which gives what it
    /// gives inside the text because a grapheme cluster never spans the whitespace around it
    /// (checked) and a word's normalization cannot join it to its neighbours. Returns false
    /// (stopping) where an added token may start (`stops` holds for the byte, the first byte of
    /// one, and `startsAddedToken` for its place) or a cluster spans a word's edge: the caller
    /// then encodes the whole text the general way.
    @inline(__always)
    func forEachWord(
        _ text: UnsafeBufferPointer<UInt8>, stops: [Bool], startsAddedToken: (Int) -> Bool, _ body: (Int, Int, Bool) -> Void
    ) -> Bool {
        guard let base = text.baseAddress else { return true }
        let n = text.count
        return classes.withUnsafeBufferPointer { table -> Bool in
            stops.withUnsafeBufferPointer { stop -> Bool in
                @inline(__always) func isSpace(_ b: UInt8) -> Bool { b < 0x80 && table[Int(b)] == Self.space }
                var i = 0
                while i < n {
                    while i < n && isSpace(base[i]) { i += 1 }
                    guard i < n else { break }
                    let start = i
                    var covered = true
                    while i < n {
                        let b0 = base[i]
                        if stop[Int(b0)] && startsAddedToken(i) { return false }
                        if b0 < 0x80 {
                            if table[Int(b0)] == Self.space { break }
                            if table[Int(b0)] == Self.other { covered = false }
                            i += 1
                            continue
                        }
                        // Covered characters are below U+10000 (two or three bytes); an invalid
                        // byte or a four-byte character leaves the word to the general path.
                        let length = UTF8Validation.sequenceLength(base, at: i, end: n)
                        if length == 0 || length == 4 || table[Int(UTF8Validation.decode(base, at: i, length: length))] == Self.other {
                            covered = false
                        }
                        i += max(length, 1)
                    }
                    if !covered && !Self.clustersEnd(base, n, start, i) { return false }
                    body(start, i, covered)
                }
                return true
            }
        }
    }

    /// Whether grapheme clusters break at both edges of the word `start..<end` of the `n` bytes
    /// at `base` (its neighbours are single-byte whitespace or the text's ends).
    static func clustersEnd(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ end: Int) -> Bool {
        let from = max(start - 1, 0), to = min(end + 1, n)
        let string = String(decoding: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self)
        if start > 0, string.first?.utf8.count != 1 { return false }
        if end < n, string.last?.utf8.count != 1 { return false }
        return true
    }
}
