import ArgumentParser
import Foundation
import MaskedLM
import Tokenization

extension SentenceEmbedding.Pooling: ExpressibleByArgument {}

/// `tessera embed`: sentence vectors from a masked-LM encoder, one JSON line per input line.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Sentence vectors ([CLS] or mean pooling) from a masked-LM model, one JSON line per line of input.",
        discussion: """
            Each non-empty line of FILE becomes {"line": N, "vector": [...]}; with --query, the lines are \
            instead ranked by cosine similarity to the query ({"line", "similarity", "text"}).

            Example: tessera embed --model runs/bert --pooling mean --query "the queen of hearts" sentences.txt
            """
    )

    @Option(help: "Masked-LM run directory.") var model: String
    @Option(help: "Pooling: cls or mean.") var pooling: SentenceEmbedding.Pooling = .mean
    @Option(help: "Rank the lines by similarity to this text instead of printing vectors.") var query: String?
    @Option(name: .customLong("top-k"), help: "With --query: lines to print.") var topK: Int = 10
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Argument(help: "Text file, one sentence per line.") var file: String

    func validate() throws {
        if topK < 1 || threads < 1 { throw ValidationError("--top-k and --threads must be positive") }
        if let query, query.allSatisfy({ $0.isWhitespace }) { throw ValidationError("--query is empty") }
    }

    func run() throws {
        let bert = try MaskedLMCheckpoint.loadModel(model, threads: threads)
        let tokenizerPath = MaskedLMCheckpoint.resolve(model) + "/tokenizer.json"
        let tok = try TokenizerFile.load(tokenizerPath)
        let specials = try SpecialTokenIDs(tokenizer: tok, source: tokenizerPath)
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw MaskedLMError.invalidOption("\(file): cannot read UTF-8 text")
        }
        let numbered = text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).enumerated()
            .map { ($0.offset + 1, String($0.element)) }.filter { !$0.1.allSatisfy { $0.isWhitespace } }
        if numbered.isEmpty { throw MaskedLMError.invalidOption("\(file): no non-empty lines") }
        let (vectors, truncated) = try SentenceEmbedding.embed(
            bert, tokenizer: tok, specials: specials, texts: numbered.map(\.1), pooling: pooling)
        if truncated > 0 {
            FileHandle.standardError.write(Data("embed: \(truncated) lines truncated to \(bert.config.maxPositions) tokens\n".utf8))
        }
        var out = ""
        if let query {
            let q = try SentenceEmbedding.embed(bert, tokenizer: tok, specials: specials, texts: [query], pooling: pooling).vectors[0]
            func cosine(_ a: [Float], _ b: [Float]) -> Double {
                var dot: Double = 0, na: Double = 0, nb: Double = 0
                for i in a.indices { dot += Double(a[i] * b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i]) }
                return dot / max((na * nb).squareRoot(), 1e-12)
            }
            let ranked = vectors.indices.map { ($0, cosine(q, vectors[$0])) }.sorted { $0.1 > $1.1 }.prefix(topK)
            for (i, sim) in ranked {
                let line = try JSONSerialization.data(
                    withJSONObject: ["line": numbered[i].0, "similarity": sim, "text": numbered[i].1], options: [.sortedKeys])
                out += String(decoding: line, as: UTF8.self) + "\n"
            }
        } else {
            for (i, v) in vectors.enumerated() {
                let line = try JSONSerialization.data(
                    withJSONObject: ["line": numbered[i].0, "vector": v.map { Double($0) }], options: [.sortedKeys])
                out += String(decoding: line, as: UTF8.self) + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
