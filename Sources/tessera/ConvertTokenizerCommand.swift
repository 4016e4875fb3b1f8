import ArgumentParser
import ArtifactIO
import Foundation
import Tokenization

/// The split pattern of a `.tiktoken` rank file, as a typed option.
extension TiktokenFile.Pattern: ExpressibleByArgument {}

/// `tessera convert-tokenizer`: any tokenizer file Tessera reads, written as a Hugging Face `tokenizer.json`.
struct ConvertTokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-tokenizer",
        abstract:
            "Write a tokenizer (tokenizer.json, SentencePiece .model, tiktoken .tiktoken, vocab.txt, vocab.json + merges.txt) as tokenizer.json.",
        discussion: """
            The output loads in Hugging Face tokenizers (Tokenizer.from_file) and encodes as Tessera \
            encodes the input. A .tiktoken file has no split pattern of its own: it is guessed from the \
            file name (cl100k, o200k, llama, gpt2) or given with --pattern.

            Example: tessera convert-tokenizer llama3.tiktoken --pattern llama3 -o tokenizer.json
            """
    )

    @Option(help: "tiktoken: the split pattern (\(TiktokenFile.Pattern.allCases.map(\.rawValue).joined(separator: ", "))).")
    var pattern: TiktokenFile.Pattern?

    @Option(name: .shortAndLong, help: "Output tokenizer.json.")
    var output: String

    @Argument(help: "The tokenizer file to convert.")
    var input: String

    func validate() throws {
        try OptionCheck.readable("input", input)
        if pattern != nil && !input.hasSuffix(".tiktoken") { throw ValidationError("--pattern applies to .tiktoken files only") }
        try AtomicFileWriter.check(output, inputs: [input])
    }

    func run() throws {
        let tokenizer = input.hasSuffix(".tiktoken") ? try TiktokenFile.load(input, pattern: pattern) : try Tokenizer.load(fromFile: input)
        try AtomicFileWriter.write(Array(TokenizerFile.json(tokenizer).utf8), to: output)
        FileHandle.standardError.write(Data("convert-tokenizer: \(tokenizer.vocabularySize) tokens → \(output)\n".utf8))
    }
}
