import ArtifactIO
import TextNormalization

/// The documents of a corpus, in order: each text file (`-` for standard input) is one document,
/// or — with a JSON-lines field — the string value of that field on each line is one document.
///
/// A document is what a file is to `count` and `encode`: lines are counted within it, and the
/// token stream is cut at its end (`--eot` puts the end-of-text token between documents). So a
/// corpus cut into pieces, each piece sent as one JSONL record, counts and encodes exactly like
/// the files it was cut from — which is how an engine (Spark's `RDD.pipe`) feeds Tessera.
///
/// ```swift
/// let source = DocumentSource(paths: ["-"], field: "text")
/// try source.forEachDocument(begin: { _ in }, chunk: { bytes in /* UTF-8 */ }, end: { _ in })
/// ```
public struct DocumentSource: Sendable {
    /// Input paths (`-` is standard input).
    public var paths: [String]
    /// The JSON string field holding each line's document, or `nil` for plain text files.
    public var field: String?
    /// How text files are read (invalid UTF-8, empty files).
    public var options: TextChunkReader.Options
    /// Bytes of a JSONL document handed over at a time.
    public var chunkBytes = 1 << 20
    /// Bytes of a text file read at a time (tests make it small to feed long lines in pieces).
    package var readBytes = 1 << 20

    /// Creates a source; paths default to standard input.
    public init(paths: [String], field: String? = nil, options: TextChunkReader.Options = .init()) {
        self.paths = paths.isEmpty ? ["-"] : paths
        self.field = field
        self.options = options
    }

    /// Throws unless every path is a readable file (or `-`); run before any work.
    public func checkReadable() throws {
        for path in paths { try TextChunkReader.checkReadable(path) }
    }

    /// Reads every document in order: `begin(index)`, then `chunk` with its UTF-8 text piece by
    /// piece (a piece may end inside a line or a character), then `end(index)`.
    public func forEachDocument(
        begin: (Int) throws -> Void, chunk: (UnsafeBufferPointer<UInt8>) throws -> Void,
        end: (Int) throws -> Void
    ) throws {
        var index = 0
        for path in paths {
            guard let field else {
                let reader = try TextChunkReader(path: path, chunkSize: readBytes, options: options)
                try begin(index)
                try reader.forEachChunk { piece, _ in try chunk(piece) }
                try end(index)
                index += 1
                continue
            }
            let step = max(16, chunkBytes)
            try forEachRecord(path: path, field: field) { text in
                try begin(index)
                try text.withUnsafeBufferPointer { all in
                    var start = 0
                    while start < all.count {
                        let stop = min(all.count, start + step)
                        try chunk(UnsafeBufferPointer(rebasing: all[start..<stop]))
                        start = stop
                    }
                }
                try end(index)
                index += 1
            }
        }
    }

    /// Calls `body` with the UTF-8 value of `field` on each non-blank line of the JSONL file at
    /// `path`; a line that is not a JSON object with that string field is an error naming the
    /// file and line.
    public func forEachRecord(path: String, field: String, _ body: ([UInt8]) throws -> Void) throws {
        // JSON is UTF-8 without NUL bytes: the text reader's checks apply as they are.
        let reader = try TextChunkReader(path: path, options: .init(replaceInvalid: false, rejectNUL: true, allowEmpty: true))
        var carry: [UInt8] = []
        var line = 0
        func handle(_ bytes: [UInt8]) throws {
            line += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }) { return }
            let value: JSONValue
            do {
                value = try JSONReader.parse(bytes)
            } catch let error as JSONReader.SyntaxError {
                throw TokenizerError.malformed(
                    source: "\(reader.path):\(line)", what: "invalid JSON at byte \(error.offset) of the line: expected \(error.expected)")
            }
            guard case .object = value else {
                throw TokenizerError.malformed(
                    source: "\(reader.path):\(line)", what: "expected a JSON object with a string field \"\(field)\"")
            }
            guard let found = value[field] else {
                throw TokenizerError.malformed(source: "\(reader.path):\(line)", what: "no field \"\(field)\" in this JSON object")
            }
            guard let text = found.string else {
                throw TokenizerError.malformed(source: "\(reader.path):\(line)", what: "field \"\(field)\" is not a string")
            }
            try body(Array(text.utf8))
        }
        try reader.forEachChunk { chunk, _ in
            var start = 0
            var k = 0
            while k < chunk.count {
                if chunk[k] == 0x0A {
                    if carry.isEmpty {
                        try handle(Array(chunk[start..<k]))
                    } else {
                        carry.append(contentsOf: chunk[start..<k])
                        try handle(carry)
                        carry.removeAll(keepingCapacity: false)
                    }
                    start = k + 1
                }
                k += 1
            }
            carry.append(contentsOf: chunk[start..<chunk.count])
        }
        if !carry.isEmpty { try handle(carry) }
    }
}
