/// A file that could not be read or written, naming the path.
public enum FileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist.
    case missingFile(path: String)
    /// The path names a directory, not a file.
    case isDirectory(path: String)
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The output could not be written.
    case unwritable(path: String, reason: String)

    /// One line naming the path and what went wrong.
    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): no such file"
        case .isDirectory(let path): return "\(path): is a directory, expected a file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason): return "\(path): cannot write: \(reason)"
        }
    }
}
