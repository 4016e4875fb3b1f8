import ArgumentParser
import ArtifactIO
import Foundation
import TextNormalization
import Tokenization

/// `tessera decode`: token ids back to text.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode token ids (a .bin shard, or text with one line of space-separated ids per line) to text.",
        discussion: """
            The text is always valid UTF-8: byte sequences that are not (a multi-byte character \
            cut by the ids given) become U+FFFD, as in generate. A .bin shard is streamed, 1M ids \
            at a time, for every decoder, with the text of decoding all ids at once.

            Example: tessera decode --tokenizer Vocab/en-byte-bpe-8k.json train.bin > train.txt
            """
    )

    @Option(help: "Tokenizer: tokenizer.json, vocab.txt, or vocab.json.")
    var tokenizer: String

    @Flag(name: .customLong("skip-special"), help: "Leave special tokens out of the text.")
    var skipSpecial = false

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String = "-"

    @Argument(help: "Input: a .bin token shard or an ids text file (default: standard input, ids text).")
    var file: String = "-"

    func validate() throws {
        try OptionCheck.readable("input", file)
        try OptionCheck.readable("--tokenizer", tokenizer)
        try AtomicFileWriter.check(output, inputs: [file, tokenizer])
    }

    func run() throws {
        try TextChunkReader.checkReadable(file)
        let tok = try Tokenizer.load(fromFile: tokenizer)
        let size = tok.vocabularySize
        let writer = try AtomicFileWriter(path: output, inputs: [file, tokenizer])
        if file.hasSuffix(".bin") {
            try decodeShard(tok, into: writer)
        } else {
            var lineNumber = 0
            var carry: [UInt8] = []
            func decodeLine(_ line: ArraySlice<UInt8>) throws {
                lineNumber += 1
                var ids: [UInt32] = []
                for field in line.split(separator: 0x20) {
                    guard let id = UInt32(String(decoding: field, as: UTF8.self)) else {
                        throw TokenizerError.malformed(
                            source: "\(file):\(lineNumber)",
                            what: "expected token ids separated by spaces, found \(String(decoding: field, as: UTF8.self).debugDescription)"
                        )
                    }
                    guard Int(id) < size else {
                        throw TokenizerError.idOutOfRange(source: "\(file):\(lineNumber)", id: id, vocabularySize: size)
                    }
                    ids.append(id)
                }
                var text: [UInt8] = []
                tok.decodeBytes(ids, skipSpecialTokens: skipSpecial).withUnsafeBufferPointer {
                    UTF8Validation.appendReplacingInvalid($0, to: &text)
                }
                text.append(0x0A)
                try writer.write(text)
            }
            try TextChunkReader(path: file, options: .init(allowEmpty: true)).forEachChunk { chunk, _ in
                carry.append(contentsOf: chunk)
                var start = 0
                for i in 0..<carry.count where carry[i] == 0x0A {
                    var end = i
                    if end > start && carry[end - 1] == 0x0D { end -= 1 }
                    try decodeLine(carry[start..<end])
                    start = i + 1
                }
                carry.removeFirst(start)
            }
            if !carry.isEmpty { try decodeLine(carry[...]) }
        }
        try writer.commit()
    }

    /// Decodes a shard in slices of ids through a ``StreamingDecoder``, so memory stays bounded
    /// whatever its size and whatever the decoder, with the text of decoding all ids at once.
    private func decodeShard(_ tok: Tokenizer, into writer: AtomicFileWriter) throws {
        let (count, width) = try TokenShard.readHeader(file)
        guard let handle = FileHandle(forReadingAtPath: file) else { throw FileError.unreadable(path: file, reason: "cannot open") }
        defer { try? handle.close() }
        handle.seek(toFileOffset: UInt64(TokenShard.headerBytes))
        let size = tok.vocabularySize
        let slice = 1 << 20
        var decoder = StreamingDecoder(tokenizer: tok, skipSpecialTokens: skipSpecial)
        decoder.sliceTokens = 1 << 18
        var carry: [UInt8] = []
        // Writes the text decoded so far; a character cut at its end waits for the rest (byte-level).
        func flush(final: Bool) throws {
            let keep = final ? 0 : DecodeCommand.incompleteTail(carry)
            try carry[..<(carry.count - keep)].withUnsafeBufferPointer { whole in
                if UTF8Validation.firstInvalidOffset(whole) == nil { return try writer.write(whole) }
                var text: [UInt8] = []
                UTF8Validation.appendReplacingInvalid(whole, to: &text)
                try writer.write(text)
            }
            carry.removeFirst(carry.count - keep)
        }
        var done = 0
        var ids: [UInt32] = []
        while done < count {
            let n = min(slice, count - done)
            let data = handle.readData(ofLength: n * width)
            guard data.count == n * width else {
                throw FileError.unreadable(path: file, reason: "ended early at byte \(TokenShard.headerBytes + done * width + data.count)")
            }
            ids.removeAll(keepingCapacity: true)
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                if width == 2 {
                    for i in 0..<n { ids.append(UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
                } else {
                    for i in 0..<n { ids.append(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
                }
            }
            if let k = ids.firstIndex(where: { Int($0) >= size }) {
                throw TokenizerError.idOutOfRange(source: "\(file) (token \(done + k))", id: ids[k], vocabularySize: size)
            }
            try decoder.add(ids) { text in
                carry += text
                try flush(final: false)
            }
            done += n
        }
        try decoder.finish { carry += $0 }
        try flush(final: true)
    }

    /// The length of an unfinished UTF-8 sequence at the end of `bytes` (0 when it ends whole).
    static func incompleteTail(_ bytes: [UInt8]) -> Int {
        for back in 1...min(3, bytes.count) {
            let b = bytes[bytes.count - back]
            if b & 0xC0 == 0x80 { continue }
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            return length > back ? back : 0
        }
        return 0
    }
}
