import TextNormalization

/// `ByteLevel` (normalizer): every byte becomes its GPT-2 alphabet character.
package struct ByteLevelNormalizer: NormalizerComponent {
    package init() {}

    package func normalize(_ text: inout AlignedText) { text.mapBytesToAlphabet() }

    package var json: String { "{\"type\": \"ByteLevel\"}" }
}

extension AlignedText {
    /// Replaces each byte by its ``ByteLevelAlphabet`` character; all the characters made from
    /// one source character share its alignment.
    package mutating func mapBytesToAlphabet() {
        var out: [UInt8] = [], s: [Int32] = [], e: [Int32] = []
        out.reserveCapacity(bytes.count * 2); s.reserveCapacity(bytes.count * 2); e.reserveCapacity(bytes.count * 2)
        for k in 0..<bytes.count {
            let before = out.count
            out.append(contentsOf: ByteLevelAlphabet.utf8[Int(bytes[k])])
            for _ in before..<out.count { s.append(starts[k]); e.append(ends[k]) }
        }
        bytes = out; starts = s; ends = e
    }
}
