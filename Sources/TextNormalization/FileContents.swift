#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemRead = Glibc.read
#else
private let systemRead = Darwin.read
#endif

/// Whole-file reads, for files read at once (token shards, vectors, evaluation sets).
///
/// ```swift
/// let bytes = try FileContents.read("train.bin")
/// ```
public enum FileContents {
    /// The bytes of `path`, or a ``TextInputError`` naming it (missing, a directory, unreadable).
    public static func read(_ path: String) throws -> [UInt8] {
        try TextChunkReader.checkReadable(path)
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw TextInputError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + got, size - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw TextInputError.unreadable(path: path, reason: "short read at byte \(got)") }
            got += n
        }
        return bytes
    }
}
