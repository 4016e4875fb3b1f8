#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A directory that a Tessera command owns (a training run, a pipeline run, an export), marked
/// as such by a `.tessera-run` file, and locked while a command writes to it.
///
/// The output-path policy for directories: a command creates a new one, fills an empty one, and
/// replaces or resumes only one that carries its own kind of marker; anything else at the path is
/// an error naming it. Every writer holds the directory's lock (``lock(_:)``) for as long as it
/// writes, so two commands never write one run at once.
///
/// ```swift
/// let state = try RunDirectory.claim("runs/lm", as: .languageModel)
/// let lock = try RunDirectory.lock("runs/lm")
/// ```
public enum RunDirectory {
    /// What kind of run a directory holds.
    public enum Kind: String, Sendable, CaseIterable {
        /// A language-model run (`train-lm -o`, a pipeline's `lm/`).
        case languageModel = "lm"
        /// A pipeline run (`pipeline --run`).
        case pipeline
        /// An exported model (`export -o`).
        case export
        /// Attention maps (`attention -o`).
        case attention
        /// A translation (encoder–decoder) run (`train-seq2seq -o`).
        case translation = "seq2seq"
        /// A masked-LM (BERT) run (`train-mlm -o`, `fine-tune -o`).
        case maskedLM = "mlm"

        /// How messages name this kind.
        public var title: String {
            switch self {
            case .languageModel: return "language-model run"
            case .pipeline: return "pipeline run"
            case .export: return "exported model"
            case .attention: return "attention output"
            case .translation: return "translation model run"
            case .maskedLM: return "masked-LM run"
            }
        }

        /// ``title`` with its indefinite article ("an exported model", "a pipeline run").
        public var titleWithArticle: String {
            (title.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + title
        }
    }

    /// What is at a path that a command is about to use as its run directory.
    public enum State: Equatable, Sendable {
        /// Nothing: the command creates it.
        case absent
        /// An empty directory: the command fills it.
        case empty
        /// A run of the requested kind.
        case owned
    }

    /// The marker's file name inside a run directory.
    public static let markerName = ".tessera-run"

    /// Checks that the command may use `path` as a run of `kind`: it is absent, an empty
    /// directory, or a directory with this kind's marker (or, for runs written before markers,
    /// one that `legacy` recognises). Anything else — a file, a user's directory, another kind of
    /// run — is an error naming it.
    public static func claim(_ path: String, as kind: Kind, legacy: (String) -> Bool = { _ in false }) throws -> State {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return .absent }
            throw RunDirectoryError(path: path, problem: String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            throw RunDirectoryError(path: path, problem: "is a symbolic link; give the directory it points to")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw RunDirectoryError(path: path, problem: "exists and is not a directory; choose another path")
        }
        if let found = marker(path) {
            guard found == kind.rawValue else {
                let foundTitle = Kind(rawValue: found)?.title ?? "\(found) directory"
                throw RunDirectoryError(path: path, problem: "holds a Tessera \(foundTitle), not \(kind.titleWithArticle); choose another path")
            }
            return .owned
        }
        let entries = contents(path)
        if entries.isEmpty { return .empty }
        if legacy(path) { return .owned }
        throw RunDirectoryError(
            path: path,
            problem: "exists and is not a Tessera \(kind.title) (no \(markerName) marker); it holds "
                + "\(entries.count) file\(entries.count == 1 ? "" : "s") that would be lost: choose another path or remove it yourself")
    }

    /// The kind recorded in `path`'s marker, if it has one.
    public static func marker(_ path: String) -> String? {
        guard let bytes = try? FileContents.read(path + "/" + markerName) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The marker is `{"kind":"NAME"}`.
        guard let start = text.range(of: "\"kind\":\""), let end = text[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(text[start.upperBound..<end])
    }

    /// Creates `path` (and its parents) if needed and writes the marker of `kind` into it.
    public static func create(_ path: String, as kind: Kind) throws {
        try makeDirectories(path)
        try AtomicFileWriter.write(Array("{\"kind\":\"\(kind.rawValue)\"}\n".utf8), to: path + "/" + markerName)
    }

    /// Takes the lock of the run at `path` (the hidden file `.NAME.lock` beside it, which survives
    /// the checkpoint's directory swap). The lock goes with the process, however it ends.
    public static func lock(_ path: String) throws -> RunLock {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        let slash = trimmed.lastIndex(of: "/")
        let directory = slash.map { String(trimmed[..<$0]) } ?? "."
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        try makeDirectories(directory.isEmpty ? "/" : directory)
        let lockPath = "\(directory.isEmpty ? "" : directory)/.\(name).lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunDirectoryError(path: lockPath, problem: "cannot open the run's lock file: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw RunDirectoryError(
                path: trimmed, problem: "another tessera command is writing this run (its lock \(lockPath) is held); wait for it to finish")
        }
        return RunLock(descriptor: fd)
    }

    /// Removes a stale staging directory (`NAME.saving`, `NAME.previous` next to a whole `NAME`)
    /// left by a killed run, if it is one of ours. Call while holding the run's lock.
    public static func removeStale(_ path: String, kind: Kind, legacy: (String) -> Bool = { _ in false }) {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return }
        guard marker(path) == kind.rawValue || legacy(path) || contents(path).isEmpty else { return }
        removeTree(path)
    }

    /// Creates a directory and its parents.
    public static func makeDirectories(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw RunDirectoryError(path: path, problem: "exists and is not a directory") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw RunDirectoryError(path: path, problem: "cannot create the directory: \(String(cString: strerror(errno)))")
        }
    }

    /// The names in a directory, without `.` and `..`.
    static func contents(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a directory tree (without following symbolic links).
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in contents(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
