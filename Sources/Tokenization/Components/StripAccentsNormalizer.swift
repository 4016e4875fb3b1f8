import TextNormalization

/// `StripAccents`: removes every combining mark (general category Mark: Mn, Mc and Me, as
/// Hugging Face's `is_combining_mark`), without decomposing first. (`BertNormalizer`'s accent
/// stripping removes Mn only.)
package struct StripAccentsNormalizer: NormalizerComponent {
    /// Remove only nonspacing marks (Mn), as `BertNormalizer`'s accent stripping does.
    let nonspacingOnly: Bool

    package init(nonspacingOnly: Bool = false) { self.nonspacingOnly = nonspacingOnly }

    package func normalize(_ text: inout AlignedText) {
        guard text.bytes.contains(where: { $0 >= 0x80 }) else { return }
        let scalars = text.scalars()
        text.rewrite { w in
            for (scalar, offset, length) in scalars
            where nonspacingOnly ? CharacterClass.of(scalar).contains(.nonspacingMark) : Self.isMark(scalar) {
                w.copy(upTo: offset)
                w.skip(upTo: offset + length)
            }
        }
    }

    static func isMark(_ value: UInt32) -> Bool {
        guard value >= 0x300, let scalar = Unicode.Scalar(value) else { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    package var json: String { "{\"type\": \"StripAccents\"}" }
}
