import ArtifactIO

/// `CTC`: repeated tokens collapsed, the pad token removed, the word delimiter made a space
/// (with WordPiece's clean-up when `cleanup`).
import ArtifactIO

package struct CTCDecoder: DecoderComponent {
    package var padToken: String
    package var wordDelimiterToken: String
    package var cleanup: Bool

    package func decodeChain(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var previous: String? = nil
        for token in tokens {
            defer { previous = token }
            if token == previous { continue }
            var t = token.replacingAll(padToken, with: "")
            if cleanup { t = Tokenizer.cleanup(t).replacingAll(wordDelimiterToken, with: " ") }
            if !t.isEmpty { out.append(t) }
        }
        return out
    }

    package var json: String {
        "{\"type\": \"CTC\", \"pad_token\": \(JSONText.string(padToken)), \"word_delimiter_token\": \(JSONText.string(wordDelimiterToken)), \"cleanup\": \(cleanup)}"
    }
}
