import ArgumentParser
import EncoderDecoder
import Foundation
import TensorOps

/// `tessera translate`: one line in, one line out.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate text with a model trained by train-seq2seq: one line in, one line out.",
        discussion: """
            Reads FILE (or standard input with - or no FILE) and writes one translation per input \
            line to standard output. A line longer than the model's maximum source length is \
            truncated; the count is reported on standard error.

            Example: echo "Authentication failure" | tessera translate --model runs/en-ko --beam 5
            """
    )

    @Option(help: "Model directory written by train-seq2seq.") var model: String
    @OptionGroup var decoding: DecodingArguments
    @Option(help: "Threads.") var threads: Int = 1
    @Argument(help: "Input file (- or none: standard input).") var file: String?

    func validate() throws {
        try OptionCheck.threads(threads)
        if let file { try OptionCheck.readable("FILE", file) }
    }

    func run() throws {
        Matmul.setThreads(threads)
        let (network, vocabulary) = try Seq2SeqModelDirectory.load(model)
        network.threads = threads
        let translator = try Translator(model: network, vocabulary: vocabulary, options: decoding.options)
        let handle: FileHandle
        if let file, file != "-" {
            guard let opened = FileHandle(forReadingAtPath: file) else { throw ValidationError("FILE \(file): not readable") }
            handle = opened
        } else {
            handle = FileHandle.standardInput
        }
        var truncated = 0, lines = 0
        var pending = [UInt8]()
        func emit(_ line: ArraySlice<UInt8>) {
            var bytes = line
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            let text = String(decoding: bytes, as: UTF8.self)
            let result = translator.translate(text)
            if result.truncated { truncated += 1 }
            lines += 1
            FileHandle.standardOutput.write(Data((result.text.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
        }
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                emit(pending[..<newline])
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { emit(pending[...]) }
        FileHandle.standardError.write(
            Data("translated \(lines) lines; \(truncated) truncated to the model's \(network.config.maxSourceLength) source tokens\n".utf8))
    }
}
