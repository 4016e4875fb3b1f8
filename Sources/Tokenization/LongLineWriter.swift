import ArtifactIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The output line of one input line too long to hold whole (``CorpusEncoder``'s line formats),
/// formatted piece by piece as its tokens come, byte for byte as the line would be formatted
/// whole.
///
/// `ids` and `tokens` output goes out as it comes. A `jsonl` object lists all ids before all
/// tokens (and offsets), so the token strings and offsets wait in unlinked temporary files
/// (`tmpfile()`) and are copied after the ids when the line ends: memory stays bounded by one
/// piece, whatever the line length.
struct LongLineWriter {
    let format: CorpusEncoder.LineFormat
    let offsets: Bool
    /// Tokens written so far (for separators).
    private var count = 0
    private var tokensSpill: UnsafeMutablePointer<FILE>?
    private var offsetsSpill: UnsafeMutablePointer<FILE>?
    private var out: [UInt8] = []
    private var side: [UInt8] = []

    /// Starts the line; `write` gets its first bytes.
    init(format: CorpusEncoder.LineFormat, offsets: Bool, write: ([UInt8]) throws -> Void) throws {
        self.format = format
        self.offsets = offsets && format == .jsonl
        if format == .jsonl {
            tokensSpill = try Self.spillFile()
            if self.offsets { offsetsSpill = try Self.spillFile() }
            try write(LongLineWriter.idsKey)
        }
    }

    private static func spillFile() throws -> UnsafeMutablePointer<FILE> {
        guard let file = tmpfile() else {
            throw FileError.unwritable(path: "temporary file for a long line", reason: String(cString: strerror(errno)))
        }
        return file
    }

    /// Closes the temporary files (when the line is abandoned by an error, too).
    mutating func close() {
        if let f = tokensSpill { fclose(f) }
        if let f = offsetsSpill { fclose(f) }
        tokensSpill = nil
        offsetsSpill = nil
    }

    /// Adds the next tokens of the line: `ids`, with their byte ranges in the piece (`ranges`,
    /// when offsets are written) shifted by `shift`, the piece's offset in the line.
    mutating func append(
        _ ids: [UInt32], ranges: [Range<Int>], shift: Int, tokenText: TokenTextTable, write: ([UInt8]) throws -> Void
    ) throws {
        out.removeAll(keepingCapacity: true)
        side.removeAll(keepingCapacity: true)
        var k = count
        switch format {
        case .ids:
            for id in ids {
                if k > 0 { out.append(0x20) }
                CorpusEncoder.appendDecimal(Int(id), to: &out)
                k += 1
            }
        case .tokens:
            for id in ids {
                if k > 0 { out.append(0x20) }
                tokenText.appendPlain(id, to: &out)
                k += 1
            }
        case .jsonl:
            for id in ids {
                if k > 0 { out.append(0x2C); out.append(0x20) }
                CorpusEncoder.appendDecimal(Int(id), to: &out)
                if k > 0 { side.append(0x2C); side.append(0x20) }
                tokenText.appendJSON(id, to: &side)
                k += 1
            }
            try spill(side, to: tokensSpill)
            if offsets {
                side.removeAll(keepingCapacity: true)
                var j = count
                for r in ranges {
                    if j > 0 { side.append(0x2C); side.append(0x20) }
                    side.append(0x5B)
                    CorpusEncoder.appendDecimal(r.lowerBound + shift, to: &side)
                    side.append(0x2C); side.append(0x20)
                    CorpusEncoder.appendDecimal(r.upperBound + shift, to: &side)
                    side.append(0x5D)
                    j += 1
                }
                try spill(side, to: offsetsSpill)
            }
        }
        count = k
        if !out.isEmpty { try write(out) }
    }

    /// Ends the line (the temporary files' contents follow the ids for `jsonl`) and closes it.
    mutating func finish(write: ([UInt8]) throws -> Void) throws {
        defer { close() }
        switch format {
        case .ids, .tokens:
            try write([0x0A])
        case .jsonl:
            try write(LongLineWriter.tokensKey)
            try copy(tokensSpill, write: write)
            try write([0x5D])
            if offsets {
                try write(LongLineWriter.offsetsKey)
                try copy(offsetsSpill, write: write)
                try write([0x5D])
            }
            try write([0x7D, 0x0A])
        }
    }

    private func spill(_ bytes: [UInt8], to file: UnsafeMutablePointer<FILE>?) throws {
        guard let file, !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != bytes.count {
            throw FileError.unwritable(path: "temporary file for a long line", reason: String(cString: strerror(errno)))
        }
    }

    private func copy(_ file: UnsafeMutablePointer<FILE>?, write: ([UInt8]) throws -> Void) throws {
        guard let file else { return }
        if fflush(file) != 0 || fseek(file, 0, SEEK_SET) != 0 {
            throw FileError.unreadable(path: "temporary file for a long line", reason: String(cString: strerror(errno)))
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress, 1, $0.count, file) }
            if got > 0 { try write(Array(buffer[0..<got])) }
            if got < buffer.count {
                if ferror(file) != 0 {
                    throw FileError.unreadable(path: "temporary file for a long line", reason: String(cString: strerror(errno)))
                }
                return
            }
        }
    }

    static let idsKey = Array("{\"ids\": [".utf8)
    static let tokensKey = Array("], \"tokens\": [".utf8)
    static let offsetsKey = Array(", \"offsets\": [".utf8)
}
