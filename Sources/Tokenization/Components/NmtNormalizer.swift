/// `Nmt`: drops control characters and maps the other space-like ones to U+0020, as
/// SentencePiece's `nmt_nfkc` rules do before NFKC.
package struct NmtNormalizer: NormalizerComponent {
    package init() {}

    package func normalize(_ text: inout AlignedText) {
        let scalars = text.scalars()
        text.rewrite { w in
            for (scalar, offset, length) in scalars {
                switch scalar {
                case 0x0001...0x0008, 0x000B, 0x000E...0x001F, 0x007F, 0x008F, 0x009F:
                    w.copy(upTo: offset); w.skip(upTo: offset + length)
                case 0x0009, 0x000A, 0x000C, 0x000D, 0x1680, 0x200B...0x200F, 0x2028, 0x2029, 0x2581, 0xFEFF, 0xFFFD:
                    w.copy(upTo: offset); w.replace(with: 0x20)
                default:
                    break
                }
            }
        }
    }

    package var json: String { "{\"type\": \"Nmt\"}" }
}
