import ArtifactIO

/// `Prepend`: puts a string before non-empty text.
import ArtifactIO

package struct PrependNormalizer: NormalizerComponent {
    package var prepend: String

    package func normalize(_ text: inout AlignedText) { text.prepend(prepend) }

    package var json: String { "{\"type\": \"Prepend\", \"prepend\": \(JSONText.string(prepend))}" }
}
