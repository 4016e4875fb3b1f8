import ArgumentParser
import ArtifactIO
import EncoderDecoder
import Foundation
import TensorOps
import TranslationMetrics

/// `tessera evaluate-seq2seq`: BLEU, chrF and loss of a translation model on sentence pairs.
struct EvaluateSeq2SeqCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-seq2seq",
        abstract: "Score a translation model: BLEU and chrF (sacreBLEU's defaults) and loss, as one JSON line.",
        discussion: """
            Translates every source sentence exactly as `translate` does with the same options and \
            scores the outputs against the targets with Tessera's BLEU (13a tokenizer, exponential \
            smoothing) and chrF (character order 6, word order 0, β 2) — sacreBLEU's defaults. `loss` \
            is the mean negative log-likelihood per target token (<eos> included) under teacher \
            forcing. Pairs with an empty side are skipped and counted (`skipped_empty`).

            Example: tessera evaluate-seq2seq --model runs/en-ko --pairs Corpora/parallel/en-ko.ui.sample.jsonl --split test
            """
    )

    @Option(help: "Model directory written by train-seq2seq.") var model: String
    @OptionGroup var input: ParallelInput
    @Option(help: "Score only this part of the deterministic split (train, dev, test); default: every pair.") var split: CorpusSplit.Part?
    @Option(name: .customLong("dev-per-mille"), help: "Split: per-mille of pairs in dev (as in train-seq2seq).") var devPerMille: Int = 50
    @Option(name: .customLong("test-per-mille"), help: "Split: per-mille of pairs in test.") var testPerMille: Int = 50
    @OptionGroup var decoding: DecodingArguments
    @Option(help: "Write the translations here, one per line.") var hypotheses: String?
    @Option(help: "Threads.") var threads: Int = 1

    func validate() throws {
        try OptionCheck.threads(threads)
        try OptionCheck.range("--dev-per-mille", devPerMille, 0...1000)
        try OptionCheck.range("--test-per-mille", testPerMille, 0...(1000 - devPerMille))
    }

    func run() throws {
        Matmul.setThreads(threads)
        let (network, vocabulary) = try Seq2SeqModelDirectory.load(model)
        network.threads = threads
        let corpus = try input.read()
        var pairs = corpus.pairs
        if let split {
            pairs = CorpusSplit(devPerMille: devPerMille, testPerMille: testPerMille).pairs(split, of: pairs)
            guard !pairs.isEmpty else { throw ValidationError("--split \(split.rawValue): no pair of \(corpus.origin) falls in this part") }
        }
        let translator = try Translator(model: network, vocabulary: vocabulary, options: decoding.options)
        let start = DispatchTime.now().uptimeNanoseconds
        var outputs: [String] = []
        var truncatedSources = 0
        for (index, pair) in pairs.enumerated() {
            let result = translator.translate(pair.source)
            if result.truncated { truncatedSources += 1 }
            outputs.append(result.text)
            if (index + 1) % 100 == 0 { FileHandle.standardError.write(Data("translated \(index + 1)/\(pairs.count)\n".utf8)) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let references = pairs.map(\.target)
        let bleu = try BLEU().corpusScore(hypotheses: outputs, references: references)
        let chrf = try CHRF().corpusScore(hypotheses: outputs, references: references)
        let encoder = try ExampleEncoder(
            vocabulary: vocabulary, maxSourceLength: network.config.maxSourceLength,
            maxTargetLength: network.config.maxTargetLength)
        let (examples, report) = encoder.encode(pairs)
        let loss = try Seq2SeqTrainer.loss(of: network, examples: examples, batchTokens: 4096)
        if let hypotheses {
            let text = outputs.map { $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
            try AtomicFileWriter.write(
                Array(text.utf8), to: hypotheses, inputs: [input.pairs, input.sourceFile, input.targetFile].compactMap { $0 })
        }
        let fields: [(String, String)] = [
            ("bleu", String(format: "%.4f", bleu.score)),
            ("chrf", String(format: "%.4f", chrf.score)),
            ("loss", String(format: "%.6f", loss)),
            ("sentences", String(pairs.count)),
            ("skipped_empty", String(corpus.skippedEmpty)),
            ("truncated_sources", String(truncatedSources)),
            ("truncated_targets", String(report.truncatedTargets)),
            ("split", "\"\(split?.rawValue ?? "all")\""),
            ("beam", String(decoding.beam)),
            ("length_penalty", String(decoding.lengthPenalty)),
            ("max_length_ratio", String(decoding.maxLengthRatio)),
            ("max_length_offset", String(decoding.maxLengthOffset)),
            ("bleu_signature", "\"\(BLEU.signature)\""),
            ("chrf_signature", "\"\(CHRF.signature)\""),
            ("bleu_settings", "{\"tokenize\":\"13a\",\"smooth_method\":\"exp\",\"lowercase\":false,\"max_ngram_order\":4}"),
            (
                "chrf_settings",
                "{\"char_order\":\(CHRF.charOrder),\"word_order\":\(CHRF.wordOrder),\"beta\":\(CHRF.beta),\"lowercase\":false,\"whitespace\":false}"
            ),
            ("decode_seconds", String(format: "%.2f", seconds)),
        ]
        print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
    }
}
