/// `ByteFallback`: runs of `<0xXX>` tokens become the text of their bytes, or one U+FFFD per
/// byte when those bytes are not valid UTF-8.
package struct ByteFallbackDecoder: DecoderComponent {
    package init() {}

    static func byte(_ token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16)
    }

    package func decodeChain(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                out.append(s)
            } else {
                out.append(contentsOf: [String](repeating: "\u{FFFD}", count: pending.count))
            }
            pending.removeAll()
        }
        for token in tokens {
            if let b = Self.byte(token) { pending.append(b) } else { flush(); out.append(token) }
        }
        flush()
        return out
    }

    package var json: String { "{\"type\": \"ByteFallback\"}" }
}
