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
        }
    }
}
