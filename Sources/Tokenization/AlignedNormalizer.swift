import TextNormalization

/// Normalizes text while recording, for every output byte, the byte range of the input
/// character it came from — what Hugging Face's `NormalizedString` alignments give, so token
/// offsets can point into the original, pre-normalization text.
///
/// Characters are normalized one at a time (with the nonspacing marks that follow them when
/// the form composes), which matches whole-text normalization for the context-free steps
/// (clean-up, decomposition, accent stripping, lowercasing) and for composition within a
/// combining sequence. Results for non-ASCII characters are cached.
struct AlignedNormalizer {
    // MARK: State

    let normalizer: Normalizer
    private let asciiOutput: [[UInt8]]
    private var cache: [UInt32: [UInt8]] = [:]
    private var scratch = NormalizationScratch()
    private var output: [UInt8] = []

    init(_ normalizer: Normalizer) {
        self.normalizer = normalizer
        asciiOutput = (0..<128).map { Array(normalizer.normalize(String(UnicodeScalar(UInt8($0)))).utf8) }
    }

    // MARK: Normalizing

    /// Appends the normalization of `text` to `out` and the source range of each output byte to
    /// `starts`/`ends` (offsets into `text`).
    mutating func normalize(_ text: UnsafeBufferPointer<UInt8>, out: inout [UInt8], starts: inout [Int32], ends: inout [Int32]) {
        guard let base = text.baseAddress else { return }
        let n = text.count
        let composes = normalizer.form == .nfc || normalizer.form == .nfkc
        var i = 0
        while i < n {
            let b = base[i]
            if b < 0x80 && !(composes && i + 1 < n && base[i + 1] >= 0x80) {
                for c in asciiOutput[Int(b)] { out.append(c); starts.append(Int32(i)); ends.append(Int32(i + 1)) }
                i += 1
                continue
            }
            var len = UTF8Validation.sequenceLength(base, at: i, end: n)
            if len == 0 { len = 1 }
            var end = i + len
            if composes {
                // Keep a character together with the combining marks (and conjoining Hangul vowels and
                // final consonants) that follow it.
                while end < n && base[end] >= 0x80 {
                    let l = UTF8Validation.sequenceLength(base, at: end, end: n)
                    if l == 0 { break }
                    let scalar = UTF8Validation.decode(base, at: end, length: l)
                    if !Self.joinsPrevious(scalar) { break }
                    end += l
                }
            }
            let segment = UnsafeBufferPointer(start: base + i, count: end - i)
            if end - i == len && len > 1 {
                let scalar = UTF8Validation.decode(base, at: i, length: len)
                if let cached = cache[scalar] {
                    for c in cached { out.append(c); starts.append(Int32(i)); ends.append(Int32(end)) }
                    i = end
                    continue
                }
                output.removeAll(keepingCapacity: true)
                normalizer.normalize(segment, into: &output, scratch: &scratch)
                if cache.count < 1 << 16 { cache[scalar] = output }
            } else if end - i > len {
                // A character with combining marks, normalized together, aligned as Hugging Face does.
                output.removeAll(keepingCapacity: true)
                normalizer.normalize(segment, into: &output, scratch: &scratch)
                alignGroup(base, i, end, output: output, out: &out, starts: &starts, ends: &ends)
                i = end
                continue
            } else {
                output.removeAll(keepingCapacity: true)
                normalizer.normalize(segment, into: &output, scratch: &scratch)
            }
            for c in output { out.append(c); starts.append(Int32(i)); ends.append(Int32(end)) }
            i = end
        }
    }

    /// Whether composition may join `scalar` to the character before it: a combining mark, or a
    /// conjoining Hangul vowel or final consonant.
    static func joinsPrevious(_ scalar: UInt32) -> Bool {
        if (0x1161...0x1175).contains(scalar) || (0x11A8...0x11C2).contains(scalar) { return true }
        if CharacterClass.of(scalar).contains(.nonspacingMark) { return true }
        guard let u = Unicode.Scalar(scalar) else { return false }
        switch u.properties.generalCategory {
        case .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Appends `output` (the normalization of the combining sequence `base[i..<end]`) aligned as
    /// Hugging Face's `NormalizedString` does: each character carries a change (decomposition adds
    /// characters, +1 each; composition removes the one it absorbs, -1) and the changes are read
    /// in output order against the input characters in input order, so a reordered or composed
    /// character takes the range of the input character at its position, an added one the range
    /// before it. When the recomputed sequence is not ICU's output, output character k takes input
    /// character k's range.
    func alignGroup(
        _ base: UnsafePointer<UInt8>, _ i: Int, _ end: Int, output: [UInt8], out: inout [UInt8], starts: inout [Int32], ends: inout [Int32]
    ) {
        var inputRanges: [(Int, Int)] = []
        var inputScalars: [UInt32] = []
        var k = i
        while k < end {
            let l = max(UTF8Validation.sequenceLength(base, at: k, end: end), 1)
            inputScalars.append(l == 1 ? UInt32(base[k]) : UTF8Validation.decode(base, at: k, length: l))
            inputRanges.append((k, k + l))
            k += l
        }
        let outputScalars = Array(String(decoding: output, as: UTF8.self).unicodeScalars)
        let items = Self.changes(of: inputScalars, compatibility: normalizer.form == .nfkc)
        var aligned: [(Int, Int)] = []
        if let items, items.map(\.0) == outputScalars.map(\.value) {
            var p = 0
            for (_, change) in items {
                if change > 0 {
                    aligned.append(p > 0 ? inputRanges[min(p, inputRanges.count) - 1] : (i, i))
                } else {
                    aligned.append(inputRanges[min(p, inputRanges.count - 1)])
                    p += 1 - change
                }
            }
        } else {
            for k in outputScalars.indices { aligned.append(inputRanges[min(k, inputRanges.count - 1)]) }
        }
        for (k, scalar) in outputScalars.enumerated() {
            for b in String(scalar).utf8 { out.append(b); starts.append(Int32(aligned[k].0)); ends.append(Int32(aligned[k].1)) }
        }
    }

    /// The canonical (or compatibility) composition of `input` with each output character's
    /// change: decomposition, canonical reordering and composition as Unicode defines them,
    /// through ICU's normalizers one character or pair at a time; `nil` if a step is not possible.
    static func changes(of input: [UInt32], compatibility: Bool) -> [(UInt32, Int)]? {
        let decompose = Normalizer(form: compatibility ? .nfkd : .nfd)
        let compose = Normalizer(form: .nfc)
        var items: [(scalar: UInt32, change: Int, ccc: UInt8)] = []
        for x in input {
            guard let u = Unicode.Scalar(x) else { return nil }
            let parts = decompose.normalize(String(u)).unicodeScalars
            if parts.isEmpty {
                if items.isEmpty { return nil }
                items[items.count - 1].change -= 1
                continue
            }
            for (k, part) in parts.enumerated() {
                items.append((part.value, k == 0 ? 0 : 1, part.properties.canonicalCombiningClass.rawValue))
            }
        }
        // Canonical reordering: a stable sort of each run of non-starters by combining class.
        var a = 0
        while a < items.count {
            if items[a].ccc == 0 { a += 1; continue }
            var b = a
            while b < items.count && items[b].ccc != 0 { b += 1 }
            let sorted = items[a..<b].enumerated().sorted { ($0.element.ccc, $0.offset) < ($1.element.ccc, $1.offset) }.map(\.element)
            items.replaceSubrange(a..<b, with: sorted)
            a = b
        }
        // Composition.
        var result: [(scalar: UInt32, change: Int, ccc: UInt8)] = []
        var starter: Int? = nil
        for item in items {
            if let s = starter {
                let last = result.count - 1
                let blocked = last != s && (result[last].ccc == 0 || result[last].ccc >= item.ccc)
                if !blocked, let a = Unicode.Scalar(result[s].scalar), let b = Unicode.Scalar(item.scalar) {
                    let pair = compose.normalize(String(a) + String(b)).unicodeScalars
                    if pair.count == 1, let c = pair.first, c.value != a.value {
                        result[s].scalar = c.value
                        result[s].change += item.change - 1
                        continue
                    }
                }
            }
            if item.ccc == 0 { starter = result.count }
            result.append(item)
        }
        return result.map { ($0.scalar, $0.change) }
    }
}
