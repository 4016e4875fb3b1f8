/// `Fuse`: all tokens joined into one.
package struct FuseDecoder: DecoderComponent {
    package init() {}
    package func decodeChain(_ tokens: [String]) -> [String] { [tokens.joined()] }
    package var json: String { "{\"type\": \"Fuse\"}" }
}
