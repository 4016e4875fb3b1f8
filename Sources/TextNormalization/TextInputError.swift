/// Input that is not the text expected, naming the file and, where it applies, the byte offset.
/// (A file that cannot be opened, read or written is a `FileError`.)
public enum TextInputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is empty.
    case emptyFile(path: String)
    /// The bytes at `offset` are not valid UTF-8.
    case invalidUTF8(path: String, offset: Int)
    /// A NUL byte at `offset`: the file looks binary.
    case binaryData(path: String, offset: Int)

    public var description: String {
        switch self {
        case .emptyFile(let path): return "\(path): file is empty, expected UTF-8 text"
        case .invalidUTF8(let path, let offset):
            return "\(path): invalid UTF-8 at byte offset \(offset) (reading with replaceInvalid substitutes U+FFFD)"
        case .binaryData(let path, let offset):
            return "\(path): NUL byte at byte offset \(offset): this looks like a binary file, expected UTF-8 text"
        }
    }
}
