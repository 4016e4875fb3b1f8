/// Why masked-LM data, a model or an option was rejected. Each case says what was expected.
public enum MaskedLMError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The tokenizer has no id for a special token BERT needs.
    case missingSpecialToken(source: String, token: String)
    /// An option that cannot work (the message names the parameter).
    case invalidOption(String)
    /// No document had enough tokens to make a training pair.
    case noPairs(source: String)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(source: String, index: Int, id: Int, vocabularySize: Int)

    public var description: String {
        switch self {
        case .missingSpecialToken(let source, let token):
            return "\(source): the tokenizer has no \(token) token; a masked LM needs [CLS], [SEP], [MASK] and [PAD]"
        case .invalidOption(let what):
            return what
        case .noPairs(let source):
            return "\(source): no text to make masked-LM sequences from (empty corpus)"
        case .tokenOutOfRange(let source, let index, let id, let size):
            return "\(source): token \(index) has id \(id), outside a vocabulary of \(size) tokens"
        }
    }
}
