import ArgumentParser
import Foundation
import MaskedLM
import Tokenization

/// `tessera fill-mask`: the most probable tokens for each `[MASK]` of a text.
struct FillMaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill-mask",
        abstract: "Predict the tokens behind [MASK] with a masked-LM model.",
        discussion: """
            Prints, for each [MASK] in the text, the --top-k tokens with their probabilities; with \
            --json one line per mask: a list of {"id", "token", "probability"}.

            Example: tessera fill-mask --model runs/bert "alice was beginning to get very [MASK] of sitting"
            """
    )

    @Option(help: "Masked-LM run directory (train-mlm output).") var model: String
    @Option(name: .customLong("top-k"), help: "Candidates per mask.") var topK: Int = 5
    @Flag(help: "One JSON line per mask.") var json = false
    @Option(help: "Threads.") var threads: Int = 1
    @Argument(help: "Text with one or more [MASK] tokens.") var text: String

    func validate() throws {
        if topK < 1 { throw ValidationError("--top-k must be at least 1, got \(topK)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if text.allSatisfy({ $0.isWhitespace }) { throw ValidationError("the text is empty") }
    }

    func run() throws {
        let bert = try MaskedLMCheckpoint.loadModel(model, threads: threads)
        let tokenizerPath = MaskedLMCheckpoint.resolve(model) + "/tokenizer.json"
        let tok = try TokenizerFile.load(tokenizerPath)
        let specials = try SpecialTokenIDs(tokenizer: tok, source: tokenizerPath)
        let result = try FillMask.predict(bert, tokenizer: tok, specials: specials, text: text, topK: topK)
        if result.truncatedTokens > 0 {
            FileHandle.standardError.write(
                Data(
                    "fill-mask: text truncated by \(result.truncatedTokens) tokens to the model's \(bert.config.maxPositions) positions\n"
                        .utf8))
        }
        var out = ""
        for (m, candidates) in result.masks.enumerated() {
            if json {
                let items: [[String: Any]] = candidates.map { ["id": $0.id, "token": $0.token, "probability": $0.probability] }
                let line = try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys, .withoutEscapingSlashes])
                out += String(decoding: line, as: UTF8.self) + "\n"
            } else {
                out +=
                    "[MASK] \(m + 1):" + candidates.map { String(format: " %@ (%.3f)", $0.token, $0.probability) }.joined(separator: ",")
                    + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
