import ArtifactIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// word2vec.c's vector files, which gensim's `KeyedVectors.load_word2vec_format` reads.
///
/// Both start with the line `"<rows> <dim>\n"`. Text (`.vec`): one line per row, the token and
/// each value as `printf("%lf ")` — six decimals, each followed by a space — then `\n`. Binary
/// (`.bin`): the token, a space, `dim` little-endian float32, then `\n`. Readers accept both
/// word2vec.c's files and gensim's (which omit the trailing space in text and the `\n` in binary).
///
/// Tokens cannot hold whitespace in these formats: on writing, spaces, tabs and line ends in a
/// token become U+2581 (▁) and an empty token becomes `<empty>`.
public enum Word2VecFormat {
    // MARK: Writing

    /// Writes `table` atomically, as text or binary.
    public static func write(_ table: EmbeddingTable, to path: String, binary: Bool) throws {
        let writer = try AtomicFileWriter(path: path)
        do {
            try writer.write(serialized(table, binary: binary))
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The file's bytes.
    public static func serialized(_ table: EmbeddingTable, binary: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(table.rowCount * (binary ? table.dimension * 4 + 16 : table.dimension * 10 + 16))
        out.append(contentsOf: "\(table.rowCount) \(table.dimension)\n".utf8)
        var scratch = [CChar](repeating: 0, count: 512)
        table.vectors.withUnsafeBufferPointer { v in
            for r in 0..<table.rowCount {
                out.append(contentsOf: safeToken(table.tokens[r]).utf8)
                out.append(0x20)
                let row = v.baseAddress! + r * table.dimension
                for c in 0..<table.dimension {
                    if binary {
                        let bits = row[c].bitPattern
                        out.append(UInt8(truncatingIfNeeded: bits))
                        out.append(UInt8(truncatingIfNeeded: bits >> 8))
                        out.append(UInt8(truncatingIfNeeded: bits >> 16))
                        out.append(UInt8(truncatingIfNeeded: bits >> 24))
                    } else {
                        let n = withVaList([Double(row[c])]) { vsnprintf(&scratch, scratch.count, "%lf ", $0) }
                        scratch.withUnsafeBufferPointer { s in
                            s.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: Int(n)) {
                                out.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(n)))
                            }
                        }
                    }
                }
                out.append(0x0A)
            }
        }
        return out
    }

    /// `token` with whitespace replaced by U+2581, or `<empty>`.
    static func safeToken(_ token: String) -> String {
        if token.isEmpty { return "<empty>" }
        guard token.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return token }
        return String(token.map { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? "\u{2581}" : $0 })
    }

    // MARK: Reading

    /// Reads a text (`binary == false`) or binary file.
    public static func read(_ path: String, binary: Bool) throws -> EmbeddingTable {
        let bytes = try FileContents.read(path)
        return binary ? try parseBinary(bytes, path: path) : try parseText(bytes, path: path)
    }

    /// Parses the header line; returns rows, dim and the offset after the line.
    private static func header(_ bytes: [UInt8], path: String) throws -> (rows: Int, dim: Int, end: Int) {
        guard let newline = bytes.firstIndex(of: 0x0A) else {
            throw EmbeddingsError.badWord2Vec(path: path, position: "line 1", reason: "no header line '<rows> <dim>'")
        }
        let fields = String(decoding: bytes[0..<newline], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\t" })
        guard fields.count == 2, let rows = Int(fields[0]), let dim = Int(fields[1]), rows >= 0, dim >= 1 else {
            throw EmbeddingsError.badWord2Vec(
                path: path, position: "line 1",
                reason: "expected '<rows> <dim>', found '\(String(decoding: bytes[0..<min(newline, 80)], as: UTF8.self))'")
        }
        // Every value takes at least one byte of the file: a header asking for more is wrong.
        let (cells, overflow) = rows.multipliedReportingOverflow(by: dim)
        guard !overflow, cells <= bytes.count else {
            throw EmbeddingsError.badWord2Vec(
                path: path, position: "line 1",
                reason: "header promises \(rows) × \(dim) values, more than the file's \(bytes.count) bytes can hold")
        }
        return (rows, dim, newline + 1)
    }

    /// Parses a text file's bytes.
    public static func parseText(_ bytes: [UInt8], path: String) throws -> EmbeddingTable {
        let (rows, dim, start) = try header(bytes, path: path)
        var tokens: [String] = []
        tokens.reserveCapacity(rows)
        var vectors = [Float](repeating: 0, count: rows * dim)
        var terminated = bytes
        terminated.append(0)
        try terminated.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            let end = bytes.count
            var p = start
            var line = 2
            while tokens.count < rows {
                guard p < end else {
                    throw EmbeddingsError.badWord2Vec(
                        path: path, position: "line \(line)", reason: "file ends after \(tokens.count) of \(rows) rows")
                }
                var lineEnd = p
                while lineEnd < end && base[lineEnd] != 0x0A { lineEnd += 1 }
                var q = p
                while q < lineEnd && base[q] != 0x20 { q += 1 }
                let token = String(decoding: UnsafeBufferPointer(start: base + p, count: q - p), as: UTF8.self)
                let row = tokens.count
                var got = 0
                while true {
                    while q < lineEnd && (base[q] == 0x20 || base[q] == 0x0D || base[q] == 0x09) { q += 1 }
                    if q >= lineEnd { break }
                    guard got < dim else {
                        throw EmbeddingsError.badWord2Vec(
                            path: path, position: "line \(line)", reason: "more than \(dim) values for '\(token)'")
                    }
                    var stop: UnsafeMutablePointer<CChar>? = nil
                    let value = UnsafeRawPointer(base + q).withMemoryRebound(to: CChar.self, capacity: 1) { strtof($0, &stop) }
                    let consumed = stop.map { UnsafeRawPointer($0) - UnsafeRawPointer(base + q) } ?? 0
                    let next = q + consumed
                    guard consumed > 0, next <= lineEnd, next == lineEnd || base[next] == 0x20 || base[next] == 0x0D || base[next] == 0x09
                    else {
                        throw EmbeddingsError.badWord2Vec(
                            path: path, position: "line \(line)", reason: "value \(got + 1) of '\(token)' is not a number")
                    }
                    vectors[row * dim + got] = value
                    got += 1
                    q = next
                }
                guard got == dim, !token.isEmpty else {
                    throw EmbeddingsError.badWord2Vec(
                        path: path, position: "line \(line)", reason: "expected a token and \(dim) values, found \(got) values")
                }
                tokens.append(token)
                p = lineEnd + 1
                line += 1
            }
        }
        return EmbeddingTable(tokens: tokens, dimension: dim, vectors: vectors)
    }

    /// Parses a binary file's bytes.
    public static func parseBinary(_ bytes: [UInt8], path: String) throws -> EmbeddingTable {
        let (rows, dim, start) = try header(bytes, path: path)
        var tokens: [String] = []
        tokens.reserveCapacity(rows)
        var vectors = [Float](repeating: 0, count: rows * dim)
        var p = start
        let end = bytes.count
        for row in 0..<rows {
            while p < end && (bytes[p] == 0x0A || bytes[p] == 0x0D) { p += 1 }
            let wordStart = p
            while p < end && bytes[p] != 0x20 { p += 1 }
            guard p < end, p > wordStart else {
                throw EmbeddingsError.badWord2Vec(
                    path: path, position: "byte \(wordStart)",
                    reason: "row \(row + 1) of \(rows): expected '<token> ' and \(dim) floats, file ends or token is empty")
            }
            tokens.append(String(decoding: bytes[wordStart..<p], as: UTF8.self))
            p += 1
            guard p + 4 * dim <= end else {
                throw EmbeddingsError.badWord2Vec(
                    path: path, position: "byte \(p)",
                    reason: "row \(row + 1) of \(rows): needs \(4 * dim) bytes of floats, file has \(end - p)")
            }
            for c in 0..<dim {
                let q = p + 4 * c
                vectors[row * dim + c] = Float(
                    bitPattern: UInt32(bytes[q]) | UInt32(bytes[q + 1]) << 8 | UInt32(bytes[q + 2]) << 16 | UInt32(bytes[q + 3]) << 24)
            }
            p += 4 * dim
        }
        return EmbeddingTable(tokens: tokens, dimension: dim, vectors: vectors)
    }
}
