import Foundation

/// `Precompiled`: SentencePiece's normalization by its precompiled character map. Each grapheme
/// cluster shorter than 6 bytes is looked up whole; otherwise (or when absent) each character.
package struct PrecompiledNormalizer: NormalizerComponent {
    package let charsmap: PrecompiledCharsmap

    package func normalize(_ text: inout AlignedText) {
        guard !text.isEmpty else { return }
        let string = text.string
        let bytes = text.bytes
        var changed = false
        var plan: [(offset: Int, length: Int, replacement: ArraySlice<UInt8>)] = []
        var offset = 0
        for grapheme in string {
            let g = grapheme.utf8.count
            if g < 6, let r = charsmap.transform(bytes[offset..<(offset + g)]) {
                plan.append((offset, g, r)); changed = true
            } else {
                var k = offset
                for scalar in grapheme.unicodeScalars {
                    let l = String(scalar).utf8.count
                    if let r = charsmap.transform(bytes[k..<(k + l)]) { plan.append((k, l, r)); changed = true }
                    k += l
                }
            }
            offset += g
        }
        guard changed else { return }
        text.rewrite { w in
            for (at, length, replacement) in plan {
                w.copy(upTo: at)
                let old = String(decoding: bytes[at..<(at + length)], as: UTF8.self).unicodeScalars.map(\.value)
                let new = String(decoding: replacement, as: UTF8.self).unicodeScalars.map(\.value)
                // As `replace` in tokenizers' precompiled.rs: characters replace one for one;
                // extra new ones are inserted; missing ones are removed after the last.
                for (k, scalar) in new.enumerated() {
                    if k < old.count { w.replace(with: scalar) } else { w.insert(scalar) }
                }
                w.skip(upTo: at + length)
            }
        }
    }

    package var json: String {
        "{\"type\": \"Precompiled\", \"precompiled_charsmap\": \(JSONText.string(Data(charsmap.data).base64EncodedString()))}"
    }
}
