import ArtifactIO

/// `Strip` (decoder): removes up to `start` leading and `stop` trailing `content` characters from each token.
package struct StripDecoder: DecoderComponent {
    package var content: Character
    package var start: Int
    package var stop: Int

    package func decodeChain(_ tokens: [String]) -> [String] {
        tokens.map { token in
            let chars = Array(token.unicodeScalars)
            let c = content.unicodeScalars.first
            var lower = 0
            while lower < start && lower < chars.count && chars[lower] == c { lower += 1 }
            var upper = chars.count
            var removed = 0
            while removed < stop && upper > lower && chars[upper - 1] == c { upper -= 1; removed += 1 }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: chars[lower..<upper])
            return String(s)
        }
    }

    package var json: String {
        "{\"type\": \"Strip\", \"content\": \(JSONText.string(String(content))), \"start\": \(start), \"stop\": \(stop)}"
    }
}
