/// Why a tokenizer file, vocabulary, corpus or option was rejected. Each case names the source
/// (a file path, or what was being built) and says what was expected.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A token appears twice in a vocabulary.
    case duplicateToken(source: String, token: String, id: Int, firstID: Int)
    /// A merge names a token that is not in the vocabulary.
    case unknownMergeToken(source: String, line: Int, token: String)
    /// The file is not what it claims to be (bad JSON, a missing field, a wrong type).
    case malformed(source: String, what: String)
    /// A component (normalizer, pre-tokenizer, model, post-processor, decoder) Tessera does not implement.
    case unsupportedComponent(source: String, component: String, type: String)
    /// A training option that cannot work.
    case invalidOption(String)
    /// The training corpus had no words.
    case emptyCorpus(source: String)
    /// Two count files were made with different settings.
    case incompatibleCounts(source: String, expected: String, found: String)
    /// An id out of the vocabulary's range.
    case idOutOfRange(source: String, id: UInt32, vocabularySize: Int)

    public var description: String {
        switch self {
        case .duplicateToken(let source, let token, let id, let firstID):
            return "\(source): duplicate token \(quoted(token)) at id \(id) (already id \(firstID)); each token must appear once"
        case .unknownMergeToken(let source, let line, let token):
            return "\(source): merge \(line) names \(quoted(token)), which is not in the vocabulary"
        case .malformed(let source, let what):
            return "\(source): \(what)"
        case .unsupportedComponent(let source, let component, let type):
            return
                "\(source): unsupported \(component) \(quoted(type)); Tessera reads BPE/WordPiece models with Bert/NFC/NFKC/NFD/NFKD/Lowercase/StripAccents normalizers, ByteLevel/Bert/Whitespace/WhitespaceSplit pre-tokenizers, TemplateProcessing/BertProcessing/ByteLevel post-processors and ByteLevel/WordPiece/BPEDecoder decoders"
        case .invalidOption(let what):
            return what
        case .emptyCorpus(let source):
            return "\(source): no words to train on (empty corpus)"
        case .incompatibleCounts(let source, let expected, let found):
            // Name the settings that differ (each is a key=value field).
            let ours = Set(expected.split(separator: " ")), theirs = Set(found.split(separator: " "))
            let differ = found.split(separator: " ").filter { !ours.contains($0) }
            let instead = expected.split(separator: " ").filter { !theirs.contains($0) }
            if !differ.isEmpty && !instead.isEmpty {
                return
                    "\(source): counted with \(differ.joined(separator: " ")), but the other count files used \(instead.joined(separator: " ")) (all settings: \(expected))"
            }
            return "\(source): counted with \(found), but the other count files used \(expected)"
        case .idOutOfRange(let source, let id, let size):
            return "\(source): id \(id) is out of range for a vocabulary of \(size) tokens"
        }
    }
}
