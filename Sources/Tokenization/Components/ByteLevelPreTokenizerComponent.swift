import TextNormalization

/// `ByteLevel` (pre-tokenizer): optionally a space before the piece, GPT-2's split (`use_regex`),
/// then every byte mapped to its alphabet character.
package struct ByteLevelPreTokenizerComponent: PreTokenizerComponent {
    package var addPrefixSpace: Bool
    package var trimOffsets: Bool
    package var useRegex: Bool

    package func split(_ piece: AlignedText, into out: inout [AlignedText]) {
        var text = piece
        if addPrefixSpace && text.bytes.first != 0x20 { text.prepend(" ") }
        var parts: [AlignedText] = []
        if useRegex {
            var ranges: [Range<Int>] = []
            text.bytes.withUnsafeBufferPointer { ByteLevelPreTokenizer().split($0, into: &ranges) }
            text.split(matches: ranges, behavior: .isolated, into: &parts)
        } else if !text.isEmpty {
            parts = [text]
        }
        for var p in parts {
            p.mapBytesToAlphabet()
            out.append(p)
        }
    }

    package var json: String {
        "{\"type\": \"ByteLevel\", \"add_prefix_space\": \(addPrefixSpace), \"trim_offsets\": \(trimOffsets), \"use_regex\": \(useRegex)}"
    }
}
