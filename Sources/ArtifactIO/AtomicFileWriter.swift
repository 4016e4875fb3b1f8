#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

/// Buffered output to a file that appears only when complete, or to standard output.
///
/// A file is written under a temporary name in the same directory and renamed into place by
/// ``commit()``; a writer released without committing removes its temporary file, so a failed
/// run never leaves half an output behind.
///
/// ```swift
/// let out = try AtomicFileWriter(path: "out.txt")
/// try out.write(bytes)
/// try out.commit()
/// ```
public final class AtomicFileWriter {
    /// The destination path (`-` for standard output).
    public let path: String
    private let temporaryPath: String?
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private static let bufferLimit = 1 << 20

    /// Opens a temporary file beside `path`; `"-"` writes to standard output instead.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            temporaryPath = nil
            fd = 1
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        fchmod(fd, 0o644)
        self.fd = fd
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Writes into standard output (never renamed, never removed).
    public static func standardOutput() -> AtomicFileWriter {
        // "-" cannot fail to open.
        return try! AtomicFileWriter(path: "-")
    }

    deinit {
        if !finished { abort() }
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= AtomicFileWriter.bufferLimit { try flush() }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try write($0) }
    }

    /// Appends a string's UTF-8.
    public func write(_ string: String) throws {
        var s = string
        try s.withUTF8 { try write($0) }
    }

    /// Writes out what is buffered.
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.unwritable(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, then renames the temporary file into place.
    public func commit() throws {
        try flush()
        finished = true
        guard let temporaryPath else { return }
        if fsync(fd) != 0 || close(fd) != 0 {
            unlink(temporaryPath)
            throw FileError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FileError.unwritable(path: path, reason: reason)
        }
    }

    /// Discards the temporary file (standard output is left as it is).
    public func abort() {
        finished = true
        guard let temporaryPath else { return }
        close(fd)
        unlink(temporaryPath)
    }

    /// Writes `bytes` to `path` atomically in one call.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit()
    }
}
