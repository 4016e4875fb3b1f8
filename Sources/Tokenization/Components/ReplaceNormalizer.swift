import ArtifactIO

/// `Replace`: every match of a pattern becomes `content`.
import ArtifactIO

package struct ReplaceNormalizer: NormalizerComponent {
    package var pattern: TextPattern
    package var content: String

    package func normalize(_ text: inout AlignedText) {
        text.replace(matches: pattern.matches(in: text.bytes), with: content)
    }

    package var json: String {
        "{\"type\": \"Replace\", \"pattern\": \(pattern.json), \"content\": \(JSONText.string(content))}"
    }
}
