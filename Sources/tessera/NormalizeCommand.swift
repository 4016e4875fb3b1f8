import ArgumentParser
import ArtifactIO
import TextNormalization

extension NormalizationForm: ExpressibleByArgument {}

/// `tessera normalize`: Unicode normalization and clean-up of text files, streamed in chunks.
struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize UTF-8 text (NFC/NFD/NFKC/NFKD, case, accents, clean-up).",
        discussion: """
            Streams each FILE (standard input when none is given) in 1 MiB chunks, so memory stays \
            flat whatever the file or line length. Invalid UTF-8 stops with an error naming the \
            file and byte offset, unless --replace-invalid. With -o the output appears only when \
            complete.

            Example: tessera normalize --form nfkc --lowercase Corpora/en/alice29.txt -o alice.txt
            """
    )

    @Option(help: "Normalization form: \(NormalizationForm.allCases.map(\.rawValue).joined(separator: "|")).")
    var form: NormalizationForm = .nfc

    @Flag(help: "Lowercase (full Unicode mappings, context-free).")
    var lowercase = false

    @Flag(name: .customLong("case-fold"), help: "Full Unicode case folding.")
    var caseFold = false

    @Flag(name: .customLong("strip-accents"), help: "Remove nonspacing marks after decomposition.")
    var stripAccents = false

    @Flag(help: "BERT clean-up: drop NUL, U+FFFD and control characters; map other whitespace to space (line ends are kept).")
    var clean = false

    @Flag(name: .customLong("replace-invalid"), help: "Replace invalid UTF-8 with U+FFFD (and accept NUL bytes) instead of failing.")
    var replaceInvalid = false

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Argument(help: "Input files (default: standard input).")
    var files: [String] = []

    func validate() throws {
        try AtomicFileWriter.check(output ?? "-", inputs: files)
    }

    func run() throws {
        let inputs = files.isEmpty ? ["-"] : files
        for path in inputs { try TextChunkReader.checkReadable(path) }
        let normalizer = Normalizer(
            form: form, lowercase: lowercase, caseFold: caseFold,
            stripAccents: stripAccents, clean: clean, keepNewlines: true)
        let writer = try AtomicFileWriter(path: output ?? "-", inputs: files)
        var scratch = NormalizationScratch()
        var buffer: [UInt8] = []
        let options = TextChunkReader.Options(replaceInvalid: replaceInvalid, rejectNUL: !replaceInvalid)
        for path in inputs {
            let reader = try TextChunkReader(path: path, options: options)
            try reader.forEachChunk { chunk, _ in
                buffer.removeAll(keepingCapacity: true)
                normalizer.normalize(chunk, into: &buffer, scratch: &scratch)
                try writer.write(buffer)
            }
        }
        try writer.commit()
    }
}
