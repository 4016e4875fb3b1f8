import ArgumentParser
import Foundation
import MaskedLM
import Tokenization

/// `tessera classify`: labels for texts with a fine-tuned classifier.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label each line of a text file (or each text argument) with a fine-tuned classifier.",
        discussion: """
            Prints one JSON line per text: {"label", "probability"}.

            Example: tessera classify --model runs/bert-cls --text "Could not open file %s"
            """
    )

    @Option(help: "Fine-tuned run directory (fine-tune output).") var model: String
    @Option(help: "A text to classify (repeatable).") var text: [String] = []
    @Option(help: "Threads.") var threads: Int = 1
    @Argument(help: "Text files, one text per line.") var files: [String] = []

    func validate() throws {
        if text.isEmpty && files.isEmpty { throw ValidationError("give --text or at least one file") }
        if threads < 1 { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        let bert = try MaskedLMCheckpoint.loadModel(model, threads: threads)
        let tokenizerPath = MaskedLMCheckpoint.resolve(model) + "/tokenizer.json"
        let tok = try TokenizerFile.load(tokenizerPath)
        let classifier = try SequenceClassifier(
            model: bert, tokenizer: tok, specials: try SpecialTokenIDs(tokenizer: tok, source: tokenizerPath))
        var texts = text
        for file in files {
            guard let data = FileManager.default.contents(atPath: file), let s = String(data: data, encoding: .utf8) else {
                throw MaskedLMError.invalidOption("\(file): cannot read UTF-8 text")
            }
            texts += s.split(whereSeparator: { $0.isNewline }).map(String.init).filter { !$0.allSatisfy { $0.isWhitespace } }
        }
        if let empty = texts.firstIndex(where: { $0.allSatisfy { $0.isWhitespace } }) {
            throw MaskedLMError.invalidOption("text \(empty + 1) is empty")
        }
        let predictions = try classifier.predict(texts.map { classifier.encode($0).ids })
        var out = ""
        for p in predictions {
            let line = try JSONSerialization.data(
                withJSONObject: ["label": bert.config.classLabels[p.label], "probability": p.probabilities[p.label]],
                options: [.sortedKeys])
            out += String(decoding: line, as: UTF8.self) + "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
