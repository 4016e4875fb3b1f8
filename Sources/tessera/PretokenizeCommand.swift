import ArgumentParser
import ArtifactIO
import TextNormalization

extension PreTokenizerStyle: ExpressibleByArgument {}

/// `tessera pretokenize`: prints the pieces a pre-tokenizer makes, one per line.
struct PretokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretokenize",
        abstract: "Split text into pre-tokenizer pieces, one per line (for inspection and parity checks).",
        discussion: """
            gpt2 pieces are printed in GPT-2's byte-level alphabet (a space is Ġ, a line feed Ċ), \
            as Hugging Face shows them. With --offsets each line is PIECE<TAB>START<TAB>END, byte \
            offsets into the input.

            Example: tessera pretokenize --style bert Corpora/en/alice29.txt | head
            """
    )

    @Option(help: "Pre-tokenizer: \(PreTokenizerStyle.allCases.map(\.rawValue).joined(separator: "|")).")
    var style: PreTokenizerStyle = .gpt2

    @Flag(help: "Print the byte range of each piece after it.")
    var offsets = false

    @Argument(help: "Input files (default: standard input).")
    var files: [String] = []

    func run() throws {
        let inputs = files.isEmpty ? ["-"] : files
        for path in inputs { try TextChunkReader.checkReadable(path) }
        let preTokenizer = style.makePreTokenizer()
        let writer = AtomicFileWriter.standardOutput()
        var pieces: [Range<Int>] = []
        var line: [UInt8] = []
        for path in inputs {
            let reader = try TextChunkReader(path: path)
            try reader.forEachChunk { chunk, chunkOffset in
                pieces.removeAll(keepingCapacity: true)
                preTokenizer.split(chunk, into: &pieces)
                for range in pieces {
                    line.removeAll(keepingCapacity: true)
                    let bytes = UnsafeBufferPointer(rebasing: chunk[range])
                    if style == .gpt2 {
                        ByteLevelAlphabet.append(bytes, to: &line)
                    } else {
                        line.append(contentsOf: bytes)
                    }
                    if offsets {
                        line.append(contentsOf: Array("\t\(chunkOffset + range.lowerBound)\t\(chunkOffset + range.upperBound)".utf8))
                    }
                    line.append(0x0A)
                    try writer.write(line)
                }
            }
        }
        try writer.commit()
    }
}
