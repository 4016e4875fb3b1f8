/// A malformed token shard.
public enum TokenShardError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is shorter than the 1,024-byte header.
    case truncatedHeader(path: String, size: Int)
    /// The first header word is not ``TokenShard/magic``.
    case badMagic(path: String, found: Int32)
    /// The version word is neither 1 (uint16 ids) nor 2 (uint32 ids).
    case badVersion(path: String, found: Int32)
    /// The file size does not match the token count in the header.
    case lengthMismatch(path: String, headerCount: Int, expectedBytes: Int, actualBytes: Int)
    /// Shards to concatenate have different id widths (versions).
    case mixedVersions(path: String, version: Int32, firstPath: String, firstVersion: Int32)
    /// An id at `index` is not below the vocabulary size.
    case idOutOfRange(path: String, index: Int, id: UInt32, vocabularySize: Int)
    /// More tokens than an llm.c header can count.
    case tooManyTokens(path: String, total: Int)

    /// One line naming the file, the byte offset and what was expected.
    public var description: String {
        switch self {
        case .truncatedHeader(let path, let size):
            return "\(path): not a token shard: \(size) bytes, shorter than the 1024-byte header"
        case .badMagic(let path, let found):
            return "\(path): not a token shard: magic at byte 0 is \(found), expected \(TokenShard.magic)"
        case .badVersion(let path, let found):
            return "\(path): unsupported token shard version \(found) at byte 4, expected 1 (uint16) or 2 (uint32)"
        case .lengthMismatch(let path, let count, let expected, let actual):
            return "\(path): header at byte 8 counts \(count) tokens (\(expected) bytes) but the file has \(actual) bytes"
        case .mixedVersions(let path, let version, let firstPath, let firstVersion):
            func ids(_ v: Int32) -> String { v == 1 ? "uint16" : "uint32" }
            return
                "\(path): version \(version) (\(ids(version)) ids) at byte 4, but \(firstPath) is version \(firstVersion) (\(ids(firstVersion)) ids): shards of different vocabulary sizes are not concatenated"
        case .idOutOfRange(let path, let index, let id, let size):
            return
                "\(path): token \(index) (byte \(TokenShard.headerBytes + index * (size <= 65_536 ? 2 : 4))) is id \(id), out of range for a vocabulary of \(size) tokens"
        case .tooManyTokens(let path, let total):
            return "\(path): \(total) tokens in all: more than an llm.c header counts (2,147,483,647)"
        }
    }
}
