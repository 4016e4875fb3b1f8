import TextNormalization

/// Text being normalized and split, with, for each UTF-8 byte, the byte range of the original
/// input it comes from — Hugging Face's `NormalizedString` and its alignments. Token offsets
/// are read through these alignments, so they point into the text the user gave.
package struct AlignedText: Sendable {
    /// The current (normalized) UTF-8 bytes.
    package var bytes: [UInt8]
    /// Original start of each byte's source.
    package var starts: [Int32]
    /// Original end of each byte's source.
    package var ends: [Int32]
    /// Original offset where this text begins (the alignment of text inserted before its first byte).
    package var origin: Int32

    /// The original text `bytes` found at `origin`: each byte aligned to its whole character.
    package init(original bytes: UnsafeBufferPointer<UInt8>, at origin: Int) {
        self.bytes = Array(bytes)
        self.origin = Int32(origin)
        starts = []; ends = []
        starts.reserveCapacity(bytes.count); ends.reserveCapacity(bytes.count)
        guard let base = bytes.baseAddress else { return }
        var i = 0
        while i < bytes.count {
            let length = max(UTF8Validation.sequenceLength(base, at: i, end: bytes.count), 1)
            for _ in 0..<length { starts.append(Int32(origin + i)); ends.append(Int32(origin + i + length)) }
            i += length
        }
    }

    /// An empty text at `origin`.
    package init(origin: Int32) {
        bytes = []; starts = []; ends = []
        self.origin = origin
    }

    /// The text as a string.
    package var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether there are no bytes.
    package var isEmpty: Bool { bytes.isEmpty }

    /// The part of the text in byte range `range` (character boundaries).
    package func slice(_ range: Range<Int>) -> AlignedText {
        var part = AlignedText(
            origin: range.isEmpty
                ? (range.lowerBound < starts.count ? starts[range.lowerBound] : (ends.last ?? origin)) : starts[range.lowerBound])
        part.bytes = Array(bytes[range])
        part.starts = Array(starts[range])
        part.ends = Array(ends[range])
        return part
    }

    /// The original range of the normalized byte range `range`.
    package func originalRange(_ range: Range<Int>) -> Range<Int> {
        if range.isEmpty {
            let at = range.lowerBound < starts.count ? Int(starts[range.lowerBound]) : Int(ends.last ?? origin)
            return at..<at
        }
        return Int(starts[range.lowerBound])..<Int(max(ends[range.upperBound - 1], starts[range.lowerBound]))
    }

    /// The scalars with their byte offsets and lengths.
    package func scalars() -> [(scalar: UInt32, offset: Int, length: Int)] {
        var out: [(UInt32, Int, Int)] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            var i = 0
            while i < b.count {
                let length = max(UTF8Validation.sequenceLength(base, at: i, end: b.count), 1)
                out.append((length == 1 ? UInt32(base[i]) : UTF8Validation.decode(base, at: i, length: length), i, length))
                i += length
            }
        }
        return out
    }

    /// Rewrites the text character by character, as Hugging Face's `NormalizedString::transform`:
    /// `body` is called with a ``Rewriter`` that consumes the source and produces the output.
    package mutating func rewrite(_ body: (inout Rewriter) -> Void) {
        var writer = Rewriter(source: self)
        body(&writer)
        writer.finish()
        self = writer.output
    }

    /// Applies a list of (character, change) as Hugging Face's `NormalizedString::transform`
    /// does, literally: change 0 replaces the next source character (taking its alignment), a
    /// positive change inserts (taking the alignment of the source byte before the current
    /// position), a negative change -n also removes the n source characters after it. Source
    /// characters the list does not consume are dropped.
    package mutating func transform(_ items: [(UInt32, Int)]) {
        let chars = scalars()
        var out = AlignedText(origin: origin)
        out.bytes.reserveCapacity(bytes.count); out.starts.reserveCapacity(bytes.count); out.ends.reserveCapacity(bytes.count)
        var offset = 0  // bytes
        var next = 0  // source characters consumed
        for (c, change) in items {
            let idx = offset
            let align: (Int32, Int32)
            if change > 0 {
                align = idx < 1 ? (origin, origin) : (starts[min(idx - 1, starts.count - 1)], ends[min(idx - 1, ends.count - 1)])
            } else if idx < starts.count {
                align = (starts[idx], ends[idx])
            } else {
                align = (ends.last ?? origin, ends.last ?? origin)
            }
            if change <= 0, next < chars.count { offset += chars[next].length; next += 1 }
            if change < 0 {
                for _ in 0..<(-change) where next < chars.count { offset += chars[next].length; next += 1 }
            }
            let before = out.bytes.count
            AlignedText.appendUTF8(c, to: &out.bytes)
            for _ in before..<out.bytes.count { out.starts.append(align.0); out.ends.append(align.1) }
        }
        self = out
    }

    /// Replaces each match of `pattern` with `content`; the inserted characters take the
    /// alignment of the last byte matched (Hugging Face's `replace`).
    package mutating func replace(matches: [Range<Int>], with content: String) {
        guard !matches.isEmpty else { return }
        let contentScalars = Array(content.unicodeScalars)
        rewrite { w in
            for m in matches {
                w.copy(upTo: m.lowerBound)
                w.skip(upTo: m.upperBound)
                for s in contentScalars { w.insert(s.value) }
            }
        }
    }

    /// Puts `prefix` before the text; every inserted character takes the first character's
    /// alignment (Hugging Face's `prepend`). Does nothing to an empty text.
    package mutating func prepend(_ prefix: String) {
        guard !bytes.isEmpty, !prefix.isEmpty else { return }
        let first = (starts[0], ends[0])
        var head: [UInt8] = Array(prefix.utf8)
        var s = [Int32](repeating: first.0, count: head.count), e = [Int32](repeating: first.1, count: head.count)
        head.append(contentsOf: bytes); s.append(contentsOf: starts); e.append(contentsOf: ends)
        bytes = head; starts = s; ends = e
    }

    /// Builds a rewritten ``AlignedText`` from a source, following `transform`'s alignment rules:
    /// a character that replaces a source character takes that character's alignment; an inserted
    /// one takes the alignment of the source byte just before the current position.
    package struct Rewriter {
        let source: AlignedText
        /// Current position in the source (bytes).
        package private(set) var position = 0
        package private(set) var output: AlignedText

        init(source: AlignedText) {
            self.source = source
            output = AlignedText(origin: source.origin)
            output.bytes.reserveCapacity(source.bytes.count)
            output.starts.reserveCapacity(source.bytes.count)
            output.ends.reserveCapacity(source.bytes.count)
        }

        /// The byte length of the source character at the position (0 at the end).
        package var currentLength: Int {
            guard position < source.bytes.count else { return 0 }
            return source.bytes.withUnsafeBufferPointer {
                max(UTF8Validation.sequenceLength($0.baseAddress!, at: position, end: $0.count), 1)
            }
        }

        /// Copies source characters unchanged up to byte `end`.
        package mutating func copy(upTo end: Int) {
            guard end > position else { return }
            output.bytes.append(contentsOf: source.bytes[position..<end])
            output.starts.append(contentsOf: source.starts[position..<end])
            output.ends.append(contentsOf: source.ends[position..<end])
            position = end
        }

        /// Drops source bytes up to `end`.
        package mutating func skip(upTo end: Int) { position = max(position, end) }

        /// Outputs `scalar` in place of the next source character (which is consumed).
        package mutating func replace(with scalar: UInt32) {
            let a = position < source.bytes.count ? (source.starts[position], source.ends[position]) : inserted()
            append(scalar, a)
            position += max(currentLength, 0)
        }

        /// Outputs `scalar` as a new character.
        package mutating func insert(_ scalar: UInt32) { append(scalar, inserted()) }

        /// Maps the next source character to `scalars` (the first replaces it, the others are inserted).
        package mutating func map(to scalars: [UInt32]) {
            guard let first = scalars.first else { skip(upTo: position + currentLength); return }
            replace(with: first)
            for s in scalars.dropFirst() { insert(s) }
        }

        private func inserted() -> (Int32, Int32) {
            position < 1 ? (source.origin, source.origin) : (source.starts[position - 1], source.ends[position - 1])
        }

        private mutating func append(_ scalar: UInt32, _ a: (Int32, Int32)) {
            let before = output.bytes.count
            AlignedText.appendUTF8(scalar, to: &output.bytes)
            for _ in before..<output.bytes.count { output.starts.append(a.0); output.ends.append(a.1) }
        }

        /// Copies what is left of the source.
        mutating func finish() { copy(upTo: source.bytes.count) }
    }

    /// Appends the UTF-8 encoding of `scalar`.
    @inline(__always)
    package static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800: out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | (scalar >> 6) & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            out.append(UInt8(0x80 | (scalar >> 6) & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
