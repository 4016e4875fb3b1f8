import ArgumentParser
import ArtifactIO
import Foundation
import TextNormalization
import Tokenization

/// `tessera encode`: text to token ids (per line as text, or a whole stream as llm.c shards).
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode text with a tokenizer: ids, tokens or JSON lines per input line, or an llm.c .bin token shard.",
        discussion: """
            ids/tokens/jsonl: one output line per input line (its terminator not encoded), like \
            Hugging Face encode(line, add_special_tokens=False). bin: the whole text, newlines \
            included, as one token stream (uint16 ids when the vocabulary has ≤ 65,536 tokens, \
            else uint32); --eot puts the end-of-text token between files.

            Example: tessera encode --tokenizer Vocab/en-byte-bpe-8k.json --format bin -o train.bin Corpora/en/*.txt
            """
    )

    @Option(help: "Tokenizer: tokenizer.json, vocab.txt, or vocab.json (with merges.txt beside it).")
    var tokenizer: String

    @Option(help: "Output: ids | tokens | jsonl | bin.")
    var format: String = "ids"

    @Flag(help: "jsonl: add each token's byte range in its line.")
    var offsets = false

    @Flag(name: .customLong("add-special"), help: "Add the post-processor's special tokens (e.g. [CLS] … [SEP]) to each line.")
    var addSpecial = false

    @Flag(name: .customLong("split-special"), help: "Treat special/added token strings in the text as plain text (by default they are matched whole, as Hugging Face does).")
    var splitSpecial = false

    @Flag(help: "bin: put the end-of-text token between input files.")
    var eot = false

    @Flag(name: .customLong("replace-invalid"), help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var replaceInvalid = false

    @Option(help: "Worker threads.")
    var threads: Int = 1

    @Option(name: .shortAndLong, help: "Output file (default: standard output; required for bin).")
    var output: String = "-"

    @Argument(help: "Input text files (default: standard input).")
    var files: [String] = []

    func run() throws {
        let inputs = files.isEmpty ? ["-"] : files
        for path in inputs { try TextChunkReader.checkReadable(path) }
        guard threads >= 1 else { throw TokenizerError.invalidOption("--threads must be at least 1") }
        var tok = try Tokenizer.load(fromFile: tokenizer)
        tok.matchAddedTokens = !splitSpecial
        var encoder = CorpusEncoder(tokenizer: tok, threads: threads)
        encoder.replaceInvalid = replaceInvalid
        if format == "bin" {
            guard output != "-" else { throw TokenizerError.invalidOption("--format bin needs -o FILE") }
            var separator: UInt32? = nil
            if eot {
                guard let id = tok.endOfTextID else { throw TokenizerError.invalidOption("\(tokenizer): --eot: the tokenizer has no end-of-text token") }
                separator = id
            }
            let progress = ProgressReporter(label: "encode")
            // Ids go to a body file as they come (bounded memory); the shard is then written
            // with its header, atomically, and the body file removed.
            let width = TokenShard.bytesPerToken(vocabularySize: tok.vocabularySize)
            let bodyPath = output + ".ids-partial"
            let body = try AtomicFileWriter(path: bodyPath)
            var count = 0
            var bytes: [UInt8] = []
            try encoder.encodeStream(paths: inputs, separator: separator, progress: { progress.update(bytes: $0) }) { ids in
                bytes.removeAll(keepingCapacity: true)
                TokenShard.appendIDs(ids, bytesPerToken: width, to: &bytes)
                try body.write(bytes)
                count += ids.count
            }
            try body.commit()
            defer { unlink(bodyPath) }
            let shard = try AtomicFileWriter(path: output)
            try shard.write(TokenShard.header(count: count, bytesPerToken: width))
            try copyFile(bodyPath, into: shard)
            try shard.commit()
            progress.finish("\(count) tokens → \(output)")
            return
        }
        guard let lineFormat = CorpusEncoder.LineFormat(rawValue: format) else {
            throw TokenizerError.invalidOption("--format \(format): expected ids, tokens, jsonl or bin")
        }
        let writer = try AtomicFileWriter(path: output)
        try encoder.encodeLines(paths: inputs, format: lineFormat, addSpecialTokens: addSpecial, offsets: offsets) { try writer.write($0) }
        try writer.commit()
    }

    /// Appends the bytes of the file at `path` to `writer`, 1 MiB at a time.
    private func copyFile(_ path: String, into writer: AtomicFileWriter) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError.unreadable(path: path, reason: "cannot open") }
        defer { try? handle.close() }
        while true {
            let data = handle.readData(ofLength: 1 << 20)
            if data.isEmpty { break }
            try writer.write([UInt8](data))
        }
    }
}
