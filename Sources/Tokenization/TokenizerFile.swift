import ArtifactIO
import Foundation

/// Reading and writing tokenizers in the formats the ecosystem uses: Hugging Face
/// `tokenizer.json`, WordPiece `vocab.txt`, and GPT-2's `vocab.json` + `merges.txt`.
///
/// Components Tessera does not implement are rejected with an error naming them, never ignored
/// (truncation and padding settings, which do not change ids, are the exception: they are dropped).
///
/// ```swift
/// let tok = try TokenizerFile.load("tokenizer.json")
/// try TokenizerFile.save(tok, to: "copy.json")
/// ```
public enum TokenizerFile {
    // MARK: Loading

    /// Loads `path`: a `tokenizer.json`, a `vocab.txt` (BERT uncased WordPiece), or a `vocab.json`
    /// with its `merges.txt` beside it (GPT-2 byte-level BPE).
    public static func load(_ path: String) throws -> Tokenizer {
        if path.hasSuffix(".txt") { return try loadVocabTxt(path) }
        if path.hasSuffix(".tiktoken") { return try TiktokenFile.load(path) }
        if path.hasSuffix(".model") { return try SentencePieceFile.load(path) }
        let root = try parseJSON(try readFile(path), source: path)
        guard let pairs = root.pairs else {
            throw TokenizerError.malformed(source: path, what: "expected a JSON object at the top level")
        }
        if root["model"]?.pairs == nil, !pairs.isEmpty, pairs.allSatisfy({ $0.value.int != nil }) {
            // GPT-2's vocab.json (or encoder.json): merges.txt (or vocab.bpe) lies beside it.
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let prefix = dir.isEmpty ? "" : dir + "/"
            var merges = prefix + "merges.txt"
            if !FileManager.default.fileExists(atPath: merges) && FileManager.default.fileExists(atPath: prefix + "vocab.bpe") {
                merges = prefix + "vocab.bpe"
            }
            return try loadVocabAndMerges(vocab: path, merges: merges)
        }
        return try parseTokenizer(root, source: path)
    }

    /// Writes `tokenizer` to `path`, atomically, in the format its name asks for: `*.txt` a
    /// WordPiece `vocab.txt`; `vocab.json` GPT-2's `vocab.json` with `merges.txt` beside it (BPE);
    /// anything else `tokenizer.json`. The legacy formats keep only the vocabulary (and merges).
    public static func save(_ tokenizer: Tokenizer, to path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".txt") {
            guard case .wordPiece(let m) = tokenizer.model else {
                throw TokenizerError.invalidOption(
                    "\(path): a .txt vocabulary holds WordPiece tokens; save a BPE tokenizer as tokenizer.json or vocab.json")
            }
            if let bad = m.vocabulary.tokens.first(where: { $0.contains("\n") || $0.contains("\r") || $0.isEmpty }) {
                throw TokenizerError.invalidOption("\(path): token \(quoted(bad)) cannot be written one per line")
            }
            try AtomicFileWriter.write(Array((m.vocabulary.tokens.joined(separator: "\n") + "\n").utf8), to: path)
        } else if name == "vocab.json" {
            guard case .bpe(let m) = tokenizer.model else {
                throw TokenizerError.invalidOption(
                    "\(path): vocab.json + merges.txt hold BPE tokenizers; save WordPiece as vocab.txt or tokenizer.json")
            }
            if let bad = m.mergeStrings.first(where: { ($0.0 + $0.1).contains(" ") || ($0.0 + $0.1).contains("\n") }) {
                throw TokenizerError.invalidOption(
                    "\(path): merge \(quoted(bad.0)) \(quoted(bad.1)) cannot be written to merges.txt (space or newline in a token)")
            }
            let vocab =
                "{" + m.vocabulary.tokens.enumerated().map { "\(JSONText.string($0.element)): \($0.offset)" }.joined(separator: ", ")
                + "}\n"
            let merges = "#version: 0.2\n" + m.mergeStrings.map { "\($0.0) \($0.1)\n" }.joined()
            let mergesPath = String(path.dropLast(name.count)) + "merges.txt"
            try AtomicFileWriter.write(Array(merges.utf8), to: mergesPath)
            try AtomicFileWriter.write(Array(vocab.utf8), to: path)
        } else {
            try AtomicFileWriter.write(Array(json(tokenizer).utf8), to: path)
        }
    }

    // MARK: Files

    static func readFile(_ path: String) throws -> [UInt8] {
        try FileContents.read(path)
    }

    /// Parses JSON, turning a syntax error into a one-line error with its byte offset.
    static func parseJSON(_ bytes: [UInt8], source: String) throws -> JSONValue {
        do {
            return try JSONReader.parse(bytes)
        } catch let error as JSONReader.SyntaxError {
            var expected = error.expected
            if error.offset >= bytes.count && !expected.contains("truncated") { expected += " (the file ends early: truncated?)" }
            throw TokenizerError.malformed(source: source, what: "not valid JSON at byte offset \(error.offset): expected \(expected)")
        }
    }
}

extension Tokenizer {
    /// Loads a tokenizer file (see ``TokenizerFile/load(_:)``).
    public static func load(fromFile path: String) throws -> Tokenizer { try TokenizerFile.load(path) }

    /// Saves as `tokenizer.json` (see ``TokenizerFile/save(_:to:)``).
    public func save(to path: String) throws { try TokenizerFile.save(self, to: path) }
}
