/// One normalizer of a `tokenizer.json` (`"normalizer"`): rewrites text in place, keeping the
/// alignment of every byte to the original input.
package protocol NormalizerComponent: Sendable {
    /// Normalizes `text`.
    func normalize(_ text: inout AlignedText)
    /// The component as `tokenizer.json` writes it (one JSON object).
    var json: String { get }
}

extension NormalizerComponent {
    /// Normalizes a string (for tests and added-token contents).
    package func normalize(_ string: String) -> String {
        var copy = string
        var text = copy.withUTF8 { AlignedText(original: $0, at: 0) }
        normalize(&text)
        return text.string
    }
}
