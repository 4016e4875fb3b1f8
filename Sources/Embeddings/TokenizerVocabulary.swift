import Foundation

/// The id → token strings of a tokenizer, which is all embedding training needs of it.
///
/// Read from a Hugging Face `tokenizer.json`: `model.vocab` (a `{token: id}` map for BPE,
/// WordPiece and WordLevel, or a `[[piece, score], …]` list for Unigram) plus `added_tokens`
/// (`[{id, content, special}]`). Ids missing from both are named `<unused-ID>`.
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

    /// The vocabulary of any ``TokenCodec`` (for example ``ByteCodec``: 257 ids).
    public init(codec: any TokenCodec) {
        let size = codec.vocabularySize
        tokens = (0..<size).map { codec.token(for: UInt32($0)) ?? "<unused-\($0)>" }
        specialIDs = codec.endOfTextID.map { [Int($0)] } ?? []
    }

    /// Loads `path`: a tokenizer.json, or `bytes` for ``ByteCodec``.
    public static func load(_ path: String) throws -> TokenizerVocabulary {
        if path == "bytes" { return TokenizerVocabulary(codec: ByteCodec()) }
        return try parse(FileBytes.read(path), path: path)
    }

    /// Parses a tokenizer.json's bytes (`path` is used in errors).
    public static func parse(_ bytes: [UInt8], path: String) throws -> TokenizerVocabulary {
        func fail(_ reason: String) -> EmbeddingsError { .badTokenizer(path: path, reason: reason) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw fail("invalid JSON (\((error as NSError).userInfo["NSDebugDescription"] as? String ?? "parse error"))")
        }
        guard let root = object as? [String: Any] else { throw fail("top level is not a JSON object") }
        guard let model = root["model"] as? [String: Any] else { throw fail("no 'model' object") }
        var byID: [Int: String] = [:]
        if let map = model["vocab"] as? [String: Any] {
            for (token, value) in map {
                guard let id = value as? Int, id >= 0 else { throw fail("model.vocab['\(token)'] is not a non-negative integer id") }
                if let other = byID[id], other != token { throw fail("model.vocab gives id \(id) to both '\(other)' and '\(token)'") }
                byID[id] = token
            }
        } else if let list = model["vocab"] as? [Any] {
            for (id, entry) in list.enumerated() {
                guard let pair = entry as? [Any], let token = pair.first as? String else {
                    throw fail("model.vocab[\(id)] is not a [piece, score] pair")
                }
                byID[id] = token
            }
        } else {
            throw fail("no 'model.vocab' map or list")
        }
        var special: Set<Int> = []
        if let added = root["added_tokens"] as? [Any] {
            for (k, entry) in added.enumerated() {
                guard let info = entry as? [String: Any], let id = info["id"] as? Int, id >= 0,
                      let content = info["content"] as? String else {
                    throw fail("added_tokens[\(k)] has no integer 'id' and string 'content'")
                }
                byID[id] = content
                if (info["special"] as? Bool) ?? false { special.insert(id) }
            }
        }
        guard let maxID = byID.keys.max() else { throw fail("the vocabulary is empty") }
        guard maxID < 1 << 24 else { throw fail("id \(maxID) is implausibly large") }
        let tokens = (0...maxID).map { byID[$0] ?? "<unused-\($0)>" }
        return TokenizerVocabulary(tokens: tokens, specialIDs: special)
    }
}
