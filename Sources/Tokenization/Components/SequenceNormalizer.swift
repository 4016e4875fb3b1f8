/// `Sequence`: normalizers applied one after the other, in the order given.
package struct SequenceNormalizer: NormalizerComponent {
    /// The steps, in order.
    package var normalizers: [any NormalizerComponent]

    package func normalize(_ text: inout AlignedText) {
        for n in normalizers { n.normalize(&text) }
    }

    package var json: String {
        "{\"type\": \"Sequence\", \"normalizers\": [" + normalizers.map(\.json).joined(separator: ", ") + "]}"
    }
}
