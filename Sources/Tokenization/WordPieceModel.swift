/// BERT's WordPiece model: each word is split greedily, longest vocabulary match first, pieces
/// after the first carrying the continuing-subword prefix (`##`); a word with any part that
/// matches nothing becomes the single unknown token. As Hugging Face's `WordPiece` model.
///
/// ```swift
/// let wp = try WordPieceModel(vocabulary: Vocabulary(tokens: ["[UNK]", "un", "##aff", "##able"]))
/// ```
public struct WordPieceModel: Sendable {
    // MARK: State

    /// The tokens.
    public let vocabulary: Vocabulary
    /// The unknown token.
    public let unknownToken: String
    /// Prefix marking tokens that continue a word.
    public let continuingSubwordPrefix: String
    /// Words with more characters than this become the unknown token.
    public let maxInputCharactersPerWord: Int
    let unknownID: UInt32
    /// Tokens that start with the prefix, keyed by the rest of their bytes.
    let continuations: ByteKeyTable
    /// The longest token, in bytes (without the prefix).
    let longestToken: Int

    /// Creates a model; throws when the unknown token is not in the vocabulary.
    public init(
        vocabulary: Vocabulary, unknownToken: String = "[UNK]", continuingSubwordPrefix: String = "##",
        maxInputCharactersPerWord: Int = 100, source: String = "WordPiece model"
    ) throws {
        guard let unk = vocabulary.id(for: unknownToken) else {
            throw TokenizerError.malformed(source: source, what: "the unknown token \(quoted(unknownToken)) is not in the vocabulary")
        }
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        self.unknownID = unk
        var table = ByteKeyTable(capacity: vocabulary.count)
        var longest = 1
        let prefix = Array(continuingSubwordPrefix.utf8)
        for (id, token) in vocabulary.tokens.enumerated() {
            let bytes = Array(token.utf8)
            longest = max(longest, bytes.count)
            if !prefix.isEmpty && bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix {
                table.insert(Array(bytes[prefix.count...]), UInt64(id))
            }
        }
        self.continuations = table
        self.longestToken = longest
    }

    // MARK: Encoding

    /// Encodes one word (normalized UTF-8), appending its ids and where each ends in `word`.
    func encodeWord(_ word: UnsafeBufferPointer<UInt8>, ids: inout [UInt32], ends: inout [UInt32]) {
        guard let base = word.baseAddress, !word.isEmpty else { return }
        let n = word.count
        var characters = 0
        for i in 0..<n where base[i] & 0xC0 != 0x80 { characters += 1 }
        if characters > maxInputCharactersPerWord {
            ids.append(unknownID); ends.append(UInt32(n)); return
        }
        let mark = ids.count
        var start = 0
        while start < n {
            var end = min(n, start + longestToken)
            while end < n && base[end] & 0xC0 == 0x80 { end -= 1 }  // a character boundary
            var found: UInt32? = nil
            while end > start {
                let v = start == 0 ? vocabulary.table.find(base, end) : continuations.find(base + start, end - start)
                if let v { found = UInt32(truncatingIfNeeded: v); break }
                end -= 1
                while end > start && base[end] & 0xC0 == 0x80 { end -= 1 }
            }
            guard let id = found else {
                ids.removeLast(ids.count - mark)
                ends.removeLast(ends.count - mark)
                ids.append(unknownID); ends.append(UInt32(n))
                return
            }
            ids.append(id); ends.append(UInt32(end))
            start = end
        }
    }
}
