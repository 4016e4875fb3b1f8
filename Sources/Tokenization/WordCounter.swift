import ArtifactIO
import TextNormalization

/// Counts the words of text files as a trainer sees them: each line (with its line end)
/// normalized, then pre-tokenized, then each piece counted — as Hugging Face's trainers read files.
///
/// Files are streamed in 1 MiB chunks; chunks are normalized and split on several threads into
/// per-thread tables merged at the end, so memory grows with the number of distinct words, not
/// with the corpus size, and the counts do not depend on the thread count.
///
/// ```swift
/// let counter = WordCounter(normalizer: Normalizer(), preTokenization: .byteLevel(trimOffsets: false), threads: 2)
/// let counts = try counter.count(paths: ["corpus.txt"])
/// ```
public struct WordCounter: Sendable {
    /// Normalization applied before the split.
    public var normalizer: Normalizer
    /// The word split.
    public var preTokenization: PreTokenization
    /// Worker threads.
    public var threads: Int
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    public var replaceInvalid = false
    /// The longest stretch of a line without a safe cut point held whole (see ``StretchLimit``):
    /// a longer one (a word of more than 256 KiB) is counted as pieces of at most this many bytes,
    /// exactly as ``CorpusEncoder`` encodes it.
    package var maxStretchBytes = StretchLimit.defaultLimit

    /// Creates a counter.
    public init(normalizer: Normalizer, preTokenization: PreTokenization, threads: Int = 1) {
        self.normalizer = normalizer
        self.preTokenization = preTokenization
        self.threads = max(1, threads)
    }

    /// The settings line stored with counts (what must agree for counts to be merged).
    public var settings: String {
        let split: String
        switch preTokenization {
        case .none: split = "none"
        case .byteLevel: split = "gpt2"
        case .bert(let cjk): split = cjk ? "bert" : "bert-no-cjk"
        case .whitespaceSplit: split = "whitespace"
        case .byteLevelSplit(let pattern): split = "split:" + pattern
        }
        return
            "normalize=\(normalizer.form.rawValue) lowercase=\(normalizer.lowercase) strip-accents=\(normalizer.stripAccents) clean=\(normalizer.clean) pre-tokenizer=\(split)"
    }

    /// Counts the words of `paths`; `progress` gets the bytes read so far. Throws on unreadable
    /// files and invalid UTF-8 (with the byte offset), and when there are no words at all.
    public func count(paths: [String], progress: ((Int) -> Void)? = nil) throws -> WordCounts {
        try count(DocumentSource(paths: paths, options: .init(replaceInvalid: replaceInvalid, allowEmpty: true)), progress: progress)
    }

    /// Counts the words of every document of `source` (each text file, or each JSONL record):
    /// lines are counted within a document, so a corpus cut into documents at line ends counts
    /// exactly like the whole. `progress` gets the bytes read so far.
    public func count(_ source: DocumentSource, progress: ((Int) -> Void)? = nil) throws -> WordCounts {
        try source.checkReadable()
        let workers = threads
        var tables = (0..<workers).map { _ in ByteKeyTable(capacity: 1 << 14) }
        var scratches = (0..<workers).map { _ in Workspace() }
        var total = 0
        var batch: [[UInt8]] = []
        func flush() {
            guard !batch.isEmpty else { return }
            let jobs = batch
            if workers == 1 || jobs.count == 1 {
                for job in jobs { countChunk(job, into: &tables[0], workspace: &scratches[0]) }
            } else {
                tables.withUnsafeMutableBufferPointer { t in
                    scratches.withUnsafeMutableBufferPointer { s in
                        let box = UncheckedSendable((t, s, jobs, self))
                        ParallelFor.jobs(jobs.count, workers: workers) { j, w in
                            let (t, s, jobs, counter) = box.value
                            counter.countChunk(jobs[j], into: &t[w], workspace: &s[w])
                        }
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
        // Whole lines only: a line longer than a chunk waits in `carry` until its end, cut before
        // a space where every pre-tokenizer starts a word, or where its stretch limit forces.
        var carry: [UInt8] = []
        var origin = 0  // offset of carry[0] in the document
        let spaces = preTokenization.splitsBeforeSpaces
        var limit = StretchLimit(limit: maxStretchBytes, spaces: spaces, lineEnds: true)
        try source.forEachDocument(
            begin: { _ in
                carry.removeAll()
                origin = 0
                limit.reset()
            },
            chunk: { chunk in
                total += chunk.count
                carry.append(contentsOf: chunk)
                while let cut = carry.withUnsafeBufferPointer({ limit.nextCut($0, origin: origin) }) {
                    batch.append(Array(carry[..<(cut - origin)]))
                    carry.removeFirst(cut - origin)
                    origin = cut
                    if batch.count >= workers * 2 { flush() }
                }
                var lastLF = carry.count - 1
                let floor = max(0, carry.count - chunk.count)
                while lastLF >= floor && carry[lastLF] != 0x0A { lastLF -= 1 }
                if lastLF >= floor {
                    // Complete lines go as one job (the buffer moves; the rest is copied).
                    let rest = Array(carry[(lastLF + 1)...])
                    carry.removeLast(carry.count - lastLF - 1)
                    origin += carry.count
                    batch.append(carry)
                    carry = rest
                    if batch.count >= workers * 2 { flush() }
                } else if carry.count >= chunk.count, spaces {
                    let cut = CorpusEncoder.safeCut(carry, before: carry.count - 1, notBefore: carry.count / 2, spaces: true)
                    if cut < carry.count - 1 {
                        batch.append(Array(carry[..<cut]))
                        carry.removeFirst(cut)
                        origin += cut
                        if batch.count >= workers * 2 { flush() }
                    }
                }
                progress?(total)
            },
            end: { _ in
                if !carry.isEmpty { batch.append(carry) }
                carry = []
            })
        flush()
        var counts = WordCounts(settings: settings)
        counts.table = tables[0]
        for t in tables.dropFirst() {
            t.forEach { word, count in counts.table.add(word.baseAddress ?? UnsafePointer(bitPattern: 1)!, word.count, count) }
        }
        if counts.distinctWords == 0 {
            throw TokenizerError.emptyCorpus(source: source.paths.map { $0 == "-" ? "<stdin>" : $0 }.joined(separator: ", "))
        }
        return counts
    }

    /// Buffers reused across chunks by one worker.
    struct Workspace {
        var normalized: [UInt8] = []
        var scratch = NormalizationScratch()
        var pieces: [Range<Int>] = []
    }

    /// Counts the words of one chunk of whole lines.
    func countChunk(_ chunk: [UInt8], into table: inout ByteKeyTable, workspace w: inout Workspace) {
        let preTokenizer = preTokenization.makePreTokenizer()
        w.normalized.removeAll(keepingCapacity: true)
        if normalizer.isIdentity {
            w.normalized.append(contentsOf: chunk)
        } else {
            chunk.withUnsafeBufferPointer { normalizer.normalize($0, into: &w.normalized, scratch: &w.scratch) }
        }
        w.normalized.withUnsafeBufferPointer { text in
            guard let base = text.baseAddress else { return }
            var start = 0
            let n = text.count
            while start < n {
                // One line, its line feed included (as Hugging Face's trainers read files).
                var end = start
                while end < n && base[end] != 0x0A { end += 1 }
                if end < n { end += 1 }
                let line = UnsafeBufferPointer(start: base + start, count: end - start)
                w.pieces.removeAll(keepingCapacity: true)
                if let preTokenizer { preTokenizer.split(line, into: &w.pieces) } else { w.pieces.append(0..<line.count) }
                for piece in w.pieces where !piece.isEmpty {
                    table.add(base + start + piece.lowerBound, piece.count, 1)
                }
                start = end
            }
        }
    }
}
