import ArtifactIO

/// A `[rows, dimension]` float matrix with a token string per row.
///
/// Rows follow the vocabulary's order: tokenizer ids in token mode, descending frequency in word
/// mode (which is what `--restrict N` in evaluation relies on).
///
/// ```swift
/// let table = try EmbeddingTable.load("emb.safetensors")
/// table.row(named: "king")   // Int?
/// ```
public struct EmbeddingTable: Sendable, Equatable {
    /// The token of each row.
    public var tokens: [String]
    /// Floats per row.
    public var dimension: Int
    /// Row-major values, `tokens.count × dimension`.
    public var vectors: [Float]
    /// Free-form string metadata (kept in safetensors' `__metadata__`).
    public var metadata: [String: String]

    /// Creates a table; `vectors.count` must be `tokens.count × dimension`.
    public init(tokens: [String], dimension: Int, vectors: [Float], metadata: [String: String] = [:]) {
        precondition(vectors.count == tokens.count * dimension, "vectors do not match tokens × dimension")
        self.tokens = tokens
        self.dimension = dimension
        self.vectors = vectors
        self.metadata = metadata
    }

    /// Number of rows.
    public var rowCount: Int { tokens.count }

    /// The first row whose token is `token`.
    public func row(named token: String) -> Int? { tokens.firstIndex(of: token) }

    /// A copy of row `row`.
    public func vector(at row: Int) -> [Float] { Array(vectors[(row * dimension)..<((row + 1) * dimension)]) }

    // MARK: Files

    /// The file formats an embedding table is stored in.
    public enum FileFormat: String, Sendable, CaseIterable {
        /// safetensors with an `embeddings` tensor and the tokens in the metadata.
        case safetensors
        /// word2vec text (`.vec`).
        case text
        /// word2vec binary (`.bin`).
        case binary

        /// The format a path names: `.safetensors`, `.bin`, else text; a file whose 9th byte is
        /// `{` is safetensors whatever its name.
        public static func guess(path: String, firstBytes: [UInt8] = []) -> FileFormat {
            if path.hasSuffix(".safetensors") || (firstBytes.count > 8 && firstBytes[8] == UInt8(ascii: "{")) { return .safetensors }
            if path.hasSuffix(".bin") { return .binary }
            return .text
        }
    }

    /// Loads a table from safetensors, word2vec text or word2vec binary (see ``FileFormat/guess(path:firstBytes:)``).
    public static func load(_ path: String, format: FileFormat? = nil) throws -> EmbeddingTable {
        let bytes = try FileContents.read(path)
        let chosen = format ?? FileFormat.guess(path: path, firstBytes: Array(bytes.prefix(9)))
        switch chosen {
        case .safetensors: return try SafetensorsFile.embeddingTable(from: bytes, path: path)
        case .text: return try Word2VecFormat.parseText(bytes, path: path)
        case .binary: return try Word2VecFormat.parseBinary(bytes, path: path)
        }
    }

    /// Writes the table atomically in `format`.
    public func save(_ path: String, format: FileFormat) throws {
        switch format {
        case .safetensors: try SafetensorsFile.write(self, to: path)
        case .text: try Word2VecFormat.write(self, to: path, binary: false)
        case .binary: try Word2VecFormat.write(self, to: path, binary: true)
        }
    }
}
