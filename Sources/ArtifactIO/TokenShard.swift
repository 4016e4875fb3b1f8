/// An llm.c token file: a 256 × int32 little-endian header (magic 20240520, version 1 for
/// uint16 ids or 2 for uint32 ids, token count), then the ids, little-endian.
///
/// ```swift
/// try TokenShard.write([15496, 995], vocabularySize: 50257, to: "train.bin")
/// let ids = try TokenShard.read("train.bin").ids     // [15496, 995]
/// ```
public struct TokenShard: Sendable {
    /// The header's magic number.
    public static let magic: Int32 = 20240520
    /// Header size in bytes.
    public static let headerBytes = 256 * 4

    /// The token ids.
    public var ids: [UInt32]
    /// Bytes per id on disk: 2 (version 1) or 4 (version 2).
    public var bytesPerToken: Int

    /// Creates a shard in memory.
    public init(ids: [UInt32], bytesPerToken: Int) {
        self.ids = ids
        self.bytesPerToken = bytesPerToken
    }

    /// Bytes per id for a vocabulary of `vocabularySize` ids: 2 up to 65,536, else 4.
    public static func bytesPerToken(vocabularySize: Int) -> Int { vocabularySize <= 65_536 ? 2 : 4 }

    /// The 1,024-byte header for `count` ids of `bytesPerToken` bytes.
    public static func header(count: Int, bytesPerToken: Int) -> [UInt8] {
        var words = [Int32](repeating: 0, count: 256)
        words[0] = magic
        words[1] = bytesPerToken == 2 ? 1 : 2
        words[2] = Int32(truncatingIfNeeded: count)
        var out = [UInt8](repeating: 0, count: headerBytes)
        for (k, w) in words.enumerated() {
            let v = UInt32(bitPattern: w.littleEndian)
            for b in 0..<4 { out[k * 4 + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(b))) }
        }
        return out
    }

    /// Appends `ids` in the on-disk encoding to `output`.
    public static func appendIDs<C: Collection>(_ ids: C, bytesPerToken: Int, to output: inout [UInt8]) where C.Element == UInt32 {
        output.reserveCapacity(output.count + ids.count * bytesPerToken)
        for id in ids {
            output.append(UInt8(truncatingIfNeeded: id))
            output.append(UInt8(truncatingIfNeeded: id >> 8))
            if bytesPerToken == 4 {
                output.append(UInt8(truncatingIfNeeded: id >> 16))
                output.append(UInt8(truncatingIfNeeded: id >> 24))
            }
        }
    }

    /// Writes `ids` to `path` atomically, in the narrowest encoding for `vocabularySize`.
    public static func write(_ ids: [UInt32], vocabularySize: Int, to path: String) throws {
        let width = bytesPerToken(vocabularySize: vocabularySize)
        var bytes = header(count: ids.count, bytesPerToken: width)
        appendIDs(ids, bytesPerToken: width, to: &bytes)
        try AtomicFileWriter.write(bytes, to: path)
    }

    /// Reads and checks a shard: magic, version, and that the file holds exactly the ids its header counts.
    public static func read(_ path: String) throws -> TokenShard {
        try parse(FileContents.read(path), path: path)
    }

    /// Parses the bytes of a shard file (`path` is used in errors).
    public static func parse(_ bytes: [UInt8], path: String) throws -> TokenShard {
        guard bytes.count >= headerBytes else {
            throw TokenShardError.truncatedHeader(path: path, size: bytes.count)
        }
        let (count, width) = try checkHeader(bytes[..<headerBytes], fileSize: bytes.count, path: path)
        var ids = [UInt32](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { b in
            let p = b.baseAddress! + headerBytes
            if width == 2 {
                for i in 0..<count { ids[i] = UInt32(p[2 * i]) | UInt32(p[2 * i + 1]) << 8 }
            } else {
                for i in 0..<count {
                    ids[i] = UInt32(p[4 * i]) | UInt32(p[4 * i + 1]) << 8 | UInt32(p[4 * i + 2]) << 16 | UInt32(p[4 * i + 3]) << 24
                }
            }
        }
        return TokenShard(ids: ids, bytesPerToken: width)
    }

    /// Checks a shard's 1,024-byte header against the size of its file: the magic, the version,
    /// and that the file holds exactly the ids the header counts. Returns the count and id width.
    static func checkHeader(_ header: ArraySlice<UInt8>, fileSize: Int, path: String) throws -> (count: Int, bytesPerToken: Int) {
        let base = header.startIndex
        func word(_ k: Int) -> Int32 {
            let i = base + 4 * k
            return Int32(
                bitPattern: UInt32(header[i]) | UInt32(header[i + 1]) << 8 | UInt32(header[i + 2]) << 16 | UInt32(header[i + 3]) << 24)
        }
        guard word(0) == magic else { throw TokenShardError.badMagic(path: path, found: word(0)) }
        let version = word(1)
        guard version == 1 || version == 2 else { throw TokenShardError.badVersion(path: path, found: version) }
        let width = version == 1 ? 2 : 4
        let count = Int(UInt32(bitPattern: word(2)))
        let expected = headerBytes + count * width
        guard fileSize == expected else {
            throw TokenShardError.lengthMismatch(path: path, headerCount: count, expectedBytes: expected, actualBytes: fileSize)
        }
        return (count, width)
    }
}
