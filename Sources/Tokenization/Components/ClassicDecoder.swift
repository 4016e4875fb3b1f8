import ArtifactIO
import TextNormalization

/// The decoders Tessera had before components: `ByteLevel`, `WordPiece` and `BPEDecoder`, as
/// chain steps.
package struct ClassicDecoder: DecoderComponent {
    package var decoder: TokenDecoder

    package func decodeChain(_ tokens: [String]) -> [String] {
        switch decoder {
        case .none: return tokens
        case .byteLevel:
            var bytes: [UInt8] = []
            for t in tokens {
                if let b = ByteLevelAlphabet.decode(t) { bytes.append(contentsOf: b) } else { bytes.append(contentsOf: Array(t.utf8)) }
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case .wordPiece(let prefix, let cleanup):
            return tokens.enumerated().map { i, token in
                var t = token
                if i != 0 { if t.hasPrefix(prefix) { t.removeFirst(prefix.count) } else { t = " " + t } }
                return cleanup ? Tokenizer.cleanup(t) : t
            }
        case .bpeSuffix(let suffix):
            return tokens.enumerated().map { i, t in t.replacingAll(suffix, with: i == tokens.count - 1 ? "" : " ") }
        }
    }

    package var json: String {
        switch decoder {
        case .none: return "null"
        case .byteLevel: return "{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true}"
        case .wordPiece(let prefix, let cleanup):
            return "{\"type\": \"WordPiece\", \"prefix\": \(JSONText.string(prefix)), \"cleanup\": \(cleanup)}"
        case .bpeSuffix(let suffix): return "{\"type\": \"BPEDecoder\", \"suffix\": \(JSONText.string(suffix))}"
        }
    }
}
