import ArgumentParser
import EncoderDecoder

extension Seq2SeqConfig.Architecture: ExpressibleByArgument {}
extension Seq2SeqConfig.Norm: ExpressibleByArgument {}
extension CorpusSplit.Part: ExpressibleByArgument {}

/// The parallel text a translation command reads: a JSONL file with named fields, or two
/// line-aligned text files.
struct ParallelInput: ParsableArguments {
    @Option(help: "Sentence pairs as JSONL (one JSON object a line).") var pairs: String?
    @Option(name: .customLong("src-field"), help: "JSONL field of the source sentence.") var srcField: String = "en"
    @Option(name: .customLong("tgt-field"), help: "JSONL field of the target sentence.") var tgtField: String = "ko"
    @Option(name: .customLong("source"), help: "Instead of --pairs: source sentences, one a line (line-aligned with --target).")
    var sourceFile: String?
    @Option(name: .customLong("target"), help: "Instead of --pairs: target sentences, one a line.") var targetFile: String?

    func validate() throws {
        switch (pairs, sourceFile, targetFile) {
        case (.some(let pairs), nil, nil):
            try OptionCheck.readable("--pairs", pairs)
        case (nil, .some(let source), .some(let target)):
            try OptionCheck.readable("--source", source)
            try OptionCheck.readable("--target", target)
        default:
            throw ValidationError("give either --pairs FILE.jsonl or both --source FILE and --target FILE")
        }
        guard !srcField.isEmpty, !tgtField.isEmpty, srcField != tgtField else {
            throw ValidationError("--src-field and --tgt-field must be two different non-empty names")
        }
    }

    /// The files given (so an output path can be checked against them).
    var inputPaths: [String] { [pairs, sourceFile, targetFile].compactMap { $0 } }

    /// Reads the corpus (empty sides skipped and counted).
    func read() throws -> ParallelCorpus {
        if let pairs { return try ParallelCorpusReader.readJSONL(path: pairs, sourceField: srcField, targetField: tgtField) }
        guard let sourceFile, let targetFile else { throw ValidationError("give either --pairs or --source and --target") }
        return try ParallelCorpusReader.readAligned(sourcePath: sourceFile, targetPath: targetFile)
    }
}
