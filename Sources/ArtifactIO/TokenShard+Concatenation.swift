#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension TokenShard {
    /// The header of the shard file at `path` — its token count and id width — after checking
    /// the magic, the version and that the file size matches the count (the ids are not read).
    public static func readHeader(_ path: String) throws -> (count: Int, bytesPerToken: Int) {
        try FileContents.checkReadable(path)
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        var header = [UInt8](repeating: 0, count: headerBytes)
        let got = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, headerBytes, 0) }
        guard got == headerBytes else { throw TokenShardError.truncatedHeader(path: path, size: max(0, min(size, got))) }
        return try checkHeader(header[...], fileSize: size, path: path)
    }

    /// Concatenates the shards at `paths`, in order, into one shard at `output` (written to a
    /// temporary file and renamed; an output that is one of the inputs is refused). All inputs must have the same
    /// id width (version): shards of a uint16 and a uint32 vocabulary come from different
    /// tokenizers, which is an error rather than an upgrade. With `vocabularySize`, every id is
    /// also checked against it. Returns the number of tokens written.
    @discardableResult
    public static func concatenate(_ paths: [String], to output: String, vocabularySize: Int? = nil) throws -> Int {
        guard let firstPath = paths.first else {
            // Nothing to concatenate: an empty shard.
            try AtomicFileWriter.write(header(count: 0, bytesPerToken: bytesPerToken(vocabularySize: vocabularySize ?? 1)), to: output)
            return 0
        }
        // Every header first: nothing is written when any input is wrong.
        var headers: [(count: Int, bytesPerToken: Int)] = []
        var total = 0
        for path in paths {
            let header = try readHeader(path)
            if let first = headers.first, first.bytesPerToken != header.bytesPerToken {
                throw TokenShardError.mixedVersions(
                    path: path, version: header.bytesPerToken == 2 ? 1 : 2,
                    firstPath: firstPath, firstVersion: first.bytesPerToken == 2 ? 1 : 2)
            }
            headers.append(header)
            total += header.count
            guard total <= Int(Int32.max) else { throw TokenShardError.tooManyTokens(path: path, total: total) }
        }
        let width = headers[0].bytesPerToken
        if let vocabularySize, width == 2 && vocabularySize > 65_536 || width == 4 && vocabularySize <= 65_536 {
            throw TokenShardError.mixedVersions(
                path: firstPath, version: width == 2 ? 1 : 2, firstPath: "a vocabulary of \(vocabularySize) tokens",
                firstVersion: vocabularySize <= 65_536 ? 1 : 2)
        }
        let writer = try AtomicFileWriter(path: output, inputs: paths)
        try writer.write(header(count: total, bytesPerToken: width))
        let bufferBytes = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferBytes, alignment: 8)
        defer { buffer.deallocate() }
        for (path, header) in zip(paths, headers) {
            let fd = open(path, O_RDONLY)
            if fd < 0 { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            var offset = headerBytes
            let end = headerBytes + header.count * width
            while offset < end {
                let want = min(bufferBytes, end - offset)
                let got = pread(fd, buffer, want, off_t(offset))
                if got < 0 && errno == EINTR { continue }
                // The size was checked above: a short read means the file changed meanwhile.
                guard got > 0 else { throw FileError.unreadable(path: path, reason: "file shrank while reading at byte \(offset)") }
                let usable = got - got % width  // whole ids only; the rest is read again
                if usable == 0 { continue }
                if let vocabularySize {
                    let limit = UInt32(clamping: vocabularySize)
                    let bytes = buffer.assumingMemoryBound(to: UInt8.self)
                    var k = 0
                    while k < usable {
                        var id = UInt32(bytes[k]) | UInt32(bytes[k + 1]) << 8
                        if width == 4 { id |= UInt32(bytes[k + 2]) << 16 | UInt32(bytes[k + 3]) << 24 }
                        if id >= limit {
                            throw TokenShardError.idOutOfRange(
                                path: path, index: (offset + k - headerBytes) / width, id: id, vocabularySize: vocabularySize)
                        }
                        k += width
                    }
                }
                try writer.write(UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: usable))
                offset += usable
            }
        }
        try writer.commit()
        return total
    }
}
