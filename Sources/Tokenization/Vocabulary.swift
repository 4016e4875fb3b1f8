import ArtifactIO

/// Token strings and their ids, both ways.
///
/// Ids are dense: `0..<count`. A token appears once. Tokens are compared as UTF-8 bytes, not as
/// Swift strings: two canonically equivalent spellings (NFC and NFD "é") are different tokens.
///
/// ```swift
/// let v = try Vocabulary(tokens: ["[UNK]", "a", "##b"])
/// v.id(for: "##b")   // 2
/// v.token(2)         // "##b"
/// ```
public struct Vocabulary: Sendable, Equatable {
    /// Token strings, indexed by id.
    public private(set) var tokens: [String]
    /// UTF-8 bytes of each token → id, for lookups on byte slices.
    var table: ByteKeyTable

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.tokens == b.tokens }

    /// Creates a vocabulary; ids are positions. Throws on a duplicate token.
    public init(tokens: [String], source: String = "vocabulary") throws {
        self.tokens = []
        self.table = ByteKeyTable(capacity: tokens.count)
        self.tokens.reserveCapacity(tokens.count)
        for token in tokens {
            if let first = table.find(Array(token.utf8)) {
                throw TokenizerError.duplicateToken(source: source, token: token, id: self.tokens.count, firstID: Int(first))
            }
            append(token)
        }
    }

    /// Creates a vocabulary from a token → id map whose ids must be exactly `0..<count`.
    public init(ids: [String: Int], source: String) throws {
        var tokens = [String?](repeating: nil, count: ids.count)
        for (token, id) in ids {
            guard id >= 0 && id < ids.count else {
                throw TokenizerError.malformed(
                    source: source, what: "token \(quoted(token)) has id \(id), expected ids 0..<\(ids.count) without gaps")
            }
            if let other = tokens[id] {
                throw TokenizerError.malformed(source: source, what: "id \(id) is given to both \(quoted(other)) and \(quoted(token))")
            }
            tokens[id] = token
        }
        try self.init(tokens: tokens.map { $0! }, source: source)
    }

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// The id of `token`, if present.
    public func id(for token: String) -> UInt32? {
        var copy = token
        return copy.withUTF8 { b in
            table.find(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count).map { UInt32(truncatingIfNeeded: $0) }
        }
    }

    /// The token string of `id`, if in range.
    public func token(_ id: UInt32) -> String? { Int(id) < tokens.count ? tokens[Int(id)] : nil }

    /// The byte-fallback token of `byte`: `<0xXX>`, two upper-case hex digits.
    static func byteFallbackToken(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }

    /// The id of each byte's byte-fallback token (``byteFallbackToken(_:)``), `UInt32.max` where absent.
    var byteFallbackIDs: [UInt32] { (0...255).map { id(for: Self.byteFallbackToken(UInt8($0))) ?? .max } }

    /// The id of the token spelled by `n` UTF-8 bytes at `p`.
    @inline(__always)
    func id(bytes p: UnsafePointer<UInt8>, count n: Int) -> UInt32? {
        table.find(p, n).map { UInt32(truncatingIfNeeded: $0) }
    }

    /// Appends `token` (which must be new) and returns its id.
    @discardableResult
    public mutating func append(_ token: String) -> UInt32 {
        let id = UInt32(tokens.count)
        tokens.append(token)
        table.insert(Array(token.utf8), UInt64(id))
        return id
    }
}

/// `"token"` with quotes and JSON escapes, for error messages (the same text ``JSONText`` writes).
func quoted(_ s: String) -> String { JSONText.string(s) }
