#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A 64-bit FNV-1a digest of everything a stage's output depends on (options, input files,
/// upstream fingerprints), written as 16 hex digits.
///
/// ```swift
/// var f = Fingerprint()
/// f.add("vocab_size=8000")
/// try f.addFile("Corpora/en/alice29.txt")
/// f.hex   // "9b1c…"
/// ```
public struct Fingerprint: Sendable, Hashable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Starts an empty digest.
    public init() {}

    /// Mixes in raw bytes.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = state
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        state = h
    }

    /// Mixes in a string, followed by a separator so that ("ab","c") and ("a","bc") differ.
    public mutating func add(_ text: String) {
        var s = text + "\u{1F}"
        s.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    /// Mixes in the whole contents of a file.
    public mutating func addFile(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FingerprintError.unreadable(path: path) }
        defer { close(fd) }
        add(path)
        try addContents(fd: fd, path: path)
    }

    /// Adds the bytes of the file at `path` (not its name): a checksum of its contents.
    public mutating func addContents(ofFile path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FingerprintError.unreadable(path: path) }
        defer { close(fd) }
        try addContents(fd: fd, path: path)
    }

    private mutating func addContents(fd: Int32, path: String) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 { throw FingerprintError.unreadable(path: path) }
            if n == 0 { break }
            add(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        add("<eof>")
    }

    /// The digest as 16 lowercase hex digits.
    public var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A file that could not be read for fingerprinting.
public enum FingerprintError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read input to fingerprint it"
        }
    }
}
