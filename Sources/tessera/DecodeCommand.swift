import ArgumentParser
import ArtifactIO
import TextNormalization
import Tokenization

/// `tessera decode`: token ids back to text.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode token ids (a .bin shard, or text with one line of space-separated ids per line) to text.",
        discussion: "Example: tessera decode --tokenizer Vocab/en-byte-bpe-8k.json train.bin > train.txt"
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
            let shard = try TokenShard.read(file)
            if let bad = shard.ids.first(where: { Int($0) >= size }) { throw TokenizerError.idOutOfRange(source: file, id: bad, vocabularySize: size) }
            try writer.write(tok.decodeBytes(shard.ids, skipSpecialTokens: skipSpecial))
        } else {
            var lineNumber = 0
            var carry: [UInt8] = []
            func decodeLine(_ line: ArraySlice<UInt8>) throws {
                lineNumber += 1
                var ids: [UInt32] = []
                for field in line.split(separator: 0x20) {
                    guard let id = UInt32(String(decoding: field, as: UTF8.self)) else {
                        throw TokenizerError.malformed(source: "\(file):\(lineNumber)", what: "expected token ids separated by spaces, found \(String(decoding: field, as: UTF8.self).debugDescription)")
                    }
                    guard Int(id) < size else { throw TokenizerError.idOutOfRange(source: "\(file):\(lineNumber)", id: id, vocabularySize: size) }
                    ids.append(id)
                }
                try writer.write(tok.decodeBytes(ids, skipSpecialTokens: skipSpecial) + [0x0A])
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
}
