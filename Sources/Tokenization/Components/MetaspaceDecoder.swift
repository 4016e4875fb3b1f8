import ArtifactIO

/// `Metaspace` (decoder): the replacement character becomes a space; the first token's leading
/// one is dropped unless the prepend scheme is `never`.
import ArtifactIO

package struct MetaspaceDecoder: DecoderComponent {
    package var replacement: UInt32
    package var prependScheme: PrependScheme
    package var split: Bool

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { i, token in
            var s = String.UnicodeScalarView()
            for (k, c) in token.unicodeScalars.enumerated() {
                if c.value == replacement {
                    if i == 0 && k == 0 && prependScheme != .never { continue }
                    s.append(" ")
                } else {
                    s.append(c)
                }
            }
            return String(s)
        }
    }

    package var json: String {
        "{\"type\": \"Metaspace\", \"replacement\": \(JSONText.string(String(Character(Unicode.Scalar(replacement) ?? "\u{2581}")))), \"prepend_scheme\": \"\(prependScheme.rawValue)\", \"split\": \(split)}"
    }
}
