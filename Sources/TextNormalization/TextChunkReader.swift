import ArtifactIO
import CICU

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams a UTF-8 text file (or standard input) in large chunks, each valid UTF-8 and cut where
/// normalization and line-oriented work may cut it.
///
/// A chunk ends after its last line feed. A line longer than the chunk size is cut before its
/// last ASCII character, or failing that before a character that starts a normalization
/// boundary, so memory stays flat on a single 100 MB line. Bad input throws ``TextInputError``
/// with the absolute byte offset.
///
/// ```swift
/// let reader = try TextChunkReader(path: "corpus.txt")
/// try reader.forEachChunk { chunk, offset in /* chunk: UnsafeBufferPointer<UInt8> */ }
/// ```
public final class TextChunkReader {
    /// What the reader accepts.
    public struct Options: Sendable {
        /// Replace invalid UTF-8 with U+FFFD instead of throwing.
        public var replaceInvalid: Bool
        /// Throw ``TextInputError/binaryData(path:offset:)`` at a NUL byte.
        public var rejectNUL: Bool
        /// Accept an empty input instead of throwing ``TextInputError/emptyFile(path:)``.
        public var allowEmpty: Bool

        /// Creates options; the defaults reject invalid UTF-8, NUL bytes and empty input.
        public init(replaceInvalid: Bool = false, rejectNUL: Bool = true, allowEmpty: Bool = false) {
            self.replaceInvalid = replaceInvalid
            self.rejectNUL = rejectNUL
            self.allowEmpty = allowEmpty
        }
    }

    /// The path shown in errors (`-` or `<stdin>` for standard input).
    public let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let chunkSize: Int
    private let options: Options

    /// Opens `path` ("-" reads standard input). Throws when the path is missing, a directory or unreadable.
    public init(path: String, chunkSize: Int = 1 << 20, options: Options = Options()) throws {
        self.chunkSize = max(chunkSize, 16)
        self.options = options
        if path == "-" {
            self.path = "<stdin>"
            self.fd = 0
            self.ownsDescriptor = false
            return
        }
        self.path = path
        try TextChunkReader.checkReadable(path)
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Throws a `FileError` unless `path` is standard input (`-`) or an existing, readable file
    /// (checked before any work starts).
    public static func checkReadable(_ path: String) throws {
        if path == "-" { return }
        try FileContents.checkReadable(path)
    }

    /// Calls `body` with each chunk and the byte offset of its start in the input.
    public func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        let capacity = chunkSize
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var replaced: [UInt8] = []
        var filled = 0
        var consumed = 0  // bytes of the input before buffer[0]
        var eof = false
        while true {
            while !eof && filled < capacity {
                let got = read(fd, buffer + filled, capacity - filled)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw FileError.unreadable(path: path, reason: String(cString: strerror(errno)))
                }
                if got == 0 { eof = true } else { filled += got }
            }
            if filled == 0 {
                if consumed == 0 && !options.allowEmpty { throw TextInputError.emptyFile(path: path) }
                return
            }
            let cut = eof ? filled : TextChunkReader.cutPoint(buffer, count: filled)
            let chunk = UnsafeBufferPointer(start: buffer, count: cut)
            if options.rejectNUL, let nul = memchr(buffer, 0, cut) {
                throw TextInputError.binaryData(path: path, offset: consumed + (nul.assumingMemoryBound(to: UInt8.self) - buffer))
            }
            if let bad = UTF8Validation.firstInvalidOffset(chunk) {
                if !options.replaceInvalid { throw TextInputError.invalidUTF8(path: path, offset: consumed + bad) }
                replaced.removeAll(keepingCapacity: true)
                UTF8Validation.appendReplacingInvalid(chunk, to: &replaced)
                try replaced.withUnsafeBufferPointer { try body($0, consumed) }
            } else {
                try body(chunk, consumed)
            }
            consumed += cut
            filled -= cut
            if filled > 0 { memmove(buffer, buffer + cut, filled) }
        }
    }

    /// Where to cut a full buffer: after the last LF; else before the last ASCII byte; else
    /// before the last character that has a normalization boundary before it.
    static func cutPoint(_ base: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        var i = count - 1
        while i >= 0 && base[i] != 0x0A { i -= 1 }
        if i >= 0 { return i + 1 }
        i = count - 1
        while i > 0 {
            if base[i] < 0x80 { return i }
            i -= 1
        }
        // No ASCII at all: find a lead byte whose character starts a boundary in every form.
        i = count - 1
        while i > 0 {
            let b = base[i]
            if b & 0xC0 == 0xC0 {
                let len = UTF8Validation.sequenceLength(UnsafePointer(base), at: i, end: count)
                if len > 0 {
                    let cp = Int32(bitPattern: UTF8Validation.decode(UnsafePointer(base), at: i, length: len))
                    if tsr_has_boundary_before(Int32(TSR_FORM_NFKC), cp) != 0 && tsr_has_boundary_before(Int32(TSR_FORM_NFC), cp) != 0 {
                        return i
                    }
                }
            }
            i -= 1
        }
        return count
    }
}
