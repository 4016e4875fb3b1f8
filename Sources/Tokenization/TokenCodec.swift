import TextNormalization

/// What later stages need of a tokenizer: text to ids and back, and the vocabulary's size.
///
/// The Hugging Face–compatible `Tokenizer` conforms, and so does ``ByteCodec`` (raw bytes as ids,
/// for byte-level experiments without a trained vocabulary).
///
/// ```swift
/// let codec: any TokenCodec = ByteCodec()
/// codec.decode(codec.encode("héllo"))   // "héllo"
/// ```
public protocol TokenCodec: Sendable {
    /// Number of ids; every id is below it.
    var vocabularySize: Int { get }
    /// The id of the end-of-text token, if the vocabulary has one.
    var endOfTextID: UInt32? { get }
    /// Encodes text (no special tokens added).
    func encode(_ text: String) -> [UInt32]
    /// Decodes ids to text (invalid UTF-8 from partial byte sequences becomes U+FFFD).
    func decode(_ ids: [UInt32]) -> String
    /// The token string of `id`, or `nil` if out of range.
    func token(for id: UInt32) -> String?
}

/// Bytes as ids: 0…255 are the bytes of the UTF-8 text, 256 is `<|endoftext|>`.
public struct ByteCodec: TokenCodec {
    /// Creates the codec.
    public init() {}

    public var vocabularySize: Int { 257 }
    public var endOfTextID: UInt32? { 256 }

    public func encode(_ text: String) -> [UInt32] { text.utf8.map { UInt32($0) } }

    public func decode(_ ids: [UInt32]) -> String {
        String(decoding: ids.compactMap { $0 < 256 ? UInt8($0) : nil }, as: UTF8.self)
    }

    public func token(for id: UInt32) -> String? {
        if id == 256 { return "<|endoftext|>" }
        return id < 256 ? ByteLevelAlphabet.encode([UInt8(id)]) : nil
    }
}
