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

/// Whole-file reads, for files read at once (token shards, vectors, evaluation sets), and the
/// check every command runs on its input paths before any work starts.
///
/// ```swift
/// try FileContents.checkReadable("train.bin")
/// let bytes = try FileContents.read("train.bin")
/// ```
public enum FileContents {
    /// Throws a ``FileError`` unless `path` names an existing, readable file that is not a directory.
    public static func checkReadable(_ path: String) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT { throw FileError.missingFile(path: path) }
            throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError.isDirectory(path: path) }
        if access(path, R_OK) != 0 { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
    }

    /// The bytes of `path`, or a ``FileError`` naming it (missing, a directory, unreadable).
    public static func read(_ path: String) throws -> [UInt8] {
        try checkReadable(path)
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + got, size - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw FileError.unreadable(path: path, reason: "short read at byte \(got)") }
            got += n
        }
        return bytes
    }
}
