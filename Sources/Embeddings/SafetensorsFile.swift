import ArtifactIO
import Foundation

/// Embedding tables as safetensors files, through TensorOps' reader and writer: one F32 tensor
/// `embeddings` `[rows, dim]`, the row tokens as a JSON array in the metadata key `tokens`, and
/// the table's other metadata beside it. PyTorch's and NumPy's `safetensors` read these files.
///
/// ```swift
/// try SafetensorsFile.write(table, to: "emb.safetensors")
/// let back = try SafetensorsFile.embeddingTable(from: bytes, path: "emb.safetensors")
/// ```
public enum SafetensorsFile {
    // MARK: Writing

    /// The safetensors form of an embedding table.
    public static func safetensors(for table: EmbeddingTable) -> SafeTensors {
        var file = SafeTensors()
        file.metadata = table.metadata
        let tokens = (try? JSONSerialization.data(withJSONObject: table.tokens, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        file.metadata["tokens"] = String(decoding: tokens, as: UTF8.self)
        file.add("embeddings", shape: [table.rowCount, table.dimension], floats: table.vectors)
        return file
    }

    /// The file's bytes (the same table gives the same bytes).
    public static func serialized(_ table: EmbeddingTable) -> [UInt8] {
        safetensors(for: table).serialize()
    }

    /// Writes an embedding table atomically.
    public static func write(_ table: EmbeddingTable, to path: String) throws {
        try AtomicFileWriter.write(serialized(table), to: path)
    }

    // MARK: Reading

    /// Reads the `embeddings` tensor (or the only tensor) and the `tokens` metadata as a table;
    /// without `tokens`, rows are named by their index. F16 and BF16 tensors are widened to F32.
    public static func embeddingTable(from bytes: [UInt8], path: String) throws -> EmbeddingTable {
        func fail(_ reason: String) -> EmbeddingsError { .badSafetensors(path: path, reason: reason) }
        let file: SafeTensors
        let name: String
        let values: [Float]
        let shape: [Int]
        do {
            file = try bytes.withUnsafeBytes { try SafeTensors.parse($0, path: path) }
            guard let chosen = file.names.contains("embeddings") ? "embeddings" : (file.names.count == 1 ? file.names.first : nil) else {
                throw fail("no tensor named 'embeddings'")
            }
            name = chosen
            shape = try file.tensor(name).shape
            values = try file.floats(name)
        } catch let error as SafeTensorsError {
            let text = error.description
            throw fail(text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text)
        }
        guard shape.count == 2, shape[0] >= 1, shape[1] >= 1 else {
            throw fail("tensor '\(name)' has shape \(shape), expected [rows, dim] with rows and dim at least 1")
        }
        let rows = shape[0]
        var metadata = file.metadata
        var tokens = (0..<rows).map(String.init)
        if let list = metadata.removeValue(forKey: "tokens") {
            guard let parsed = (try? JSONSerialization.jsonObject(with: Data(list.utf8))) as? [String], parsed.count == rows else {
                throw fail("metadata 'tokens' is not a JSON array of \(rows) strings")
            }
            tokens = parsed
        }
        return EmbeddingTable(tokens: tokens, dimension: shape[1], vectors: values, metadata: metadata)
    }
}
