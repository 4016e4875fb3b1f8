/// An error in reading or writing text, naming the file and, where it applies, the byte offset.
public enum TextInputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist.
    case missingFile(path: String)
    /// The path names a directory, not a file.
    case isDirectory(path: String)
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is empty.
    case emptyFile(path: String)
    /// The bytes at `offset` are not valid UTF-8.
    case invalidUTF8(path: String, offset: Int)
    /// A NUL byte at `offset`: the file looks binary.
    case binaryData(path: String, offset: Int)
    /// The output could not be written.
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): no such file"
        case .isDirectory(let path): return "\(path): is a directory, expected a text file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .emptyFile(let path): return "\(path): file is empty, expected UTF-8 text"
        case .invalidUTF8(let path, let offset):
            return "\(path): invalid UTF-8 at byte offset \(offset) (use --replace-invalid to substitute U+FFFD)"
        case .binaryData(let path, let offset):
            return "\(path): NUL byte at byte offset \(offset): this looks like a binary file, expected UTF-8 text"
        case .unwritable(let path, let reason): return "\(path): cannot write: \(reason)"
        }
    }
}
