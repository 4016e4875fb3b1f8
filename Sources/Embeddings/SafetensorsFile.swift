import Foundation

/// A focused safetensors reader and writer for float32 tensors.
///
/// Layout: an 8-byte little-endian header length, a JSON header (`{"name": {"dtype": "F32",
/// "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {string: string}}`) padded
/// with spaces to a multiple of 8 bytes, then the little-endian data.
///
/// Embedding tables are stored as one tensor `embeddings` of shape `[rows, dimension]`, with
/// the row tokens as a JSON array in the metadata key `tokens`.
public struct SafetensorsFile: Sendable, Equatable {
    /// One float32 tensor.
    public struct Tensor: Sendable, Equatable {
        /// The tensor's name in the header.
        public var name: String
        /// Its shape.
        public var shape: [Int]
        /// Row-major values (count = product of shape).
        public var values: [Float]

        /// Creates a tensor.
        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The tensors, in data order.
    public var tensors: [Tensor]
    /// The `__metadata__` map.
    public var metadata: [String: String]

    /// Creates a file in memory.
    public init(tensors: [Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor named `name`.
    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }

    // MARK: Writing

    /// The file's bytes (sorted keys: the same tensors give the same bytes).
    public func serialized() -> [UInt8] {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            let size = t.values.count * 4
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        // Strings, numbers, arrays and dictionaries only: serialization cannot fail.
        var json = [UInt8]((try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + offset)
        let length = UInt64(json.count)
        for b in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(b)))) }
        out.append(contentsOf: json)
        for t in tensors {
            for v in t.values {
                let bits = v.bitPattern
                out.append(UInt8(truncatingIfNeeded: bits))
                out.append(UInt8(truncatingIfNeeded: bits >> 8))
                out.append(UInt8(truncatingIfNeeded: bits >> 16))
                out.append(UInt8(truncatingIfNeeded: bits >> 24))
            }
        }
        return out
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try AtomicFileWriter.write(serialized(), to: path)
    }

    /// Writes an embedding table as `embeddings` `[rows, dimension]` with its tokens and metadata.
    public static func write(_ table: EmbeddingTable, to path: String) throws {
        try file(for: table).write(to: path)
    }

    /// The safetensors form of an embedding table.
    public static func file(for table: EmbeddingTable) -> SafetensorsFile {
        var metadata = table.metadata
        let tokens = (try? JSONSerialization.data(withJSONObject: table.tokens, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        metadata["tokens"] = String(decoding: tokens, as: UTF8.self)
        return SafetensorsFile(
            tensors: [Tensor(name: "embeddings", shape: [table.rowCount, table.dimension], values: table.vectors)],
            metadata: metadata)
    }

    // MARK: Reading

    /// Reads and checks a file.
    public static func read(_ path: String) throws -> SafetensorsFile {
        try parse(FileBytes.read(path), path: path)
    }

    /// Parses a file's bytes; only F32 tensors are accepted.
    public static func parse(_ bytes: [UInt8], path: String) throws -> SafetensorsFile {
        func fail(_ reason: String) -> EmbeddingsError { .badSafetensors(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw fail("\(bytes.count) bytes, shorter than the 8-byte header length") }
        var length: UInt64 = 0
        for b in 0..<8 { length |= UInt64(bytes[b]) << (8 * UInt64(b)) }
        guard length <= UInt64(bytes.count - 8) else {
            throw fail("header length \(length) at byte 0 runs past the end of the file (\(bytes.count) bytes)")
        }
        let dataStart = 8 + Int(length)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])),
              let header = object as? [String: Any] else {
            throw fail("header at bytes 8..<\(dataStart) is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: String] else { throw fail("__metadata__ is not a map of strings") }
            metadata = map
        }
        let dataSize = bytes.count - dataStart
        var entries: [(begin: Int, tensor: Tensor)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
            guard let dtype = info["dtype"] as? String else { throw fail("tensor '\(name)' has no dtype") }
            guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype), expected F32") }
            guard let shape = info["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(name)' has no valid shape") }
            guard let offsets = info["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0,
                  offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw fail("tensor '\(name)' has data_offsets outside the \(dataSize) data bytes")
            }
            let count = shape.reduce(1, *)
            guard offsets[1] - offsets[0] == count * 4 else {
                throw fail("tensor '\(name)' of shape \(shape) needs \(count * 4) bytes, data_offsets give \(offsets[1] - offsets[0])")
            }
            var values = [Float](repeating: 0, count: count)
            let base = dataStart + offsets[0]
            bytes.withUnsafeBufferPointer { b in
                for i in 0..<count {
                    let p = base + 4 * i
                    values[i] = Float(bitPattern: UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24)
                }
            }
            entries.append((offsets[0], Tensor(name: name, shape: shape, values: values)))
        }
        entries.sort { $0.begin < $1.begin || ($0.begin == $1.begin && $0.tensor.name < $1.tensor.name) }
        return SafetensorsFile(tensors: entries.map(\.tensor), metadata: metadata)
    }

    /// Reads the `embeddings` tensor (or the only 2-D tensor) and the `tokens` metadata as a table.
    /// Without `tokens`, rows are named by their index.
    public static func embeddingTable(from bytes: [UInt8], path: String) throws -> EmbeddingTable {
        let file = try parse(bytes, path: path)
        guard let tensor = file.tensor(named: "embeddings") ?? (file.tensors.count == 1 ? file.tensors.first : nil) else {
            throw EmbeddingsError.badSafetensors(path: path, reason: "no tensor named 'embeddings'")
        }
        guard tensor.shape.count == 2 else {
            throw EmbeddingsError.badSafetensors(path: path, reason: "tensor '\(tensor.name)' has shape \(tensor.shape), expected [rows, dim]")
        }
        let rows = tensor.shape[0]
        var metadata = file.metadata
        var tokens = (0..<rows).map(String.init)
        if let list = metadata.removeValue(forKey: "tokens") {
            guard let parsed = (try? JSONSerialization.jsonObject(with: Data(list.utf8))) as? [String], parsed.count == rows else {
                throw EmbeddingsError.badSafetensors(path: path, reason: "metadata 'tokens' is not a JSON array of \(rows) strings")
            }
            tokens = parsed
        }
        return EmbeddingTable(tokens: tokens, dimension: tensor.shape[1], vectors: tensor.values, metadata: metadata)
    }
}
