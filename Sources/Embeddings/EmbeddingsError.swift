/// A problem with the input or options of an embeddings command, naming the file and place.
public enum EmbeddingsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An option is out of range.
    case invalidOption(name: String, reason: String)
    /// A token id in a shard is not below the tokenizer's vocabulary size.
    case tokenOutOfRange(path: String, index: Int, byteOffset: Int, id: UInt32, vocabularySize: Int)
    /// Too few words to train on.
    case corpusTooSmall(words: Int, window: Int)
    /// No word reaches the minimum count.
    case emptyVocabulary(minCount: Int, distinctWords: Int)
    /// A tokenizer file that cannot be used.
    case badTokenizer(path: String, reason: String)
    /// A safetensors file that cannot be read.
    case badSafetensors(path: String, reason: String)
    /// A word2vec file that cannot be read (`position` is "line N" or "byte N").
    case badWord2Vec(path: String, position: String, reason: String)
    /// A word missing from the embeddings' vocabulary.
    case unknownWord(String)
    /// An evaluation file without a single usable line.
    case badEvaluationFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let name, let reason): return "\(name): \(reason)"
        case .tokenOutOfRange(let path, let index, let offset, let id, let size):
            return "\(path): token \(index) (byte offset \(offset)) is id \(id), beyond the tokenizer's vocabulary of \(size) ids"
        case .corpusTooSmall(let words, let window):
            return "corpus has \(words) trainable words, fewer than the window (\(window)): nothing to learn from"
        case .emptyVocabulary(let minCount, let distinct):
            return "no word occurs at least \(minCount) times, the minimum count (\(distinct) distinct words)"
        case .badTokenizer(let path, let reason): return "\(path): not a usable tokenizer.json: \(reason)"
        case .badSafetensors(let path, let reason): return "\(path): not a usable safetensors file: \(reason)"
        case .badWord2Vec(let path, let position, let reason): return "\(path): \(position): \(reason)"
        case .unknownWord(let word): return "'\(word)' is not in the embeddings' vocabulary"
        case .badEvaluationFile(let path, let reason): return "\(path): \(reason)"
        }
    }
}
