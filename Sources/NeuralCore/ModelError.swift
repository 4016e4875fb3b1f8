/// Why a model, checkpoint or training input was rejected.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The configuration is inconsistent (what is wrong).
    case invalidConfig(String)
    /// A token id is outside the vocabulary (where, id, vocabulary size).
    case tokenOutOfRange(source: String, index: Int, id: Int, vocabularySize: Int)
    /// A sequence is longer than the model's context.
    case contextTooLong(length: Int, context: Int)
    /// A token shard holds too few tokens (source, count, needed).
    case shardTooShort(source: String, tokens: Int, needed: Int)
    /// A checkpoint directory or file is missing, corrupt or inconsistent.
    case badCheckpoint(path: String, detail: String)
    /// Initial embeddings do not fit the model.
    case embeddingMismatch(path: String, detail: String)
    /// The model cannot be exported in the requested format (the option that prevents it).
    case notExportable(String)

    /// A one-line message naming what was rejected and what was expected.
    public var description: String {
        switch self {
        case .invalidConfig(let s): return "invalid model configuration: \(s)"
        case let .tokenOutOfRange(source, index, id, v):
            return "\(source): token \(index) has id \(id), expected an id below the vocabulary size \(v)"
        case let .contextTooLong(length, context): return "sequence of \(length) tokens is longer than the model's context of \(context)"
        case let .shardTooShort(source, tokens, needed):
            return "\(source): \(tokens) tokens, expected at least \(needed) (one batch: batch × context + 1)"
        case let .badCheckpoint(path, detail): return detail.hasPrefix(path + ":") ? detail : "\(path): \(detail)"
        case let .embeddingMismatch(path, detail): return detail.hasPrefix(path + ":") ? detail : "\(path): \(detail)"
        case .notExportable(let s): return "cannot export: \(s)"
        }
    }
}
