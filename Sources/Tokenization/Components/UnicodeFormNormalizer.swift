import TextNormalization

/// `NFC`, `NFD`, `NFKC`, `NFKD` and `Lowercase`: ICU's normalization (or Rust's context-free
/// lowercasing) with each output character aligned to the input character(s) it came from.
package struct UnicodeFormNormalizer: NormalizerComponent {
    /// The `type` name in `tokenizer.json`.
    package let type: String
    let normalizer: Normalizer

    /// One of `NFC`, `NFD`, `NFKC`, `NFKD`, `Lowercase`; `nil` for another name.
    package init?(type: String) {
        switch type {
        case "NFC": normalizer = Normalizer(form: .nfc)
        case "NFD": normalizer = Normalizer(form: .nfd)
        case "NFKC": normalizer = Normalizer(form: .nfkc)
        case "NFKD": normalizer = Normalizer(form: .nfkd)
        case "Lowercase": normalizer = Normalizer(lowercase: true)
        default: return nil
        }
        self.type = type
    }

    package func normalize(_ text: inout AlignedText) {
        text.apply(normalizer)
    }

    package var json: String { "{\"type\": \"\(type)\"}" }
}

extension AlignedText {
    /// Runs a ``Normalizer`` over the text, composing its alignments with the text's own.
    package mutating func apply(_ normalizer: Normalizer) {
        guard !bytes.isEmpty, !normalizer.isIdentity else { return }
        if normalizer.form == .none || normalizer.form == .nfc || normalizer.form == .nfkc || normalizer.form == .nfd
            || normalizer.form == .nfkd,
            !bytes.contains(where: { $0 >= 0x80 }) && !normalizer.lowercase && !normalizer.clean
        {
            return  // ASCII is in every normalization form
        }
        var aligner = AlignedNormalizer(normalizer)
        var out: [UInt8] = [], s: [Int32] = [], e: [Int32] = []
        bytes.withUnsafeBufferPointer { aligner.normalize($0, out: &out, starts: &s, ends: &e) }
        var newStarts = [Int32](), newEnds = [Int32]()
        newStarts.reserveCapacity(out.count); newEnds.reserveCapacity(out.count)
        for k in 0..<out.count {
            let a = Int(s[k]), b = Int(e[k])
            newStarts.append(starts[a])
            newEnds.append(ends[max(b - 1, a)])
        }
        bytes = out; starts = newStarts; ends = newEnds
    }
}
