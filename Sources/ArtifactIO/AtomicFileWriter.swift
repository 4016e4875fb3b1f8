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

/// Buffered output to a file that appears only when complete, or to standard output — the
/// project's one output-path policy (DESIGN.md, "Output-path policy").
///
/// - A regular file (or a new path) is written under a temporary name in the same directory and
///   renamed into place by ``commit()``, keeping the mode of the file it replaces; a writer
///   released without committing removes its temporary file, so a failed run never leaves half an
///   output behind. Temporary files left by a killed earlier run (`.NAME.tmp-PID-XXXXXX` whose
///   process is gone) are removed when the same output is opened again.
/// - A symbolic link is written through: its target is replaced, the link stays.
/// - A special file (`/dev/null`, a FIFO, a terminal, a device) and `-` (standard output) are
///   written directly, never renamed over.
/// - A directory, or the same file (device and inode) as one of `inputs`, is refused before
///   anything is written.
///
/// ```swift
/// let out = try AtomicFileWriter(path: "out.txt", inputs: ["in.txt"])
/// try out.write(bytes)
/// try out.commit()
/// ```
public final class AtomicFileWriter {
    /// The destination path as given (`-` for standard output).
    public let path: String
    /// The file that is replaced at commit (the symlink's target for a link), or `nil` when
    /// writing directly (standard output, a special file).
    private let targetPath: String?
    private let temporaryPath: String?
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private static let bufferLimit = 1 << 20

    /// Opens a temporary file beside `path` (or `path` itself when it is a special file); `"-"`
    /// writes to standard output. Throws when `path` is a directory, cannot be written, or is the
    /// same file as one of `inputs`.
    public init(path: String, inputs: [String] = []) throws {
        self.path = path
        if path == "-" {
            targetPath = nil
            temporaryPath = nil
            fd = 1
            return
        }
        let plan = try AtomicFileWriter.plan(path, inputs: inputs)
        switch plan {
        case .direct:
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw FileError.unwritable(path: path, reason: AtomicFileWriter.lastError()) }
            self.fd = fd
            targetPath = nil
            temporaryPath = nil
        case .replace(let target, let mode):
            let (directory, name) = AtomicFileWriter.split(target)
            AtomicFileWriter.removeStaleTemporaries(directory: directory, name: name)
            var template = Array("\(directory)/.\(name).tmp-\(getpid())-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return mkstemp(base)
            }
            if fd < 0 { throw FileError.unwritable(path: path, reason: AtomicFileWriter.lastError()) }
            fchmod(fd, mode)
            self.fd = fd
            targetPath = target
            temporaryPath = template.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { String(cString: $0) } ?? ""
            }
        }
    }

    /// Writes into standard output (never renamed, never removed).
    public static func standardOutput() -> AtomicFileWriter {
        AtomicFileWriter(standardOutputOnly: ())
    }

    private init(standardOutputOnly: Void) {
        path = "-"
        targetPath = nil
        temporaryPath = nil
        fd = 1
    }

    deinit {
        if !finished { abort() }
    }

    /// Whether the output is a temporary regular file (so ``overwrite(_:at:)`` can seek in it).
    public var isSeekable: Bool { temporaryPath != nil }

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
            let n = buffer.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return systemWrite(fd, base + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.unwritable(path: path, reason: AtomicFileWriter.lastError())
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Replaces bytes already written at `offset` (e.g. a header whose count is known only at the
    /// end). Only for a temporary file (``isSeekable``).
    public func overwrite(_ bytes: [UInt8], at offset: Int) throws {
        guard isSeekable else { throw FileError.unwritable(path: path, reason: "cannot seek in a special file or standard output") }
        try flush()
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pwrite(fd, base + done, raw.count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.unwritable(path: path, reason: AtomicFileWriter.lastError())
            }
            done += n
        }
    }

    /// Flushes, then renames the temporary file into place.
    public func commit() throws {
        try flush()
        finished = true
        guard let temporaryPath, let targetPath else {
            if fd > 2 { close(fd) }
            return
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = AtomicFileWriter.lastError()
            unlink(temporaryPath)
            throw FileError.unwritable(path: path, reason: reason)
        }
        if rename(temporaryPath, targetPath) != 0 {
            let reason = AtomicFileWriter.lastError()
            unlink(temporaryPath)
            throw FileError.unwritable(path: path, reason: reason)
        }
    }

    /// Discards the temporary file (standard output and special files are left as they are).
    public func abort() {
        finished = true
        if let temporaryPath {
            close(fd)
            unlink(temporaryPath)
        } else if fd > 2 {
            close(fd)
        }
    }

    /// Writes `bytes` to `path` atomically in one call.
    public static func write(_ bytes: [UInt8], to path: String, inputs: [String] = []) throws {
        let writer = try AtomicFileWriter(path: path, inputs: inputs)
        try writer.write(bytes)
        try writer.commit()
    }

    // MARK: The policy

    /// How an output path is written.
    private enum Plan {
        /// Written in place: a special file (device, FIFO, socket).
        case direct
        /// A temporary file beside `target` renamed over it, created with `mode`.
        case replace(target: String, mode: mode_t)
    }

    /// Checks an output path before any work: it must not be a directory or the same file as one
    /// of `inputs`, and its directory (or the special file itself) must be writable. Commands call
    /// this in validation, so a bad `-o` fails before a long run rather than after it.
    public static func check(_ path: String, inputs: [String] = []) throws {
        if path == "-" { return }
        switch try plan(path, inputs: inputs) {
        case .direct:
            if access(path, W_OK) != 0 { throw FileError.unwritable(path: path, reason: lastError()) }
        case .replace(let target, _):
            let (directory, _) = split(target)
            var st = stat()
            if stat(directory, &st) != 0 {
                throw FileError.unwritable(path: path, reason: "directory \(directory) does not exist")
            }
            if (st.st_mode & S_IFMT) != S_IFDIR { throw FileError.unwritable(path: path, reason: "\(directory) is not a directory") }
            if access(directory, W_OK) != 0 { throw FileError.unwritable(path: path, reason: "directory \(directory): \(lastError())") }
        }
    }

    /// Whether two paths name the same file (same device and inode, through symbolic links).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    private static func plan(_ path: String, inputs: [String]) throws -> Plan {
        for input in inputs where input != "-" && sameFile(path, input) {
            throw FileError.unwritable(path: path, reason: "it is the same file as the input \(input); write to another path")
        }
        let target = try resolveLinks(path)
        var st = stat()
        guard lstat(target, &st) == 0 else {
            if errno == ENOENT { return .replace(target: target, mode: 0o644) }
            throw FileError.unwritable(path: path, reason: lastError())
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .replace(target: target, mode: st.st_mode & 0o7777)
        case S_IFDIR: throw FileError.unwritable(path: path, reason: "is a directory, expected a file path")
        default: return .direct
        }
    }

    /// Follows symbolic links (relative ones from their own directory) to the path they name,
    /// which need not exist yet.
    private static func resolveLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw FileError.unwritable(path: path, reason: lastError()) }
            let link = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : split(current).directory + "/" + link
        }
        throw FileError.unwritable(path: path, reason: "too many levels of symbolic links")
    }

    /// The directory and file name of a path.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Removes `.NAME.tmp-PID-XXXXXX` files in `directory` whose process no longer exists
    /// (left by a run that was killed before it could commit or clean up).
    private static func removeStaleTemporaries(directory: String, name: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        let prefix = ".\(name).tmp-"
        var stale: [String] = []
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix) else { continue }
            let rest = entryName.dropFirst(prefix.count).split(separator: "-", maxSplits: 1)
            guard rest.count == 2, rest[1].count == 6, let pid = Int32(rest[0]), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { stale.append(entryName) }
        }
        for entry in stale { unlink(directory + "/" + entry) }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
