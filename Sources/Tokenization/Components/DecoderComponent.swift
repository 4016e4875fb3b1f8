/// One decoder of a `tokenizer.json` (`"decoder"`): turns the list of token strings into a new
/// list (Hugging Face's `decode_chain`); the final text is the list joined.
package protocol DecoderComponent: Sendable {
    /// Decodes a chain of tokens.
    func decodeChain(_ tokens: [String]) -> [String]
    /// The component as `tokenizer.json` writes it.
    var json: String { get }
}

/// `Sequence`: decoders chained in order.
package struct SequenceDecoder: DecoderComponent {
    package var decoders: [any DecoderComponent]

    package func decodeChain(_ tokens: [String]) -> [String] {
        decoders.reduce(tokens) { $1.decodeChain($0) }
    }

    package var json: String { "{\"type\": \"Sequence\", \"decoders\": [" + decoders.map(\.json).joined(separator: ", ") + "]}" }
}
