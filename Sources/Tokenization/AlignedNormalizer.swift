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
                // Keep a character together with the combining marks that follow it.
                while end < n && base[end] >= 0x80 {
                    let l = UTF8Validation.sequenceLength(base, at: end, end: n)
                    if l == 0 { break }
                    let scalar = UTF8Validation.decode(base, at: end, length: l)
                    if !CharacterClass.of(scalar).contains(.nonspacingMark) { break }
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
                // A character with combining marks, normalized together. As Hugging Face aligns
                // it: output character k comes from input character k (a composed character
                // from the first of those it replaced; removed ones vanish; added ones share the
                // last input character's range).
                output.removeAll(keepingCapacity: true)
                normalizer.normalize(segment, into: &output, scratch: &scratch)
                var inputStarts: [Int] = []
                var k = i
                while k < end {
                    inputStarts.append(k)
                    let l = UTF8Validation.sequenceLength(base, at: k, end: end)
                    k += max(l, 1)
                }
                inputStarts.append(end)
                var scalar = -1
                for c in output {
                    if c & 0xC0 != 0x80 { scalar += 1 }
                    let source = min(scalar, inputStarts.count - 2)
                    out.append(c); starts.append(Int32(inputStarts[source])); ends.append(Int32(inputStarts[source + 1]))
                }
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
}
