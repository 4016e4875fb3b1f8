import ArtifactIO
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
        // The (character, change) list of tokenizers' precompiled.rs, including its quirk: a
        // replacement by nothing adjusts the previous entry, and at the very start (no previous
        // entry) leaves the removed character unconsumed, shifting the alignments after it.
        var items: [(UInt32, Int)] = []
        items.reserveCapacity(bytes.count)
        var k = 0
        var planIndex = 0
        for (scalar, at, length) in text.scalars() where at >= k {
            if planIndex < plan.count && plan[planIndex].offset == at {
                let (_, oldLength, replacement) = plan[planIndex]
                planIndex += 1
                let oldCount = String(decoding: bytes[at..<(at + oldLength)], as: UTF8.self).unicodeScalars.count
                let new = String(decoding: replacement, as: UTF8.self).unicodeScalars.map(\.value)
                let firstNew = items.count
                for s in new { items.append((s, 0)) }
                let diff = new.count - oldCount
                if diff > 0 {
                    for j in (items.count - diff)..<items.count where j >= firstNew { items[j].1 = 1 }
                } else if diff < 0, !items.isEmpty {
                    items[items.count - 1].1 += diff
                }
                k = at + oldLength
            } else {
                items.append((scalar, 0))
                k = at + length
            }
        }
        text.transform(items)
    }

    package var json: String {
        "{\"type\": \"Precompiled\", \"precompiled_charsmap\": \(JSONText.string(Data(charsmap.data).base64EncodedString()))}"
    }
}
