import ArgumentParser
import Foundation
import MaskedLM
import Tokenization
import TransformerLM

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

    @Option(help: "Fine-tuned run directory (fine-tune output: BERT or GPT).") var model: String
    @Option(help: "A text to classify (repeatable).") var text: [String] = []
    @Option(help: "Threads.") var threads: Int = 1
    @Argument(help: "Text files, one text per line.") var files: [String] = []

    func validate() throws {
        if text.isEmpty && files.isEmpty { throw ValidationError("give --text or at least one file") }
        if threads < 1 { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
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
        let labels: [String], predictions: [(label: Int, probabilities: [Double])]
        if LastTokenClassifier.isClassifier(model) {
            // A GPT fine-tuned on the last token (fine-tune of a train-lm run).
            let gpt = try LastTokenClassifier.load(model, threads: threads)
            let codec = try loadModelTokenCodec(model, vocabularySize: gpt.model.config.vocabSize)
            let context = gpt.model.config.contextLength
            let sequences = try texts.enumerated().map { i, t in
                let ids = codec.encode(t).prefix(context).map { Int32(bitPattern: $0) }
                if ids.isEmpty { throw MaskedLMError.invalidOption("text \(i + 1) encodes to no tokens") }
                return Array(ids)
            }
            labels = gpt.labels
            predictions = try gpt.predict(sequences)
        } else {
            let bert = try MaskedLMCheckpoint.loadModel(model, threads: threads)
            let tokenizerPath = MaskedLMCheckpoint.resolve(model) + "/tokenizer.json"
            let tok = try TokenizerFile.load(tokenizerPath)
            let classifier = try SequenceClassifier(
                model: bert, tokenizer: tok, specials: try SpecialTokenIDs(tokenizer: tok, source: tokenizerPath))
            labels = bert.config.classLabels
            predictions = try classifier.predict(texts.map { classifier.encode($0).ids })
        }
        var out = ""
        for p in predictions {
            let line = try JSONSerialization.data(
                withJSONObject: ["label": labels[p.label], "probability": p.probabilities[p.label]],
                options: [.sortedKeys])
            out += String(decoding: line, as: UTF8.self) + "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
