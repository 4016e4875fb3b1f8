/// Errors of the encoder–decoder module; each is one line naming what is wrong.
public enum Seq2SeqError: Error, Equatable, CustomStringConvertible {
    /// The tokenizer lacks one of `<pad>`, `<bos>`, `<eos>`.
    case missingSpecialToken(String)
    /// A configuration value is out of range (names the parameter).
    case invalidConfig(String)
    /// A model directory or checkpoint does not match what is expected.
    case invalidModel(String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .missingSpecialToken(let token):
            return "the tokenizer has no \(token) token: a translation model needs <pad>, <bos> and <eos>"
        case .invalidConfig(let message): return message
        case .invalidModel(let message): return message
        }
    }
}
