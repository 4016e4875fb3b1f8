import ArtifactIO
import Foundation
import TextNormalization

/// How many times each pre-tokenized word occurs in a corpus, with the settings that made the
/// words. Counts of corpus shards add up (``merge(_:source:)``), so a large corpus can be counted in
/// pieces anywhere and trained on once.
///
/// The file form (`tessera count -o x.counts`) is text: a header line naming the settings, then
/// one `COUNT<TAB>WORD` line per word, the word spelled in GPT-2's byte-level alphabet (so any
/// bytes, newlines included, fit on one line), sorted by word bytes.
///
/// ```swift
/// var counts = try WordCounts.read("a.counts")
/// try counts.merge(WordCounts.read("b.counts"))
/// ```
public struct WordCounts: Sendable {
    /// The settings the words were made with (normalizer and pre-tokenizer), as one line.
    public var settings: String
    var table: ByteKeyTable

    /// Creates empty counts for `settings`.
    public init(settings: String) {
        self.settings = settings
        self.table = ByteKeyTable(capacity: 1 << 14)
    }

    /// Number of distinct words.
    public var distinctWords: Int { table.count }

    /// Total number of words counted.
    public var totalWords: UInt64 {
        var total: UInt64 = 0
        table.forEach { total &+= $1 }
        return total
    }

    /// Adds `count` occurrences of `word`.
    public mutating func add(_ word: [UInt8], count: UInt64 = 1) {
        word.withUnsafeBufferPointer { table.add($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, count) }
    }

    /// The count of `word`.
    public func count(of word: [UInt8]) -> UInt64 { table.find(word) ?? 0 }

    /// Adds another set of counts; throws if it was made with other settings.
    public mutating func merge(_ other: WordCounts, source: String = "counts") throws {
        guard other.settings == settings else {
            throw TokenizerError.incompatibleCounts(source: source, expected: settings, found: other.settings)
        }
        other.table.forEach { word, count in table.add(word.baseAddress ?? UnsafePointer(bitPattern: 1)!, word.count, count) }
    }

    /// The words and counts sorted by word bytes (a deterministic order).
    public func sorted() -> [(word: [UInt8], count: UInt64)] {
        var all: [(word: [UInt8], count: UInt64)] = []
        all.reserveCapacity(table.count)
        table.forEach { all.append((Array($0), $1)) }
        all.sort { $0.word.lexicographicallyPrecedes($1.word) }
        return all
    }

    // MARK: Files

    static let magic = "#tessera-counts v1"

    /// Writes the counts file atomically.
    public func write(to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.write("\(WordCounts.magic) \(settings)\n")
        var line: [UInt8] = []
        for (word, count) in sorted() {
            line.removeAll(keepingCapacity: true)
            CorpusEncoder.appendDecimal(Int(count), to: &line)
            line.append(0x09)
            word.withUnsafeBufferPointer { ByteLevelAlphabet.append($0, to: &line) }
            line.append(0x0A)
            try writer.write(line)
        }
        try writer.commit()
    }

    /// Reads a counts file, checking every line.
    public static func read(_ path: String) throws -> WordCounts {
        let bytes = try TokenizerFile.readFile(path)
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first, header.hasPrefix(magic) else {
            throw TokenizerError.malformed(source: path, what: "line 1: expected a \"\(magic) …\" header (not a file written by tessera count)")
        }
        var counts = WordCounts(settings: String(header.dropFirst(magic.count + 1)))
        for (k, line) in lines.enumerated().dropFirst() {
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let count = UInt64(parts[0]), let word = ByteLevelAlphabet.decode(String(parts[1])), !word.isEmpty else {
                throw TokenizerError.malformed(source: path, what: "line \(k + 1): expected COUNT<TAB>WORD (word in byte-level alphabet)")
            }
            counts.add(word, count: count)
        }
        return counts
    }
}
