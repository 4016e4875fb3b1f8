import ArtifactIO

/// `Replace` (decoder): in each token, every match of a pattern becomes `content`.
import ArtifactIO

package struct ReplaceDecoder: DecoderComponent {
    package var pattern: TextPattern
    package var content: String

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            var copy = token
            var text = copy.withUTF8 { AlignedText(original: $0, at: 0) }
            text.replace(matches: pattern.matches(in: text.bytes), with: content)
            return text.string
        }
    }

    package var json: String { "{\"type\": \"Replace\", \"pattern\": \(pattern.json), \"content\": \(JSONText.string(content))}" }
}
