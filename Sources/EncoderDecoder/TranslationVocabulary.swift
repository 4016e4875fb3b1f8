import Foundation
import Tokenization

/// The joint source/target tokenizer of a translation model and its three special tokens.
///
/// Both languages share one vocabulary (so the model shares one embedding table between encoder,
/// decoder and output layer). A source sentence is encoded as `tokens + <eos>`; the decoder reads
/// `<bos> + tokens` and is trained to predict `tokens + <eos>`; `<pad>` fills batches.
public struct TranslationVocabulary: Sendable {
    /// The padding token's content.
    public static let padToken = "<pad>"
    /// The start-of-sequence token's content.
    public static let bosToken = "<bos>"
    /// The end-of-sequence token's content.
    public static let eosToken = "<eos>"

    /// The tokenizer (text inside sentences never matches the special tokens).
    public let tokenizer: Tokenizer
    /// The id of `<pad>`.
    public let padID: Int32
    /// The id of `<bos>`.
    public let bosID: Int32
    /// The id of `<eos>`.
    public let eosID: Int32

    /// Wraps a tokenizer that has `<pad>`, `<bos>` and `<eos>` tokens.
    public init(tokenizer: Tokenizer) throws(Seq2SeqError) {
        func id(_ token: String) throws(Seq2SeqError) -> Int32 {
            guard let id = tokenizer.id(for: token) else { throw .missingSpecialToken(token) }
            return Int32(id)
        }
        padID = try id(Self.padToken)
        bosID = try id(Self.bosToken)
        eosID = try id(Self.eosToken)
        var plain = tokenizer
        plain.matchAddedTokens = false
        self.tokenizer = plain
    }

    /// The number of token ids.
    public var size: Int { tokenizer.vocabularySize }

    /// Trains a joint byte-level BPE tokenizer on both sides of `pairs` with Tessera's own trainer;
    /// `<pad>`, `<bos>` and `<eos>` get ids 0, 1 and 2. The text is counted through a temporary
    /// file in `scratchDirectory`, which is removed afterwards.
    public static func train(
        pairs: [ParallelPair], vocabularySize: Int, scratchDirectory: String,
        threads: Int = 1
    ) throws -> TranslationVocabulary {
        let recipe = try TokenizerRecipe(model: "byte-bpe", specialTokens: [padToken, bosToken, eosToken].joined(separator: ","))
        let path = (scratchDirectory as NSString).appendingPathComponent(".tokenizer-text-\(UUID().uuidString).txt")
        var text = ""
        text.reserveCapacity(pairs.count * 80)
        for pair in pairs {
            text += pair.source
            text += "\n"
            text += pair.target
            text += "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let counts = try recipe.counter(threads: threads).count(paths: [path])
        let tokenizer = try recipe.train(counts, vocabularySize: vocabularySize)
        return try TranslationVocabulary(tokenizer: tokenizer)
    }

    /// The ids of `text` (no special tokens).
    public func encode(_ text: String) -> [Int32] {
        tokenizer.encode(text).map { Int32($0) }
    }

    /// The text of `ids`, stopping at the first `<eos>` and leaving out special tokens.
    public func decode(_ ids: [Int32]) -> String {
        let end = ids.firstIndex(of: eosID) ?? ids.endIndex
        let kept = ids[..<end].filter { $0 != padID && $0 != bosID && $0 >= 0 }
        return tokenizer.decode(kept.map { UInt32($0) })
    }
}
