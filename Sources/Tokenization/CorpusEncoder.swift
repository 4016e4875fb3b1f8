import ArtifactIO

/// Encodes whole files with one tokenizer on several threads, keeping the input order.
///
/// Line formats (`ids`, `tokens`, `jsonl`) encode each line on its own, without its line
/// terminator (`\n` or `\r\n`). The token stream (`encodeStream`) encodes the text as it is,
/// newlines included, cut into chunks only where the pre-tokenizer would split anyway.
///
/// ```swift
/// let encoder = CorpusEncoder(tokenizer: tok, threads: 2)
/// let ids = try encoder.encodeStream(paths: ["a.txt", "b.txt"], separator: tok.endOfTextID)
/// ```
public struct CorpusEncoder {
    /// Output layout of ``CorpusEncoder/encodeLines(paths:format:addSpecialTokens:offsets:progress:write:)``.
    public enum LineFormat: String, Sendable, CaseIterable {
        /// Ids separated by spaces.
        case ids
        /// Token strings separated by spaces.
        case tokens
        /// One JSON object per line: `ids`, `tokens` and optionally `offsets` (byte ranges in the line).
        case jsonl
    }

    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// Worker threads.
    public let threads: Int
    /// Bytes of input handed to one worker at a time.
    public var chunkBytes = 1 << 20
    /// Replace invalid UTF-8 in input files with U+FFFD instead of failing.
    public var replaceInvalid = false
    /// The longest stretch of a line without a safe cut point held whole (see ``StretchLimit``):
    /// a longer one (a word of more than 256 KiB) is encoded in pieces of at most this many bytes.
    package var maxStretchBytes = StretchLimit.defaultLimit
    /// Whether one long line may be cut before a space (see ``PreTokenization/splitsBeforeSpaces``);
    /// not when an added token holds a space (a cut could fall inside it).
    private let cutsAtSpaces: Bool
    private let sessions: [TokenizerSession]
    /// Each id's token string, as UTF-8 and as a JSON string literal, back to back (for line output).
    private let tokenText: TokenTextTable

    /// Creates an encoder with `threads` workers (at least one).
    public init(tokenizer: Tokenizer, threads: Int = 1) {
        self.tokenizer = tokenizer
        self.threads = max(1, threads)
        sessions = (0..<max(1, threads)).map { _ in TokenizerSession(tokenizer) }
        cutsAtSpaces = tokenizer.preTokenization.splitsBeforeSpaces && !tokenizer.addedTokens.contains { $0.content.utf8.contains(0x20) }
        tokenText = TokenTextTable(tokenizer)
    }

    // MARK: Token stream

    /// Encodes the files as one token stream; `separator` (e.g. the end-of-text id) goes between files.
    /// `progress` is called with the bytes read so far.
    public func encodeStream(paths: [String], separator: UInt32? = nil, progress: ((Int) -> Void)? = nil) throws -> [UInt32] {
        var result: [UInt32] = []
        try encodeStream(paths: paths, separator: separator, progress: progress) { result.append(contentsOf: $0) }
        return result
    }

    /// Encodes the files as one token stream, handing the ids to `emit` batch by batch, in order
    /// (memory stays bounded by the batch size, whatever the input size).
    public func encodeStream(
        paths: [String], separator: UInt32? = nil, progress: ((Int) -> Void)? = nil,
        emit: ([UInt32]) throws -> Void
    ) throws {
        try encodeStream(
            DocumentSource(paths: paths, options: .init(replaceInvalid: replaceInvalid)), separator: separator,
            progress: progress, emit: emit)
    }

    /// Encodes the documents of `source` (files, or JSONL records) as one token stream: each
    /// document on its own (no token spans two), `separator` between documents, ids handed to
    /// `emit` batch by batch, in order.
    public func encodeStream(
        _ source: DocumentSource, separator: UInt32? = nil, progress: ((Int) -> Void)? = nil,
        emit: ([UInt32]) throws -> Void
    ) throws {
        try source.checkReadable()
        var total = 0
        var result: [UInt32] = []
        var pending: [UInt8] = []
        // Offset of pending[0] in the document.
        var origin = 0
        var limit = StretchLimit(limit: maxStretchBytes, spaces: cutsAtSpaces)
        let batch = chunkBytes * threads
        try source.forEachDocument(
            begin: { k in
                if k > 0, let separator { try emit([separator]) }
                pending.removeAll(keepingCapacity: true)
                origin = 0
                limit.reset()
            },
            chunk: { chunk in
                pending.append(contentsOf: chunk)
                total += chunk.count
                // A stretch with no safe cut point longer than the limit is cut anyway.
                while let cut = pending.withUnsafeBufferPointer({ limit.nextCut($0, origin: origin) }) {
                    result.removeAll(keepingCapacity: true)
                    encodeParallel(pending, upTo: cut - origin, continuing: origin > 0, into: &result)
                    pending.removeFirst(cut - origin)
                    origin = cut
                    try emit(result)
                }
                if pending.count >= batch {
                    // Keep the last line back: whether the text goes on after it is not known yet.
                    let cut = CorpusEncoder.safeCut(pending, before: pending.count - 1, spaces: cutsAtSpaces)
                    if cut < pending.count - 1 {
                        result.removeAll(keepingCapacity: true)
                        encodeParallel(pending, upTo: cut, continuing: origin > 0, into: &result)
                        pending.removeFirst(cut)
                        origin += cut
                        try emit(result)
                    }
                }
                progress?(total)
            },
            end: { _ in
                result.removeAll(keepingCapacity: true)
                encodeParallel(pending, upTo: pending.count, continuing: origin > 0, into: &result)
                try emit(result)
            })
    }

    /// Encodes text held in memory as one token stream (in parallel chunks, order kept).
    public func encode(_ text: [UInt8]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(text.count / 3)
        encodeParallel(text, upTo: text.count, continuing: false, into: &result)
        return result
    }

    /// A position < `limit` to cut the text at without changing the tokens, or `limit` if there
    /// is none. A cut goes after a lone line end between printable characters: `x\n|y` or
    /// `x\r|\ny` — there every pre-tokenizer (GPT-2's whitespace lookahead included) splits the
    /// same way whether or not the text continues.
    /// With `spaces` (a line with no such line end, e.g. one line of 100 MB), a cut may also go
    /// before a space between printable characters, `x| y`, where every pre-tokenizer but `none`
    /// starts a new word; so memory stays bounded by the chunk size, not the line length.
    static func safeCut(_ text: [UInt8], before limit: Int, notBefore floor: Int = 0, spaces: Bool = false) -> Int {
        @inline(__always) func printable(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
        var i = limit - 1
        while i >= max(floor, 2) {
            if printable(text[i - 2]) {
                if text[i - 1] == 0x0A && printable(text[i]) { return i }
                if text[i - 1] == 0x0D && text[i] == 0x0A && i + 1 < text.count && printable(text[i + 1]) { return i }
            }
            i -= 1
        }
        guard spaces else { return limit }
        i = limit - 1
        while i >= max(floor, 1) {
            if text[i] == 0x20 && printable(text[i - 1]) && i + 1 < text.count && printable(text[i + 1]) { return i }
            i -= 1
        }
        return limit
    }

    /// Encodes `text[0..<end]` in pieces on the workers; `continuing`: the text goes on from
    /// text encoded before (no prefix space for its first piece; the others never get one).
    private func encodeParallel(_ text: [UInt8], upTo end: Int, continuing: Bool, into result: inout [UInt32]) {
        guard end > 0 else { return }
        // Split [0, end) into pieces of about chunkBytes at safe points.
        var bounds = [0]
        while end - bounds.last! > chunkBytes + chunkBytes / 2 {
            let target = bounds.last! + chunkBytes
            var cut = CorpusEncoder.safeCut(text, before: target, notBefore: bounds.last! + chunkBytes / 2, spaces: cutsAtSpaces)
            if cut >= target { cut = CorpusEncoder.safeCut(text, before: end, notBefore: target, spaces: cutsAtSpaces) }
            if cut >= end { break }
            bounds.append(cut)
        }
        bounds.append(end)
        var outputs = [[UInt32]](repeating: [], count: bounds.count - 1)
        text.withUnsafeBufferPointer { buffer in
            outputs.withUnsafeMutableBufferPointer { outs in
                // Each worker uses its own session and writes only its own jobs' slots.
                let context = UncheckedSendable((buffer, outs, sessions, bounds))
                ParallelFor.jobs(bounds.count - 1, workers: threads) { job, worker in
                    let (buffer, outs, sessions, bounds) = context.value
                    var ids: [UInt32] = []
                    ids.reserveCapacity((bounds[job + 1] - bounds[job]) / 3)
                    sessions[worker].encode(
                        UnsafeBufferPointer(rebasing: buffer[bounds[job]..<bounds[job + 1]]), addSpecialTokens: false,
                        continuing: continuing || job > 0, ids: &ids)
                    outs[job] = ids
                }
            }
        }
        for o in outputs { result.append(contentsOf: o) }
    }

    // MARK: Lines

    /// Encodes every line of the files and hands formatted output to `write`, in input order.
    public func encodeLines(
        paths: [String], format: LineFormat, addSpecialTokens: Bool, offsets: Bool,
        progress: ((Int) -> Void)? = nil, write: ([UInt8]) throws -> Void
    ) throws {
        try encodeLines(
            DocumentSource(paths: paths, options: .init(replaceInvalid: replaceInvalid)), format: format,
            addSpecialTokens: addSpecialTokens, offsets: offsets, progress: progress, write: write)
    }

    /// Encodes `source` one output line per unit, in input order: each line of text files, or
    /// each JSONL record's document as a whole (newlines inside it included).
    public func encodeLines(
        _ source: DocumentSource, format: LineFormat, addSpecialTokens: Bool, offsets: Bool,
        progress: ((Int) -> Void)? = nil, write: ([UInt8]) throws -> Void
    ) throws {
        try source.checkReadable()
        var total = 0
        var batch: [[UInt8]] = []
        // Each batch entry's units: its records' ranges, or nil for the lines of line-ended text
        // (found by the worker as it encodes, not in a pass of its own).
        var units: [[Range<Int>]?] = []
        var batchBytes = 0
        func flush() throws {
            var outputs = [[UInt8]](repeating: [], count: batch.count)
            outputs.withUnsafeMutableBufferPointer { outs in
                let context = UncheckedSendable((outs, batch, units, self))
                ParallelFor.jobs(batch.count, workers: threads) { job, worker in
                    let (outs, batch, units, encoder) = context.value
                    outs[job] = encoder.formatUnits(
                        batch[job], units: units[job], format: format, addSpecialTokens: addSpecialTokens,
                        offsets: offsets, session: encoder.sessions[worker])
                }
            }
            for o in outputs { try write(o) }
            batch.removeAll()
            units.removeAll()
            batchBytes = 0
        }
        if let field = source.field {
            // One unit per record; records are grouped into batches of about chunkBytes.
            var piece: [UInt8] = []
            var ranges: [Range<Int>] = []
            for path in source.paths {
                try source.forEachRecord(path: path, field: field) { text in
                    total += text.count
                    ranges.append(piece.count..<(piece.count + text.count))
                    piece.append(contentsOf: text)
                    if piece.count >= chunkBytes {
                        batch.append(piece); units.append(ranges); batchBytes += piece.count
                        piece.removeAll(); ranges.removeAll()
                        if batchBytes >= chunkBytes * threads * 2 { try flush() }
                    }
                    progress?(total)
                }
            }
            if !ranges.isEmpty { batch.append(piece); units.append(ranges) }
            try flush()
            return
        }
        var carry: [UInt8] = []
        // A line longer than two chunks is encoded piece by piece as it comes (`long`), from
        // `carry`, whose first byte is at `lineOffset` in the line.
        var long: LongLine? = nil
        defer { long?.writer.close() }
        try source.forEachDocument(
            begin: { _ in carry.removeAll() },
            chunk: { whole in
                total += whole.count
                var chunk = whole[...]
                if long != nil {
                    guard let lf = chunk.firstIndex(of: 0x0A) else {
                        carry.append(contentsOf: chunk)
                        try continueLongLine(&long, &carry, format: format, addSpecialTokens: addSpecialTokens, write: write)
                        progress?(total)
                        return
                    }
                    carry.append(contentsOf: chunk[..<lf])
                    try finishLongLine(&long, &carry, format: format, addSpecialTokens: addSpecialTokens, write: write)
                    chunk = chunk[(lf + 1)...]
                }
                // Complete lines go to the batch; a trailing partial line waits for the next chunk.
                var lastLF = chunk.endIndex - 1
                while lastLF >= chunk.startIndex && chunk[lastLF] != 0x0A { lastLF -= 1 }
                if lastLF < chunk.startIndex {
                    carry.append(contentsOf: chunk)
                    if carry.count >= 2 * chunkBytes {
                        // The lines before it go out first.
                        try flush()
                        long = LongLine(
                            writer: try LongLineWriter(format: format, offsets: offsets, write: write),
                            limit: StretchLimit(limit: maxStretchBytes, spaces: cutsAtSpaces))
                        try continueLongLine(&long, &carry, format: format, addSpecialTokens: addSpecialTokens, write: write)
                    }
                    progress?(total)
                    return
                }
                var piece = carry
                piece.append(contentsOf: chunk[...lastLF])
                carry = Array(chunk[(lastLF + 1)...])
                batchBytes += piece.count
                batch.append(piece)
                units.append(nil)
                if batchBytes >= chunkBytes * threads * 2 { try flush() }
                progress?(total)
            },
            end: { _ in
                if long != nil {
                    try finishLongLine(&long, &carry, format: format, addSpecialTokens: addSpecialTokens, write: write)
                } else if !carry.isEmpty {
                    carry.append(0x0A)
                    batch.append(carry)
                    units.append(nil)
                }
                try flush()
            })
    }

    /// A line being encoded piece by piece: its output and where the next forced cut goes.
    struct LongLine {
        var writer: LongLineWriter
        var limit: StretchLimit
        /// Offset in the line of the text not encoded yet.
        var offset = 0
        /// The current piece's ids and byte ranges (kept between pieces with their capacity).
        var ids: [UInt32] = []
        var ranges: [Range<Int>] = []
    }

    /// Encodes the text of a long line held in `carry` up to its last safe cut point (or the
    /// cuts its stretch limit forces), leaving the rest in `carry`.
    private func continueLongLine(
        _ long: inout LongLine?, _ carry: inout [UInt8], format: LineFormat, addSpecialTokens: Bool,
        write: ([UInt8]) throws -> Void
    ) throws {
        guard var line = long else { return }
        defer { long = line }
        while let cut = carry.withUnsafeBufferPointer({ line.limit.nextCut($0, origin: line.offset) }) {
            try encodeLongPiece(&line, &carry, upTo: cut - line.offset, last: false, addSpecialTokens: addSpecialTokens, write: write)
        }
        if carry.count >= chunkBytes {
            let cut = CorpusEncoder.safeCut(carry, before: carry.count - 1, spaces: cutsAtSpaces)
            if cut > 0 && cut < carry.count - 1 {
                try encodeLongPiece(&line, &carry, upTo: cut, last: false, addSpecialTokens: addSpecialTokens, write: write)
            }
        }
    }

    /// Encodes the rest of a long line (`carry`, without its line end) and ends its output.
    private func finishLongLine(
        _ long: inout LongLine?, _ carry: inout [UInt8], format: LineFormat, addSpecialTokens: Bool,
        write: ([UInt8]) throws -> Void
    ) throws {
        guard var line = long else { return }
        // This copy owns the temporary files from here on, whatever happens.
        long = nil
        defer { line.writer.close() }
        if carry.last == 0x0D { carry.removeLast() }
        while let cut = carry.withUnsafeBufferPointer({ line.limit.nextCut($0, origin: line.offset) }) {
            try encodeLongPiece(&line, &carry, upTo: cut - line.offset, last: false, addSpecialTokens: addSpecialTokens, write: write)
        }
        try encodeLongPiece(&line, &carry, upTo: carry.count, last: true, addSpecialTokens: addSpecialTokens, write: write)
        try line.writer.finish(write: write)
        carry.removeAll()
    }

    /// Encodes `carry[0..<end]`, the next piece of a long line, into its output and drops it:
    /// the special tokens before the line with the first piece, those after it with the last.
    private func encodeLongPiece(
        _ line: inout LongLine, _ carry: inout [UInt8], upTo end: Int, last: Bool, addSpecialTokens: Bool,
        write: ([UInt8]) throws -> Void
    ) throws {
        let session = sessions[0]
        let specials: (prefix: [AddedToken], suffix: [AddedToken]) = addSpecialTokens ? specialTokens : ([], [])
        var ids = line.ids
        var ranges = line.ranges
        line.ids = []
        line.ranges = []
        defer {
            line.ids = ids
            line.ranges = ranges
        }
        ids.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        if line.offset == 0 {
            for t in specials.prefix {
                ids.append(t.id)
                ranges.append(0..<0)
            }
        }
        carry.withUnsafeBufferPointer { all in
            let piece = UnsafeBufferPointer(rebasing: all[0..<end])
            if line.writer.offsets {
                session.encode(piece, addSpecialTokens: false, continuing: line.offset > 0, ids: &ids, offsets: &ranges)
            } else {
                session.encode(piece, addSpecialTokens: false, continuing: line.offset > 0, ids: &ids)
            }
        }
        if last {
            ids.append(contentsOf: specials.suffix.map(\.id))
            ranges.append(contentsOf: specials.suffix.map { _ in (-line.offset)..<(-line.offset) })
        }
        try line.writer.append(ids, ranges: ranges, shift: line.offset, tokenText: tokenText, write: write)
        carry.removeFirst(end)
        line.offset += end
    }

    /// The special tokens the post-processor puts before and after one sequence.
    private var specialTokens: (prefix: [AddedToken], suffix: [AddedToken]) {
        guard let pipeline = tokenizer.pipeline, !pipeline.encodesWithFastPath else {
            return (tokenizer.postProcessor.prefix, tokenizer.postProcessor.suffix)
        }
        func find(_ p: (any PostProcessorComponent)?) -> (prefix: [AddedToken], suffix: [AddedToken])? {
            if let t = p as? TemplatePostProcessor { return (t.prefix, t.suffix) }
            if let s = p as? SequencePostProcessor {
                for q in s.processors { if let found = find(q) { return found } }
            }
            return nil
        }
        return find(pipeline.postProcessor) ?? ([], [])
    }

    /// Encodes a line longer than ``maxStretchBytes`` held whole (appending ids, and byte ranges
    /// when `wantOffsets`) in pieces at the cuts ``StretchLimit`` forces, as a long line streamed
    /// piece by piece is, so both give the same tokens.
    @inline(never)
    private func encodeLongLine(
        _ line: UnsafeBufferPointer<UInt8>, session: TokenizerSession, addSpecialTokens: Bool, wantOffsets: Bool,
        ids: inout [UInt32], ranges: inout [Range<Int>]
    ) {
        let specials: (prefix: [AddedToken], suffix: [AddedToken]) = addSpecialTokens ? specialTokens : ([], [])
        for t in specials.prefix {
            ids.append(t.id)
            if wantOffsets { ranges.append(0..<0) }
        }
        var limit = StretchLimit(limit: maxStretchBytes, spaces: cutsAtSpaces)
        var start = 0
        var pieceRanges: [Range<Int>] = []
        func encodePiece(upTo end: Int) {
            let piece = UnsafeBufferPointer(rebasing: line[start..<end])
            if wantOffsets {
                pieceRanges.removeAll(keepingCapacity: true)
                session.encode(piece, addSpecialTokens: false, continuing: start > 0, ids: &ids, offsets: &pieceRanges)
                for r in pieceRanges { ranges.append((r.lowerBound + start)..<(r.upperBound + start)) }
            } else {
                session.encode(piece, addSpecialTokens: false, continuing: start > 0, ids: &ids)
            }
            start = end
        }
        while let cut = limit.nextCut(UnsafeBufferPointer(rebasing: line[start...]), origin: start) { encodePiece(upTo: cut) }
        encodePiece(upTo: line.count)
        for t in specials.suffix {
            ids.append(t.id)
            if wantOffsets { ranges.append(0..<0) }
        }
    }

    /// Encodes and formats `units` of `text`, one output line each; nil `units`: each line of
    /// `text` (which ends in `\n`), without its `\n` or `\r\n`.
    private func formatUnits(
        _ text: [UInt8], units: [Range<Int>]?, format: LineFormat, addSpecialTokens: Bool, offsets: Bool,
        session: TokenizerSession
    ) -> [UInt8] {
        // Units of empty text (empty records) still need a base address.
        let text = text.isEmpty ? [0x0A] : text
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 2)
        var ids: [UInt32] = []
        var ranges: [Range<Int>] = []
        text.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var unit = 0
            var scan = 0
            while true {
                // The next unit: the next range given, or the next line up to its `\n`.
                let line: UnsafeBufferPointer<UInt8>
                if let units {
                    guard unit < units.count else { break }
                    line = UnsafeBufferPointer(start: base + units[unit].lowerBound, count: units[unit].count)
                    unit += 1
                } else {
                    var lf = scan
                    while lf < buffer.count && base[lf] != 0x0A { lf += 1 }
                    guard lf < buffer.count else { break }
                    var end = lf
                    if end > scan && base[end - 1] == 0x0D { end -= 1 }
                    line = UnsafeBufferPointer(start: base + scan, count: end - scan)
                    scan = lf + 1
                }
                // The unit's ids and ranges are appended after the previous units' (emptied only
                // now and then: emptying them for every line costs more than a short line's output).
                if ids.count >= 1 << 10 { ids.removeAll(keepingCapacity: true) }
                if ranges.count >= 1 << 10 { ranges.removeAll(keepingCapacity: true) }
                let first = ids.count
                let firstRange = ranges.count
                if line.count > maxStretchBytes + 1 {
                    encodeLongLine(
                        line, session: session, addSpecialTokens: addSpecialTokens, wantOffsets: offsets && format == .jsonl,
                        ids: &ids, ranges: &ranges)
                } else if offsets && format == .jsonl {
                    session.encode(line, addSpecialTokens: addSpecialTokens, ids: &ids, offsets: &ranges)
                } else {
                    session.encode(line, addSpecialTokens: addSpecialTokens, ids: &ids)
                }
                switch format {
                case .ids:
                    for (k, id) in ids[first...].enumerated() { if k > 0 { out.append(0x20) }; CorpusEncoder.appendDecimal(Int(id), to: &out) }
                case .tokens:
                    for (k, id) in ids[first...].enumerated() {
                        if k > 0 { out.append(0x20) }
                        tokenText.appendPlain(id, to: &out)
                    }
                case .jsonl:
                    out.append(contentsOf: CorpusEncoder.idsKey)
                    for (k, id) in ids[first...].enumerated() {
                        if k > 0 { out.append(0x2C); out.append(0x20) }; CorpusEncoder.appendDecimal(Int(id), to: &out)
                    }
                    out.append(contentsOf: CorpusEncoder.tokensKey)
                    for (k, id) in ids[first...].enumerated() {
                        if k > 0 { out.append(0x2C); out.append(0x20) }
                        tokenText.appendJSON(id, to: &out)
                    }
                    out.append(0x5D)
                    if offsets {
                        out.append(contentsOf: CorpusEncoder.offsetsKey)
                        for (k, r) in ranges[firstRange...].enumerated() {
                            if k > 0 { out.append(contentsOf: [0x2C, 0x20]) }
                            out.append(0x5B); CorpusEncoder.appendDecimal(r.lowerBound, to: &out)
                            out.append(contentsOf: [0x2C, 0x20]); CorpusEncoder.appendDecimal(r.upperBound, to: &out); out.append(0x5D)
                        }
                        out.append(0x5D)
                    }
                    out.append(0x7D)
                }
                out.append(0x0A)
            }
        }
        return out
    }

    private static let idsKey = Array("{\"ids\": [".utf8)
    private static let tokensKey = Array("], \"tokens\": [".utf8)
    private static let offsetsKey = Array(", \"offsets\": [".utf8)

    /// Appends the decimal digits of a non-negative integer.
    @inline(__always)
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 10 { out.append(UInt8(0x30 + value)); return }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value, n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[n] = UInt8(0x30 + v % 10); v /= 10; n += 1 }
            for k in stride(from: n - 1, through: 0, by: -1) { out.append(d[k]) }
        }
    }
}
