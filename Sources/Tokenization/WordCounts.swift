import ArtifactIO
import Foundation
import TextNormalization

/// How many times each pre-tokenized word occurs in a corpus, with the settings that made the
/// words. Counts of corpus shards add up (``merge(_:source:)``), so a large corpus can be counted in
/// pieces anywhere and trained on once.
///
/// The file form (`tessera count -o x.counts`) is text: a header line naming the settings, then
/// one `COUNT<TAB>WORD` line per word, the word spelled in GPT-2's byte-level alphabet (so any
/// bytes, newlines included, fit on one line), sorted by word bytes, then an end line with the
/// number of words and their total (so a truncated file is recognised). The bytes depend only on
/// the counts, so merging files in any order or grouping (``merge(_:source:)`` is associative and
/// commutative) writes the same file.
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

    /// The most symbols (Σ count × word length) a set of counts may hold: pair counts in training
    /// are sums of these, so keeping them under 2^62 keeps every sum inside `Int`.
    public static let weightLimit: UInt64 = 1 << 62

    /// Σ count × word length, saturating at `UInt64.max`.
    var weight: UInt64 {
        var total: UInt64 = 0
        table.forEach { word, count in
            let (w, o1) = count.multipliedReportingOverflow(by: UInt64(max(word.count, 1)))
            let (t, o2) = total.addingReportingOverflow(w)
            total = o1 || o2 ? .max : t
        }
        return total
    }

    /// Adds `count` occurrences of `word`.
    public mutating func add(_ word: [UInt8], count: UInt64 = 1) {
        word.withUnsafeBufferPointer { table.add($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, count) }
    }

    /// The count of `word`.
    public func count(of word: [UInt8]) -> UInt64 { table.find(word) ?? 0 }

    /// Adds another set of counts; throws if it was made with other settings (naming the
    /// settings that differ) or if a sum would not fit in 64 bits.
    public mutating func merge(_ other: WordCounts, source: String = "counts") throws {
        guard other.settings == settings else {
            throw TokenizerError.incompatibleCounts(source: source, expected: settings, found: other.settings)
        }
        let (sum, overflow) = weight.addingReportingOverflow(other.weight)
        guard !overflow, sum <= WordCounts.weightLimit else {
            throw TokenizerError.malformed(
                source: source,
                what:
                    "together the counts exceed \(WordCounts.weightLimit) symbols (count × word length), more than training can sum without overflow"
            )
        }
        other.table.forEach { word, count in table.add(word.baseAddress ?? UnsafePointer(bitPattern: 1)!, word.count, count) }
    }

    /// Reads count files and merges them in order into one (all must share their settings).
    public static func merged(paths: [String]) throws -> WordCounts {
        guard let first = paths.first else { throw TokenizerError.invalidOption("no count files to merge") }
        var counts = try read(first)
        for path in paths.dropFirst() { try counts.merge(read(path), source: path) }
        return counts
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

    static let magic = "#tessera-counts v2"
    /// Files written before the end line existed (read, but truncation is not detectable).
    static let magicV1 = "#tessera-counts v1"
    static let endMarker = "#end"

    /// Writes the counts file atomically (`-` writes standard output); `inputs` (the files the
    /// counts came from) may not be the output.
    public func write(to path: String, inputs: [String] = []) throws {
        let writer = try AtomicFileWriter(path: path, inputs: inputs)
        try writer.write("\(WordCounts.magic) \(settings)\n")
        var line: [UInt8] = []
        let all = sorted()
        var total: UInt64 = 0
        for (word, count) in all {
            total &+= count
            line.removeAll(keepingCapacity: true)
            CorpusEncoder.appendDecimal(Int(count), to: &line)
            line.append(0x09)
            word.withUnsafeBufferPointer { ByteLevelAlphabet.append($0, to: &line) }
            line.append(0x0A)
            try writer.write(line)
        }
        try writer.write("\(WordCounts.endMarker) words=\(all.count) total=\(total)\n")
        try writer.commit()
    }

    /// Reads a counts file, checking every line and (v2) the end line: a file cut short is an
    /// error saying so.
    public static func read(_ path: String) throws -> WordCounts {
        let bytes = try TokenizerFile.readFile(path)
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        guard let header = lines.first, header.hasPrefix(magic + " ") || header.hasPrefix(magicV1 + " ") else {
            throw TokenizerError.malformed(
                source: path, what: "line 1: expected a \"\(magic) …\" header (not a file written by tessera count)")
        }
        let hasEndLine = header.hasPrefix(magic + " ")
        guard endsWithNewline else {
            throw TokenizerError.malformed(
                source: path, what: "line \(lines.count): truncated: the file does not end with a line feed (it was cut short)")
        }
        var counts = WordCounts(settings: String(header.dropFirst(magic.count + 1)))
        var words = 0
        var total: UInt64 = 0
        var weight: UInt64 = 0
        for (k, line) in lines.enumerated().dropFirst() {
            if hasEndLine && line.hasPrefix(endMarker) {
                guard k == lines.count - 1 else {
                    throw TokenizerError.malformed(source: path, what: "line \(k + 1): the \"\(endMarker)\" line must be the last line")
                }
                let expected = "\(endMarker) words=\(words) total=\(total)"
                guard line == expected else {
                    throw TokenizerError.malformed(
                        source: path, what: "line \(k + 1): expected \"\(expected)\" (the lines above hold that), found \"\(line)\"")
                }
                return counts
            }
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let count = UInt64(parts[0]), count >= 1, let word = ByteLevelAlphabet.decode(String(parts[1])),
                !word.isEmpty
            else {
                let cut = hasEndLine && k == lines.count - 1 ? " (the file ends here: truncated?)" : ""
                throw TokenizerError.malformed(
                    source: path, what: "line \(k + 1): expected COUNT<TAB>WORD (count ≥ 1, word in byte-level alphabet)\(cut)")
            }
            guard counts.count(of: word) == 0 else {
                throw TokenizerError.malformed(source: path, what: "line \(k + 1): word \(String(parts[1])) appears twice")
            }
            let (w, o1) = count.multipliedReportingOverflow(by: UInt64(word.count))
            let (newWeight, o2) = weight.addingReportingOverflow(w)
            guard !o1, !o2, newWeight <= weightLimit else {
                throw TokenizerError.malformed(
                    source: path,
                    what:
                        "line \(k + 1): the counts add up past \(weightLimit) symbols (count × word length), more than training can sum without overflow"
                )
            }
            weight = newWeight
            counts.add(word, count: count)
            words += 1
            total += count
        }
        if hasEndLine {
            throw TokenizerError.malformed(
                source: path, what: "truncated: no \"\(endMarker) words=… total=…\" line after line \(lines.count) (the file was cut short)"
            )
        }
        return counts
    }
}
