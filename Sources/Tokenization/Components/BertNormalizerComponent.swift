import TextNormalization

/// `BertNormalizer`: clean-up, spaces around CJK ideographs, accent stripping (decomposition,
/// then nonspacing marks removed) and lowercasing, in that order.
package struct BertNormalizerComponent: NormalizerComponent {
    package var cleanText: Bool
    package var handleChineseChars: Bool
    /// `nil`: follows ``lowercase``.
    package var stripAccents: Bool?
    package var lowercase: Bool

    package func normalize(_ text: inout AlignedText) {
        if cleanText { text.apply(Normalizer(clean: true)) }
        if handleChineseChars && text.bytes.contains(where: { $0 >= 0x80 }) {
            let scalars = text.scalars()
            text.rewrite { w in
                for (scalar, offset, length) in scalars where CharacterClass.of(scalar).contains(.cjk) {
                    w.copy(upTo: offset)
                    w.replace(with: 0x20)
                    w.insert(scalar)
                    w.insert(0x20)
                    _ = length
                }
            }
        }
        if stripAccents ?? lowercase {
            text.apply(Normalizer(form: .nfd))
            StripAccentsNormalizer(nonspacingOnly: true).normalize(&text)
        }
        if lowercase { text.apply(Normalizer(lowercase: true)) }
    }

    package var json: String {
        "{\"type\": \"BertNormalizer\", \"clean_text\": \(cleanText), \"handle_chinese_chars\": \(handleChineseChars), \"strip_accents\": \(stripAccents.map { "\($0)" } ?? "null"), \"lowercase\": \(lowercase)}"
    }
}
