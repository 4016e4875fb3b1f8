import Foundation
import Tokenization

/// The id → token strings of a tokenizer, which is all embedding training needs of it.
///
/// Taken from a tokenizer (see ``load(_:)``): the model's vocabulary plus the added tokens, those
/// marked special listed in ``specialIDs``. Ids with no token are named `<unused-ID>`.
///
/// ```swift
/// let vocab = try TokenizerVocabulary.load("tokenizer.json")
/// vocab.tokens[101]   // "[CLS]"
/// ```
public struct TokenizerVocabulary: Sendable, Equatable {
    /// The token of every id; `tokens.count` is the vocabulary size.
    public var tokens: [String]
    /// Ids of special tokens (added tokens marked `special`, or the byte codec's end of text).
    public var specialIDs: Set<Int>

    /// Creates a vocabulary.
    public init(tokens: [String], specialIDs: Set<Int> = []) {
        self.tokens = tokens
        self.specialIDs = specialIDs
    }

    /// Number of ids.
    public var size: Int { tokens.count }

    /// The vocabulary of any `TokenCodec` (for example `ByteCodec`: 257 ids).
    public init(codec: any TokenCodec) {
        let size = codec.vocabularySize
        tokens = (0..<size).map { codec.token(for: UInt32($0)) ?? "<unused-\($0)>" }
        specialIDs = codec.endOfTextID.map { [Int($0)] } ?? []
    }

    /// The vocabulary of a tokenizer: every id's token, and its added tokens marked special.
    public init(tokenizer: Tokenizer) {
        tokens = (0..<tokenizer.vocabularySize).map { tokenizer.token(for: UInt32($0)) ?? "<unused-\($0)>" }
        specialIDs = Set(tokenizer.addedTokens.filter(\.special).map { Int($0.id) })
    }

    /// Loads `path`: any tokenizer file `TokenizerFile` reads (a Hugging Face tokenizer.json,
    /// vocab.txt, vocab.json + merges.txt), or `bytes` for `ByteCodec`.
    public static func load(_ path: String) throws -> TokenizerVocabulary {
        if path == "bytes" { return TokenizerVocabulary(codec: ByteCodec()) }
        return TokenizerVocabulary(tokenizer: try TokenizerFile.load(path))
    }
}
