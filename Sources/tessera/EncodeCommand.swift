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
            else uint32); --eot puts the end-of-text token between files. With no files, standard \
            input is read. --field NAME reads JSON lines instead: the string field NAME of each line \
            is one document — one output line each (ids/tokens/jsonl), or encoded like a file of its \
            own (bin, --eot between documents).

            Example: tessera encode --tokenizer Vocab/en-byte-bpe-8k.json --format bin -o train.bin Corpora/en/*.txt
            Example: tessera encode --tokenizer tok.json --field text --format jsonl < docs.jsonl > ids.jsonl
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

    @Flag(
        name: .customLong("split-special"),
        help: "Treat special/added token strings in the text as plain text (by default they are matched whole, as Hugging Face does).")
    var splitSpecial = false

    @Flag(help: "bin: put the end-of-text token between input files.")
    var eot = false

    @Flag(name: .customLong("replace-invalid"), help: "Replace invalid UTF-8 with U+FFFD instead of stopping with an error.")
    var replaceInvalid = false

    @Option(help: "Worker threads.")
    var threads: Int = 1

    @Option(help: "Read JSON lines and encode this string field of each line as one document.")
    var field: String?

    @Option(name: .shortAndLong, help: "Output file (default: standard output; required for bin).")
    var output: String = "-"

    @Argument(help: "Input text files (default: standard input).")
    var files: [String] = []

    func validate() throws {
        try OptionCheck.threads(threads)
        guard format == "bin" || CorpusEncoder.LineFormat(rawValue: format) != nil else {
            throw ValidationError("--format \(format): expected ids, tokens, jsonl or bin")
        }
        if format == "bin" && output == "-" { throw ValidationError("--format bin needs -o FILE") }
        for path in files { try OptionCheck.readable("input", path) }
        try OptionCheck.readable("--tokenizer", tokenizer)
        try AtomicFileWriter.check(output, inputs: files + [tokenizer])
    }

    func run() throws {
        let inputs = files.isEmpty ? ["-"] : files
        for path in inputs { try TextChunkReader.checkReadable(path) }
        if let field, field.isEmpty { throw TokenizerError.invalidOption("--field needs a field name") }
        let source = DocumentSource(paths: inputs, field: field, options: .init(replaceInvalid: replaceInvalid))
        var tok = try Tokenizer.load(fromFile: tokenizer)
        tok.matchAddedTokens = !splitSpecial
        var encoder = CorpusEncoder(tokenizer: tok, threads: threads)
        encoder.replaceInvalid = replaceInvalid
        if format == "bin" {
            var separator: UInt32? = nil
            if eot {
                guard let id = tok.endOfTextID else {
                    throw TokenizerError.invalidOption("\(tokenizer): --eot: the tokenizer has no end-of-text token")
                }
                separator = id
            }
            let progress = ProgressReporter(label: "encode")
            // Ids stream into the shard's temporary file behind a placeholder header (bounded
            // memory); the header with the final count is written over it before the rename.
            let width = TokenShard.bytesPerToken(vocabularySize: tok.vocabularySize)
            let shard = try AtomicFileWriter(path: output, inputs: inputs + [tokenizer])
            guard shard.isSeekable else {
                throw TokenizerError.invalidOption("--format bin: -o \(output) must be a regular file (the header is written last)")
            }
            try shard.write(TokenShard.header(count: 0, bytesPerToken: width))
            var count = 0
            var bytes: [UInt8] = []
            try encoder.encodeStream(source, separator: separator, progress: { progress.update(bytes: $0) }) { ids in
                bytes.removeAll(keepingCapacity: true)
                TokenShard.appendIDs(ids, bytesPerToken: width, to: &bytes)
                try shard.write(bytes)
                count += ids.count
            }
            guard count <= Int(Int32.max) else {
                throw TokenizerError.invalidOption(
                    "--format bin: \(count) tokens do not fit the shard header's 32-bit count; split the input")
            }
            try shard.overwrite(TokenShard.header(count: count, bytesPerToken: width), at: 0)
            try shard.commit()
            progress.finish("\(count) tokens → \(output)")
            return
        }
        guard let lineFormat = CorpusEncoder.LineFormat(rawValue: format) else {
            throw TokenizerError.invalidOption("--format \(format): expected ids, tokens, jsonl or bin")
        }
        let writer = try AtomicFileWriter(path: output, inputs: inputs + [tokenizer])
        try encoder.encodeLines(source, format: lineFormat, addSpecialTokens: addSpecial, offsets: offsets) { try writer.write($0) }
        try writer.commit()
    }
}
