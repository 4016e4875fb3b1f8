#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An llm.c token shard mapped into memory read-only: ids are read in place, so a shard far
/// larger than the machine's memory is read at the speed of the page cache, and only the pages
/// in use stay resident (the kernel drops them under pressure — they are clean file pages).
///
/// ```swift
/// let shard = try MappedTokenShard(path: "train.bin")
/// for i in 0..<shard.count { use(shard[i]) }
/// ```
public final class MappedTokenShard: @unchecked Sendable {
    /// The file.
    public let path: String
    /// Number of ids.
    public let count: Int
    /// Bytes per id: 2 (version 1) or 4 (version 2).
    public let bytesPerToken: Int
    // Immutable after init; the mapping lives until deinit (hence @unchecked Sendable).
    private let mapping: UnsafeMutableRawPointer?
    private let mappedBytes: Int
    private let body: UnsafeRawPointer?

    /// Maps the shard at `path` after checking its header and size (``TokenShard/readHeader(_:)``).
    public init(path: String) throws {
        let header = try TokenShard.readHeader(path)
        self.path = path
        self.count = header.count
        self.bytesPerToken = header.bytesPerToken
        let bytes = TokenShard.headerBytes + header.count * header.bytesPerToken
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw FileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let mapped = mmap(nil, bytes, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p = mapped, p != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw FileError.unreadable(path: path, reason: "cannot map: \(String(cString: strerror(errno)))")
        }
        #if canImport(Glibc)
            _ = madvise(p, bytes, MADV_SEQUENTIAL)
        #endif
        mapping = p
        mappedBytes = bytes
        body = UnsafeRawPointer(p) + TokenShard.headerBytes
    }

    deinit {
        if let mapping { munmap(mapping, mappedBytes) }
    }

    /// The id at `index` (0 ..< count; not checked).
    @inline(__always)
    public subscript(index: Int) -> UInt32 {
        guard let body else { return 0 }
        if bytesPerToken == 2 {
            return UInt32(UInt16(littleEndian: body.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
        }
        return UInt32(littleEndian: body.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
    }

    /// Lets the kernel drop this process's mapping of the pages holding ids `range` (rounded out
    /// to whole pages): resident memory then stays bounded while the shard is read through. The
    /// ids stay readable (a later read maps the page again from the page cache or the file).
    public func release(_ range: Range<Int>) {
        guard let mapping, !range.isEmpty else { return }
        let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        let lo = TokenShard.headerBytes + range.lowerBound * bytesPerToken
        let hi = min(mappedBytes, TokenShard.headerBytes + range.upperBound * bytesPerToken)
        let start = lo / page * page
        let end = min(mappedBytes, (hi + page - 1) / page * page)
        if end > start { _ = madvise(mapping + start, end - start, MADV_DONTNEED) }
    }

    /// The ids in `range` (a copy).
    public func ids(in range: Range<Int>) -> [UInt32] {
        range.map { self[$0] }
    }

    /// The first index whose id is not below `vocabularySize`, or `nil` when all are.
    public func firstID(notBelow vocabularySize: Int) -> Int? {
        let limit = UInt32(clamping: vocabularySize)
        for i in 0..<count where self[i] >= limit { return i }
        return nil
    }
}
