import TextNormalization

/// `StripAccents`: removes nonspacing marks (general category Mn), without decomposing first.
package struct StripAccentsNormalizer: NormalizerComponent {
    package init() {}

    package func normalize(_ text: inout AlignedText) {
        guard text.bytes.contains(where: { $0 >= 0x80 }) else { return }
        let scalars = text.scalars()
        text.rewrite { w in
            for (scalar, offset, length) in scalars where CharacterClass.of(scalar).contains(.nonspacingMark) {
                w.copy(upTo: offset)
                w.skip(upTo: offset + length)
            }
        }
    }

    package var json: String { "{\"type\": \"StripAccents\"}" }
}
