/// Why a parallel corpus could not be read. Every case names the file and, where there is one,
/// the 1-based line.
public enum ParallelCorpusError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// A line is not valid UTF-8.
    case invalidUTF8(file: String, line: Int)
    /// A JSONL line is not a JSON object.
    case malformedJSON(file: String, line: Int)
    /// A JSONL object lacks a field, or the field is not a string.
    case missingField(file: String, line: Int, field: String)
    /// Line-aligned files have different numbers of lines.
    case lineCountMismatch(sourceFile: String, sourceLines: Int, targetFile: String, targetLines: Int)
    /// No pair was left to use.
    case empty(origin: String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): cannot read: \(reason)"
        case .invalidUTF8(let file, let line): return "\(file):\(line): not valid UTF-8"
        case .malformedJSON(let file, let line): return "\(file):\(line): expected one JSON object on the line"
        case .missingField(let file, let line, let field):
            return "\(file):\(line): expected a string field \"\(field)\""
        case .lineCountMismatch(let sourceFile, let sourceLines, let targetFile, let targetLines):
            return
                "\(sourceFile) has \(sourceLines) lines but \(targetFile) has \(targetLines): line-aligned files must have the same number of lines"
        case .empty(let origin): return "\(origin): no sentence pair with a non-empty source and target"
        }
    }
}
